/** Puts an execution role's trust policy back to a known document (the last-known-good one, or the current one without the offending principals). */
import { UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema';
import { documentDigest } from '../../iam/execution-role';
import { parseIamPolicyDocument } from '../../policy/iam-policy';
import { defineAction, failedOutcome, formatCall } from '../action';
import { DigestParam, DocumentParam, iamOf, readTrustDocument, RoleNameParam, stillJudged } from '../iam-role-access';

const Params = lazySchema(() => z.strictObject({
  roleName: RoleNameParam,
  /** The trust policy to set, JSON text. */
  policyDocument: DocumentParam,
  /** The judged trust policy's digest: a trust policy rewritten since is left alone. */
  documentDigest: DigestParam.optional(),
}));
type Params = z.infer<typeof Params>;

export const restoreTrustPolicy = defineAction<Params>({
  name: 'restore-trust-policy',
  permissions: ['iam:GetRole', 'iam:UpdateAssumeRolePolicy'],
  paramsSchema: Params,
  describe: (p) => formatCall('iam:UpdateAssumeRolePolicy', { RoleName: p.roleName, PolicyDocument: p.policyDocument }),
  async execute(clients, params) {
    try {
      const iam = iamOf(clients, 'restore-trust-policy');
      const before = await readTrustDocument(iam, params.roleName);
      if (before === null) return { status: 'already-compliant', detail: `the role ${params.roleName} no longer exists` };
      if (documentDigest(before) === documentDigest(parseIamPolicyDocument(params.policyDocument))) {
        return { status: 'already-compliant', detail: 'the trust policy is already the one to restore' };
      }
      if (!stillJudged(before, params.documentDigest)) return { status: 'already-compliant', detail: 'the trust policy changed since it was judged' };
      await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: params.roleName, PolicyDocument: params.policyDocument }));
      const verified = await this.verify(clients, params);
      return { status: 'remediated', verified, detail: `restored the trust policy of ${params.roleName}` };
    } catch (e: unknown) {
      return failedOutcome(e);
    }
  },
  async verify(clients, params) {
    const after = await readTrustDocument(iamOf(clients, 'restore-trust-policy'), params.roleName);
    return after !== null && documentDigest(after) === documentDigest(parseIamPolicyDocument(params.policyDocument));
  },
});
