/**
 * The whole Slack loop for detector findings (issue #18), shared by the lifecycle tests: the responder on the
 * in-memory account, every Warden event it emits handed to the notifier, which talks to a local Slack API server.
 * The documented samples in examples/events, and builders that override their fields.
 */
import { readFileSync } from 'node:fs';
import type { KnownBlock } from '@slack/types';
import { WebClient } from '@slack/web-api';
import { parseConfig } from '../../../functions/shared/config/config';
import { Notifier, type NotifyResult } from '../../../functions/shared/notifier/notifier';
import { slackClientOptions } from '../../../functions/shared/slack/slack-client';
import { InMemoryStateStore } from '../../../functions/shared/store/in-memory-state-store';
import { ACCOUNT, FOREIGN_ACCOUNT, REGION } from '../../fixtures/accounts';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startSlackApiServer, type RecordedCall, type SlackApiServer } from '../shared/slack/slack-api-server';
import { allText } from '../shared/slack/slack-limits-check';
import { createHarness, harnessConfig, type EmittedEvent, type Harness } from './responder-harness';

const sample = (name: string) => JSON.parse(readFileSync(new URL(`../../../examples/events/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
export const GUARDDUTY = sample('41-guardduty-lambda-c2-activity.json');
export const INSPECTOR = sample('42-inspector-lambda-package-vulnerability.json');
export const ANALYZER = sample('43-access-analyzer-cross-account-function.json');
/** The function the GuardDuty and Inspector samples are about (25 reserved, one enabled SQS mapping). */
export const RESIZER = { account: ACCOUNT, region: REGION, functionName: 'image-resizer' };
/** The function the Access Analyzer sample is about (invocable by a foreign account). */
export const EXPORT = { account: ACCOUNT, region: REGION, functionName: 'reports-export' };
export const MAPPING = '6d9bce8e-836b-442c-8070-74e77903c213';

/** The GuardDuty sample with `detail` (and `detail.service`) fields overridden. */
export function guardDuty(detail: Record<string, unknown> = {}, service: Record<string, unknown> = {}): Record<string, unknown> {
  const event = structuredClone(GUARDDUTY) as { detail: Record<string, unknown> & { service: Record<string, unknown> } };
  Object.assign(event.detail.service, service);
  Object.assign(event.detail, detail);
  return event;
}

/** The Access Analyzer sample with `detail` fields overridden. */
export function analyzer(detail: Record<string, unknown> = {}): Record<string, unknown> {
  const event = structuredClone(ANALYZER) as { detail: Record<string, unknown> };
  Object.assign(event.detail, detail);
  return event;
}

export interface Loop {
  readonly h: Harness;
  /** Hands every Warden event emitted since the last call to the notifier. */
  readonly notify: () => Promise<NotifyResult[]>;
  /** Top-level messages and thread replies posted, updates made. */
  readonly posts: () => RecordedCall[];
  readonly updates: () => RecordedCall[];
}

/** A fresh loop over `server`; the caller disposes of `loop.h`. `codeSha256`: the resizer's code hash (Inspector judges it). */
export function detectorLoop(server: SlackApiServer, options: { readonly codeSha256?: string } = {}): Loop {
  const h = createHarness({ config: harnessConfig() });
  h.account.lambda.createFunction(RESIZER, { Runtime: 'nodejs22.x', Role: `arn:aws:iam::${ACCOUNT}:role/image-resizer-role`, Handler: 'index.handler', ...(options.codeSha256 === undefined ? {} : { CodeSha256: options.codeSha256 }) });
  h.account.lambda.putFunctionConcurrency(RESIZER, 25);
  h.account.lambda.addEventSourceMapping(RESIZER, { UUID: MAPPING, EventSourceArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:image-uploads`, State: 'Enabled' });
  h.account.lambda.createFunction(EXPORT, { Runtime: 'python3.13', Role: `arn:aws:iam::${ACCOUNT}:role/reports-export-role`, Handler: 'app.handler' });
  h.account.lambda.addPermission({ kind: 'lambda-function', ...EXPORT }, { StatementId: 'partner-invoke', Action: 'lambda:InvokeFunction', Principal: FOREIGN_ACCOUNT });
  const client = new WebClient('xoxb-test-token-not-a-secret', slackClientOptions(server.url));
  const notifier = new Notifier({ config: parseConfig({ slack: { defaultChannel: 'C0DEFAULT' } }), store: new InMemoryStateStore(), slack: () => Promise.resolve(client), now: () => h.clock() });
  let seen = 0;
  return {
    h,
    notify: async () => {
      const fresh: EmittedEvent[] = h.events.slice(seen);
      seen = h.events.length;
      const results: NotifyResult[] = [];
      for (const [i, e] of fresh.entries()) results.push(await notifier.handle({ id: `ev-${String(seen)}-${String(i)}`, source: e.source, 'detail-type': e.detailType, detail: e.detail }));
      return results;
    },
    posts: () => server.calls.filter((c) => c.method === 'chat.postMessage'),
    updates: () => server.calls.filter((c) => c.method === 'chat.update'),
  };
}

export const textOf = (call: RecordedCall | undefined): string => (call === undefined ? '' : allText({ text: String(call.body.text), blocks: call.body.blocks as KnownBlock[] }));
export const hasButtons = (call: RecordedCall | undefined): boolean => JSON.stringify(call?.body.blocks ?? []).includes('"type":"button"');

/**
 * For a test file: one local Slack API server (started before its suites, closed after them) and `loop()`, a fresh
 * loop over it whose harness is disposed after each test (the server's recorded calls are cleared then too).
 */
export function detectorLoopsForFile(options: { readonly codeSha256?: string } = {}): { readonly server: () => SlackApiServer; readonly loop: () => Loop } {
  let server: SlackApiServer | undefined;
  let created: Harness[] = [];
  beforeAll(async () => {
    server = await startSlackApiServer();
  });
  afterAll(async () => {
    await server?.close();
  });
  afterEach(() => {
    for (const h of created) h.dispose();
    created = [];
    if (server !== undefined) server.calls.length = 0;
  });
  const started = (): SlackApiServer => {
    if (server === undefined) throw new Error('the Slack API server did not start');
    return server;
  };
  return {
    server: started,
    loop: () => {
      const l = detectorLoop(started(), options);
      created.push(l.h);
      return l;
    },
  };
}
