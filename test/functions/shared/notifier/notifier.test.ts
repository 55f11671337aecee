import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { WebClient } from '@slack/web-api';
import type { KnownBlock } from '@slack/types';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BUTTON_ACTIONS, type DecisionKind } from '../../../../functions/shared/contract/decision';
import { parseConfig, type WardenConfig } from '../../../../functions/shared/config/config';
import { InvalidEventError } from '../../../../functions/shared/errors';
import type { ExecutionOutcome } from '../../../../functions/shared/contract/outcome';
import { FollowUpBeforeMessageError, Notifier } from '../../../../functions/shared/notifier/notifier';
import { escapeMrkdwn, FINDING_ACTIONS_BLOCK_ID } from '../../../../functions/shared/slack/block-kit';
import { resourceConsoleUrl } from '../../../../functions/shared/slack/console-links';
import { slackClientOptions } from '../../../../functions/shared/slack/slack-client';
import { DynamoDbStateStore } from '../../../../functions/shared/store/dynamodb-state-store';
import { InMemoryStateStore } from '../../../../functions/shared/store/in-memory-state-store';
import type { StateStore } from '../../../../functions/shared/store/state-store';
import { RULES } from '../../../../rules';
import { ACCOUNT, ORG_ACCOUNT } from '../../../fixtures/accounts';
import { installDynamoDbFake } from '../store/dynamodb-fake';
import { startSlackApiServer, type RecordedCall, type SlackApiServer } from '../slack/slack-api-server';
import { allText, jsonShown, limitViolations } from '../slack/slack-limits-check';
import { alertEventOf, byPrincipal, catalogCases, decisionEventOf, decisionOn, findingEventOf, metadataCase, remediationEventOf, type CatalogCase } from './notifier-fixtures';

const CASES = await catalogCases();
const TOPIC = 'arn:aws:sns:us-east-1:999988887777:warden-findings';
const NOW = new Date('2025-03-14T15:00:10Z');

const SLACK = {
  defaultChannel: 'C0DEFAULT',
  channelsBySeverity: { critical: 'C0CRITICAL' },
  channelsByAccount: { [ORG_ACCOUNT]: 'C0ORGACCOUNT' },
  digest: { maxFindings: 3, windowSeconds: 60 },
};

interface Posted {
  readonly text: string;
  readonly blocks: KnownBlock[];
}

const posted = (call: RecordedCall): Posted => ({ text: String(call.body.text), blocks: call.body.blocks as KnownBlock[] });
const ofMethod = (server: SlackApiServer, method: string): RecordedCall[] => server.calls.filter((c) => c.method === method);
const pendingCase = (): CatalogCase => CASES.find((c) => c.outcome.status === 'pending-approval' && c.finding.resource.includes(':function:')) ?? metadataCase(RULES[0]!);

type StoreFactory = () => { store: StateStore; dispose: () => void };
const STORES: [string, StoreFactory][] = [
  ['in-memory store', () => ({ store: new InMemoryStateStore(), dispose: () => undefined })],
  [
    'DynamoDB store',
    () => {
      const table = installDynamoDbFake();
      return { store: new DynamoDbStateStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), 'warden-state'), dispose: () => {
          table.restore();
        },
      };
    },
  ],
];

let server: SlackApiServer;
beforeAll(async () => {
  server = await startSlackApiServer();
});
afterAll(async () => {
  await server.close();
});

