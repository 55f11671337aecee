/** Puts an execution role's inline policy back to its last-known-good document. */
import { PutRolePolicyCommand } from '@aws-sdk/client-iam';
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema';
import { documentDigest } from '../../iam/execution-role';
import { parseIamPolicyDocument } from '../../policy/iam-policy';
import { defineAction, failedOutcome, formatCall } from '../action';
import { DigestParam, DocumentParam, iamOf, PolicyNameParam, readInlineDocument, RoleNameParam, stillJudged } from '../iam-role-access';

const Params = lazySchema(() => z.strictObject({
  roleName: RoleNameParam,
  policyName: PolicyNameParam,
  /** The last-known-good document, JSON text. */
  policyDocument: DocumentParam,
  documentDigest: DigestParam.optional(),
}));
type Params = z.infer<typeof Params>;

export const restoreRolePolicy = defineAction<Params>({
  name: 'restore-role-policy',
  permissions: ['iam:GetRolePolicy', 'iam:PutRolePolicy'],
  paramsSchema: Params,
  describe: (p) => formatCall('iam:PutRolePolicy', { RoleName: p.roleName, PolicyName: p.policyName, PolicyDocument: '(the last-known-good document)' }),
  async execute(clients, params) {
    try {
      const iam = iamOf(clients, 'restore-role-policy');
      const before = await readInlineDocument(iam, params.roleName, params.policyName);
      if (before === null) return { status: 'already-compliant', detail: `the inline policy ${params.policyName} no longer exists` };
      if (documentDigest(before) === documentDigest(parseIamPolicyDocument(params.policyDocument))) {
        return { status: 'already-compliant', detail: `the inline policy ${params.policyName} is already the last-known-good document` };
      }
      if (!stillJudged(before, params.documentDigest)) return { status: 'already-compliant', detail: `the inline policy ${params.policyName} changed since it was judged` };
      await iam.send(new PutRolePolicyCommand({ RoleName: params.roleName, PolicyName: params.policyName, PolicyDocument: params.policyDocument }));
      const verified = await this.verify(clients, params);
      return { status: 'remediated', verified, detail: `restored the last-known-good document of the inline policy ${params.policyName} of ${params.roleName}` };
    } catch (e: unknown) {
      return failedOutcome(e);
    }
  },
  async verify(clients, params) {
    const after = await readInlineDocument(iamOf(clients, 'restore-role-policy'), params.roleName, params.policyName);
    return after !== null && documentDigest(after) === documentDigest(parseIamPolicyDocument(params.policyDocument));
  },
});
