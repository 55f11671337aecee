/** Detaches a managed policy from an execution role. */
import { DetachRolePolicyCommand } from '@aws-sdk/client-iam';
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema';
import { defineAction, failedOutcome, formatCall } from '../action';
import { iamOf, PolicyArnParam, readAttachedArns, RoleNameParam } from '../iam-role-access';

const Params = lazySchema(() => z.strictObject({ roleName: RoleNameParam, policyArn: PolicyArnParam }));
type Params = z.infer<typeof Params>;

export const detachRolePolicy = defineAction<Params>({
  name: 'detach-role-policy',
  permissions: ['iam:ListAttachedRolePolicies', 'iam:DetachRolePolicy'],
  paramsSchema: Params,
  describe: (p) => formatCall('iam:DetachRolePolicy', { RoleName: p.roleName, PolicyArn: p.policyArn }),
  async execute(clients, params) {
    try {
      const iam = iamOf(clients, 'detach-role-policy');
      const before = await readAttachedArns(iam, params.roleName);
      if (before === null) return { status: 'already-compliant', detail: `the role ${params.roleName} no longer exists` };
      if (!before.includes(params.policyArn)) return { status: 'already-compliant', detail: `${params.policyArn} is no longer attached` };
      await iam.send(new DetachRolePolicyCommand({ RoleName: params.roleName, PolicyArn: params.policyArn }));
      const verified = await this.verify(clients, params);
      return { status: 'remediated', verified, detail: `detached ${params.policyArn} from ${params.roleName}` };
    } catch (e: unknown) {
      return failedOutcome(e);
    }
  },
  async verify(clients, params) {
    const after = await readAttachedArns(iamOf(clients, 'detach-role-policy'), params.roleName);
    return after === null || !after.includes(params.policyArn);
  },
});
