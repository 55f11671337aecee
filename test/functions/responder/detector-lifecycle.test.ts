/**
 * The lifecycle of detector findings (issue #18), end to end: the responder on the in-memory account,
 * every Warden event it emits handed to the notifier, which talks to a local Slack API server.
 */
import { describe, expect, it } from 'vitest';
import type { ExecutionOutcome } from '../../../functions/shared/contract/outcome';
import { analyzer, detectorLoopsForFile, EXPORT, guardDuty, hasButtons, RESIZER, textOf } from './detector-loop';

const { loop } = detectorLoopsForFile();


function approvedDecision(outcome: ExecutionOutcome, recordId: string, at: Date) {
  return {
    version: '0',
    source: 'lambda-warden',
    'detail-type': 'Warden Decision',
    detail: { recordId, findingId: outcome.findingId, eventId: outcome.eventId, ruleId: outcome.ruleId, resource: outcome.resource, account: outcome.account, region: outcome.region, decision: 'approved', by: { userId: 'U0APPROVER1' }, at: at.toISOString(), plan: null },
  };
}

describe('detector finding lifecycle (issue #18)', () => {
  it('GuardDuty: one message and one approval across duplicates; an update replies in its thread; archiving closes the approval, strips the buttons and says so; a later Approve changes nothing', async () => {
    const { h, notify, posts, updates } = loop();
    const first = await h.responder.handle(guardDuty());
    const approval = first.outcomes[0]?.approval;
    if (approval === undefined) throw new Error('no approval');
    const [posted] = await notify();
    expect(posts()).toHaveLength(1);
    expect(hasButtons(posts()[0])).toBe(true);
    const rootTs = posted?.message?.ts;
    expect(rootTs).toBeDefined();

    // The same version again (a retry, or the administrator account's copy): nothing new.
    expect((await h.responder.handle(guardDuty())).outcomes.map((o) => o.status)).toEqual(['duplicate']);
    await notify();
    expect(posts()).toHaveLength(1);

    // GuardDuty updates the finding (later updatedAt, count 3): a thread reply, not a new message or a new question.
    const updated = await h.responder.handle(guardDuty({ updatedAt: '2025-03-14T15:20:05.512Z' }, { count: 3, eventLastSeen: '2025-03-14T15:14:02.000Z' }));
    expect(updated.outcomes[0]).toMatchObject({ status: 'pending-approval', approval: { id: approval.id, openedBy: first.eventId } });
    await notify();
    expect(posts()).toHaveLength(2);
    expect(posts()[1]?.body.thread_ts).toBe(rootTs);
    expect(textOf(posts()[1])).toMatch(/Updated by GuardDuty at .*\(seen 3 times\)/);
    expect(hasButtons(posts()[1])).toBe(false);

    // Archived in GuardDuty: the pending approval is closed, the message loses its buttons, the thread says so.
    const archived = await h.responder.handle(guardDuty({ updatedAt: '2025-03-14T16:00:00.000Z' }, { archived: true, count: 3 }));
    expect(archived).toMatchObject({ ignored: { kind: 'finding-closed' }, findings: [], outcomes: [], closed: [approval.id] });
    expect(archived.ignored?.text).toMatch(/GuardDuty marked finding e6c4a3f1b2d84c7a9e0f1a2b3c4d5e6f archived/);
    expect(await h.store.getApproval(approval.id)).toMatchObject({ status: 'closed' });
    const closing = await notify();
    expect(closing.map((r) => r.action)).toEqual(['updated']);
    expect(updates()).toHaveLength(1);
    expect(updates()[0]?.body.ts).toBe(rootTs);
    expect(hasButtons(updates()[0])).toBe(false);
    expect(textOf(updates()[0])).toContain('Closed');
    expect(posts()).toHaveLength(3);
    expect(posts()[2]?.body.thread_ts).toBe(rootTs);
    expect(textOf(posts()[2])).toMatch(/Closed.*GuardDuty marked finding e6c4a3f1b2d84c7a9e0f1a2b3c4d5e6f archived.*pending approval wa-[0-9a-f]{24} is closed/s);

    // The archived finding delivered again: nothing more is closed or said.
    const again = await h.responder.handle(guardDuty({ updatedAt: '2025-03-14T16:00:00.000Z' }, { archived: true, count: 3 }));
    expect(again.closed).toEqual([]);
    expect((await notify()).map((r) => r.action)).toEqual(['duplicate']);
    expect(posts()).toHaveLength(3);

    // An Approve click now: the record is no longer pending, so nothing is decided and nothing runs.
    const before = h.account.toStateFile();
    const click = await h.store.decideApproval({ id: approval.id, decision: 'approved', by: 'U0APPROVER1', now: h.clock() });
    expect(click).toMatchObject({ ok: false, reason: 'already-decided' });
    const forged = await h.decisions.handle(approvedDecision(first.outcomes[0]!, approval.id, h.clock()));
    expect(forged.status).toBe('refused');
    expect(h.account.toStateFile()).toEqual(before);
    expect(h.account.lambda.getReservedConcurrency(RESIZER)).toBe(25);
    expect(h.lambda.calls.filter((c) => ['PutFunctionConcurrency', 'UpdateEventSourceMapping'].includes(c.command))).toEqual([]);
  });

  it('Access Analyzer: a resolved finding closes the approval it opened, and the statement stays (nothing acted on)', async () => {
    const { h, notify, posts, updates } = loop();
    const active = await h.responder.handle(analyzer());
    const approval = active.outcomes[0]?.approval;
    if (approval === undefined) throw new Error('no approval');
    await notify();
    expect(posts()).toHaveLength(1);
    const resolved = await h.responder.handle(analyzer({ status: 'RESOLVED', updatedAt: '2025-03-14T10:14:07Z' }));
    expect(resolved).toMatchObject({ ignored: { kind: 'finding-closed' }, closed: [approval.id] });
    expect(resolved.ignored?.text).toMatch(/IAM Access Analyzer marked finding 22222222-dcba-4444-dcba-333333333333 resolved/);
    await notify();
    expect(hasButtons(updates()[0])).toBe(false);
    expect(textOf(posts()[1])).toMatch(/IAM Access Analyzer marked finding .* resolved/);
    expect(await h.store.decideApproval({ id: approval.id, decision: 'approved', by: 'U0APPROVER1', now: h.clock() })).toMatchObject({ ok: false });
    expect(h.account.lambda.policyDocument({ kind: 'lambda-function', ...EXPORT })).not.toBeNull();
    expect(h.lambda.calls.filter((c) => c.command === 'RemovePermission')).toEqual([]);
  });

  it('an alert-only finding updated by GuardDuty replies under its first message; archived, its thread says so though no approval was pending', async () => {
    const { h, notify, posts } = loop();
    const medium = { severity: 5, type: 'UnauthorizedAccess:Lambda/MaliciousIPCaller.Custom' };
    expect((await h.responder.handle(guardDuty(medium))).outcomes.map((o) => o.status)).toEqual(['alerted']);
    const [posted] = await notify();
    const rootTs = posted?.message?.ts;
    expect(rootTs).toBeDefined();
    expect((await h.responder.handle(guardDuty({ ...medium, updatedAt: '2025-03-14T15:20:05.512Z' }, { count: 2 }))).outcomes.map((o) => o.status)).toEqual(['alerted']);
    await notify();
    expect(posts().map((p) => p.body.thread_ts)).toEqual([undefined, rootTs]);
    expect(textOf(posts()[1])).toMatch(/Updated by GuardDuty .*seen 2 times/s);
    const archived = await h.responder.handle(guardDuty({ ...medium, updatedAt: '2025-03-14T16:00:00.000Z' }, { archived: true }));
    expect(archived).toMatchObject({ ignored: { kind: 'finding-closed' }, closed: [] });
    await notify();
    expect(posts().map((p) => p.body.thread_ts)).toEqual([undefined, rootTs, rootTs]);
    expect(textOf(posts()[2])).toContain('no approval of it was pending');
  });

  it('closes only a record that is intact and was opened for this very detector finding; a rewritten one raises an integrity alert and stays', async () => {
    const { h } = loop();
    const first = await h.responder.handle(guardDuty());
    const approval = first.outcomes[0]?.approval;
    if (approval === undefined) throw new Error('no approval');
    const record = await h.store.getApproval(approval.id);
    if (record === null) throw new Error('no record');
    h.store.overwrite({ approval: { ...record, call: 'lambda:PutFunctionConcurrency FunctionName=somebody-else ReservedConcurrentExecutions=0' } });
    const archived = await h.responder.handle(guardDuty({ updatedAt: '2025-03-14T16:00:00.000Z' }, { archived: true }));
    expect(archived.closed).toEqual([]);
    expect(await h.store.getApproval(approval.id)).toMatchObject({ status: 'pending' });
    expect(h.eventsOf('Warden Alert').map((e) => e.detail)).toEqual([expect.objectContaining({ kind: 'integrity-failure', item: { family: 'record', id: approval.id, check: 'tag-mismatch' } })]);
    // Another detector finding's closing never touches it.
    const other = await h.responder.handle(guardDuty({ id: 'f1111111111111111111111111111111', updatedAt: '2025-03-14T16:00:00.000Z' }, { archived: true }));
    expect(other.closed).toEqual([]);
  });
});
