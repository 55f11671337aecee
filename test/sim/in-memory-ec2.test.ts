import { DescribeSecurityGroupRulesCommand, DescribeSecurityGroupsCommand, EC2Client, RevokeSecurityGroupEgressCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { installEc2Mock } from '../../sim/ec2-mock';
import { InMemoryAccount } from '../../sim/in-memory-account';
import { REGION } from '../fixtures/accounts';
import { ALL_TO_WORLD, authorizeEgressEvent, createSecurityGroupEvent, egressState, GROUP_ID, modifySecurityGroupRuleEvent, NARROW_RULE_ID, revokeEgressEvent, ruleIdFor } from '../fixtures/ec2';

let handle: ReturnType<typeof installEc2Mock> | undefined;
afterEach(() => handle?.mock.restore());

const egress = (account: InMemoryAccount, groupId = GROUP_ID) => [...account.ec2.group(groupId).rules.values()].map((r) => [r.SecurityGroupRuleId, r.IpProtocol, r.CidrIpv4 ?? r.CidrIpv6]);

describe('in-memory EC2 (security groups)', () => {
  it('replays CloudTrail egress events as EC2 applied them, keeping the rule ids the records name', () => {
    const account = InMemoryAccount.fromStateFile(egressState());
    const added = ruleIdFor(GROUP_ID, ALL_TO_WORLD);
    expect(account.replay(authorizeEgressEvent(GROUP_ID, [ALL_TO_WORLD])).applied).toBe(true);
    expect(egress(account)).toEqual([
      [NARROW_RULE_ID, 'tcp', '10.20.0.0/16'],
      [added, '-1', '0.0.0.0/0'],
    ]);
    // The same permission again is a duplicate: EC2 refuses it, nothing changes.
    expect(account.replay(authorizeEgressEvent(GROUP_ID, [ALL_TO_WORLD], { ruleIds: ['sgr-0000000000000000a'] }))).toMatchObject({ applied: false, detail: expect.stringContaining('InvalidPermission.Duplicate') as unknown });
    account.replay(modifySecurityGroupRuleEvent(GROUP_ID, NARROW_RULE_ID, { ipProtocol: 'udp', fromPort: 53, toPort: 53, cidrIpv4: '10.20.0.2/32' }));
    expect(egress(account)[0]).toEqual([NARROW_RULE_ID, 'udp', '10.20.0.2/32']);
    account.replay(revokeEgressEvent(GROUP_ID, { ruleIds: [added] }));
    account.replay(revokeEgressEvent(GROUP_ID, { permissions: [{ ipProtocol: 'udp', fromPort: 53, toPort: 53, cidrIpv4: '10.20.0.2/32' }] }));
    expect(egress(account)).toEqual([]);
    expect(account.replay(authorizeEgressEvent(GROUP_ID, [ALL_TO_WORLD], { errorCode: 'Client.UnauthorizedOperation' })).applied).toBe(false);
    expect(egress(account)).toEqual([]);
  });

  it('gives a group CreateSecurityGroup makes the default egress rule, and creates an unknown group an authorize names', () => {
    const account = new InMemoryAccount();
    account.replay(createSecurityGroupEvent('web', 'sg-0123456789abcdef0'));
    expect(egress(account, 'sg-0123456789abcdef0').map(([, p, c]) => [p, c])).toEqual([['-1', '0.0.0.0/0']]);
    const created = account.replay(authorizeEgressEvent('sg-0aaaaaaaaaaaaaaa1', [ALL_TO_WORLD]));
    expect(created.applied).toBe(true);
    expect(egress(account, 'sg-0aaaaaaaaaaaaaaa1').map(([, p, c]) => [p, c])).toEqual([['-1', '0.0.0.0/0']]);
  });

  it('answers the SDK in the client’s region only, with EC2’s error names', async () => {
    const account = InMemoryAccount.fromStateFile(egressState());
    handle = installEc2Mock(account.ec2);
    const here = new EC2Client({ region: REGION });
    const elsewhere = new EC2Client({ region: 'eu-west-1' });
    expect((await here.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [NARROW_RULE_ID] }))).SecurityGroupRules?.[0]).toMatchObject({ GroupId: GROUP_ID, IsEgress: true, FromPort: 443 });
    await expect(elsewhere.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [NARROW_RULE_ID] }))).rejects.toMatchObject({ name: 'InvalidSecurityGroupRuleId.NotFound' });
    await expect(elsewhere.send(new DescribeSecurityGroupsCommand({ GroupIds: [GROUP_ID] }))).rejects.toMatchObject({ name: 'InvalidGroup.NotFound' });
    expect((await here.send(new DescribeSecurityGroupsCommand({ GroupIds: [GROUP_ID] }))).SecurityGroups?.[0]).toMatchObject({ GroupName: 'orders-api-lambda', IpPermissionsEgress: [{ IpProtocol: 'tcp', IpRanges: [{ CidrIp: '10.20.0.0/16' }] }] });
    await expect(here.send(new RevokeSecurityGroupEgressCommand({ GroupId: GROUP_ID, SecurityGroupRuleIds: ['sgr-0000000000000000a'] }))).rejects.toMatchObject({ name: 'InvalidSecurityGroupRuleId.NotFound' });
    expect(egress(account)).toHaveLength(1);
  });
});
