/**
 * 50 distinct plaintext secrets planted in functions' environments: no path of the bot (simulate
 * text and JSON, applied remediations, Warden events, logs at debug level, baselines) shows any
 * 8-character fragment of any of them.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main, type Io } from '../../cli/main';
import { Simulator, toJsonRecord, renderRecordText } from '../../cli/simulate';
import { LambdaStateReader } from '../../functions/shared/aws/lambda-state-reader';
import { baselineKeeperByKind, InMemoryBaselineStore } from '../../functions/shared/baseline/baseline-keeper';
import { createBaselineKey, FunctionBaselineKeeper } from '../../functions/shared/baseline/function-baseline';
import { parseConfig } from '../../functions/shared/config/config';
import { Executor } from '../../functions/shared/executor/executor';
import { logger, powertoolsTelemetry } from '../../functions/shared/observability';
import { Responder } from '../../functions/shared/responder/responder';
import { Notifier } from '../../functions/shared/notifier/notifier';
import { slackClientOptions } from '../../functions/shared/slack/slack-client';
import { startSlackApiServer } from '../functions/shared/slack/slack-api-server';
import { findingEventOf, remediationEventOf } from '../functions/shared/notifier/notifier-fixtures';
import type { Finding } from '../../functions/shared/contract/finding';
import type { ExecutionOutcome } from '../../functions/shared/contract/outcome';
import { RecordingSink } from '../../functions/shared/bus/warden-events';
import { containsSecretFragment } from '../../functions/shared/secrets/secret-fragment';
import { InMemoryStateStore } from '../../functions/shared/store/in-memory-state-store';
import { RULES } from '../../rules';
import { InMemoryAccount } from '../../sim/in-memory-account';
import { installLambdaMock } from '../../sim/lambda-mock';
import type { StateFile } from '../../sim/state-file';
import { ACCOUNT, FOREIGN_ACCOUNT, ORG_ACCOUNT, ORG_ID, REGION } from '../fixtures/accounts';
import { assumedRole } from '../fixtures/cloudtrail';
import { updateFunctionCodeEvent, updateFunctionConfigurationEvent } from '../fixtures/function-configuration';
import { plantableSecrets, plantedFunctionName, plantedStateFile } from '../fixtures/planted-secrets';

const FUNCTIONS = 10;
const PER_FUNCTION = 5;


const stateFile = (planted: readonly { name: string; value: string }[]): StateFile =>
  plantedStateFile({ planted, functions: FUNCTIONS, perFunction: PER_FUNCTION, accountOf: () => ACCOUNT, variables: (i) => ({ LOG_LEVEL: 'info', TABLE_NAME: `orders-${String(i)}` }) });

/** Every configuration path: updates with a redacted environment, code updates by a non-deployer, a foreign layer, a runtime change. */
function events() {
  const intruder = assumedRole('contractor-admin', 'laptop');
  return Array.from({ length: FUNCTIONS }, (_, i) => {
    const name = plantedFunctionName(i);
    const time = `2025-03-14T1${String(i % 10)}:00:00Z`;
    if (i % 3 === 0) return updateFunctionConfigurationEvent({ functionName: name, setsEnvironment: true }, { eventTime: time });
    if (i % 3 === 1) return updateFunctionCodeEvent(name, { identity: intruder, eventTime: time });
    return updateFunctionConfigurationEvent({ functionName: name, setsEnvironment: true, layers: [`arn:aws:lambda:${REGION}:${FOREIGN_ACCOUNT}:layer:x:1`], runtime: 'python3.8' }, { eventTime: time });
  });
}

