/**
 * One open question per finding, end to end (issue #13, gap 10): the responder on the in-memory
 * account and the notifier on the same store, posting to a local Slack API. Four events on one
 * function with a public statement ask once; the later ones reply in that message's thread.
 */
import { WebClient } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { approvalId } from '../../../functions/shared/executor/executor';
import type { ExecutionOutcome } from '../../../functions/shared/contract/outcome';
import { Notifier } from '../../../functions/shared/notifier/notifier';
import { slackClientOptions } from '../../../functions/shared/slack/slack-client';
import type { CloudTrailEvent } from '../../../functions/shared/event/cloudtrail-event';
import { ORG_ACCOUNT } from '../../fixtures/accounts';
import { addPermissionEvent } from '../../fixtures/cloudtrail';
import { startSlackApiServer, type SlackApiServer } from '../shared/slack/slack-api-server';
import { createHarness, harnessConfig, type Harness } from './responder-harness';

const CHANNEL = 'C0APPROVALS';

let server: SlackApiServer;
beforeAll(async () => {
  server = await startSlackApiServer();
});
afterAll(async () => {
  await server.close();
});

let harness: Harness;
afterEach(() => {
  harness.dispose();
});

/** The responder and the notifier wired on one store; `deliver` runs one CloudTrail event through both. */
function wired(): { deliver: (...events: CloudTrailEvent[]) => Promise<ExecutionOutcome[]> } {
  harness = createHarness({ config: harnessConfig({ rules: { 'function-public-access': { mode: 'approve' } }, slack: { defaultChannel: CHANNEL } }) });
  const client = new WebClient('xoxb-test-token-not-a-secret', slackClientOptions(server.url));
  const notifier = new Notifier({ config: harness.config, store: harness.store, slack: () => Promise.resolve(client), now: () => harness.clock() });
  let sent = 0;
  return {
    deliver: async (...events) => {
      for (const event of events) harness.account.replay(event);
      const records = await Promise.all(events.map((event) => harness.responder.handle(event)));
      for (const emitted of harness.events.slice(sent)) {
        await notifier.handle({ version: '0', id: `bus-${String(sent)}`, 'detail-type': emitted.detailType, source: emitted.source, detail: JSON.parse(emitted.raw) as unknown });
        sent += 1;
      }
      return records.flatMap((r) => r.outcomes);
    },
  };
}

const publicStatement = (sid: string, eventID: string) => addPermissionEvent({ statementId: sid, principal: '*' }, { eventID });
/** A change to the same function that is not public (the rule judges the whole policy again). */
const orgStatement = (sid: string, eventID: string) => addPermissionEvent({ statementId: sid, principal: ORG_ACCOUNT }, { eventID });

/** The top-level messages posted to the channel (their buttons' record ids), and the `thread_ts` of each thread reply. */
function slack(): { messages: string[][]; replies: unknown[] } {
  const posts = server.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === CHANNEL);
  return {
    messages: posts.filter((p) => p.body.thread_ts === undefined).map((p) => [...new Set([...JSON.stringify(p.body.blocks).matchAll(/"value":"(wa-[0-9a-f]+)"/g)].map((m) => m[1] ?? ''))]),
    replies: posts.filter((p) => p.body.thread_ts !== undefined).map((p) => p.body.thread_ts),
  };
}

/** Where the message of a record's approval was posted (its `ts`). */
async function messageTs(recordId: string): Promise<string | undefined> {
  return (await harness.store.getNotifiedMessageByRecord(recordId))?.message.ts;
}

