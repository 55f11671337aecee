/**
 * Plaintext secrets planted in functions' environment variables: no Slack request body (posts,
 * updates, thread replies), no SNS message and no `warden simulate` text shows any 8-character
 * fragment of any of them, while the variables' names are shown.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { WebClient } from '@slack/web-api';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type Io } from '../../../cli/main';
import { Simulator } from '../../../cli/simulate';
import { parseConfig } from '../../../functions/shared/config/config';
import type { Finding } from '../../../functions/shared/contract/finding';
import type { ExecutionOutcome } from '../../../functions/shared/contract/outcome';
import { Notifier } from '../../../functions/shared/notifier/notifier';
import { containsSecretFragment } from '../../../functions/shared/secrets/secret-fragment';
import { slackClientOptions } from '../../../functions/shared/slack/slack-client';
import { InMemoryStateStore } from '../../../functions/shared/store/in-memory-state-store';
import { RULES } from '../../../rules';
import type { StateFile } from '../../../sim/state-file';
import { ACCOUNT, ORG_ACCOUNT, ORG_ID, REGION } from '../../fixtures/accounts';
import { updateFunctionConfigurationEvent } from '../../fixtures/function-configuration';
import { plantableSecrets, plantedFunctionName, plantedStateFile } from '../../fixtures/planted-secrets';
import { decisionEventOf, decisionOn, findingEventOf, metadataCase, remediationEventOf } from '../shared/notifier/notifier-fixtures';
import { findingMessage, findingText } from '../../../functions/shared/slack/warden-messages';
import { startSlackApiServer, type SlackApiServer } from '../shared/slack/slack-api-server';

const FUNCTIONS = 6;
const PER_FUNCTION = 4;

const CONFIG = {
  organization: { id: ORG_ID, accounts: [ACCOUNT, ORG_ACCOUNT] },
  dryRun: false,
  // Half the functions' findings wait for approval (buttons, decisions), half are reverted at once.
  rules: { 'function-env-plaintext-secret': { mode: 'approve' } },
  accounts: { [ORG_ACCOUNT]: { rules: { 'function-env-plaintext-secret': { mode: 'auto' } } } },
  slack: { defaultChannel: 'C0SECRETS', digest: { maxFindings: 2, windowSeconds: 60 } },
};

const stateFile = (planted: readonly { name: string; value: string }[]): StateFile =>
  plantedStateFile({ planted, functions: FUNCTIONS, perFunction: PER_FUNCTION, accountOf: (i) => (i % 2 === 0 ? ACCOUNT : ORG_ACCOUNT), variables: () => ({ LOG_LEVEL: 'info' }) });

const events = () =>
  Array.from({ length: FUNCTIONS }, (_, i) =>
    updateFunctionConfigurationEvent({ functionName: plantedFunctionName(i), setsEnvironment: true }, { eventTime: `2025-03-14T10:0${String(i)}:00Z`, ...(i % 2 === 0 ? {} : { account: ORG_ACCOUNT }) }),
  );

let server: SlackApiServer;
const sns = mockClient(SNSClient);
beforeAll(async () => {
  server = await startSlackApiServer();
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
});
afterAll(async () => {
  sns.restore();
  await server.close();
});

/** Everything the notifier sends and `warden simulate` prints for the state. */
async function everythingSent(state: StateFile): Promise<{ text: string; findings: number }> {
  server.calls.length = 0;
  sns.resetHistory();
  const config = parseConfig(CONFIG);
  const simulator = new Simulator({ rules: RULES, config, state, apply: true });
  const handled: { finding: Finding; outcome: ExecutionOutcome }[] = [];
  try {
    for (const [i, event] of events().entries()) {
      const record = await simulator.run(event, `event-${String(i)}`);
      record.findings.forEach((finding, k) => {
        const outcome = record.outcomes[k];
        if (outcome !== undefined) handled.push({ finding, outcome });
      });
    }
  } finally {
    simulator.dispose();
  }
  const client = new WebClient('xoxb-planted-test', slackClientOptions(server.url));
  const notifier = new Notifier({ config, store: new InMemoryStateStore(), slack: () => Promise.resolve(client), sns: { client: new SNSClient({ region: REGION }), topicArn: 'arn:aws:sns:us-east-1:999988887777:t' } });
  for (const [i, { finding, outcome }] of handled.entries()) {
    await notifier.handle(findingEventOf(finding, outcome));
    await notifier.handle(remediationEventOf(outcome));
    if (outcome.approval !== undefined) {
      await notifier.handle(decisionEventOf(decisionOn({ finding, outcome }, i % 2 === 0 ? 'approved' : 'rejected-and-exempted')));
      await notifier.handle(remediationEventOf({ ...outcome, status: 'remediated', verified: true, detail: 'done', at: '2025-03-14T16:00:00Z' }));
    }
  }

  const dir = mkdtempSync(join(tmpdir(), 'warden-planted-slack-'));
  writeFileSync(join(dir, 'state.json'), JSON.stringify(state));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(CONFIG));
  const paths = events().map((event, i) => {
    const path = join(dir, `${String(i)}.json`);
    writeFileSync(path, JSON.stringify(event));
    return path;
  });
  const lines: string[] = [];
  const io: Io = { out: (line) => lines.push(line), err: (line) => lines.push(line) };
  for (const flags of [[], ['--apply'], ['--slack'], ['--slack', '--apply'], ['--slack-json', '--apply']]) expect(await main(['simulate', '--state', join(dir, 'state.json'), '--config', join(dir, 'config.json'), ...flags, ...paths], io)).toBe(0);

  const slackBodies = server.calls.map((c) => c.raw);
  const snsMessages = sns.commandCalls(PublishCommand).map((c) => `${c.args[0].input.Subject ?? ''}\n${c.args[0].input.Message ?? ''}`);
  return { text: [...slackBodies, ...snsMessages, ...lines].join('\n'), findings: handled.length };
}

describe('planted secrets (Slack, SNS, simulate)', () => {
  it('never sends or prints a fragment of any planted secret, and names the variables', async () => {
    // What is sent for functions holding no secret, plus a message of the rule (console links: `https://…`), is public.
    const control = await everythingSent(stateFile([]));
    const sample = metadataCase(RULES.find((r) => r.id === 'function-env-plaintext-secret')!);
    const planted = plantableSecrets(FUNCTIONS * PER_FUNCTION, [control.text, JSON.stringify(findingMessage(sample.finding, sample.outcome)), findingText(sample.finding, sample.outcome)].join('\n'));
    expect(planted).toHaveLength(FUNCTIONS * PER_FUNCTION);
    const values = planted.map((p) => p.value);
    expect(containsSecretFragment(JSON.stringify(stateFile(planted)), values)).toBe(true);

    const { text, findings } = await everythingSent(stateFile(planted));
    expect(findings).toBeGreaterThanOrEqual(FUNCTIONS);
    // Every path ran: posts, digests, updates, thread replies, SNS, simulate text with the Slack rendering.
    expect(server.calls.filter((c) => c.method === 'chat.update').length).toBeGreaterThan(0);
    expect(server.calls.some((c) => c.body.thread_ts !== undefined)).toBe(true);
    expect(sns.commandCalls(PublishCommand).length).toBeGreaterThanOrEqual(FUNCTIONS);
    expect(text).toContain('function-env-plaintext-secret');
    expect(text).toContain('Slack message to C0SECRETS');
    expect(text).toContain(`${planted[0]!.name}_0`);
    expect(containsSecretFragment(text, values)).toBe(false);
  });
});
