/**
 * Issue #18, the rest of the detector finding lifecycle: Inspector findings closed or suppressed leave
 * their function's digest, and a finding its service closed and later made active again is judged again
 * (a stale version from before the closing is not). The responder on the in-memory account, every Warden
 * event it emits handed to the notifier, which talks to a local Slack API server.
 */
import { describe, expect, it } from 'vitest';
import { afterClosing, latestClosing } from '../../../functions/shared/contract/detector-finding';
import { ACCOUNT, REGION } from '../../fixtures/accounts';
import { analyzer, detectorLoopsForFile, EXPORT, guardDuty, hasButtons, INSPECTOR, RESIZER, textOf } from './detector-loop';

const CODE = 'Xk1Vb0q8u1r3Nn0mQ2pS5zT7wY9aB1cD3eF5gH7iJ9k=';
/** Planted in a closing Inspector finding's description, snippet and remediation text: none of it may reach Slack. */
const PLANTED = 'AKIAPLANTEDCLOSING77';

const { server: slackServer, loop } = detectorLoopsForFile({ codeSha256: CODE });

/** The Inspector sample as finding `id` (a second CVE when `second`), with `detail` fields overridden. */
function inspector(id: string, detail: Record<string, unknown> = {}, second = false): Record<string, unknown> {
  const event = structuredClone(INSPECTOR) as { detail: Record<string, unknown> };
  const cve = second
    ? {
        severity: 'CRITICAL',
        inspectorScore: 9.8,
        packageVulnerabilityDetails: { vulnerabilityId: 'CVE-2022-24999', source: 'NVD', cvss: [{ baseScore: 9.8, version: '3.1' }], vulnerablePackages: [{ name: 'qs', version: '6.5.2', fixedInVersion: '6.5.3' }] },
      }
    : {};
  Object.assign(event.detail, { findingArn: `arn:aws:inspector2:${REGION}:${ACCOUNT}:finding/${id}`, ...cve, ...detail });
  return event;
}


