import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Simulator, type SimulationRecord } from '../../cli/simulate';
import { parseConfig, type WardenConfig } from '../../functions/shared/config/config';
import { forwarderRoleName, memberRoleOf } from '../../functions/shared/self/member-resources';
import { memberTemplate } from '../../infra/member-stack';
import { RULES } from '../../rules';
import { ACCOUNT, ORG_ACCOUNT, ORG_ID, REGION } from '../fixtures/accounts';
import { cloudTrailEvent, iamUser } from '../fixtures/cloudtrail';

const CONFIG: WardenConfig = parseConfig({
  organization: { id: ORG_ID, accounts: [ACCOUNT, ORG_ACCOUNT] },
  deployment: { regions: ['us-east-1', 'eu-west-1'] },
});
const TAMPER_RULES = ['warden-forwarding-rule-changed', 'warden-member-role-changed'];
const mallory = iamUser('mallory');

let simulator: Simulator | undefined;
afterEach(() => {
  simulator?.dispose();
  simulator = undefined;
});

function simulate(): Simulator {
  const created = new Simulator({ rules: RULES, config: CONFIG, apply: true });
  simulator = created;
  return created;
}

function tamperFindings(record: SimulationRecord): [string, string, string][] {
  return record.findings.flatMap((f, i) => (TAMPER_RULES.includes(f.ruleId) ? [[f.ruleId, f.severity, record.outcomes[i]?.status ?? 'none'] as [string, string, string]] : []));
}

/** The EventBridge rule names the synthesized member template really creates. */
let emittedRuleNames: string[] = [];
beforeAll(() => {
  const template = JSON.parse(memberTemplate(CONFIG, RULES)) as { Resources: Record<string, { Type: string; Properties: { Name?: unknown } }> };
  emittedRuleNames = Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::Events::Rule')
    .map((r) => String(r.Properties.Name))
    .sort();
}, 120_000);

const EVENTS_CALLS: [string, (rule: string) => Record<string, unknown>][] = [
  ['DisableRule', (rule) => ({ name: rule })],
  ['DeleteRule', (rule) => ({ name: rule, eventBusName: 'default' })],
  ['RemoveTargets', (rule) => ({ rule, ids: ['WardenBus'], force: false })],
  ['PutTargets', (rule) => ({ rule, targets: [{ id: 'Exfil', arn: 'arn:aws:events:us-east-1:444455556666:event-bus/default' }] })],
  ['PutRule', (rule) => ({ name: rule, state: 'DISABLED', eventPattern: '{"source":["aws.lambda"]}' })],
  ['PutRule', (rule) => ({ name: rule, state: 'ENABLED', eventPattern: '{"source":["aws.nothing"]}' })],
];

