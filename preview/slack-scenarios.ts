/**
 * The Slack messages of a few scenarios, produced by the real code: the example CloudTrail events
 * replayed by the simulator (remediations applied), every Warden event it puts on the bus handed to
 * the real notifier, an Approve click through the approval service and the decision runner, and
 * every `chat.postMessage` / `chat.update` caught by a local stand-in for Slack's Web API.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebClient } from '@slack/web-api';
import { loadEventFile } from '../cli/event-files';
import { Simulator } from '../cli/simulate';
import { ApprovalService } from '../functions/shared/approval/approval-service';
import { ApproverCheck } from '../functions/shared/approval/approvers';
import { BUTTON_ACTIONS } from '../functions/shared/contract/decision';
import { parseConfig, type WardenConfig } from '../functions/shared/config/config';
import { parseConfigText } from '../functions/shared/config/config-file';
import type { ExecutionOutcome } from '../functions/shared/contract/outcome';
import { Notifier } from '../functions/shared/notifier/notifier';
import { silentTelemetry } from '../functions/shared/observability';
import { RecordingSink } from '../functions/shared/bus/warden-events';
import { DETAIL_TYPES, EVENT_SOURCE, type WardenEvent } from '../functions/shared/contract/warden-events';
import { slackClientOptions } from '../functions/shared/slack/slack-client';
import { InMemoryStateStore } from '../functions/shared/store/in-memory-state-store';
import { RULES } from '../rules';
import { parseStateFile } from '../sim/state-file';
import type { PreviewPage, PreviewPost } from './block-kit-html';

const EXAMPLES = new URL('../examples/', import.meta.url);
const NOW = new Date('2025-03-14T15:00:00Z');
const CLICK = new Date('2025-03-14T15:04:00Z');
const APPROVER = { userId: 'U0DANA0001', userName: 'dana' };
/** Display names Slack would show for the user ids in the messages. */
export const PREVIEW_USERS: Readonly<Record<string, string>> = { [APPROVER.userId]: APPROVER.userName };

const SLACK = {
  defaultChannel: 'C0SECALERTS',
  channelsBySeverity: {},
  channelsByAccount: {},
  approvers: { userIds: [APPROVER.userId], userGroups: [] },
  digest: { maxFindings: 3, windowSeconds: 300 },
};
const CHANNEL_NAME = 'security-alerts';

/** A Slack Web API call the notifier made: a post (with its thread, if a reply) or an update. */
export interface SlackCall {
  readonly method: 'chat.postMessage' | 'chat.update';
  readonly channel: string;
  /** The message's `ts`: Slack's answer for a post, the target for an update. */
  readonly ts: string;
  readonly threadTs?: string;
  readonly message: { readonly text: string; readonly blocks: readonly unknown[] };
}

export interface SlackScenarios {
  /** Every call the notifier made, in order (the coverage test walks them all). */
  readonly calls: readonly SlackCall[];
  /** The pages `npm run preview` renders, by file name. */
  readonly pages: Readonly<Record<string, PreviewPage>>;
}

let sequence = 0;
/** A Warden event as EventBridge delivers it to the notifier. */
function delivered(event: WardenEvent, time: Date): Record<string, unknown> {
  sequence += 1;
  return {
    version: '0',
    id: `preview-${String(sequence)}`,
    'detail-type': event.detailType,
    source: EVENT_SOURCE,
    account: '999988887777',
    time: time.toISOString(),
    region: 'us-east-1',
    resources: [...event.resources],
    detail: JSON.parse(JSON.stringify(event.detail)) as unknown,
  };
}

interface SlackStandIn {
  readonly url: string;
  readonly calls: SlackCall[];
  close(): Promise<void>;
}

