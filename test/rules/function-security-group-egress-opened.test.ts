import { EC2Client } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { Simulator } from '../../cli/simulate';
import { parseConfig } from '../../functions/shared/config/config';
import { Engine } from '../../functions/shared/engine/engine';
import { inversePlan } from '../../functions/shared/executor/inverse-plans';
import { ACTIONS } from '../../functions/shared/remediation/actions';
import { findingRef, targetsFindingResource } from '../../functions/shared/responder/decision-checks';
import { RULES } from '../../rules';
import { functionSecurityGroupEgressOpened } from '../../rules/ec2/function-security-group-egress-opened';
import { InMemoryAccount } from '../../sim/in-memory-account';
import { installEc2Mock } from '../../sim/ec2-mock';
import { parseStateFile } from '../../sim/state-file';
import { ACCOUNT, FUNCTION_ARN, REGION } from '../fixtures/accounts';
import { identities, iamUser } from '../fixtures/cloudtrail';
import {
  ALL_TO_WORLD,
  authorizeEgressEvent,
  createSecurityGroupEvent,
  egressState,
  GROUP_ID,
  modifySecurityGroupRuleEvent,
  NARROW_RULE_ID,
  OTHER_GROUP_ID,
  revokeEgressEvent,
  ruleIdFor,
} from '../fixtures/ec2';
import { TEST_CONFIG, TEST_NOW } from '../fixtures/rule-context';
import type { CloudTrailEvent } from '../../functions/shared/event/cloudtrail-event';

const RULE = functionSecurityGroupEgressOpened.id;
const mallory = iamUser('mallory');

let simulators: Simulator[] = [];
afterEach(() => {
  for (const s of simulators) s.dispose();
  simulators = [];
});

function simulator(options: { state?: ReturnType<typeof egressState>; config?: typeof TEST_CONFIG; apply?: boolean } = {}): Simulator {
  const s = new Simulator({ rules: RULES, config: options.config ?? TEST_CONFIG, now: () => TEST_NOW, state: parseStateFile(options.state ?? egressState()), ...(options.apply === undefined ? {} : { apply: options.apply }) });
  simulators.push(s);
  return s;
}

async function findings(s: Simulator, event: CloudTrailEvent) {
  const record = await s.run(event, 'event.json');
  expect(record.error).toBeNull();
  return record.findings.filter((f) => f.ruleId === RULE);
}

const egressRules = (s: Simulator, groupId = GROUP_ID) => [...s.account.ec2.group(groupId).rules.values()].filter((r) => r.IsEgress === true);