describe('tampering with the forwarding rules, through warden simulate --apply', () => {
  it('finds the forwarding rules in the synthesized member template', () => {
    expect(emittedRuleNames.length).toBeGreaterThanOrEqual(3);
    expect(emittedRuleNames).toEqual(expect.arrayContaining(['warden-forward-lambda', 'warden-forward-iam', 'warden-forward-events', 'warden-forward-heartbeat']));
  });

  it('raises one critical alert for each call on each forwarding rule the member stack emits', async () => {
    const sim = simulate();
    const seen: string[] = [];
    for (const rule of emittedRuleNames) {
      for (const [eventName, request] of EVENTS_CALLS) {
        const record = await sim.run(cloudTrailEvent('events.amazonaws.com', eventName, request(rule), { identity: mallory }), `${eventName}-${rule}`);
        expect({ rule, eventName, found: tamperFindings(record) }).toEqual({ rule, eventName, found: [['warden-forwarding-rule-changed', 'critical', 'alerted']] });
        const finding = record.findings.find((f) => f.ruleId === 'warden-forwarding-rule-changed');
        expect(finding?.resource).toBe(`arn:aws:events:${REGION}:${ACCOUNT}:rule/${rule}`);
        expect(finding?.summary).toContain('arn:aws:iam::111122223333:user/mallory');
        seen.push(rule);
      }
    }
    expect(new Set(seen)).toEqual(new Set(emittedRuleNames));
    // The in-memory account took each change: after the last PutRule, every rule is enabled again on the foreign pattern, with the foreign target only.
    const after = emittedRuleNames.map((rule) => {
      const stored = sim.account.events.rule({ account: ACCOUNT, region: REGION, eventBusName: 'default', ruleName: rule });
      return [rule, stored.state, stored.eventPattern, [...stored.targets.keys()]];
    });
    expect(after).toEqual(emittedRuleNames.map((rule) => [rule, 'ENABLED', '{"source":["aws.nothing"]}', ['Exfil']]));
    expect(sim.sink.events.filter((e) => e.detailType === 'Warden Finding')).toHaveLength(emittedRuleNames.length * EVENTS_CALLS.length);
  });

  it('names who did what', async () => {
    const record = await simulate().run(cloudTrailEvent('events.amazonaws.com', 'RemoveTargets', { rule: 'warden-forward-lambda', ids: ['WardenBus'] }, { identity: mallory }), 'remove');
    expect(record.findings[0]?.summary).toBe(
      `arn:aws:iam::${ACCOUNT}:user/mallory removed target(s) WardenBus from arn:aws:events:${REGION}:${ACCOUNT}:rule/warden-forward-lambda, a Lambda Warden forwarding rule: changes in account ${ACCOUNT}, ${REGION} may no longer reach the bot.`,
    );
  });

  it.each([
    ['a bus ARN', { name: 'warden-forward-lambda', eventBusName: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/default` }],
    ['a rule ARN', { name: `arn:aws:events:${REGION}:${ACCOUNT}:rule/warden-forward-lambda` }],
  ])('recognises the rule named with %s', async (_how, request) => {
    const record = await simulate().run(cloudTrailEvent('events.amazonaws.com', 'DisableRule', request, { identity: mallory }), 'arn');
    expect(tamperFindings(record)).toEqual([['warden-forwarding-rule-changed', 'critical', 'alerted']]);
    expect(record.findings[0]?.resource).toBe(`arn:aws:events:${REGION}:${ACCOUNT}:rule/warden-forward-lambda`);
  });

  it.each([
    ['WardenForwarder', {}],
    ['my-rule', {}],
    ['warden-forward-lambda', { eventBusName: 'orders' }],
    ['warden-forward-lambda', { eventBusName: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/orders` }],
  ])('raises none for %s %j', async (rule, extra) => {
    const sim = simulate();
    for (const [eventName, request] of EVENTS_CALLS) {
      const record = await sim.run(cloudTrailEvent('events.amazonaws.com', eventName, { ...request(rule), ...extra }, { identity: mallory }), eventName);
      expect({ eventName, found: tamperFindings(record) }).toEqual({ eventName, found: [] });
    }
  });
});

const POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'sts:AssumeRole' }] });
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';

const ROLE_WRITES: [string, (role: string) => Record<string, unknown>][] = [
  ['UpdateAssumeRolePolicy', (roleName) => ({ roleName, policyDocument: TRUST })],
  ['PutRolePolicy', (roleName) => ({ roleName, policyName: 'extra', policyDocument: POLICY })],
  ['DeleteRolePolicy', (roleName) => ({ roleName, policyName: 'extra' })],
  ['AttachRolePolicy', (roleName) => ({ roleName, policyArn: READ_ONLY })],
  ['DetachRolePolicy', (roleName) => ({ roleName, policyArn: READ_ONLY })],
  ['UpdateRole', (roleName) => ({ roleName, maxSessionDuration: 43200 })],
  ['UpdateRoleDescription', (roleName) => ({ roleName, description: 'nothing to see' })],
  ['PutRolePermissionsBoundary', (roleName) => ({ roleName, permissionsBoundary: READ_ONLY })],
  ['DeleteRolePermissionsBoundary', (roleName) => ({ roleName })],
  ['TagRole', (roleName) => ({ roleName, tags: [{ key: 'team', value: 'payments' }] })],
  ['UntagRole', (roleName) => ({ roleName, tagKeys: ['team'] })],
  ['DeleteRole', (roleName) => ({ roleName })],
];

