/**
 * Issue #12, item 1 and 10: the stored authority of a decision (approval and restore records,
 * decided exemptions) rewritten by someone who can write to the state table, then one routine click.
 * Nothing runs on an item that fails its check, a critical alert says which item and which check,
 * and the in-memory account is left as it was.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DecisionRunner } from '../../../functions/shared/responder/decision-runner';
import { EventBridgeSink, EventPublishError, type EventSink } from '../../../functions/shared/bus/warden-events';
import { exemptionFields, Integrity, recordFields } from '../../../functions/shared/store/integrity';
import type { ApprovalRecord } from '../../../functions/shared/contract/approval-record';
import { tagsFromReader } from '../../../functions/shared/executor/resource-tags';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { RULES } from '../../../rules';
import { installIamMock, type IamMockHandle } from '../../../sim/iam-mock';
import { ACCOUNT, FOREIGN_ACCOUNT, FUNCTION_ARN, FUNCTION_NAME, REGION } from '../../fixtures/accounts';
import { addPermissionEvent } from '../../fixtures/cloudtrail';
import { BUS, createHarness, harnessConfig, type Harness } from './responder-harness';

const OTHER_FUNCTION = 'payments-api';
const OTHER_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${OTHER_FUNCTION}`;
const ADMIN_ROLE = 'OrganizationAccountAccessRole';
const ADMIN_TRUST = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::222233334444:root` }, Action: 'sts:AssumeRole' }] };
const OUTSIDE_TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${FOREIGN_ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] });
const APPROVE_MODE = { rules: { 'function-public-access': { mode: 'approve' } } };

const fn = (functionName: string) => ({ kind: 'lambda-function', account: ACCOUNT, region: REGION, functionName }) as const;

let created: { harness: Harness; iam: IamMockHandle }[] = [];
afterEach(() => {
  for (const { harness, iam } of created) {
    harness.dispose();
    iam.mock.restore();
  }
  created = [];
});

/** IAM calls of the latest harness. */
const iamCalls = (command: string) => created.at(-1)?.iam.callsOf(command) ?? [];

function setUp(config: Record<string, unknown> = APPROVE_MODE): Harness {
  for (const { harness, iam } of created) {
    harness.dispose();
    iam.mock.restore();
  }
  const harness = createHarness({ config: harnessConfig(config) });
  harness.account.lambda.createFunction(fn(OTHER_FUNCTION));
  harness.account.iam.createRole(ACCOUNT, ADMIN_ROLE, { trust: ADMIN_TRUST });
  created = [{ harness, iam: installIamMock(harness.account, mockClient(IAMClient)) }];
  return harness;
}

/** What an attacker could change: every function's policy and the admin role's trust. */
function accountState(h: Harness): string {
  return JSON.stringify({
    orders: h.account.lambda.policyDocument(fn(FUNCTION_NAME)),
    payments: h.account.lambda.policyDocument(fn(OTHER_FUNCTION)),
    trust: h.account.iam.role(ACCOUNT, ADMIN_ROLE).trust,
  });
}

/** A public statement found: the record the responder stored (a pending approval, or a restore record in auto mode). */
async function stored(h: Harness, kind: 'approval' | 'restore'): Promise<ApprovalRecord> {
  const event = addPermissionEvent({ statementId: 'open', principal: '*' });
  h.account.replay(event);
  const outcome = (await h.responder.handle(event)).outcomes[0];
  const id = kind === 'approval' ? outcome?.approval?.id : outcome?.restore?.id;
  const record = id === undefined ? null : await h.store.getApproval(id);
  if (record === null) throw new Error(`no ${kind} record: ${JSON.stringify(outcome)}`);
  return record;
}

