/** Deletes an inline policy from an execution role (when no earlier document exists to restore). */
import { DeleteRolePolicyCommand } from '@aws-sdk/client-iam';
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema';
import { defineAction, failedOutcome, formatCall } from '../action';
import { DigestParam, iamOf, PolicyNameParam, readInlineDocument, RoleNameParam, stillJudged } from '../iam-role-access';

const Params = lazySchema(() => z.strictObject({
  roleName: RoleNameParam,
  policyName: PolicyNameParam,
  /** The judged document's digest: a policy rewritten since is left alone (its own event judges it). */
  documentDigest: DigestParam.optional(),
}));
type Params = z.infer<typeof Params>;

export const deleteRolePolicy = defineAction<Params>({
  name: 'delete-role-policy',
  permissions: ['iam:GetRolePolicy', 'iam:DeleteRolePolicy'],
  paramsSchema: Params,
  describe: (p) => formatCall('iam:DeleteRolePolicy', { RoleName: p.roleName, PolicyName: p.policyName }),
  async execute(clients, params) {
    try {
      const iam = iamOf(clients, 'delete-role-policy');
      const before = await readInlineDocument(iam, params.roleName, params.policyName);
      if (before === null) return { status: 'already-compliant', detail: `the inline policy ${params.policyName} no longer exists` };
      if (!stillJudged(before, params.documentDigest)) return { status: 'already-compliant', detail: `the inline policy ${params.policyName} changed since it was judged` };
      await iam.send(new DeleteRolePolicyCommand({ RoleName: params.roleName, PolicyName: params.policyName }));
      const verified = await this.verify(clients, params);
      return { status: 'remediated', verified, detail: `deleted the inline policy ${params.policyName} of ${params.roleName}` };
    } catch (e: unknown) {
      return failedOutcome(e);
    }
  },
  async verify(clients, params) {
    return (await readInlineDocument(iamOf(clients, 'delete-role-policy'), params.roleName, params.policyName)) === null;
  },
});