/** The member roles: remediator, auditor and each configured region's forwarder. */
const MEMBER_ROLES = [CONFIG.remediatorRoleName, CONFIG.auditRoleName, ...CONFIG.deployment.regions.map(forwarderRoleName)];

describe('tampering with the member roles, through warden simulate --apply', () => {
  it('covers the remediator, audit and every forwarder role', () => {
    expect(MEMBER_ROLES.map((role) => memberRoleOf(CONFIG, role))).toEqual(['remediator', 'auditor', 'forwarder', 'forwarder']);
  });

  it.each(MEMBER_ROLES)('raises one critical alert for each IAM write on %s, and the account takes each change', async (roleName) => {
    const sim = simulate();
    const after = new Map<string, { tags: Record<string, string>; boundary: string | null; maxSession: number; description: string | null }>();
    for (const [eventName, request] of ROLE_WRITES) {
      const record = await sim.run(cloudTrailEvent('iam.amazonaws.com', eventName, request(roleName), { identity: mallory, region: 'us-east-1' }), eventName);
      expect({ eventName, found: tamperFindings(record) }).toEqual({ eventName, found: [['warden-member-role-changed', 'critical', 'alerted']] });
      const finding = record.findings.find((f) => f.ruleId === 'warden-member-role-changed');
      expect(finding?.summary).toMatch(new RegExp(`^arn:aws:iam::${ACCOUNT}:user/mallory called iam:${eventName} on ${roleName} in account ${ACCOUNT}`));
      expect(finding?.remediation).toBeNull();
      if (sim.account.iam.hasRole(ACCOUNT, roleName)) {
        const role = sim.account.iam.role(ACCOUNT, roleName);
        after.set(eventName, { tags: Object.fromEntries(role.tags), boundary: role.permissionsBoundary ?? null, maxSession: role.maxSessionDuration, description: role.description ?? null });
      }
    }
    expect(after.get('TagRole')?.tags).toEqual({ team: 'payments' });
    expect(after.get('UntagRole')?.tags).toEqual({});
    expect(after.get('PutRolePermissionsBoundary')?.boundary).toBe(READ_ONLY);
    expect(after.get('DeleteRolePermissionsBoundary')?.boundary).toBeNull();
    expect(after.get('UpdateRole')?.maxSession).toBe(43200);
    expect(after.get('UpdateRoleDescription')?.description).toBe('nothing to see');
    // Every policy was removed before DeleteRole, as IAM requires: the role is gone.
    expect(sim.account.iam.hasRole(ACCOUNT, roleName)).toBe(false);
  });

  it.each(['WardenPayments', 'WardenRemediator-dev', 'warden-forwarder-nowhere'])('raises none for %s', async (roleName) => {
    const sim = simulate();
    for (const [eventName, request] of ROLE_WRITES) {
      const record = await sim.run(cloudTrailEvent('iam.amazonaws.com', eventName, request(roleName), { identity: mallory, region: 'us-east-1' }), eventName);
      expect({ eventName, found: tamperFindings(record) }).toEqual({ eventName, found: [] });
    }
  });

  it('raises none for a namesake of the remediator under another path', async () => {
    const sim = simulate();
    sim.account.iam.createRole(ACCOUNT, CONFIG.remediatorRoleName, { path: '/team/' });
    const record = await sim.run(cloudTrailEvent('iam.amazonaws.com', 'TagRole', { roleName: CONFIG.remediatorRoleName, tags: [{ key: 'a', value: 'b' }] }, { identity: mallory }), 'path');
    expect(tamperFindings(record)).toEqual([]);
  });
});
