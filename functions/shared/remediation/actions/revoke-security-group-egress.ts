/**
 * Revokes one egress rule of a security group by its id (issue #17 rule 5): only the rule judged, and only
 * while it is still exactly what was judged; the group's other rules stay.
 */
import * as z from 'zod';
import { loadEc2 } from '../../aws/sdk-module';
import { defineAction, failedOutcome, formatCall } from '../action';
import { ec2Of, EgressPermissionParams, isPermission, readRule } from '../security-group-egress';

const Params = EgressPermissionParams.extend({
  securityGroupRuleId: z.string().regex(/^sgr-[0-9a-f]{8,17}$/, 'must be a security group rule id'),
});
type Params = z.infer<typeof Params>;

export const revokeSecurityGroupEgress = defineAction<Params>({
  name: 'revoke-security-group-egress',
  permissions: ['ec2:DescribeSecurityGroupRules', 'ec2:RevokeSecurityGroupEgress'],
  paramsSchema: Params,
  describe: (p) => formatCall('ec2:RevokeSecurityGroupEgress', { GroupId: p.groupId, SecurityGroupRuleIds: p.securityGroupRuleId }),
  async execute(clients, params) {
    try {
      const ec2 = await ec2Of(clients, 'revoke-security-group-egress');
      const before = await readRule(ec2, params.securityGroupRuleId);
      if (before === null) return { status: 'already-compliant', detail: `rule ${params.securityGroupRuleId} no longer exists` };
      if (!isPermission(before, params)) return { status: 'already-compliant', detail: `rule ${params.securityGroupRuleId} changed since it was judged (no longer ${params.ipProtocol} to ${params.cidr} on ${params.groupId}): nothing revoked` };
      const { RevokeSecurityGroupEgressCommand } = await loadEc2();
      await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: params.groupId, SecurityGroupRuleIds: [params.securityGroupRuleId] }));
      const verified = await this.verify(clients, params);
      return { status: 'remediated', verified, detail: `revoked egress rule ${params.securityGroupRuleId} (${params.ipProtocol} to ${params.cidr}) of ${params.groupId}` };
    } catch (e: unknown) {
      return failedOutcome(e);
    }
  },
  async verify(clients, params) {
    const after = await readRule(await ec2Of(clients, 'revoke-security-group-egress'), params.securityGroupRuleId);
    return after === null || !isPermission(after, params);
  },
});