/** Detector findings (issue #18) about planted functions: GuardDuty reads the whole configuration, environment included; Access Analyzer the policy. */
function detectorFindings(): Record<string, unknown>[] {
  const sample = (file: string) => JSON.parse(readFileSync(new URL(`../../examples/events/${file}`, import.meta.url), 'utf8')) as { detail: Record<string, unknown> };
  const arn = (i: number) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${plantedFunctionName(i)}`;
  const guardDuty = sample('41-guardduty-lambda-c2-activity.json');
  const resource = guardDuty.detail.resource as { lambdaDetails: Record<string, unknown> };
  const analyzer = sample('43-access-analyzer-cross-account-function.json');
  return [
    { ...guardDuty, detail: { ...guardDuty.detail, resource: { ...resource, lambdaDetails: { ...resource.lambdaDetails, functionArn: arn(0), functionName: plantedFunctionName(0) } } } },
    { ...analyzer, account: ACCOUNT, detail: { ...analyzer.detail, resource: arn(1) } },
  ];
}

const CONFIG = {
  organization: { id: ORG_ID, accounts: [ACCOUNT, ORG_ACCOUNT] },
  deployerRoles: ['GitHubActionsDeploy'],
  requireVpc: { accounts: [ORG_ACCOUNT] },
  rules: { 'function-env-plaintext-secret': { mode: 'auto' } },
  // Every planted secret is reverted at once: one developer's ten changes stay under the per-principal circuit breaker.
  circuitBreaker: { maxPerPrincipal: 50 },
};

let captured: string[] = [];
beforeEach(() => {
  captured = [];
  const keep = (chunk: unknown): boolean => {
    captured.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(keep);
  vi.spyOn(process.stderr, 'write').mockImplementation(keep);
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void captured.push(args.map(String).join(' ')));
  logger.setLogLevel('DEBUG');
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function cli(argv: readonly string[]): Promise<string> {
  const lines: string[] = [];
  const io: Io = { out: (line) => lines.push(line), err: (line) => lines.push(line) };
  const status = await main(argv, io);
  expect(status).toBe(0);
  return lines.join('\n');
}

/** Runs every path on a state and returns all the text the bot produced (outputs, events, baselines, logs). */
async function everythingPrinted(state: StateFile): Promise<{ text: string; accountAfter: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'warden-planted-'));
  const statePath = join(dir, 'state.json');
  const configPath = join(dir, 'warden.config.json');
  const eventPaths = [...events(), ...detectorFindings()].map((event, i) => {
    const path = join(dir, `${String(i).padStart(2, '0')}.json`);
    writeFileSync(path, JSON.stringify(event));
    return path;
  });
  writeFileSync(statePath, JSON.stringify(state));
  writeFileSync(configPath, JSON.stringify(CONFIG));
  const outputs: string[] = [];
  const logStart = captured.length;

  // The CLI: text, JSON, and both with the remediations applied.
  for (const flags of [[], ['--json'], ['--json', '--apply'], ['--apply'], ['--slack', '--apply'], ['--slack-json', '--apply']]) {
    outputs.push(await cli(['simulate', '--state', statePath, '--config', configPath, ...flags, ...eventPaths]));
  }

  // The simulator's findings, plans, outcomes, Warden events and baselines, with and without the secret rule.
  const config = parseConfig(CONFIG);
  for (const rules of [RULES, RULES.filter((r) => r.id !== 'function-env-plaintext-secret')]) {
    const simulator = new Simulator({ rules, config, state, apply: true });
    try {
      for (const [i, event] of [...events(), ...detectorFindings()].entries()) {
        const record = await simulator.run(event, `event-${String(i)}`);
        outputs.push(JSON.stringify(record), JSON.stringify(toJsonRecord(record)), renderRecordText(record, { dryRun: false, config, rules }), renderRecordText(record, { dryRun: false, config, rules, slack: true }));
      }
      // A second round: remediated functions are compliant now, so their baselines are captured.
      for (const event of events()) outputs.push(JSON.stringify(await simulator.run(event, 'again')));
      expect(simulator.baselineStore.dump()).not.toBe('[]');
      outputs.push(JSON.stringify(simulator.sink.events), simulator.baselineStore.dump());
    } finally {
      simulator.dispose();
    }
  }

  // The deployed responder's path with Powertools logging at debug level.
  const account = InMemoryAccount.fromStateFile(state);
  const lambda = installLambdaMock(account, mockClient(LambdaClient));
  try {
    const client = new LambdaClient({ region: REGION });
    const baselineStore = new InMemoryBaselineStore();
    const sink = new RecordingSink();
    const live = { ...config, dryRun: false };
    const responder = new Responder({
      rules: RULES,
      config: live,
      reader: new LambdaStateReader(() => client),
      executor: new Executor({ config: live, store: new InMemoryStateStore(), clientsFor: () => ({ lambda: client }) }),
      sink,
      telemetry: powertoolsTelemetry,
      baselines: baselineKeeperByKind({ 'lambda-function': new FunctionBaselineKeeper({ store: baselineStore, key: createBaselineKey() }) }),
    });
    for (const event of events()) {
      account.replay(event);
      outputs.push(JSON.stringify(await responder.handleParsed(event)));
    }
    for (const finding of detectorFindings()) outputs.push(JSON.stringify(await responder.handle(finding)));
    outputs.push(JSON.stringify(sink.events), baselineStore.dump());
  } finally {
    lambda.mock.restore();
  }
  return { text: [...outputs, ...captured.slice(logStart)].join('\n'), accountAfter: JSON.stringify(account.toStateFile()) };
}

describe('planted secrets', () => {
  it('never shows a fragment of any of 50 planted secrets on any path', async () => {
    const control = await everythingPrinted(stateFile([]));
    const planted = plantableSecrets(FUNCTIONS * PER_FUNCTION, control.text);
    const values = planted.map((p) => p.value);
    expect(new Set(values).size).toBe(FUNCTIONS * PER_FUNCTION);
    const state = stateFile(planted);
    expect(containsSecretFragment(JSON.stringify(state), values)).toBe(true);

    const { text, accountAfter } = await everythingPrinted(state);
    expect(text).toContain('function-env-plaintext-secret');
    expect(text).toContain('remove-function-env-variables');
    // The detector findings' paths ran too (issue #18).
    expect(text).toContain('function-runtime-threat');
    expect(text).toContain('Access Analyzer Finding');
    expect(captured.length).toBeGreaterThan(0);
    expect(containsSecretFragment(text, values)).toBe(false);
    // The auto-mode plans removed every planted secret from the account itself.
    expect(containsSecretFragment(accountAfter, values)).toBe(false);
  });
});

// ── Issue #18: what Amazon Inspector's findings carry beyond the facts they name ─────────────────────

const INSPECTOR_SAMPLE = readFileSync(new URL('../../examples/events/42-inspector-lambda-package-vulnerability.json', import.meta.url), 'utf8');
const INSPECTOR_CODE = 'Xk1Vb0q8u1r3Nn0mQ2pS5zT7wY9aB1cD3eF5gH7iJ9k=';

/** Inspector findings about one function: a package and a code vulnerability, `secrets` planted in every free-text and evidence field. */
function inspectorEvents(secrets: readonly string[]): Record<string, unknown>[] {
  const pick = (i: number): string => secrets[i % Math.max(secrets.length, 1)] ?? 'nothing-planted';
  const base = (): { detail: Record<string, unknown> & { resources: Record<string, unknown>[] } } => JSON.parse(INSPECTOR_SAMPLE) as { detail: Record<string, unknown> & { resources: Record<string, unknown>[] } };
  const pkg = base();
  Object.assign(pkg.detail, {
    description: `The package leaks ${pick(0)}`,
    title: `CVE-2021-23337 ${pick(1)}`,
    remediation: { recommendation: { text: `run with TOKEN=${pick(2)}` } },
  });
  (pkg.detail.packageVulnerabilityDetails as { vulnerablePackages: Record<string, unknown>[] }).vulnerablePackages[0]!.remediation = `npm config set //registry/:_authToken=${pick(3)}`;
  pkg.detail.resources[0]!.tags = { token: pick(4) };
  const code = base();
  Object.assign(code.detail, {
    findingArn: 'arn:aws:inspector2:us-east-1:111122223333:finding/c0de0000000000000000000000000042',
    type: 'CODE_VULNERABILITY',
    severity: 'CRITICAL',
    title: `Hardcoded credentials ${pick(5)}`,
    description: `const key = "${pick(6)}"`,
    packageVulnerabilityDetails: undefined,
    inspectorScore: undefined,
    codeVulnerabilityDetails: {
      cwes: ['CWE-798'],
      detectorId: 'javascript/hardcoded-credentials@v1.0',
      detectorName: 'Hardcoded credentials',
      filePath: { fileName: 'config.js', filePath: 'src/config.js', startLine: 12, endLine: 14 },
      codeSnippet: [{ content: `const key = "${pick(7)}";`, lineNumber: 13 }, { content: `const other = "${pick(8)}";`, lineNumber: 14 }],
    },
    evidence: { secret: pick(9) },
  });
  // Inspector closes the code finding later (the fix deployed): the closing carries the same evidence, and takes the lifecycle path.
  const closed = structuredClone(code);
  Object.assign(closed.detail, { status: 'CLOSED', updatedAt: '2025-03-20T08:00:00.000Z', description: `fixed: no more ${pick(6)}`, title: `Closed ${pick(5)}` });
  return [pkg, code, closed];
}