describe('Inspector findings closed, suppressed and reopened (issue #18)', () => {
  it('a finding Inspector closes leaves the digest (updated in place, the thread says which); a duplicate says nothing more; the last one suppressed leaves the digest empty, and it says so', async () => {
    const { h, notify, posts, updates } = loop();
    await h.responder.handle(inspector('a0000000000000000000000000000001'));
    await h.responder.handle(inspector('b0000000000000000000000000000002', {}, true));
    const [posted] = await notify();
    expect(posts()).toHaveLength(2);
    const rootTs = posted?.message?.ts;
    expect(rootTs).toBeDefined();
    expect(textOf(updates().at(-1))).toMatch(/2 finding\(s\) in image-resizer/);

    // Inspector closes the lodash finding (its evidence carries a planted secret): not judged, it leaves the digest.
    const evidence = { description: `leaked ${PLANTED}`, remediation: { recommendation: { text: `rotate ${PLANTED}` } }, codeSnippet: [{ content: PLANTED }] };
    const closed = await h.responder.handle(inspector('a0000000000000000000000000000001', { status: 'CLOSED', updatedAt: '2025-03-20T08:00:00.000Z', ...evidence }));
    expect(closed).toMatchObject({ ignored: { kind: 'finding-closed' }, findings: [], outcomes: [], closed: [] });
    const [left] = await notify();
    expect(left).toMatchObject({ kind: 'remediation', action: 'updated' });
    const digest = updates().at(-1);
    expect(digest?.body.ts).toBe(rootTs);
    expect(textOf(digest)).toMatch(/1 finding\(s\) in image-resizer/);
    expect(textOf(digest)).toContain('CVE-2022-24999');
    expect(textOf(digest)).not.toContain('CVE-2021-23337');
    const reply = posts().at(-1);
    expect(reply?.body.thread_ts).toBe(rootTs);
    expect(textOf(reply)).toMatch(/Closed by Inspector.*CVE-2021-23337.*1 finding\(s\) remain open/s);

    // The same closing delivered again: one message, one action.
    const callsBefore = slackServer().calls.length;
    expect((await h.responder.handle(inspector('a0000000000000000000000000000001', { status: 'CLOSED', updatedAt: '2025-03-20T08:00:00.000Z' }))).ignored?.kind).toBe('finding-closed');
    expect((await notify()).map((r) => r.action)).toEqual(['duplicate']);
    expect(slackServer().calls).toHaveLength(callsBefore);

    // The other one suppressed: the digest is empty and says so.
    await h.responder.handle(inspector('b0000000000000000000000000000002', { status: 'SUPPRESSED', updatedAt: '2025-03-21T08:00:00.000Z' }, true));
    await notify();
    expect(textOf(updates().at(-1))).toMatch(/0 finding\(s\) in image-resizer.*No open Inspector finding in this code/s);
    expect(textOf(posts().at(-1))).toMatch(/Suppressed in Inspector.*CVE-2022-24999.*The digest is empty/s);
    expect(slackServer().calls.map((c) => c.raw).join('\n')).not.toContain(PLANTED);
    expect(h.events.map((e) => e.raw).join('\n')).not.toContain(PLANTED);
  });

  it('a finding Inspector reopens is judged again and rejoins the digest; a stale active version from before the closing is not judged', async () => {
    const { h, notify, posts, updates } = loop();
    const first = await h.responder.handle(inspector('a0000000000000000000000000000001'));
    await notify();
    await h.responder.handle(inspector('a0000000000000000000000000000001', { status: 'CLOSED', updatedAt: '2025-03-20T08:00:00.000Z' }));
    await notify();
    expect(textOf(updates().at(-1))).toContain('No open Inspector finding');

    // An active version older than the closing (a late or repeated delivery): superseded, nothing posted.
    const calls = slackServer().calls.length;
    const stale = await h.responder.handle(inspector('a0000000000000000000000000000001', { updatedAt: '2025-03-18T00:00:00.000Z' }));
    expect(stale).toMatchObject({ ignored: { kind: 'finding-closed' }, findings: [], outcomes: [] });
    expect(stale.ignored?.text).toMatch(/marked finding .* closed \(updated 2025-03-20T08:00:00.000Z\); this delivery is of a version before that .*superseded, nothing is judged/);
    expect(await h.responder.handle(inspector('a0000000000000000000000000000001'))).toMatchObject({ ignored: { kind: 'finding-closed' }, outcomes: [] });
    expect(await notify()).toEqual([]);
    expect(slackServer().calls).toHaveLength(calls);

    // Reopened by Inspector (ACTIVE, later updatedAt): judged again, back in the digest, the thread says so.
    const reopened = await h.responder.handle(inspector('a0000000000000000000000000000001', { updatedAt: '2025-03-25T00:00:00.000Z' }));
    expect(reopened.ignored).toBeNull();
    expect(reopened.outcomes.map((o) => o.status)).toEqual(['alerted']);
    expect(reopened.findings[0]?.id).toBe(first.findings[0]?.id);
    expect(reopened.eventId).toBe(`inspector2:arn:aws:inspector2:${REGION}:${ACCOUNT}:finding/a0000000000000000000000000000001@2025-03-25T00:00:00.000Z#reopened@2025-03-20T08:00:00.000Z`);
    expect(reopened.findings[0]?.detector).toMatchObject({ service: 'inspector', state: 'active', reopenedAfter: '2025-03-20T08:00:00.000Z' });
    await notify();
    expect(textOf(updates().at(-1))).toMatch(/1 finding\(s\) in image-resizer.*CVE-2021-23337/s);
    expect(textOf(posts().at(-1))).toMatch(/Reopened by Inspector/);
    expect(posts().filter((p) => p.body.thread_ts === undefined)).toHaveLength(1);
    // The reopened version delivered again: one action.
    expect((await h.responder.handle(inspector('a0000000000000000000000000000001', { updatedAt: '2025-03-25T00:00:00.000Z' }))).outcomes.map((o) => o.status)).toEqual(['duplicate']);
  });
});

