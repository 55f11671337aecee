import { afterEach, describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../../functions/shared/errors';
import { DECISION_FRESHNESS_MINUTES, isDecisionEvent } from '../../../functions/shared/responder/decision-runner';
import { ACCOUNT, FUNCTION_ARN, FUNCTION_NAME, REGION } from '../../fixtures/accounts';
import { addPermissionEvent } from '../../fixtures/cloudtrail';
import { createHarness, harnessConfig, type Harness } from './responder-harness';

const functionRef = { kind: 'lambda-function', account: ACCOUNT, region: REGION, functionName: FUNCTION_NAME } as const;

let harness: Harness;
let created: Harness[] = [];
afterEach(() => {
  for (const h of created) h.dispose();
  created = [];
});
const make = (...args: Parameters<typeof createHarness>): Harness => {
  const h = createHarness(...args);
  created.push(h);
  return h;
};

function sids(h: Harness): string[] {
  return (h.account.lambda.policyDocument(functionRef)?.Statement as { Sid?: string }[] | undefined)?.map((s) => s.Sid ?? '') ?? [];
}

function decision(detail: Record<string, unknown>) {
  return { version: '0', source: 'lambda-warden', 'detail-type': 'Warden Decision', detail };
}

async function pending(h: Harness): Promise<{ id: string; findingId: string; eventId: string }> {
  const event = addPermissionEvent({ statementId: 'open', principal: '*' });
  h.account.replay(event);
  const record = await h.responder.handle(event);
  const outcome = record.outcomes[0];
  if (outcome?.approval === undefined) throw new Error('no approval');
  return { id: outcome.approval.id, findingId: outcome.findingId, eventId: outcome.eventId };
}

const base = (ids: { id: string; findingId: string; eventId: string }, overrides: Record<string, unknown> = {}) => ({
  recordId: ids.id,
  findingId: ids.findingId,
  eventId: ids.eventId,
  ruleId: 'function-public-access',
  resource: FUNCTION_ARN,
  account: ACCOUNT,
  region: REGION,
  decision: 'approved',
  by: { userId: 'U0APPROVER1' },
  at: '2025-03-14T09:31:00.000Z',
  plan: null,
  ...overrides,
});

describe('DecisionRunner (the responder side of a Slack decision)', () => {
  it('routes only Warden Decision events from lambda-warden', () => {
    expect(isDecisionEvent(decision({}))).toBe(true);
    expect(isDecisionEvent({ source: 'attacker', 'detail-type': 'Warden Decision' })).toBe(false);
    expect(isDecisionEvent(addPermissionEvent({ statementId: 'x', principal: '*' }))).toBe(false);
  });

  it('runs nothing for a Decision event the stored record does not back (a forged or replayed approval)', async () => {
    harness = make({ config: harnessConfig({ rules: { 'function-public-access': { mode: 'approve' } } }) });
    const ids = await pending(harness);
    const forged = await harness.decisions.handle(decision(base(ids, { plan: { action: 'remove-function-permission', call: 'x', description: 'y' } })));
    expect(forged).toMatchObject({ status: 'refused' });
    expect(forged.detail).toMatch(/pending/);
    expect(sids(harness)).toEqual(['open']);
    expect(harness.eventsOf('Warden Remediation')).toEqual([]);
    expect((await harness.store.getApproval(ids.id))?.status).toBe('pending');
  });

  it('refuses a Restore decision on an approval record, even when the record was decided so', async () => {
    harness = make({ config: harnessConfig({ rules: { 'function-public-access': { mode: 'approve' } } }) });
    const ids = await pending(harness);
    await harness.store.decideApproval({ id: ids.id, decision: 'restored', by: 'U0APPROVER1', now: harness.clock() });
    const record = await harness.decisions.handle(decision(base(ids, { decision: 'restored' })));
    expect(record.status).toBe('refused');
    expect(harness.lambda.callsOf('AddPermission')).toEqual([]);
  });

  it('refuses to run a plan decided more than 15 minutes ago (a re-sent Decision event), says so once, and changes nothing', async () => {
    harness = make({ config: harnessConfig({ rules: { 'function-public-access': { mode: 'approve' } } }) });
    const ids = await pending(harness);
    const decided = await harness.store.decideApproval({ id: ids.id, decision: 'approved', by: 'U0APPROVER1', now: harness.clock() });
    const decidedAt = decided.ok ? (decided.record.decidedAt ?? '') : '';
    harness.advance(DECISION_FRESHNESS_MINUTES * 60_000 + 1);
    const assumed = harness.assumeRoles.length;
    const record = await harness.decisions.handle(decision(base(ids)));
    expect(record).toMatchObject({ status: 'ran', outcome: { status: 'failed', error: { name: 'DecisionTooOld' } } });
    expect(record.detail).toBe(
      `not run: decided at ${decidedAt}, more than 15 minutes ago, and the account may have changed since; nothing was changed, decide again on a new finding or make the change by hand`,
    );
    expect(sids(harness)).toEqual(['open']);
    expect(harness.lambda.callsOf('RemovePermission')).toEqual([]);
    expect(harness.assumeRoles).toHaveLength(assumed);
    const emitted = harness.eventsOf('Warden Remediation');
    expect(emitted).toHaveLength(1);
    expect(emitted[0]?.detail).toMatchObject({ recordId: ids.id, decision: 'approved', status: 'failed', detail: record.detail, plan: { action: 'remove-function-permission' } });
    expect((await harness.decisions.handle(decision(base(ids)))).status).toBe('duplicate');
    expect(harness.eventsOf('Warden Remediation')).toHaveLength(1);
  });

  it('still runs a plan decided just within the 15 minutes', async () => {
    harness = make({ config: harnessConfig({ rules: { 'function-public-access': { mode: 'approve' } } }) });
    const ids = await pending(harness);
    await harness.store.decideApproval({ id: ids.id, decision: 'approved', by: 'U0APPROVER1', now: harness.clock() });
    harness.advance(DECISION_FRESHNESS_MINUTES * 60_000);
    expect(await harness.decisions.handle(decision(base(ids)))).toMatchObject({ status: 'ran', outcome: { status: 'remediated' } });
    expect(sids(harness)).toEqual([]);
  });

  it('rejects an event of the wrong shape, naming the fields', async () => {
    harness = make();
    await expect(harness.decisions.handle(decision({ recordId: 'arn:forged', decision: 'approved' }))).rejects.toThrow(InvalidEventError);
    await expect(harness.decisions.handle(decision({ recordId: 'arn:forged', decision: 'approved' }))).rejects.toThrow(/detail\.recordId/);
  });

  it('does nothing while another delivery holds the execution claim, and runs once it is given back', async () => {
    harness = make({ config: harnessConfig({ rules: { 'function-public-access': { mode: 'approve' } } }) });
    const ids = await pending(harness);
    await harness.store.decideApproval({ id: ids.id, decision: 'approved', by: 'U0APPROVER1', now: harness.clock() });
    const claim = await harness.store.claimExecution({ id: ids.id, status: 'approved', now: harness.clock(), leaseSeconds: 900 });
    expect(claim.claimed).toBe(true);
    expect((await harness.decisions.handle(decision(base(ids)))).status).toBe('duplicate');
    if (claim.claimed) await harness.store.releaseExecution({ id: ids.id, owner: claim.owner });
    expect((await harness.decisions.handle(decision(base(ids)))).status).toBe('ran');
    expect(sids(harness)).toEqual([]);
  });
});