/** The click: pending → decided in the store, then the Decision event the approval endpoint puts on the bus. */
async function decide(h: Harness, record: ApprovalRecord, decision: 'approved' | 'restored' | 'quarantined', runner = h.decisions) {
  const decided = await h.store.decideApproval({ id: record.id, decision, by: 'U0APPROVER1', now: h.clock() });
  if (!decided.ok) throw new Error(`not decided: ${decided.reason}`);
  const { finding } = record;
  return runner.handle({
    source: 'lambda-warden',
    'detail-type': 'Warden Decision',
    detail: {
      recordId: record.id,
      findingId: record.findingId,
      eventId: record.eventId,
      ruleId: finding.ruleId,
      resource: finding.resource,
      account: finding.account,
      region: finding.region,
      decision,
      by: { userId: 'U0APPROVER1' },
      at: h.clock().toISOString(),
      plan: null,
    },
  });
}

function alerts(h: Harness): Record<string, unknown>[] {
  return h.eventsOf('Warden Alert').map((e) => e.detail);
}

const publicOn = (functionName: string) => ({
  action: 'add-function-permission' as const,
  params: { functionName: functionName, statementId: 'backdoor', action: 'lambda:InvokeFunction', principal: '*' },
  description: 'lambda:RemovePermission removes the public statement',
});

describe('a rewritten pending approval, then one Approve', () => {
  it.each([
    ['add-function-permission with principal * on another function', publicOn(OTHER_ARN)],
    ['add-function-permission with principal * on the same function', publicOn(FUNCTION_ARN)],
    [
      'restore-trust-policy on OrganizationAccountAccessRole trusting an outside account',
      { action: 'restore-trust-policy' as const, params: { roleName: ADMIN_ROLE, policyDocument: OUTSIDE_TRUST }, description: 'removes the public statement' },
    ],
  ])('%s: refused with a critical alert, the account unchanged', async (_label, plan) => {
    const h = setUp();
    const record = await stored(h, 'approval');
    const before = accountState(h);
    h.store.overwrite({ approval: { ...record, plan } }); // the tag is kept: the attacker has no key
    const result = await decide(h, record, 'approved');

    expect(result).toMatchObject({ status: 'refused', outcome: { status: 'refused', error: { name: 'IntegrityFailure' } } });
    expect(accountState(h)).toBe(before);
    expect(h.lambda.callsOf('AddPermission')).toEqual([]);
    expect(h.lambda.callsOf('RemovePermission')).toEqual([]);
    expect(iamCalls('UpdateAssumeRolePolicy')).toEqual([]);
    expect(alerts(h)).toEqual([
      expect.objectContaining({ kind: 'integrity-failure', severity: 'critical', item: { family: 'record', id: record.id, check: 'tag-mismatch' } }),
    ]);
    // The Slack message learns the refusal; no event carries a tag or key material.
    expect(h.eventsOf('Warden Remediation').map((e) => e.detail)).toEqual([expect.objectContaining({ recordId: record.id, status: 'refused' })]);
    expect(h.events.map((e) => e.raw).join('\n')).not.toContain(record.tag ?? 'no tag');
    // A second delivery does nothing more.
    expect((await h.decisions.handle({ source: 'lambda-warden', 'detail-type': 'Warden Decision', detail: { ...decisionDetail(record), decision: 'approved' } })).status).toBe('duplicate');
    expect(alerts(h)).toHaveLength(1);
  });

  it('refuses a record whose tag was removed (tag-missing)', async () => {
    const h = setUp();
    const record = await stored(h, 'approval');
    const before = accountState(h);
    const untagged: ApprovalRecord = { ...record, plan: publicOn(OTHER_ARN) };
    delete (untagged as { tag?: string }).tag;
    h.store.overwrite({ approval: untagged });
    expect(await decide(h, record, 'approved')).toMatchObject({ status: 'refused' });
    expect(alerts(h)[0]).toMatchObject({ item: { id: record.id, check: 'tag-missing' } });
    expect(accountState(h)).toBe(before);
  });

  it('refuses a record whose finding and plan were rewritten together (a plan "for" another function)', async () => {
    const h = setUp();
    const record = await stored(h, 'approval');
    const before = accountState(h);
    h.store.overwrite({ approval: { ...record, finding: { ...record.finding, resource: OTHER_ARN }, plan: publicOn(OTHER_ARN) } });
    expect(await decide(h, record, 'approved')).toMatchObject({ status: 'refused' });
    expect(alerts(h)[0]).toMatchObject({ item: { check: 'tag-mismatch' } });
    expect(accountState(h)).toBe(before);
  });

  it('refuses a plan that does not target its finding’s resource even when its tag verifies (a signing bug or a stolen key)', async () => {
    const h = setUp();
    const record = await stored(h, 'approval');
    const before = accountState(h);
    const forged = { ...record, plan: { ...record.plan, params: { ...record.plan.params, functionName: OTHER_ARN } } };
    h.store.overwrite({ approval: { ...forged, tag: await h.integrity.sign('record', recordFields(forged)) } });
    expect(await decide(h, record, 'approved')).toMatchObject({ status: 'refused', outcome: { status: 'refused' } });
    expect(alerts(h)[0]).toMatchObject({ kind: 'integrity-failure', item: { id: record.id, check: 'plan-target' } });
    expect(accountState(h)).toBe(before);
    expect(h.lambda.callsOf('RemovePermission')).toEqual([]);
  });

  it('the same record, untouched, runs after one Approve: the public statement is removed', async () => {
    const h = setUp();
    const record = await stored(h, 'approval');
    expect(await decide(h, record, 'approved')).toMatchObject({ status: 'ran', outcome: { status: 'remediated', verified: true } });
    expect(h.account.lambda.policyDocument(fn(FUNCTION_NAME))).toBeNull();
    expect(alerts(h)).toEqual([]);
  });
});