describe.each(STORES)('Notifier (%s)', (_name, factory) => {
  const sns = mockClient(SNSClient);
  let store: StateStore;
  let dispose: () => void;
  let now: Date;

  function notifier(slack: Partial<WardenConfig['slack']> = SLACK): Notifier {
    const config = parseConfig({ slack });
    const client = new WebClient('xoxb-test-token-not-a-secret', slackClientOptions(server.url));
    return new Notifier({ config, store, slack: () => Promise.resolve(client), sns: { client: new SNSClient({ region: 'us-east-1' }), topicArn: TOPIC }, now: () => now });
  }

  beforeEach(() => {
    server.calls.length = 0;
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    now = NOW;
    ({ store, dispose } = factory());
  });
  afterEach(() => {
    dispose();
  });

  describe('a finding of each catalog rule', () => {
    it('covers every rule of the catalog', () => {
      expect(CASES.map((c) => c.ruleId)).toEqual(RULES.map((r) => r.id));
      expect(CASES.filter((c) => c.origin === 'example').length).toBeGreaterThanOrEqual(13);
    });

    it.each(CASES.map((c) => [c.ruleId, c] as const))('%s: posts who, what, why and what the bot did, with a console link', async (_rule, c) => {
      const result = await notifier().handle(findingEventOf(c.finding, c.outcome));
      expect(result.action).toBe('posted');
      const [call, ...others] = ofMethod(server, 'chat.postMessage');
      expect(others).toEqual([]);
      expect(call?.authorization).toBe('Bearer xoxb-test-token-not-a-secret');
      expect(call?.body.channel).toBe(c.finding.severity === 'critical' ? 'C0CRITICAL' : 'C0DEFAULT');
      const message = posted(call!);
      expect(limitViolations(message)).toEqual([]);
      const header = message.blocks[0];
      expect(header?.type === 'header' ? header.text.text : '').toContain(`${c.finding.severity.toUpperCase()} · ${c.finding.title}`.slice(0, 140));
      const all = allText(message);
      expect(message.text).toContain(c.finding.title);
      expect(all).toContain(escapeMrkdwn(c.finding.rationale));
      expect(all).toContain(escapeMrkdwn(c.finding.summary));
      expect(all).toContain(`\`${c.finding.account}\``);
      expect(all).toContain(`\`${c.finding.region}\``);
      expect(all).toContain(`\`${c.finding.ruleId}\``);
      const url = resourceConsoleUrl(c.finding.resource);
      expect(url).not.toBeNull();
      expect(all).toContain(`<${url!}|${c.finding.resource}>`);
      // A detector finding (issue #18) has no actor or CloudTrail event: the message names GuardDuty and links its finding instead.
      const threat = c.finding.details.threat as { findingId: string; findingType: string } | undefined;
      const who =
        threat === undefined
          ? [`\`${c.finding.actor!.arn!}\``, `\`${c.finding.actor!.sourceIPAddress!}\``, escapeMrkdwn(c.finding.actor!.userAgent!), `cloudtrailv2/home?region=${c.finding.region}#/events/${c.finding.eventId!}|CloudTrail event>`]
          : [`Reported by GuardDuty: \`${escapeMrkdwn(threat.findingType)}\``, `\`${threat.findingId}\``, `guardduty/home?region=${c.finding.region}#/findings?macros=current&fId=${threat.findingId}|GuardDuty finding>`];
      for (const line of who) expect(all).toContain(line);
      expect(all.includes('Found by a scan') && threat !== undefined).toBe(false);
      const planned = c.outcome.plan === null ? 'The rule plans no automatic change.' : `\`${escapeMrkdwn(c.outcome.plan.call)}\``;
      expect(all).toContain(planned);
      expect(() => jsonShown(message)).not.toThrow();
      const actions = message.blocks.find((b) => b.type === 'actions');
      expect(actions !== undefined).toBe(c.outcome.status === 'pending-approval' || c.outcome.restore !== undefined);
      expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    });

    it('says dry-run plainly: nothing changed, and the call it would make', async () => {
      const c = CASES.find((x) => x.outcome.plan !== null)!;
      const outcome: ExecutionOutcome = { ...c.outcome, status: 'dry-run', dryRun: true, detail: 'dry-run' };
      await notifier().handle(findingEventOf(c.finding, outcome));
      const all = allText(posted(ofMethod(server, 'chat.postMessage')[0]!));
      expect(all).toContain('*Dry-run: nothing was changed.*');
      expect(all).toContain(`It would run: \`${escapeMrkdwn(outcome.plan!.call)}\``);
      expect(all).toContain('What the bot would do');
      expect(all).not.toContain('Approve');
    });

    it('posts a fix the bot does not make (status manual) as instructions: the call to run by hand and why, no button', async () => {
      const c = CASES.find((x) => x.outcome.plan !== null && x.finding.resource.includes(':role/'))!;
      const reason = 'IAM writes are switched off (remediation.iamWrites: false): the bot changes no role or policy';
      const outcome: ExecutionOutcome = { ...c.outcome, status: 'manual', detail: `${reason}; to fix it by hand: ${c.outcome.plan!.call}`, blocked: { kind: 'iam-writes-off', reason }, approval: undefined };
      await notifier().handle(findingEventOf(c.finding, outcome));
      const message = posted(ofMethod(server, 'chat.postMessage')[0]!);
      const all = allText(message);
      expect(all).toContain('*The bot does not make this change: a person has to.*');
      expect(all).toContain(`To fix it by hand, run: \`${escapeMrkdwn(outcome.plan!.call)}\``);
      expect(all).toContain(escapeMrkdwn(reason));
      expect(message.blocks.find((b) => b.type === 'actions')).toBeUndefined();
    });
  });

  describe('buttons', () => {
    it('offers Approve, Quarantine, Reject and Reject-and-exempt on a function, each carrying only the approval id', async () => {
      const c = pendingCase();
      await notifier().handle(findingEventOf(c.finding, c.outcome));
      const message = posted(ofMethod(server, 'chat.postMessage')[0]!);
      const actions = message.blocks.find((b) => b.type === 'actions');
      expect(actions?.block_id).toBe(FINDING_ACTIONS_BLOCK_ID);
      const buttons = actions?.type === 'actions' ? actions.elements.filter((e) => e.type === 'button') : [];
      expect(buttons.map((b) => b.action_id)).toEqual([BUTTON_ACTIONS.approve, BUTTON_ACTIONS.quarantine, BUTTON_ACTIONS.reject, BUTTON_ACTIONS.rejectAndExempt]);
      expect(buttons.map((b) => b.value)).toEqual(Array(4).fill(c.outcome.approval!.id));
      expect(buttons.map((b) => b.confirm !== undefined)).toEqual([true, true, false, true]);
      expect(buttons[0]?.confirm?.text.text).toContain(c.outcome.plan!.call.slice(0, 100));
    });

    it('offers no Quarantine on a role, and Restore after an automatic revert', async () => {
      const role = CASES.find((c) => c.finding.resource.includes(':role/') && c.outcome.approval !== undefined) ?? metadataCase(RULES.find((r) => r.resourceType === 'iam-role')!);
      await notifier().handle(findingEventOf(role.finding, role.outcome));
      const auto = CASES.find((c) => c.outcome.status === 'remediated')!;
      const reverted: ExecutionOutcome = { ...auto.outcome, restore: { id: 'wr-restore-1', expiresAt: '2025-03-21T15:00:00Z' } };
      await notifier().handle(findingEventOf(auto.finding, reverted));
      const [first, second] = ofMethod(server, 'chat.postMessage').map(posted);
      const ids = (m: Posted | undefined) => m?.blocks.flatMap((b) => (b.type === 'actions' ? b.elements.map((e) => [e.type === 'button' ? e.action_id : '', e.type === 'button' ? e.value : '']) : []));
      expect(ids(first)?.map(([id]) => id)).toEqual([BUTTON_ACTIONS.approve, BUTTON_ACTIONS.reject, BUTTON_ACTIONS.rejectAndExempt]);
      expect(ids(second)).toEqual([[BUTTON_ACTIONS.restore, 'wr-restore-1']]);
      expect(allText(second!)).toContain('Reverted (verified).');
      expect(await store.getNotifiedMessageByRecord('wr-restore-1')).toMatchObject({ findingId: auto.finding.id });
    });
  });

  describe('follow-ups', () => {
    const KINDS: [DecisionKind, string][] = [
      ['approved', '*✅ Approved by* <@U0APPROVER> at 2025-03-14 15:05:00 UTC — running `'],
      ['quarantined', '*🧊 Quarantine approved by* <@U0APPROVER> at 2025-03-14 15:05:00 UTC'],
      ['rejected', '*✋ Rejected by* <@U0APPROVER> at 2025-03-14 15:05:00 UTC — the change is kept; nothing was executed'],
      ['rejected-and-exempted', '*✋ Rejected and exempted by* <@U0APPROVER> at 2025-03-14 15:05:00 UTC — the change is kept; nothing was executed; exempt from this rule until 2025-04-13 15:05:00 UTC'],
      ['restored', '*↩️ Restore approved by* <@U0APPROVER> at 2025-03-14 15:05:00 UTC'],
      ['expired', '*⌛ Expired at 2025-03-14 15:05:00 UTC — nothing was executed*'],
    ];

    it('shows no call for a stored plan the approval endpoint could not verify: the outcome that follows shows the call that ran', async () => {
      const c = pendingCase();
      const n = notifier();
      await n.handle(findingEventOf(c.finding, c.outcome));
      const decided = decisionOn(c, 'approved');
      await n.handle(decisionEventOf({ ...decided, plan: decided.plan === null ? null : { action: decided.plan.action, description: decided.plan.description } }));
      const updated = posted(ofMethod(server, 'chat.update')[0]!);
      expect(allText(updated)).toContain('*✅ Approved by* <@U0APPROVER> at 2025-03-14 15:05:00 UTC — running the stored plan once it passes its checks; the outcome follows');
      expect(allText(updated)).not.toContain('running `');
    });

    it.each(KINDS)('%s: updates the original message (buttons replaced by the decision) and replies in its thread', async (kind, line) => {
      const c = pendingCase();
      const n = notifier();
      await n.handle(findingEventOf(c.finding, c.outcome));
      const original = ofMethod(server, 'chat.postMessage')[0]!;
      const ts = (await store.getNotifiedMessage(c.finding.id, c.outcome.eventId))!.message.ts;
      const result = await n.handle(decisionEventOf(decisionOn(c, kind)));
      expect(result.action).toBe('updated');
      const [update, ...moreUpdates] = ofMethod(server, 'chat.update');
      expect(moreUpdates).toEqual([]);
      expect(update?.body).toMatchObject({ channel: original.body.channel, ts });
      const updated = posted(update!);
      expect(limitViolations(updated)).toEqual([]);
      expect(updated.blocks.some((b) => b.type === 'actions')).toBe(false);
      expect(allText(updated)).toContain(line);
      expect(allText(updated)).toContain(escapeMrkdwn(c.finding.rationale));
      const replies = ofMethod(server, 'chat.postMessage').slice(1);
      expect(replies).toHaveLength(1);
      expect(replies[0]?.body.thread_ts).toBe(ts);
      expect(allText(posted(replies[0]!))).toContain(line);
      // The same decision delivered again changes nothing more.
      expect((await n.handle(decisionEventOf(decisionOn(c, kind)))).action).toBe('duplicate');
      expect(server.calls).toHaveLength(3);
    });

    it('reports the approved plan’s result on the message and in the thread; the outcome the message already shows is skipped', async () => {
      const c = pendingCase();
      const n = notifier();
      await n.handle(findingEventOf(c.finding, c.outcome));
      expect((await n.handle(remediationEventOf(c.outcome))).action).toBe('skipped');
      await n.handle(decisionEventOf(decisionOn(c, 'approved')));
      const done: ExecutionOutcome = { ...c.outcome, status: 'remediated', verified: true, detail: 'removed the statement', at: '2025-03-14T15:05:03Z' };
      expect((await n.handle(remediationEventOf(done))).action).toBe('updated');
      const failed: ExecutionOutcome = { ...done, status: 'failed', error: { name: 'AccessDeniedException', message: 'not allowed' }, at: '2025-03-14T15:06:00Z' };
      await n.handle(remediationEventOf(failed));
      const updates = ofMethod(server, 'chat.update').map(posted);
      expect(updates).toHaveLength(3);
      expect(allText(updates[1]!)).toContain('*✅ Done (verified)* at 2025-03-14 15:05:03 UTC');
      expect(allText(updates[1]!)).toContain('Approved by');
      expect(allText(updates[2]!)).toContain('*❌ Failed* at 2025-03-14 15:06:00 UTC — AccessDeniedException: not allowed');
      const replies = ofMethod(server, 'chat.postMessage').slice(1).map((r) => allText(posted(r)));
      expect(replies).toHaveLength(3);
      expect(replies[1]).toContain('removed the statement');
    });

    it('replies once in the thread of the open approval when a later event raises the same finding: no new message, no buttons, no SNS copy', async () => {
      const c = pendingCase();
      const n = notifier();
      const first = await n.handle(findingEventOf(c.finding, c.outcome));
      expect(first.action).toBe('posted');
      const repeatFinding = { ...c.finding, eventId: 'evt-later', eventName: 'AddPermission20150331v2', eventTime: '2025-03-14T14:10:00Z' };
      const repeat: ExecutionOutcome = { ...c.outcome, eventId: 'evt-later', detail: 'already waiting for approval', approval: { ...c.outcome.approval!, openedBy: c.outcome.eventId }, at: '2025-03-14T14:10:01Z' };
      const results = [await n.handle(findingEventOf(repeatFinding, repeat)), await n.handle(findingEventOf(repeatFinding, repeat))];
      expect(results.map((r) => r.action)).toEqual(['replied', 'duplicate']);
      expect(results[0]?.message).toEqual(first.message);
      const posts = ofMethod(server, 'chat.postMessage');
      expect(posts.map((p) => p.body.thread_ts)).toEqual([undefined, first.message?.ts]);
      const reply = posted(posts[1]!);
      expect(limitViolations(reply)).toEqual([]);
      expect(JSON.stringify(reply.blocks)).not.toContain('"type":"button"');
      expect(allText(reply)).toContain('Raised again');
      expect(allText(reply)).toContain('AddPermission20150331v2');
      expect(allText(reply)).toContain(`expires ${c.outcome.approval!.expiresAt.slice(0, 10)}`);
      expect(ofMethod(server, 'chat.update')).toEqual([]);
      expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    });

    it('posts nothing for a repeat whose open approval has no known message (at most a thread reply)', async () => {
      const c = pendingCase();
      const repeat: ExecutionOutcome = { ...c.outcome, eventId: 'evt-later', approval: { ...c.outcome.approval!, openedBy: c.outcome.eventId } };
      expect(await notifier().handle(findingEventOf(c.finding, repeat))).toMatchObject({ action: 'skipped', reason: 'the open approval of this finding has no message to reply under' });
      expect(server.calls).toEqual([]);
      expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    });

    // Issue #16: an automatic revert is published while its verifying read runs; a follow-up comes only when it did not hold.
    it('shows a revert as verifying, and puts the follow-up that says it did not hold on the message and in its thread', async () => {
      const c = CASES.find((x) => x.outcome.status === 'remediated')!;
      const running: ExecutionOutcome = { ...c.outcome, verified: undefined, verification: 'running', detail: 'ran lambda:RemovePermission; verifying that the change holds' };
      const n = notifier();
      expect((await n.handle(findingEventOf(c.finding, running))).action).toBe('posted');
      const first = posted(ofMethod(server, 'chat.postMessage')[0]!);
      expect(allText(first)).toContain('Reverted; verifying');
      expect(allText(first)).not.toContain('Reverted (verified)');
      expect((await n.handle(remediationEventOf(running))).action).toBe('skipped');
      // Same status, and here even the same time as the outcome the message shows: still a follow-up.
      const failed: ExecutionOutcome = { ...running, verified: false, verification: 'failed', detail: 'removed statement "open", but the change did not hold on re-reading' };
      expect((await n.handle(remediationEventOf(failed))).action).toBe('updated');
      expect(allText(posted(ofMethod(server, 'chat.update')[0]!))).toContain('⚠️ Ran, but the change did not hold on re-reading');
      const reply = ofMethod(server, 'chat.postMessage')[1]!;
      expect(reply.body.thread_ts).toBe(ofMethod(server, 'chat.postMessage')[0]?.body.ts ?? reply.body.thread_ts);
      expect(allText(posted(reply))).toContain('did not hold on re-reading');
      // A verifying read that failed: said as such, not as a failed revert.
      const unreadable: ExecutionOutcome = { ...running, status: 'failed', verification: 'failed', error: { name: 'TooManyRequestsException', message: 'Rate exceeded' }, detail: 'the change was made, but verifying it failed', at: '2025-03-14T15:00:12Z' };
      await n.handle(remediationEventOf(unreadable));
      expect(allText(posted(ofMethod(server, 'chat.postMessage')[2]!))).toContain('Changed, but the verifying read failed: not confirmed');
    });

    it('has a verification follow-up that comes before the finding’s message retried, unless no channel would ever show it', async () => {
      const c = CASES.find((x) => x.outcome.status === 'remediated')!;
      const failed: ExecutionOutcome = { ...c.outcome, verified: false, verification: 'failed', at: '2025-03-14T15:00:11Z' };
      await expect(notifier().handle(remediationEventOf(failed))).rejects.toThrow(FollowUpBeforeMessageError);
      expect(await notifier({ ...SLACK, defaultChannel: undefined, channelsBySeverity: {}, channelsByAccount: {} }).handle(remediationEventOf(failed))).toMatchObject({ action: 'skipped' });
      expect(server.calls).toEqual([]);
    });

    it('skips a remediation of a finding it never posted (the finding event carries it)', async () => {
      const c = CASES.find((x) => x.outcome.status === 'remediated')!;
      expect(await notifier().handle(remediationEventOf(c.outcome))).toMatchObject({ action: 'skipped' });
      expect(server.calls).toEqual([]);
    });

    it('replies where the click came from when it does not know the message', async () => {
      const c = pendingCase();
      const result = await notifier().handle(decisionEventOf({ ...decisionOn(c, 'rejected'), message: { channel: 'C0ELSEWHERE', ts: '1700000000.000999' } }));
      expect(result.action).toBe('updated');
      expect(server.calls.map((x) => [x.method, x.body.channel, x.body.thread_ts])).toEqual([['chat.postMessage', 'C0ELSEWHERE', '1700000000.000999']]);
    });
  });

  describe('routing', () => {
    it('sends by account first, then by severity, then to the default channel', async () => {
      const critical = CASES.find((c) => c.finding.severity === 'critical')!;
      const high = CASES.find((c) => c.finding.severity === 'high')!;
      const n = notifier();
      const elsewhere = byPrincipal(critical, critical.finding.actor!.arn!, 'org');
      await n.handle(findingEventOf({ ...elsewhere.finding, account: ORG_ACCOUNT }, { ...elsewhere.outcome, account: ORG_ACCOUNT }));
      await n.handle(findingEventOf(critical.finding, critical.outcome));
      await n.handle(findingEventOf(high.finding, high.outcome));
      expect(ofMethod(server, 'chat.postMessage').map((c) => c.body.channel)).toEqual(['C0ORGACCOUNT', 'C0CRITICAL', 'C0DEFAULT']);
    });

    it('posts nothing to Slack without a channel, and still publishes to SNS', async () => {
      const c = CASES[0]!;
      const result = await notifier({}).handle(findingEventOf(c.finding, c.outcome));
      expect(result).toMatchObject({ action: 'skipped', sns: true });
      expect(server.calls).toEqual([]);
      expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    });
  });

  describe('digest', () => {
    it('posts the first 3 of one principal’s findings alone, then one digest per window with the rest in its thread', async () => {
      const base = CASES.find((c) => c.finding.severity === 'high')!;
      const ci = 'arn:aws:iam::111122223333:role/ci-deployer';
      const n = notifier();
      for (let i = 0; i < 6; i += 1) await n.handle(findingEventOf(byPrincipal(base, ci, `k${String(i)}`).finding, byPrincipal(base, ci, `k${String(i)}`).outcome));
      const other = byPrincipal(base, 'arn:aws:iam::111122223333:role/someone-else', 'other');
      await n.handle(findingEventOf(other.finding, other.outcome));

      const posts = ofMethod(server, 'chat.postMessage');
      const topLevel = posts.filter((p) => p.body.thread_ts === undefined);
      // 3 alone, 1 digest, then the other principal's finding.
      expect(topLevel).toHaveLength(5);
      const digest = topLevel[3]!;
      expect(String(digest.body.text)).toMatch(/^Digest: 4 findings by one principal within 60 s/);
      const digestTs = (await store.getNotifiedMessage(byPrincipal(base, ci, 'k3').finding.id, 'evt-k3'))!.message.threadTs;
      const threaded = posts.filter((p) => p.body.thread_ts !== undefined);
      expect(threaded).toHaveLength(3);
      expect(threaded.every((p) => p.body.thread_ts === digestTs)).toBe(true);
      // The digest is updated for the 5th and 6th finding: count, rules, resources.
      const updates = ofMethod(server, 'chat.update');
      expect(updates.map((u) => u.body.ts)).toEqual([digestTs, digestTs]);
      const last = allText(posted(updates[1]!));
      expect(last).toContain('Digest: 6 findings by one principal within 60 s');
      expect(last).toContain(`Rules (1): \`${base.ruleId}\``);
      expect(last).toContain('Resources (6)');
      expect(last).toContain(`\`${ci}\``);
      // Every finding still reached SNS, and each message is findable (its buttons work in the thread).
      expect(sns.commandCalls(PublishCommand)).toHaveLength(7);
      expect((await store.getNotifiedMessage(byPrincipal(base, ci, 'k5').finding.id, 'evt-k5'))?.message).toMatchObject({ threadTs: digestTs, channel: digest.body.channel });

      // The next window starts afresh.
      now = new Date(NOW.getTime() + 60_000);
      await n.handle(findingEventOf(byPrincipal(base, ci, 'k6').finding, byPrincipal(base, ci, 'k6').outcome));
      expect(ofMethod(server, 'chat.postMessage').at(-1)?.body.thread_ts).toBeUndefined();
    });
  });

  describe('exactly once', () => {
    it('posts once and publishes once when the same event is delivered twice, or ten times at once', async () => {
      const [a, b] = [CASES[0]!, CASES[1]!];
      const n = notifier();
      const event = findingEventOf(a.finding, a.outcome);
      expect((await n.handle(event)).action).toBe('posted');
      expect((await n.handle(event)).action).toBe('duplicate');
      const results = await Promise.all(Array.from({ length: 10 }, () => n.handle(findingEventOf(b.finding, b.outcome))));
      expect(results.filter((r) => r.action === 'posted')).toHaveLength(1);
      expect(ofMethod(server, 'chat.postMessage')).toHaveLength(2);
      expect(sns.commandCalls(PublishCommand)).toHaveLength(2);
    });

    it('gives the claim back when Slack fails, so the retry posts (once)', async () => {
      const c = CASES[0]!;
      server.script('chat.postMessage', { status: 200, body: { ok: false, error: 'channel_not_found' } });
      const n = notifier();
      await expect(n.handle(findingEventOf(c.finding, c.outcome))).rejects.toThrow(/channel_not_found/);
      expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
      expect((await n.handle(findingEventOf(c.finding, c.outcome))).action).toBe('posted');
      expect((await n.handle(findingEventOf(c.finding, c.outcome))).action).toBe('duplicate');
      expect(ofMethod(server, 'chat.postMessage')).toHaveLength(2);
    });

    it('does not post again when only the SNS publish failed', async () => {
      const c = CASES[0]!;
      sns.on(PublishCommand).rejectsOnce(new Error('throttled')).resolves({ MessageId: 'm-2' });
      const n = notifier();
      await expect(n.handle(findingEventOf(c.finding, c.outcome))).rejects.toThrow('throttled');
      expect(await n.handle(findingEventOf(c.finding, c.outcome))).toMatchObject({ action: 'posted', sns: true });
      expect(ofMethod(server, 'chat.postMessage')).toHaveLength(1);
      expect(sns.commandCalls(PublishCommand)).toHaveLength(2);
    });

    it('fails at once on a rate limit (429) instead of waiting inside the Lambda', async () => {
      const c = CASES[0]!;
      server.script('chat.postMessage', { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': '30' } });
      const started = Date.now();
      await expect(notifier().handle(findingEventOf(c.finding, c.outcome))).rejects.toThrow(/rate-limit/i);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(ofMethod(server, 'chat.postMessage')).toHaveLength(1);
    });
  });

  describe('SNS', () => {
    it('publishes the plain-text form with a short subject', async () => {
      const c = CASES.find((x) => x.outcome.plan !== null)!;
      await notifier().handle(findingEventOf(c.finding, c.outcome));
      const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
      expect(input?.TopicArn).toBe(TOPIC);
      expect(input?.Subject?.length).toBeLessThanOrEqual(100);
      expect(input?.Subject).toMatch(/^\[Warden\] [A-Z]+ /);
      expect(input?.Subject).toMatch(/^[\x20-\x7e]+$/);
      expect(input?.Message).toContain(c.finding.summary);
      expect(input?.Message).toContain(c.finding.rationale);
      expect(input?.Message).toContain(c.outcome.plan!.call);
      expect(input?.Message).toContain(c.finding.resource);
    });

    it('posts and publishes a circuit-breaker alert once', async () => {
      const alert = { kind: 'circuit-breaker-open', severity: 'critical', summary: 'More than 10 automatic remediations within 15 minutes', windowStart: '2025-03-14T15:00:00Z', triggeredBy: { findingId: 'wf-1', ruleId: 'function-public-access', resource: 'arn:x' } };
      const n = notifier();
      expect((await n.handle(alertEventOf(alert))).action).toBe('posted');
      expect((await n.handle(alertEventOf(alert))).action).toBe('duplicate');
      const [call] = ofMethod(server, 'chat.postMessage');
      expect(call?.body.channel).toBe('C0CRITICAL');
      expect(allText(posted(call!))).toContain('More than 10 automatic remediations within 15 minutes');
      expect(sns.commandCalls(PublishCommand).map((x) => x.args[0].input.Subject)).toEqual(['[Warden] CRITICAL alert: circuit-breaker-open']);
    });
  });

  describe('heartbeat alerts', () => {
    const silent = (account: string, region: string) => ({
      kind: 'heartbeat-silent',
      severity: 'critical',
      summary: `No heartbeat from account ${account} in ${region} for 35 minutes`,
      account,
      region,
      silentSince: '2025-03-14T14:20:00.000Z',
    });

    it('posts one alert per account × region, each once, in the account’s channel when it has one', async () => {
      const n = notifier();
      expect((await n.handle(alertEventOf(silent(ACCOUNT, 'us-east-1')))).action).toBe('posted');
      expect((await n.handle(alertEventOf(silent(ACCOUNT, 'eu-west-1')))).action).toBe('posted');
      expect((await n.handle(alertEventOf(silent(ORG_ACCOUNT, 'us-east-1')))).action).toBe('posted');
      expect((await n.handle(alertEventOf(silent(ACCOUNT, 'us-east-1')))).action).toBe('duplicate');
      // The same pair silent again later is a new alert.
      expect((await n.handle(alertEventOf({ ...silent(ACCOUNT, 'us-east-1'), silentSince: '2025-03-14T18:00:00.000Z' }))).action).toBe('posted');
      const channels = ofMethod(server, 'chat.postMessage').map((call) => call.body.channel);
      expect(channels).toEqual(['C0CRITICAL', 'C0CRITICAL', 'C0ORGACCOUNT', 'C0CRITICAL']);
      expect(allText(posted(ofMethod(server, 'chat.postMessage')[1]!))).toContain(`No heartbeat from account ${ACCOUNT} in eu-west-1`);
    });
  });

  describe('input', () => {
    it('rejects an unknown detail-type by name, and sends nothing', async () => {
      const event = { ...alertEventOf({ kind: 'x', severity: 'low', summary: 's' }), 'detail-type': 'Warden Gossip' };
      const error = await notifier()
        .handle(event)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidEventError);
      expect((error as InvalidEventError).message).toBe('Unknown detail-type "Warden Gossip": the notifier handles "Warden Finding", "Warden Remediation", "Warden Alert", "Warden Decision"');
      expect((error as InvalidEventError).fields).toEqual(['detail-type']);
      expect(server.calls).toEqual([]);
    });

    it('names the missing field of an invalid finding event', async () => {
      const c = CASES[0]!;
      const event = findingEventOf(c.finding, c.outcome) as { detail: { finding: Record<string, unknown> } };
      delete event.detail.finding.resource;
      const error = await notifier()
        .handle(event)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidEventError);
      expect((error as InvalidEventError).fields).toEqual(['detail.finding.resource']);
      expect(server.calls).toEqual([]);
    });

    it('rejects events from another source', async () => {
      await expect(notifier().handle({ ...alertEventOf({ kind: 'x', severity: 'low', summary: 's' }), source: 'aws.lambda' })).rejects.toThrow(/source/);
    });
  });
});