describe('function-security-group-egress-opened', () => {
  it('finds all traffic to 0.0.0.0/0 authorized on the group of a VPC function, naming group, rule, function and principal', async () => {
    const s = simulator();
    const event = authorizeEgressEvent(GROUP_ID, [ALL_TO_WORLD], { identity: mallory });
    const [finding, ...rest] = await findings(s, event);
    const ruleId = ruleIdFor(GROUP_ID, ALL_TO_WORLD);
    expect(rest).toEqual([]);
    expect(finding?.mode).toBe('alert');
    expect(finding?.severity).toBe('high');
    expect(finding?.resource).toBe(`arn:aws:ec2:${REGION}:${ACCOUNT}:security-group-rule/${ruleId}`);
    expect(finding?.summary).toContain(`orders-api-lambda (${GROUP_ID})`);
    expect(finding?.summary).toContain(FUNCTION_ARN);
    expect(finding?.summary).toContain('0.0.0.0/0');
    expect(finding?.summary).toContain('mallory');
    expect(finding?.details).toMatchObject({ groupId: GROUP_ID, securityGroupRuleId: ruleId, cidr: '0.0.0.0/0', functions: [FUNCTION_ARN] });
    expect(finding?.remediation).toMatchObject({ action: 'revoke-security-group-egress', params: { groupId: GROUP_ID, securityGroupRuleId: ruleId, ipProtocol: '-1', cidr: '0.0.0.0/0' } });
  });

  it.each([
    ['all traffic to ::/0', { ipProtocol: '-1', cidrIpv6: '::/0' }, '::/0'],
    ['every TCP port to 0.0.0.0/0', { ipProtocol: 'tcp', fromPort: 0, toPort: 65535, cidrIpv4: '0.0.0.0/0' }, '0.0.0.0/0'],
    ['every UDP port to ::/0 (protocol number 17)', { ipProtocol: '17', fromPort: 0, toPort: 65535, cidrIpv6: '::/0' }, '::/0'],
  ])('finds %s', async (_label, permission, cidr) => {
    const [finding] = await findings(simulator(), authorizeEgressEvent(GROUP_ID, [permission], { identity: mallory }));
    expect(finding?.details.cidr).toBe(cidr);
  });

  it('finds one rule per world-open permission of one call, and none for the narrow one beside them', async () => {
    const narrow = { ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '0.0.0.0/0' };
    const v6 = { ipProtocol: '-1', cidrIpv6: '::/0' };
    const found = await findings(simulator(), authorizeEgressEvent(GROUP_ID, [narrow, ALL_TO_WORLD, v6], { identity: mallory }));
    expect(found.map((f) => f.details.securityGroupRuleId).sort()).toEqual([ruleIdFor(GROUP_ID, ALL_TO_WORLD), ruleIdFor(GROUP_ID, v6)].sort());
  });

  it('finds a narrowed rule widened in place by ModifySecurityGroupRules', async () => {
    const [finding] = await findings(simulator(), modifySecurityGroupRuleEvent(GROUP_ID, NARROW_RULE_ID, ALL_TO_WORLD, { identity: mallory }));
    expect(finding?.details.securityGroupRuleId).toBe(NARROW_RULE_ID);
    expect(finding?.summary).toContain('ModifySecurityGroupRules');
  });

  it.each([
    ['HTTPS to the world', { ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '0.0.0.0/0' }],
    ['all traffic inside the VPC', { ipProtocol: '-1', cidrIpv4: '10.20.0.0/16' }],
    ['all traffic to a prefix list', { ipProtocol: '-1', prefixListId: 'pl-63a5400a' }],
    ['all traffic to another security group', { ipProtocol: '-1', referencedGroupId: OTHER_GROUP_ID }],
    ['TCP 1–65535 (not every port)', { ipProtocol: 'tcp', fromPort: 1, toPort: 65535, cidrIpv4: '0.0.0.0/0' }],
  ])('accepts a narrower rule: %s (and reads nothing for it)', async (_label, permission) => {
    const s = simulator();
    const record = await s.run(authorizeEgressEvent(GROUP_ID, [permission], { identity: mallory }), 'narrow.json');
    expect(record.findings).toEqual([]);
    expect(s.ec2.calls).toEqual([]);
  });

  it('does not report the default rule every new group gets (CreateSecurityGroup triggers nothing)', async () => {
    const s = simulator();
    const record = await s.run(createSecurityGroupEvent('orders-api-lambda-2', 'sg-0123456789abcdef0'), 'create.json');
    expect(record.findings).toEqual([]);
    expect(record.ignored).toMatch(/no rule watches/);
    expect(egressRules(s, 'sg-0123456789abcdef0').map((r) => [r.IpProtocol, r.CidrIpv4])).toEqual([['-1', '0.0.0.0/0']]);
  });

  it('accepts egress opened on a group no function uses', async () => {
    const s = simulator();
    expect(await findings(s, authorizeEgressEvent(OTHER_GROUP_ID, [ALL_TO_WORLD], { identity: mallory }))).toEqual([]);
    expect(s.ec2.calls.map((c) => c.command)).toEqual(['DescribeSecurityGroupRules', 'DescribeSecurityGroups']);
  });

  it('re-opening after a narrowing is found: the group was created, the default revoked, then all traffic authorized again', async () => {
    const s = simulator({ state: { functions: egressState({ functionGroups: ['sg-0123456789abcdef0'] }).functions ?? [] } });
    await s.run(createSecurityGroupEvent('orders-api-lambda-2', 'sg-0123456789abcdef0'), '1.json');
    await s.run(revokeEgressEvent('sg-0123456789abcdef0', { permissions: [ALL_TO_WORLD] }), '2.json');
    expect(egressRules(s, 'sg-0123456789abcdef0')).toEqual([]);
    const found = await findings(s, authorizeEgressEvent('sg-0123456789abcdef0', [ALL_TO_WORLD], { identity: mallory }));
    expect(found).toHaveLength(1);
  });

  it('judges the current state: a rule already revoked again by the time the event is judged is not reported', async () => {
    const s = simulator();
    const event = authorizeEgressEvent(GROUP_ID, [ALL_TO_WORLD], { identity: mallory });
    s.account.replay(event);
    s.account.replay(revokeEgressEvent(GROUP_ID, { ruleIds: [ruleIdFor(GROUP_ID, ALL_TO_WORLD)] }));
    const result = await s.evaluate(event);
    expect(result.findings).toEqual([]);
  });

  it('ignores a failed call and the bot’s own call', async () => {
    const s = simulator();
    const denied = await s.run(authorizeEgressEvent(GROUP_ID, [ALL_TO_WORLD], { identity: mallory, errorCode: 'Client.UnauthorizedOperation' }), 'denied.json');
    expect(denied.findings).toEqual([]);
    expect(denied.ignored).not.toBeNull();
    expect(egressRules(s).map((r) => r.SecurityGroupRuleId)).toEqual([NARROW_RULE_ID]);
    const own = await s.run(authorizeEgressEvent(GROUP_ID, [ALL_TO_WORLD], { identity: identities.remediator() }), 'own.json');
    expect(own.findings).toEqual([]);
    expect(own.ignored).not.toBeNull();
  });

  it('a record without rule ids (older than security group rule ids) names no resource', async () => {
    const s = simulator();
    const record = await s.run(authorizeEgressEvent(GROUP_ID, [ALL_TO_WORLD], { identity: mallory, responseElements: { _return: true } }), 'old.json');
    expect(record.findings).toEqual([]);
    expect(record.ignored).toMatch(/names no resource/);
  });

  it('approved (auto here), revokes only the added rule by its id and verifies it; the narrowed rule stays', async () => {
    const config = parseConfig({ ...TEST_CONFIG, rules: { [RULE]: { mode: 'auto' } } });
    const s = simulator({ config, apply: true });
    const record = await s.run(authorizeEgressEvent(GROUP_ID, [ALL_TO_WORLD, { ipProtocol: '-1', cidrIpv6: '::/0' }], { identity: mallory }), 'open.json');
    expect(record.outcomes.map((o) => [o.status, o.verified])).toEqual([
      ['remediated', true],
      ['remediated', true],
    ]);
    expect(egressRules(s).map((r) => r.SecurityGroupRuleId)).toEqual([NARROW_RULE_ID]);
    expect(s.ec2.calls.filter((c) => c.command === 'RevokeSecurityGroupEgress').map((c) => c.input)).toEqual([
      { GroupId: GROUP_ID, SecurityGroupRuleIds: [ruleIdFor(GROUP_ID, ALL_TO_WORLD)] },
      { GroupId: GROUP_ID, SecurityGroupRuleIds: [ruleIdFor(GROUP_ID, { ipProtocol: '-1', cidrIpv6: '::/0' })] },
    ]);
  });

  it('is judged again on the current state without the event (what a decision does): same finding and plan while the rule stands, none once it is gone', async () => {
    const account = InMemoryAccount.fromStateFile(egressState());
    const event = authorizeEgressEvent(GROUP_ID, [ALL_TO_WORLD], { identity: mallory });
    account.replay(event);
    const engine = new Engine({ rules: [functionSecurityGroupEgressOpened], config: TEST_CONFIG, reader: account.reader(), now: () => TEST_NOW });
    const [onEvent] = (await engine.evaluateEvent(event)).findings;
    if (onEvent === undefined) throw new Error('no finding');
    const ref = findingRef('ec2-security-group-rule', onEvent);
    if (ref === null) throw new Error('no ref');
    const [again] = await engine.evaluateResource(ref);
    expect(again?.id).toBe(onEvent.id);
    expect(again?.remediation).toEqual(onEvent.remediation);
    expect(onEvent.remediation === null ? false : targetsFindingResource(onEvent.remediation, onEvent)).toBe(true);
    expect(targetsFindingResource({ action: 'revoke-security-group-egress', params: { ...onEvent.remediation?.params, securityGroupRuleId: NARROW_RULE_ID }, description: '' }, onEvent)).toBe(false);
    account.replay(revokeEgressEvent(GROUP_ID, { ruleIds: [ruleIdFor(GROUP_ID, ALL_TO_WORLD)] }));
    expect(await engine.evaluateResource(ref)).toEqual([]);
  });
});