/** Slack's Web API on 127.0.0.1: records chat.postMessage and chat.update (form or JSON bodies) and answers ok with a fresh ts. */
async function startSlackStandIn(): Promise<SlackStandIn> {
  const calls: SlackCall[] = [];
  let seq = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const form = req.headers['content-type']?.includes('application/json') !== true;
      const body = form ? Object.fromEntries(new URLSearchParams(raw)) : (JSON.parse(raw) as Record<string, unknown>);
      const method = (req.url ?? '').replace(/^\/api\//, '');
      const field = (key: string): unknown => (form && typeof body[key] === 'string' && /^[[{]/.test(body[key]) ? JSON.parse(body[key]) : body[key]);
      seq += 1;
      const ts = method === 'chat.update' ? String(field('ts')) : `1700000000.${String(seq).padStart(6, '0')}`;
      if (method === 'chat.postMessage' || method === 'chat.update') {
        const thread = field('thread_ts');
        calls.push({ method, channel: String(field('channel')), ts, ...(typeof thread === 'string' ? { threadTs: thread } : {}), message: { text: String(field('text')), blocks: (field('blocks') ?? []) as unknown[] } });
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, channel: field('channel'), ts }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}/api/`,
    calls,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => {
          if (e) reject(e);
          else resolve();
        });
      }),
  };
}

const time = (d: Date): string => d.toISOString().slice(11, 16);

/**
 * Runs the scenarios and returns what the notifier sent to Slack.
 * @example
 * const { pages } = await buildSlackScenarios();
 * writeFileSync('approval.html', pageHtml(pages.approval!, { users: PREVIEW_USERS }));
 */
export async function buildSlackScenarios(): Promise<SlackScenarios> {
  const config: WardenConfig = { ...parseConfigText(readFileSync(new URL('../warden.config.example.yaml', import.meta.url), 'utf8'), 'warden.config.example.yaml'), dryRun: false, slack: parseConfig({ slack: SLACK }).slack };
  const state = parseStateFile(JSON.parse(readFileSync(new URL('state.json', EXAMPLES), 'utf8')) as unknown);
  const simulator = new Simulator({ rules: RULES, config, state, apply: true, now: () => NOW });
  const server = await startSlackStandIn();
  try {
    let clock = NOW;
    const notifier = new Notifier({
      config,
      store: new InMemoryStateStore(),
      slack: () => Promise.resolve(new WebClient('xoxb-preview-not-a-token', slackClientOptions(server.url))),
      now: () => clock,
    });

    // 1. Every example event, in file order; every Warden event the bot emits goes to the notifier.
    const fed = new Set<WardenEvent>();
    const notify = async (events: readonly WardenEvent[]): Promise<void> => {
      for (const event of events) {
        if (fed.has(event)) continue;
        fed.add(event);
        await notifier.handle(delivered(event, clock));
      }
    };
    const outcomes: ExecutionOutcome[] = [];
    for (const file of readdirSync(new URL('events/', EXAMPLES)).sort()) {
      const loaded = await loadEventFile(fileURLToPath(new URL(`events/${file}`, EXAMPLES)));
      for (const event of loaded.events) {
        const record = await simulator.run(event, file);
        outcomes.push(...record.outcomes);
        await notify(simulator.sink.events);
      }
    }

    // 2. An approver clicks Approve on the cross-account grant; the decision runner runs the plan.
    const pending = outcomes.find((o) => o.ruleId === 'function-cross-account-principal' && o.status === 'pending-approval');
    if (pending?.approval === undefined) throw new Error('the examples no longer raise a pending cross-account approval');
    const pendingPost = server.calls.find((c) => c.method === 'chat.postMessage' && JSON.stringify(c.message.blocks).includes(pending.approval?.id ?? '(none)'));
    if (pendingPost === undefined) throw new Error('the pending approval was not posted');
    clock = CLICK;
    const bus = new RecordingSink();
    const approvals = new ApprovalService({
      store: simulator.store,
      approvers: new ApproverCheck({ approvers: config.slack.approvers, client: () => Promise.reject(new Error('no user groups in the preview')) }),
      sink: bus,
      integrity: simulator.integrity.only('exemption'),
      telemetry: silentTelemetry,
      now: () => clock,
    });
    const click = await approvals.click({ ...APPROVER, action: BUTTON_ACTIONS.approve, recordId: pending.approval.id, responseUrl: 'https://hooks.slack.com/actions/preview' });
    if (click.outcome !== 'decided') throw new Error(`the Approve click was not decided: ${click.outcome}`);
    const runner = simulator.decisionRunner({ sink: bus, config, now: () => clock });
    await notify(bus.events);
    clock = new Date(CLICK.getTime() + 2000);
    for (const decision of bus.events.filter((e) => e.detailType === DETAIL_TYPES.decision)) await runner.handle(delivered(decision, clock));
    await notify(bus.events);

    return { calls: [...server.calls], pages: pages(server.calls, pendingPost) };
  } finally {
    simulator.dispose();
    await server.close();
  }
}

/** The latest version of a message: its post, then its updates. */
function latest(calls: readonly SlackCall[], ts: string): SlackCall['message'] {
  const versions = calls.filter((c) => c.ts === ts && c.threadTs !== ts);
  const last = versions.at(-1);
  if (last === undefined) throw new Error(`no message ${ts}`);
  return last.message;
}

function post(message: SlackCall['message'], at: Date): PreviewPost {
  return { message, time: time(at) };
}

function pages(calls: readonly SlackCall[], pendingPost: SlackCall): Record<string, PreviewPage> {
  const posts = calls.filter((c) => c.method === 'chat.postMessage');
  const roots = posts.filter((c) => c.threadTs === undefined);
  const has = (c: SlackCall, needle: string): boolean => JSON.stringify(c.message.blocks).includes(needle);
  const autoRevert = roots.find((c) => has(c, 'function-public-access') && has(c, BUTTON_ACTIONS.restore));
  const threadOf = (root: SlackCall): SlackCall[] => posts.filter((c) => c.threadTs === root.ts);
  // The largest digest of the run.
  const digest = roots.filter((c) => c.message.text.startsWith('Digest:')).sort((a, b) => threadOf(b).length - threadOf(a).length)[0];
  if (autoRevert === undefined || digest === undefined) throw new Error('the examples no longer produce an auto revert and a digest');
  const replies = threadOf(pendingPost);
  return {
    'auto-revert': {
      title: 'Critical finding, reverted at once',
      caption: 'A function was made invocable by anyone: auto mode removed the statement at once and offers Restore (with a confirmation).',
      channel: CHANNEL_NAME,
      post: post(autoRevert.message, NOW),
      showDialogs: true,
    },
    'pending-approval': {
      title: 'Finding waiting for an approver',
      caption: 'A cross-account grant in approve mode: nothing changes until an allowed approver clicks. Each consequential button asks for confirmation first.',
      channel: CHANNEL_NAME,
      post: post(pendingPost.message, NOW),
      showDialogs: true,
    },
    approved: {
      title: 'After Approve',
      caption: 'The same message once an approver clicked Approve: the buttons are replaced by the decision and the result, and the thread says who did what.',
      channel: CHANNEL_NAME,
      post: post(latest(calls, pendingPost.ts), NOW),
      replies: replies.map((r) => post(r.message, CLICK)),
    },
    digest: {
      title: 'A burst from one principal becomes a digest',
      caption: 'More findings than the digest threshold from one principal within the window: one message, updated as findings arrive; each finding, with its buttons, is in its thread.',
      channel: CHANNEL_NAME,
      post: post(latest(calls, digest.ts), NOW),
      hiddenReplies: threadOf(digest).length,
    },
  };
}