function decisionDetail(record: ApprovalRecord) {
  const { finding } = record;
  return {
    recordId: record.id,
    findingId: record.findingId,
    eventId: record.eventId,
    ruleId: finding.ruleId,
    resource: finding.resource,
    account: finding.account,
    region: finding.region,
    by: { userId: 'U0APPROVER1' },
    at: new Date().toISOString(),
    plan: null,
  };
}

describe('a rewritten restore record, then one Restore', () => {
  it('refuses a restore plan rewritten to open another function, with a critical alert, and writes no exemption', async () => {
    const h = setUp({});
    const record = await stored(h, 'restore');
    expect(record.kind).toBe('restore');
    const before = accountState(h);
    h.store.overwrite({ approval: { ...record, plan: publicOn(OTHER_ARN) } });
    expect(await decide(h, record, 'restored')).toMatchObject({ status: 'refused' });
    expect(accountState(h)).toBe(before);
    expect(h.lambda.callsOf('AddPermission')).toEqual([]);
    expect(alerts(h)).toEqual([expect.objectContaining({ item: { family: 'record', id: record.id, check: 'tag-mismatch' } })]);
    expect(await h.store.getExemption({ resource: FUNCTION_ARN, ruleId: 'function-public-access', now: h.clock() })).toBeNull();
  });

  it('refuses a restore plan that is not the inverse of the revert, even with a valid tag', async () => {
    const h = setUp({});
    const record = await stored(h, 'restore');
    const before = accountState(h);
    // Same function (the target check passes), another principal: only recomputing the inverse catches it.
    const broader = { ...record, plan: { ...record.plan, params: { ...record.plan.params, principal: FOREIGN_ACCOUNT } } };
    h.store.overwrite({ approval: { ...broader, tag: await h.integrity.sign('record', recordFields(broader)) } });
    expect(await decide(h, record, 'restored')).toMatchObject({ status: 'refused' });
    expect(alerts(h)[0]).toMatchObject({ item: { id: record.id, check: 'restore-plan' } });
    expect(accountState(h)).toBe(before);
  });

  it('runs an untouched restore record: the statement is back, with a signed 30-day exemption', async () => {
    const h = setUp({});
    const record = await stored(h, 'restore');
    expect(await decide(h, record, 'restored')).toMatchObject({ status: 'ran', outcome: { status: 'remediated' } });
    expect(h.account.lambda.policyDocument(fn(FUNCTION_NAME))?.Statement).toHaveLength(1);
    const exemption = await h.store.getExemption({ resource: FUNCTION_ARN, ruleId: 'function-public-access', now: h.clock() });
    expect(exemption).toMatchObject({ tag: expect.stringMatching(/^v1:/) as unknown });
    expect(alerts(h)).toEqual([]);
  });
});