const INSPECTOR_STATE: StateFile = {
  functions: [{ Account: ACCOUNT, Region: REGION, Configuration: { FunctionName: 'image-resizer', Runtime: 'nodejs18.x', Role: `arn:aws:iam::${ACCOUNT}:role/image-resizer-role`, Handler: 'index.handler', CodeSha256: INSPECTOR_CODE } }],
} as unknown as StateFile;

/** Every path an Inspector finding takes: simulate (text, JSON, Slack), the deployed responder and notifier with debug logs, Slack calls, SNS. */
async function inspectorEverything(secrets: readonly string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'warden-inspector-'));
  const statePath = join(dir, 'state.json');
  const configPath = join(dir, 'warden.config.json');
  writeFileSync(statePath, JSON.stringify(INSPECTOR_STATE));
  writeFileSync(configPath, JSON.stringify(CONFIG));
  const eventPaths = inspectorEvents(secrets).map((event, i) => {
    const path = join(dir, `inspector-${String(i)}.json`);
    writeFileSync(path, JSON.stringify(event));
    return path;
  });
  const outputs: string[] = [];
  const logStart = captured.length;
  for (const flags of [[], ['--json'], ['--slack'], ['--slack-json']]) outputs.push(await cli(['simulate', '--state', statePath, '--config', configPath, ...flags, ...eventPaths]));

  const account = InMemoryAccount.fromStateFile(INSPECTOR_STATE);
  const lambda = installLambdaMock(account, mockClient(LambdaClient));
  const server = await startSlackApiServer();
  try {
    const client = new LambdaClient({ region: REGION });
    const sink = new RecordingSink();
    const live = { ...parseConfig(CONFIG), dryRun: false };
    const store = new InMemoryStateStore();
    const responder = new Responder({
      rules: RULES,
      config: live,
      reader: new LambdaStateReader(() => client),
      executor: new Executor({ config: live, store, clientsFor: () => ({ lambda: client }) }),
      sink,
      telemetry: powertoolsTelemetry,
      lifecycle: store,
    });
    for (const event of inspectorEvents(secrets)) outputs.push(JSON.stringify(await responder.handle(event)));
    outputs.push(JSON.stringify(sink.events));
    const notifier = new Notifier({
      config: parseConfig({ ...CONFIG, slack: { defaultChannel: 'C0DEFAULT' } }),
      store: new InMemoryStateStore(),
      slack: () => Promise.resolve(new WebClient('xoxb-test-token-not-a-secret', slackClientOptions(server.url))),
      telemetry: powertoolsTelemetry,
    });
    for (const event of sink.events) {
      const detail = JSON.parse(JSON.stringify(event.detail)) as { finding?: Finding; outcome?: ExecutionOutcome };
      if (detail.finding !== undefined && detail.outcome !== undefined) await notifier.handle(findingEventOf(detail.finding, detail.outcome));
      else if (event.detailType === 'Warden Remediation') await notifier.handle(remediationEventOf(detail as unknown as ExecutionOutcome));
    }
    expect(server.calls.length).toBeGreaterThan(0);
    outputs.push(...server.calls.map((c) => `${c.raw}\n${decodeURIComponent(c.raw.replace(/\+/g, ' '))}`));
  } finally {
    lambda.mock.restore();
    await server.close();
  }
  return [...outputs, ...captured.slice(logStart)].join('\n');
}

describe('planted secrets in Amazon Inspector findings (issue #18)', () => {
  it('never shows a fragment of a secret planted in a finding\'s code snippet, description, remediation text, tags or evidence', async () => {
    const control = await inspectorEverything([]);
    const values = plantableSecrets(10, control).map((p) => p.value);
    expect(values).toHaveLength(10);
    const events = JSON.stringify(inspectorEvents(values));
    expect(containsSecretFragment(events, values)).toBe(true);
    const text = await inspectorEverything(values);
    expect(text).toContain('function-vulnerable-dependency');
    expect(text).toContain('Hardcoded credentials');
    expect(text).toContain('src/config.js');
    expect(text).toContain('CVE-2021-23337');
    // The closing took its path (the code finding left the digest) and said so without its evidence.
    expect(text).toContain('Closed by Inspector');
    expect(containsSecretFragment(text, values)).toBe(false);
  });
});