describe('revoke-security-group-egress and its Restore', () => {
  const ec2 = new EC2Client({ region: REGION });
  const run = (name: 'revoke-security-group-egress' | 'authorize-security-group-egress', params: unknown) => {
    const action = ACTIONS[name];
    return action.bind(params).execute({ lambda: undefined as never, ec2: () => Promise.resolve(ec2) });
  };
  let handle: ReturnType<typeof installEc2Mock> | undefined;
  afterEach(() => handle?.mock.restore());

  it('leaves a rule alone that changed since it was judged, and one already gone', async () => {
    const account = InMemoryAccount.fromStateFile(egressState());
    handle = installEc2Mock(account.ec2);
    const params = { groupId: GROUP_ID, securityGroupRuleId: NARROW_RULE_ID, ipProtocol: '-1', fromPort: -1, toPort: -1, cidr: '0.0.0.0/0' };
    expect(await run('revoke-security-group-egress', params)).toMatchObject({ status: 'already-compliant', detail: expect.stringContaining('changed since it was judged') as unknown });
    expect(await run('revoke-security-group-egress', { ...params, securityGroupRuleId: 'sgr-0000000000000000f' })).toMatchObject({ status: 'already-compliant' });
    expect(handle.calls.map((c) => c.command)).toEqual(['DescribeSecurityGroupRules', 'DescribeSecurityGroupRules']);
    expect([...account.ec2.group(GROUP_ID).rules.keys()]).toEqual([NARROW_RULE_ID]);
  });

  it('refuses parameters that do not name a world-open destination', () => {
    const action = ACTIONS['revoke-security-group-egress'];
    expect(action.misfits({ groupId: GROUP_ID, securityGroupRuleId: NARROW_RULE_ID, ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidr: '10.20.0.0/16' })).not.toBeNull();
  });

  it('Restore re-authorizes exactly the revoked permission once (a new rule id), and the plan follows from the revert', async () => {
    const account = InMemoryAccount.fromStateFile(egressState());
    handle = installEc2Mock(account.ec2);
    const event = authorizeEgressEvent(GROUP_ID, [ALL_TO_WORLD], { identity: mallory });
    account.replay(event);
    const engine = new Engine({ rules: [functionSecurityGroupEgressOpened], config: TEST_CONFIG, reader: account.reader(), now: () => TEST_NOW });
    const [finding] = (await engine.evaluateEvent(event)).findings;
    if (finding?.remediation == null) throw new Error('no plan');
    expect(await run('revoke-security-group-egress', finding.remediation.params)).toMatchObject({ status: 'remediated', verified: true });
    const inverse = inversePlan(finding.remediation, finding);
    expect(inverse.plan).toMatchObject({ action: 'authorize-security-group-egress', params: { groupId: GROUP_ID, ipProtocol: '-1', fromPort: -1, toPort: -1, cidr: '0.0.0.0/0' } });
    if (inverse.plan === null) throw new Error('no inverse');
    expect(targetsFindingResource(inverse.plan, finding)).toBe(true);
    expect(await run('authorize-security-group-egress', inverse.plan.params)).toMatchObject({ status: 'remediated', verified: true });
    expect(await run('authorize-security-group-egress', inverse.plan.params)).toMatchObject({ status: 'already-compliant' });
    const egress = [...account.ec2.group(GROUP_ID).rules.values()];
    expect(egress.map((r) => [r.IpProtocol, r.CidrIpv4 ?? r.CidrIpv6])).toEqual([
      ['tcp', '10.20.0.0/16'],
      ['-1', '0.0.0.0/0'],
    ]);
    expect(egress[1]?.SecurityGroupRuleId).not.toBe(finding.remediation.params.securityGroupRuleId);
  });
});
