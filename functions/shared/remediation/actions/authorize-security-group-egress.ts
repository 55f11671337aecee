/**
 * The Restore of a revoked egress rule (issue #17 rule 5): authorizes exactly the permission the revert
 * removed (EC2 gives it a new rule id); a group that already has it is left alone.
 */
import { loadEc2 } from '../../aws/sdk-module';
import { defineAction, failedOutcome, formatCall } from '../action';
import { ec2Of, EgressPermissionParams, isPermission, rulesOfGroup, type EgressPermission } from '../security-group-egress';

function ipPermission(p: EgressPermission) {
  return {
    IpProtocol: p.ipProtocol,
    FromPort: p.fromPort,
    ToPort: p.toPort,
    ...(p.cidr.includes(':') ? { Ipv6Ranges: [{ CidrIpv6: p.cidr }] } : { IpRanges: [{ CidrIp: p.cidr }] }),
  };
}

export const authorizeSecurityGroupEgress = defineAction<EgressPermission>({
  name: 'authorize-security-group-egress',
  permissions: ['ec2:DescribeSecurityGroupRules', 'ec2:AuthorizeSecurityGroupEgress'],
  paramsSchema: EgressPermissionParams,
  describe: (p) => formatCall('ec2:AuthorizeSecurityGroupEgress', { GroupId: p.groupId, IpPermissions: ipPermission(p) }),
  async execute(clients, params) {
    try {
      const ec2 = await ec2Of(clients, 'authorize-security-group-egress');
      if ((await rulesOfGroup(ec2, params.groupId)).some((r) => isPermission(r, params))) {
        return { status: 'already-compliant', detail: `${params.groupId} already allows ${params.ipProtocol} to ${params.cidr}: nothing restored` };
      }
      const { AuthorizeSecurityGroupEgressCommand } = await loadEc2();
      await ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: params.groupId, IpPermissions: [ipPermission(params)] }));
      const verified = await this.verify(clients, params);
      return { status: 'remediated', verified, detail: `authorized egress ${params.ipProtocol} to ${params.cidr} on ${params.groupId} again` };
    } catch (e: unknown) {
      return failedOutcome(e);
    }
  },
  async verify(clients, params) {
    return (await rulesOfGroup(await ec2Of(clients, 'authorize-security-group-egress'), params.groupId)).some((r) => isPermission(r, params));
  },
});