describe('a forged exemption item', () => {
  const forged = (h: Harness) => ({
    resource: FUNCTION_ARN,
    ruleId: 'function-public-access',
    until: new Date(h.clock().getTime() + 86_400_000).toISOString(),
    by: 'U0APPROVER1',
    recordId: 'wa-000000000000000000000000',
    decision: 'rejected-and-exempted' as const,
    createdAt: h.clock().toISOString(),
  });

  it('is not honoured on the event path: the public statement is removed and a critical alert names it', async () => {
    const h = setUp({});
    h.store.overwrite({ exemption: forged(h) });
    const event = addPermissionEvent({ statementId: 'open', principal: '*' });
    h.account.replay(event);
    const record = await h.responder.handle(event);
    expect(record.outcomes[0]).toMatchObject({ status: 'remediated' });
    expect(h.account.lambda.policyDocument(fn(FUNCTION_NAME))).toBeNull();
    expect(alerts(h)).toEqual([expect.objectContaining({ kind: 'integrity-failure', severity: 'critical', item: { family: 'exemption', id: `${FUNCTION_ARN} function-public-access`, check: 'tag-missing' } })]);
  });

  it('an exemption signed with a key the attacker guessed is not honoured either', async () => {
    const h = setUp({});
    const exemption = forged(h);
    const guessed = await Integrity.ephemeral().sign('exemption', exemptionFields(exemption));
    h.store.overwrite({ exemption: { ...exemption, tag: guessed } });
    const event = addPermissionEvent({ statementId: 'open', principal: '*' });
    h.account.replay(event);
    expect((await h.responder.handle(event)).outcomes[0]).toMatchObject({ status: 'remediated' });
    expect(alerts(h)[0]).toMatchObject({ item: { check: 'tag-mismatch' } });
  });

  it('an exemption item that does not fit its schema is not honoured, does not stop the revert, and is reported as malformed', async () => {
    const h = setUp({});
    // In force by its `until`, so the claim's check sees it; its decision is not one an approver can take, and it names no record.
    h.store.overwrite({ malformedExemption: { resource: FUNCTION_ARN, ruleId: 'function-public-access', until: new Date(h.clock().getTime() + 86_400_000).toISOString(), by: 'U0APPROVER1', decision: 'exempt-forever', createdAt: h.clock().toISOString() } });
    const event = addPermissionEvent({ statementId: 'open', principal: '*' });
    h.account.replay(event);
    expect((await h.responder.handle(event)).outcomes[0]).toMatchObject({ status: 'remediated' });
    expect(h.account.lambda.policyDocument(fn(FUNCTION_NAME))).toBeNull();
    expect(alerts(h)).toEqual([expect.objectContaining({ kind: 'integrity-failure', severity: 'critical', item: { family: 'exemption', id: `${FUNCTION_ARN} function-public-access`, check: 'malformed' } })]);
  });

  it('is not honoured on the decision path either, and a genuine one stops the approved plan', async () => {
    const h = setUp();
    const record = await stored(h, 'approval');
    h.store.overwrite({ exemption: forged(h) });
    expect(await decide(h, record, 'approved')).toMatchObject({ status: 'ran', outcome: { status: 'remediated' } });
    expect(alerts(h)).toHaveLength(1);

    const g = setUp();
    const pending = await stored(g, 'approval');
    const genuine = forged(g);
    await g.store.putExemption({ ...genuine, tag: await g.integrity.sign('exemption', exemptionFields(genuine)) });
    expect(await decide(g, pending, 'approved')).toMatchObject({ status: 'ran', outcome: { status: 'exempt', exemption: { kind: 'decision' } } });
    expect(g.account.lambda.policyDocument(fn(FUNCTION_NAME))?.Statement).toHaveLength(1);
  });
});