describe('one open approval per finding (responder and notifier)', () => {
  it('asks once about a public statement that four events raise: one record, one message, three thread replies', async () => {
    server.calls.length = 0;
    const { deliver } = wired();
    const events = ['e-1', 'e-2', 'e-3', 'e-4'];
    const outcomes = [...(await deliver(publicStatement('open', 'e-1'))), ...(await deliver(orgStatement('org-1', 'e-2'))), ...(await deliver(orgStatement('org-2', 'e-3'))), ...(await deliver(orgStatement('org-3', 'e-4')))];
    expect(outcomes.map((o) => `${o.ruleId}:${o.status}`)).toEqual(events.map(() => 'function-public-access:pending-approval'));
    const findingId = outcomes[0]?.findingId ?? '';
    expect(new Set(outcomes.map((o) => o.findingId))).toEqual(new Set([findingId]));
    const stored = await Promise.all(events.map((e) => harness.store.getApproval(approvalId(findingId, e))));
    expect(stored.map((r) => r?.status ?? null)).toEqual(['pending', null, null, null]);
    expect(outcomes.map((o) => o.approval?.id)).toEqual(events.map(() => approvalId(findingId, 'e-1')));
    const { messages, replies } = slack();
    expect(messages).toEqual([[approvalId(findingId, 'e-1')]]);
    const ts = await messageTs(approvalId(findingId, 'e-1'));
    expect(replies).toEqual([ts, ts, ts]);
  });

  it('still asks about each public statement once: three statements over four events give three records and three messages', async () => {
    server.calls.length = 0;
    const { deliver } = wired();
    const outcomes = [...(await deliver(publicStatement('open-a', 'e-1'))), ...(await deliver(publicStatement('open-b', 'e-2'))), ...(await deliver(publicStatement('open-c', 'e-3'))), ...(await deliver(orgStatement('org-1', 'e-4')))];
    // Before: 1 + 2 + 3 records for 3 statements (each event asked again about every public statement).
    const opened = outcomes.filter((o) => o.approval?.openedBy === undefined);
    expect(opened.map((o) => o.eventId)).toEqual(['e-1', 'e-2', 'e-3']);
    expect(new Set(opened.map((o) => o.findingId)).size).toBe(3);
    const all = await Promise.all(outcomes.map((o) => harness.store.getApproval(approvalId(o.findingId, o.eventId))));
    expect(all.filter((r) => r !== null)).toHaveLength(3);
    const { messages, replies } = slack();
    expect(messages).toEqual(opened.map((o) => [approvalId(o.findingId, o.eventId)]));
    const roots = await Promise.all(opened.map((o) => messageTs(approvalId(o.findingId, o.eventId))));
    expect(replies).toHaveLength(outcomes.length - 3);
    expect(replies.every((ts) => roots.includes(ts as string))).toBe(true);
  });

  it('opens a new question once the open one was rejected, and once it expired', async () => {
    server.calls.length = 0;
    const { deliver } = wired();
    const [first] = await deliver(publicStatement('open', 'e-1'));
    const findingId = first?.findingId ?? '';
    await harness.store.decideApproval({ id: approvalId(findingId, 'e-1'), decision: 'rejected', by: 'U0APPROVER1', now: harness.clock() });
    harness.advance(60_000);
    const [afterReject] = await deliver(orgStatement('org-1', 'e-2'));
    expect(afterReject?.approval).toEqual({ id: approvalId(findingId, 'e-2'), expiresAt: expect.any(String) as string });
    harness.advance(24 * 3_600_000);
    const [afterExpiry] = await deliver(orgStatement('org-2', 'e-3'));
    expect(afterExpiry?.approval?.id).toBe(approvalId(findingId, 'e-3'));
    const statuses = await Promise.all(['e-1', 'e-2', 'e-3'].map(async (e) => (await harness.store.getApproval(approvalId(findingId, e)))?.status));
    expect(statuses).toEqual(['rejected', 'pending', 'pending']);
    expect(slack()).toEqual({ messages: ['e-1', 'e-2', 'e-3'].map((e) => [approvalId(findingId, e)]), replies: [] });
  });

  it('asks once when two events of the finding are delivered at the same time', async () => {
    server.calls.length = 0;
    const { deliver } = wired();
    const outcomes = await deliver(publicStatement('open', 'e-1'), orgStatement('org-1', 'e-2'));
    const findingId = outcomes[0]?.findingId ?? '';
    const stored = await Promise.all(['e-1', 'e-2'].map((e) => harness.store.getApproval(approvalId(findingId, e))));
    expect(stored.filter((r) => r !== null)).toHaveLength(1);
    expect(outcomes.filter((o) => o.approval?.openedBy === undefined)).toHaveLength(1);
    const open = outcomes.find((o) => o.approval?.openedBy === undefined)?.approval?.id ?? '';
    expect(slack()).toEqual({ messages: [[open]], replies: [await messageTs(open)] });
  });
});
