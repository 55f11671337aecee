/**
 * Answers the EC2 commands the bot sends (`DescribeSecurityGroupRules`, `DescribeSecurityGroups`,
 * `RevokeSecurityGroupEgress`, `AuthorizeSecurityGroupEgress`) from the in-memory groups, in the client's
 * region, with EC2's error names (issue #17 rule 5).
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupEgressCommand,
  type AuthorizeSecurityGroupEgressCommandInput,
  type DescribeSecurityGroupRulesCommandInput,
  type DescribeSecurityGroupsCommandInput,
  type IpPermission,
  type RevokeSecurityGroupEgressCommandInput,
  type SecurityGroup,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { ec2Error, specsOf, type InMemoryEc2, type StoredSecurityGroup } from './in-memory-ec2';

export interface Ec2Call {
  readonly command: string;
  readonly input: Readonly<Record<string, unknown>>;
}

type Getter = () => { config: { region: () => Promise<string>; credentials: () => Promise<{ accountId?: string }> } };

export interface Ec2MockOptions {
  /** The account a client acts in (from its credentials: `accountOfCredentials`); with it, groups of other accounts are not found. */
  readonly accountOf?: (client: { config: { credentials: () => Promise<{ accountId?: string }> } }) => string | undefined | Promise<string | undefined>;
}

/** A group as `DescribeSecurityGroups` returns it (egress rules as `IpPermissionsEgress`). */
function describeGroup(group: StoredSecurityGroup): SecurityGroup {
  const permission = (r: SecurityGroupRule): IpPermission => ({
    IpProtocol: r.IpProtocol,
    FromPort: r.FromPort,
    ToPort: r.ToPort,
    IpRanges: r.CidrIpv4 === undefined ? [] : [{ CidrIp: r.CidrIpv4 }],
    Ipv6Ranges: r.CidrIpv6 === undefined ? [] : [{ CidrIpv6: r.CidrIpv6 }],
    PrefixListIds: r.PrefixListId === undefined ? [] : [{ PrefixListId: r.PrefixListId }],
    UserIdGroupPairs: r.ReferencedGroupInfo?.GroupId === undefined ? [] : [{ GroupId: r.ReferencedGroupInfo.GroupId }],
  });
  const rules = [...group.rules.values()];
  return {
    GroupId: group.groupId,
    GroupName: group.groupName,
    Description: group.description,
    VpcId: group.vpcId,
    OwnerId: group.account,
    Tags: Object.entries(group.tags).map(([Key, Value]) => ({ Key, Value })),
    IpPermissions: rules.filter((r) => r.IsEgress !== true).map(permission),
    IpPermissionsEgress: rules.filter((r) => r.IsEgress === true).map(permission),
  };
}

/** Registers handlers answering EC2 commands from `ec2`; `calls` records every command received. */
export function installEc2Mock(ec2: InMemoryEc2, mock = mockClient(EC2Client), options: Ec2MockOptions = {}) {
  const calls: Ec2Call[] = [];
  /** Groups of the calling client's account (every account's without `accountOf`). */
  const ours = (group: StoredSecurityGroup, account: string | undefined): boolean => account === undefined || group.account === account;
  const handler =
    <I extends object, O>(command: string, answer: (input: I, region: string, account: string | undefined) => O) =>
    async (input: I, getClient: Getter): Promise<O> => {
      const client = getClient();
      calls.push({ command, input: structuredClone(input) as Readonly<Record<string, unknown>> });
      const region = await client.config.region();
      return answer(input, region, await options.accountOf?.(client));
    };
  const groupOf = (id: string, region: string, account: string | undefined): StoredSecurityGroup => {
    const group = ec2.group(id, region);
    if (!ours(group, account)) throw ec2Error('InvalidGroup.NotFound', `The security group '${id}' does not exist`);
    return group;
  };
  mock.on(DescribeSecurityGroupRulesCommand).callsFake(
    handler('DescribeSecurityGroupRules', (input: DescribeSecurityGroupRulesCommandInput, region, account) => {
      if (input.SecurityGroupRuleIds !== undefined && input.SecurityGroupRuleIds.length > 0) {
        const rules = input.SecurityGroupRuleIds.map((id) => {
          const rule = ec2.rule(id, region);
          if (rule === undefined || !ours(groupOf(rule.GroupId ?? '', region, account), account)) throw ec2Error('InvalidSecurityGroupRuleId.NotFound', `The security group rule ID '${id}' does not exist`);
          return rule;
        });
        return { SecurityGroupRules: structuredClone(rules) };
      }
      const groupIds = input.Filters?.find((f) => f.Name === 'group-id')?.Values ?? [];
      const groups = ec2.allGroups().filter((g) => g.region === region && ours(g, account) && (groupIds.length === 0 || groupIds.includes(g.groupId)));
      return { SecurityGroupRules: structuredClone(groups.flatMap((g) => [...g.rules.values()])) };
    }),
  );
  mock.on(DescribeSecurityGroupsCommand).callsFake(
    handler('DescribeSecurityGroups', (input: DescribeSecurityGroupsCommandInput, region, account) => ({
      SecurityGroups: (input.GroupIds ?? ec2.allGroups().filter((g) => g.region === region && ours(g, account)).map((g) => g.groupId)).map((id) => describeGroup(groupOf(id, region, account))),
    })),
  );
  mock.on(RevokeSecurityGroupEgressCommand).callsFake(
    handler('RevokeSecurityGroupEgress', (input: RevokeSecurityGroupEgressCommandInput, region) => {
      if (input.GroupId === undefined) throw ec2Error('MissingParameter', 'The request must contain the parameter groupId');
      const removed = ec2.revokeEgress(input.GroupId, input.SecurityGroupRuleIds !== undefined && input.SecurityGroupRuleIds.length > 0 ? { ruleIds: input.SecurityGroupRuleIds } : { specs: (input.IpPermissions ?? []).flatMap(specsOf) }, region);
      return { Return: true, RevokedSecurityGroupRules: removed.map((r) => ({ SecurityGroupRuleId: r.SecurityGroupRuleId, GroupId: r.GroupId, IsEgress: true, IpProtocol: r.IpProtocol, FromPort: r.FromPort, ToPort: r.ToPort, CidrIpv4: r.CidrIpv4, CidrIpv6: r.CidrIpv6 })) };
    }),
  );
  mock.on(AuthorizeSecurityGroupEgressCommand).callsFake(
    handler('AuthorizeSecurityGroupEgress', (input: AuthorizeSecurityGroupEgressCommandInput, region) => {
      if (input.GroupId === undefined) throw ec2Error('MissingParameter', 'The request must contain the parameter groupId');
      return { Return: true, SecurityGroupRules: structuredClone(ec2.addEgress(input.GroupId, (input.IpPermissions ?? []).flatMap(specsOf), [], region)) };
    }),
  );
  return { mock, calls };
}