describe('decisions re-judge the resource before acting', () => {
  it('changes nothing when the finding is gone (the resource was fixed meanwhile)', async () => {
    const h = setUp();
    const record = await stored(h, 'approval');
    h.account.lambda.removePermission(fn(FUNCTION_NAME), 'open');
    h.account.lambda.addPermission(fn(FUNCTION_NAME), { StatementId: 'partner', Action: 'lambda:InvokeFunction', Principal: '222233334444' });
    const before = accountState(h);
    const result = await decide(h, record, 'approved');
    expect(result).toMatchObject({ status: 'ran', outcome: { status: 'already-compliant' } });
    expect(result.outcome).not.toHaveProperty('error');
    expect(result.detail).toMatch(/no longer finds/);
    expect(h.lambda.callsOf('RemovePermission')).toEqual([]);
    expect(accountState(h)).toBe(before);
    expect(alerts(h)).toEqual([]);
  });

  it('does not quarantine a function whose finding is gone', async () => {
    const h = setUp();
    const record = await stored(h, 'approval');
    h.account.lambda.removePermission(fn(FUNCTION_NAME), 'open');
    expect(await decide(h, record, 'quarantined')).toMatchObject({ outcome: { status: 'already-compliant' } });
    expect(h.lambda.callsOf('PutFunctionConcurrency')).toEqual([]);
  });

  it('refuses a decided plan on the bot’s own resources (self-protection applies on this path too)', async () => {
    const h = setUp();
    const record = await stored(h, 'approval');
    const protectedConfig = harnessConfig({ ...APPROVE_MODE, selfProtection: { resources: [FUNCTION_ARN] } });
    const runner = new DecisionRunner({ store: h.store, executor: h.executor, sink: new EventBridgeSink(new EventBridgeClient({ region: REGION }), BUS), rules: RULES, config: protectedConfig, reader: h.reader, now: () => h.clock() });
    expect(await decide(h, record, 'approved', runner)).toMatchObject({ outcome: { status: 'exempt', exemption: { kind: 'self-protection' } } });
    expect(h.lambda.callsOf('RemovePermission')).toEqual([]);
  });
});

describe('record before publish', () => {
  it('runs an approved plan once when the publish fails and the delivery is retried, then publishes the stored outcome', async () => {
    const h = setUp();
    const record = await stored(h, 'approval');
    let failures = 1;
    const bus = new EventBridgeSink(new EventBridgeClient({ region: REGION }), BUS);
    const sink: EventSink = { publish: (events) => (failures-- > 0 ? Promise.reject(new EventPublishError('PutEvents rejected 1 of 1 events (InternalFailure)')) : bus.publish(events)) };
    const runner = new DecisionRunner({ store: h.store, executor: h.executor, sink, rules: RULES, config: h.config, reader: h.reader, tagsOf: tagsFromReader(h.reader), now: () => h.clock() });
    await expect(decide(h, record, 'approved', runner)).rejects.toThrow(EventPublishError);
    expect(h.lambda.callsOf('RemovePermission')).toHaveLength(1);
    expect(h.eventsOf('Warden Remediation')).toEqual([]);

    const retried = await runner.handle({ source: 'lambda-warden', 'detail-type': 'Warden Decision', detail: { ...decisionDetail(record), decision: 'approved' } });
    expect(retried).toMatchObject({ status: 'republished', outcome: { status: 'remediated', verified: true } });
    expect(h.lambda.callsOf('RemovePermission')).toHaveLength(1);
    expect(h.eventsOf('Warden Remediation').map((e) => e.detail)).toEqual([expect.objectContaining({ recordId: record.id, status: 'remediated' })]);
    expect((await runner.handle({ source: 'lambda-warden', 'detail-type': 'Warden Decision', detail: { ...decisionDetail(record), decision: 'approved' } })).status).toBe('duplicate');
    expect(h.eventsOf('Warden Remediation')).toHaveLength(1);
  });
});