describe('findings reopened after a closing are judged again (issue #18)', () => {
  it('GuardDuty: a recurrence counted after the archive (service.count above the archived count) opens a new approval in the thread, even at the same updatedAt; a stale version is not judged', async () => {
    const { h, notify, posts } = loop();
    const first = await h.responder.handle(guardDuty());
    const closedRecord = first.outcomes[0]?.approval?.id;
    const rootTs = (await notify())[0]?.message?.ts;
    expect(rootTs).toBeDefined();
    const archivedAt = '2025-03-14T16:00:00.000Z';
    expect((await h.responder.handle(guardDuty({ updatedAt: archivedAt }, { archived: true, count: 1 }))).closed).toEqual([closedRecord]);
    await notify();

    // The version judged before the archive, delivered again: stale (same updatedAt as then, count 1).
    expect(await h.responder.handle(guardDuty())).toMatchObject({ ignored: { kind: 'finding-closed' }, outcomes: [] });
    // A version between the first and the archive, never seen before: stale too (it would have re-asked after the archive).
    expect(await h.responder.handle(guardDuty({ updatedAt: '2025-03-14T12:00:00.000Z' }, { count: 1 }))).toMatchObject({ ignored: { kind: 'finding-closed' }, outcomes: [] });
    expect(await notify()).toEqual([]);

    // GuardDuty counts the activity again after the archive and the finding is active: judged again.
    const again = await h.responder.handle(guardDuty({ updatedAt: archivedAt }, { archived: false, count: 2 }));
    expect(again.outcomes.map((o) => o.status)).toEqual(['pending-approval']);
    const reopenedRecord = again.outcomes[0]?.approval?.id;
    expect(reopenedRecord).toBeDefined();
    expect(reopenedRecord).not.toBe(closedRecord);
    expect(again.outcomes[0]?.approval?.openedBy).toBeUndefined();
    expect(again.eventId).toBe(`guardduty:e6c4a3f1b2d84c7a9e0f1a2b3c4d5e6f@${archivedAt}#reopened@${archivedAt}`);
    expect(await h.store.getApproval(reopenedRecord ?? '')).toMatchObject({ status: 'pending' });
    await notify();
    const question = posts().at(-1);
    expect(question?.body.thread_ts).toBe(rootTs);
    expect(hasButtons(question)).toBe(true);
    // Delivered again (or the administrator's copy): one message, one action.
    expect((await h.responder.handle(guardDuty({ updatedAt: archivedAt }, { archived: false, count: 2 }))).outcomes.map((o) => o.status)).toEqual(['duplicate']);
    const calls = slackServer().calls.length;
    await notify();
    expect(slackServer().calls).toHaveLength(calls);
    // Nothing was isolated on the way: only the approver can.
    expect(h.account.lambda.getReservedConcurrency(RESIZER)).toBe(25);
  });

  it('Access Analyzer: a finding unarchived (status ACTIVE, later updatedAt) asks again, with the reopening said in the thread; archived again, that approval closes', async () => {
    const { h, notify, posts } = loop();
    const first = await h.responder.handle(analyzer());
    const rootTs = (await notify())[0]?.message?.ts;
    expect(rootTs).toBeDefined();
    await h.responder.handle(analyzer({ status: 'ARCHIVED', updatedAt: '2025-03-14T11:00:00Z' }));
    await notify();
    expect(await h.responder.handle(analyzer({ updatedAt: '2025-03-14T10:30:00Z' }))).toMatchObject({ ignored: { kind: 'finding-closed' }, outcomes: [] });
    const unarchived = await h.responder.handle(analyzer({ status: 'ACTIVE', updatedAt: '2025-03-14T12:00:00Z' }));
    expect(unarchived.outcomes.map((o) => o.status)).toEqual(['pending-approval']);
    const record = unarchived.outcomes[0]?.approval?.id ?? '';
    expect(record).not.toBe(first.outcomes[0]?.approval?.id);
    await notify();
    expect(hasButtons(posts().at(-1))).toBe(true);
    expect(posts().at(-1)?.body.thread_ts).toBe(rootTs);
    const rearchived = await h.responder.handle(analyzer({ status: 'ARCHIVED', updatedAt: '2025-03-14T13:00:00Z' }));
    expect(rearchived.closed).toEqual([record]);
    expect(await h.store.getApproval(record)).toMatchObject({ status: 'closed' });
    expect(h.account.lambda.policyDocument({ kind: 'lambda-function', ...EXPORT })).not.toBeNull();
  });

  it('Access Analyzer: an update by the analyzer (still ACTIVE, later updatedAt) replies in the thread and asks nothing new; delivered twice, once', async () => {
    const { h, notify, posts } = loop();
    const first = await h.responder.handle(analyzer());
    const rootTs = (await notify())[0]?.message?.ts;
    const updated = await h.responder.handle(analyzer({ updatedAt: '2025-03-14T10:00:00Z', analyzedAt: '2025-03-14T10:00:00Z' }));
    expect(updated.outcomes[0]).toMatchObject({ status: 'pending-approval', approval: { id: first.outcomes[0]?.approval?.id, openedBy: first.eventId } });
    expect((await h.responder.handle(analyzer({ updatedAt: '2025-03-14T10:00:00Z' }))).outcomes.map((o) => o.status)).toEqual(['duplicate']);
    await notify();
    expect(posts()).toHaveLength(2);
    expect(posts()[1]?.body.thread_ts).toBe(rootTs);
    expect(textOf(posts()[1])).toMatch(/Updated by IAM Access Analyzer/);
    expect(hasButtons(posts()[1])).toBe(false);
  });

  it('an alert-only GuardDuty finding reopened says so in its thread', async () => {
    const { h, notify, posts } = loop();
    const medium = { severity: 5, type: 'UnauthorizedAccess:Lambda/MaliciousIPCaller.Custom' };
    await h.responder.handle(guardDuty(medium));
    const rootTs = (await notify())[0]?.message?.ts;
    expect(rootTs).toBeDefined();
    await h.responder.handle(guardDuty({ ...medium, updatedAt: '2025-03-14T16:00:00.000Z' }, { archived: true }));
    await notify();
    expect((await h.responder.handle(guardDuty({ ...medium, updatedAt: '2025-03-14T18:00:00.000Z' }, { archived: false, count: 4 }))).outcomes.map((o) => o.status)).toEqual(['alerted']);
    await notify();
    expect(posts().at(-1)?.body.thread_ts).toBe(rootTs);
    expect(textOf(posts().at(-1))).toMatch(/Reopened by GuardDuty .*after it was closed.*judged again.*seen 4 times/s);
  });
});

describe('afterClosing', () => {
  const closing = { state: 'archived' as const, updatedAt: '2025-03-14T16:00:00.000Z', count: 3 };
  it.each([
    ['a later updatedAt (Access Analyzer unarchived, Inspector reopened, GuardDuty updated)', { updatedAt: '2025-03-14T16:00:00.001Z' }, 'again'],
    ['the same updatedAt with a higher GuardDuty count', { updatedAt: '2025-03-14T16:00:00.000Z', count: 4 }, 'again'],
    ['the same updatedAt and count', { updatedAt: '2025-03-14T16:00:00.000Z', count: 3 }, 'stale'],
    ['an earlier updatedAt with a lower count', { updatedAt: '2025-03-14T09:00:00.000Z', count: 1 }, 'stale'],
    ['an earlier updatedAt without a count', { updatedAt: '2025-03-14T09:00:00.000Z' }, 'stale'],
    ['an updatedAt that does not parse', { updatedAt: 'yesterday' }, 'again'],
  ] as const)('judges %s as %s', (_name, ref, verdict) => {
    expect(afterClosing(ref, closing)).toBe(verdict);
  });

  it('compares with the latest closing recorded', () => {
    const closings = [closing, { state: 'resolved' as const, updatedAt: '2025-03-15T00:00:00.000Z' }, { state: 'archived' as const, updatedAt: 'garbage' }];
    expect(latestClosing(closings)?.updatedAt).toBe('2025-03-15T00:00:00.000Z');
    expect(latestClosing([])).toBeNull();
  });
});
