/**
 * `warden simulate`: replays CloudTrail events, in order, into the in-memory account and runs the
 * bot on each in dry-run — the same engine and state reader as deployed, with the real Lambda SDK
 * client answered by the in-memory account.
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { ouOf, resolveMode, type WardenConfig } from '../functions/shared/config/config';
import { SEVERITIES, type Mode, type Finding } from '../functions/shared/contract/finding';
import { Engine } from '../functions/shared/engine/engine';
import { InvalidEventError } from '../functions/shared/errors';
import { parseCloudTrailEvent } from '../functions/shared/event/cloudtrail-event';
import { isGuardDutyFindingEvent } from '../functions/shared/event/guardduty-finding';
import { isInspectorFindingEvent } from '../functions/shared/event/inspector-finding';
import { isAccessAnalyzerFindingEvent } from '../functions/shared/event/access-analyzer-finding';
import { LambdaStateReader } from '../functions/shared/aws/lambda-state-reader';
import { IAMClient } from '@aws-sdk/client-iam';
import { IamStateReader, withRoleReader } from '../functions/shared/aws/iam-state-reader';
import { RoleBaselineKeeper } from '../functions/shared/baseline/role-baseline';
import { baselineKeeperByKind, InMemoryBaselineStore, type BaselineKeeper } from '../functions/shared/baseline/baseline-keeper';
import { installIamMock, type IamMockHandle } from '../sim/iam-mock';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudTrailStateReader, withTrailReader } from '../functions/shared/aws/cloudtrail-state-reader';
import { installCloudTrailMock } from '../sim/in-memory-cloudtrail';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { installLogsMock } from '../sim/in-memory-logs';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { ApiGatewayStateReader, withApiReader } from '../functions/shared/aws/api-gateway-state-reader';
import { installApiGatewayMock, type ApiGatewayMockHandle } from '../sim/api-gateway-mock';
import { EC2Client } from '@aws-sdk/client-ec2';
import { Ec2StateReader, withSecurityGroupReader } from '../functions/shared/aws/ec2-state-reader';
import { installEc2Mock } from '../sim/ec2-mock';
import { describePlan } from '../functions/shared/remediation/actions';
import { Executor } from '../functions/shared/executor/executor';
import { tagsFromReader } from '../functions/shared/executor/resource-tags';
import type { ExecutionOutcome } from '../functions/shared/contract/outcome';
import { Responder } from '../functions/shared/responder/responder';
import { DecisionRunner } from '../functions/shared/responder/decision-runner';
import { RecordingSink, type EventSink } from '../functions/shared/bus/warden-events';
import { Integrity } from '../functions/shared/store/integrity';
import type { StateReader } from '../functions/shared/state/state-reader';
import { InMemoryStateStore } from '../functions/shared/store/in-memory-state-store';
import { createBaselineKey, FunctionBaselineKeeper } from '../functions/shared/baseline/function-baseline';
import type { AnyRule } from '../rules/rule';
import { InMemoryAccount } from '../sim/in-memory-account';
import { installLambdaMock, type LambdaMockHandle } from '../sim/lambda-mock';
import type { StateFile } from '../sim/state-file';
import { channelFor } from '../functions/shared/notifier/routing';
import { findingMessage, findingText } from '../functions/shared/slack/warden-messages';

/** What the bot did with one event. */
export interface SimulationRecord {
  readonly file: string;
  readonly eventId: string | null;
  readonly eventName: string | null;
  readonly ignored: string | null;
  readonly error: string | null;
  readonly findings: readonly Finding[];
  /** What the executor did with each finding, in the same order. */
  readonly outcomes: readonly ExecutionOutcome[];
}

export interface SimulatorOptions {
  readonly rules: readonly AnyRule[];
  readonly config: WardenConfig;
  readonly state?: StateFile;
  readonly now?: () => Date;
  /** Let the bot change the in-memory account (auto mode executes; approve stays pending). Default: dry-run. */
  readonly apply?: boolean;
  /** The key baselines are sealed and variable values hashed with (default: a random key for this run). */
  readonly baselineKey?: Uint8Array;
}

function field(value: unknown, ...path: string[]): string | null {
  let node = value;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return null;
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === 'string' ? node : null;
}

/**
 * @example
 * const simulator = new Simulator({ rules: RULES, config });
 * const record = await simulator.run(event, 'examples/events/01-public-invoke-permission.json');
 * simulator.dispose();
 */
export class Simulator {
  readonly account: InMemoryAccount;
  private readonly engine: Engine;
  private readonly responder: Responder;
  /** The Warden events the bot would put on its bus. */
  readonly sink = new RecordingSink();
  /** Findings, pending approvals and circuit-breaker counters of this run. */
  readonly store = new InMemoryStateStore();
  /** The SDK mock answering from {@link account}; its call log counts the AWS calls made. */
  readonly lambda: LambdaMockHandle;
  private readonly clients = new Map<string, LambdaClient>();
  /** Last-known-good function baselines of this run (variable values only as keyed hashes, under a per-process key). */
  readonly baselineStore = new InMemoryBaselineStore();
  private readonly baselines: BaselineKeeper;
  /** The integrity keys of the records and exemptions this simulation writes (ephemeral, never stored). */
  readonly integrity = Integrity.ephemeral();
  private readonly reader: StateReader;
  private readonly rules: readonly AnyRule[];
  /** The IAM SDK mock answering from {@link account} (issue #4). */
  readonly iam: IamMockHandle;
  private readonly iamClients = new Map<string, IAMClient>();
  /** The CloudTrail SDK mock answering from the account's trails (issue #13: tampering with a trail is judged). */
  private readonly cloudtrail: ReturnType<typeof installCloudTrailMock>;
  /** The API Gateway SDK mocks answering from the account's APIs (issue #17). */
  readonly apigateway: ApiGatewayMockHandle;
  /** The EC2 SDK mock answering from the account's security groups (issue #17 rule 5). */
  readonly ec2: ReturnType<typeof installEc2Mock>;
  private readonly ec2Clients = new Map<string, EC2Client>();

  constructor(options: SimulatorOptions) {
    this.account = options.state === undefined ? new InMemoryAccount() : InMemoryAccount.fromStateFile(options.state);
    this.lambda = installLambdaMock(this.account, mockClient(LambdaClient));
    this.iam = installIamMock(this.account, mockClient(IAMClient), { accountOf: (client) => [...this.iamClients].find(([, c]) => c === client)?.[0] });
    const baselineKey = options.baselineKey ?? createBaselineKey();
    this.baselines = baselineKeeperByKind({
      'lambda-function': new FunctionBaselineKeeper({ store: this.baselineStore, key: baselineKey }),
      'iam-role': new RoleBaselineKeeper({ store: this.baselineStore, config: options.config, key: baselineKey }),
    });
    const roles = new IamStateReader((account) => this.iamClientFor(account), { lambdaFor: (account, region) => this.clientFor(account, region), functionRegions: options.config.deployment.regions });
    this.cloudtrail = installCloudTrailMock(this.account.cloudtrail, this.account.defaultAccount);
    const trails = new CloudTrailStateReader((_account, region) => this.cloudTrailClientFor(region));
    this.logs = installLogsMock(this.account.logs, this.account.defaultAccount, { accountOf: (client) => [...this.logsClients].find(([, c]) => c === client)?.[0].split('/')[0] });
    this.apigateway = installApiGatewayMock(this.account.apigateway);
    const functions = new LambdaStateReader((account, region) => this.clientFor(account, region), { logsFor: (account, region) => this.logsClientFor(account, region) });
    const apis = new ApiGatewayStateReader((_account, region) => new APIGatewayClient({ region }), (_account, region) => new ApiGatewayV2Client({ region }));
    this.ec2 = installEc2Mock(this.account.ec2);
    const groups = new Ec2StateReader((_account, region) => this.ec2ClientFor(region), (account, region) => this.clientFor(account, region));
    const reader = withSecurityGroupReader(withApiReader(withRoleReader(withTrailReader(functions, trails), roles), apis), groups);
    this.reader = reader;
    this.rules = options.rules;
    this.engine = new Engine({ rules: options.rules, config: options.config, reader, baselines: this.baselines, ...(options.now ? { now: options.now } : {}) });
    const config = { ...options.config, dryRun: options.apply !== true };
    const now = options.now ? { now: options.now } : {};
    const executor = this.executor(config, now);
    this.responder = new Responder({ rules: options.rules, config, reader, executor, sink: this.sink, baselines: this.baselines, lifecycle: this.store, ...now });
  }

  private executor(config: WardenConfig, now: { now?: () => Date }): Executor {
    return new Executor({
      config,
      store: this.store,
      integrity: this.integrity,
      clientsFor: (account, region) => ({ lambda: this.clientFor(account, region), iam: this.iamClientFor(account), cloudtrail: () => Promise.resolve(this.cloudTrailClientFor(region)), ec2: () => Promise.resolve(this.ec2ClientFor(region)) }),
      tagsOf: tagsFromReader(this.reader),
      ...now,
    });
  }

  /**
   * A decision runner over this simulation (what the responder runs on a "Warden Decision"): the same
   * account, store, baselines and integrity keys, so a record the simulation wrote verifies and its
   * finding is re-judged on the simulated state before its plan runs.
   */
  decisionRunner(options: { readonly sink: EventSink; readonly config: WardenConfig; readonly now?: () => Date }): DecisionRunner {
    const now = options.now ? { now: options.now } : {};
    const executor = this.executor(options.config, now);
    return new DecisionRunner({ store: this.store, executor, sink: options.sink, rules: this.rules, config: options.config, reader: this.reader, baselines: this.baselines, tagsOf: tagsFromReader(this.reader), ...now });
  }

  /** Evaluates an event on the current state without running the executor. */
  evaluate(input: unknown): ReturnType<Engine['evaluateEvent']> {
    return this.engine.evaluateEvent(input);
  }

  /** One IAM client per account: IAM calls name roles without their account. */
  private iamClientFor(account: string): IAMClient {
    let client = this.iamClients.get(account);
    if (client === undefined) {
      client = new IAMClient({ region: 'us-east-1' });
      this.iamClients.set(account, client);
    }
    return client;
  }

  private readonly cloudTrailClients = new Map<string, CloudTrailClient>();
  /** The CloudWatch Logs SDK mock answering from the account's log groups (issue #17). */
  private readonly logs: ReturnType<typeof installLogsMock>;
  private readonly logsClients = new Map<string, CloudWatchLogsClient>();

  /** One CloudWatch Logs client per account and region: log groups are named without their account. */
  private logsClientFor(account: string, region: string): CloudWatchLogsClient {
    const key = `${account}/${region}`;
    let client = this.logsClients.get(key);
    if (client === undefined) {
      client = new CloudWatchLogsClient({ region });
      this.logsClients.set(key, client);
    }
    return client;
  }

  /** One CloudTrail client per region: trails are named by their ARN, which carries the account. */
  private cloudTrailClientFor(region: string): CloudTrailClient {
    let client = this.cloudTrailClients.get(region);
    if (client === undefined) {
      client = new CloudTrailClient({ region });
      this.cloudTrailClients.set(region, client);
    }
    return client;
  }

  /** One EC2 client per region: security group rule ids are unique, the region scopes them. */
  private ec2ClientFor(region: string): EC2Client {
    let client = this.ec2Clients.get(region);
    if (client === undefined) {
      client = new EC2Client({ region });
      this.ec2Clients.set(region, client);
    }
    return client;
  }

  private clientFor(account: string, region: string): LambdaClient {
    const key = `${account}/${region}`;
    let client = this.clients.get(key);
    if (client === undefined) {
      client = new LambdaClient({ region });
      this.clients.set(key, client);
    }
    return client;
  }

  /** Applies one event to the in-memory account, then evaluates it. Invalid input changes nothing. */
  async run(input: unknown, file: string): Promise<SimulationRecord> {
    const eventId = field(input, 'detail', 'eventID');
    const eventName = field(input, 'detail', 'eventName');
    try {
      // A detector finding (GuardDuty, Inspector, Access Analyzer) changes nothing in the account: it is judged on the state as it is.
      if (isGuardDutyFindingEvent(input) || isInspectorFindingEvent(input) || isAccessAnalyzerFindingEvent(input)) {
        const result = await this.responder.handle(input);
        return { file, eventId: result.eventId, eventName: result.eventName, ignored: result.ignored?.text ?? null, error: null, findings: result.findings, outcomes: result.outcomes };
      }
      const event = parseCloudTrailEvent(input);
      this.account.replay(event);
      const result = await this.responder.handleParsed(event);
      return { file, eventId: result.eventId, eventName: result.eventName, ignored: result.ignored?.text ?? null, error: null, findings: result.findings, outcomes: result.outcomes };
    } catch (e: unknown) {
      if (e instanceof InvalidEventError) return { file, eventId, eventName, ignored: null, error: e.message, findings: [], outcomes: [] };
      throw e;
    }
  }

  /** Restores the real Lambda client (the mock is process-wide). */
  dispose(): void {
    this.lambda.mock.restore();
    this.iam.mock.restore();
    this.cloudtrail.mock.restore();
    this.logs.mock.restore();
    this.apigateway.restore();
    this.ec2.mock.restore();
  }
}

/** A finding as `--json` prints it (`warden scan --json` uses the same shape). */
export function toJsonFinding(f: Finding): Record<string, unknown> {
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    resource: f.resource,
    summary: f.summary,
    mode: f.mode,
    remediation: f.remediation === null ? null : { action: f.remediation.action, params: f.remediation.params },
  };
}

/** The `--json` line for one event: exactly the documented shape. */
export function toJsonRecord(record: SimulationRecord): Record<string, unknown> {
  return {
    file: record.file,
    eventId: record.eventId,
    eventName: record.eventName,
    ignored: record.ignored,
    error: record.error,
    findings: record.findings.map(toJsonFinding),
    outcomes: record.outcomes.map((o) => ({
      ruleId: o.ruleId,
      resource: o.resource,
      status: o.status,
      effectiveMode: o.effectiveMode,
      dryRun: o.dryRun,
      call: o.plan?.call ?? null,
      detail: o.detail,
      ...(o.verified === undefined ? {} : { verified: o.verified }),
      ...(o.approval === undefined ? {} : { approval: o.approval }),
    })),
  };
}

const WHAT_MODE_DOES = {
  auto: 'would revert at once',
  approve: 'would ask an approver in Slack, then',
  alert: 'would alert only',
} as const;

/** How `renderRecordText` prints a record. */
export interface RenderOptions {
  /** Dry-run (no `--apply`): plans say "dry-run". */
  readonly dryRun: boolean;
  /** With the configuration, the output says where each mode came from and why it changed. */
  readonly config?: WardenConfig;
  readonly rules?: readonly AnyRule[];
  /** `--slack`: each Slack message the notifier would post, as text (it carries What/Why, so they are not printed twice). */
  readonly slack?: boolean;
  /** Notes when another rule fired on the same resource in this run with a different mode. */
  readonly overlap?: RuleOverlap;
}

/** Where a rule's configured mode comes from: the override that wins (account > OU > rule) or the rule's default. */
export function modeSource(config: WardenConfig, ruleId: string, account: string): string {
  if (config.accounts[account]?.rules[ruleId]?.mode !== undefined) return `accounts.${account}.rules`;
  const ou = ouOf(config, account);
  if (ou !== undefined && config.ous[ou]?.rules[ruleId]?.mode !== undefined) return `ous.${ou}.rules`;
  if (config.rules[ruleId]?.mode !== undefined) return 'rules';
  return 'the rule\'s default';
}

/** Why the mode acted upon differs from the one configured, one line each; empty when it does not. */
export function modeChangeLines(finding: Finding, outcome: ExecutionOutcome | undefined, options: RenderOptions): string[] {
  const lines: string[] = [];
  const rule = options.rules?.find((r) => r.id === finding.ruleId);
  if (options.config !== undefined && rule !== undefined) {
    const configured = resolveMode(options.config, rule.id, rule.defaultMode, finding.account);
    if (configured !== finding.mode) {
      const why = finding.details.restoresBaseline === false ? 'no saved baseline to restore, so the fix would be a guess and a person decides' : 'the rule asks a person to decide on this finding';
      lines.push(`Mode: ${finding.mode} instead of ${configured} (${modeSource(options.config, rule.id, finding.account)}): ${why}`);
    }
  }
  if (outcome?.circuitBreaker !== undefined && outcome.effectiveMode !== outcome.mode) {
    const cb = outcome.circuitBreaker;
    lines.push(`Mode: ${outcome.effectiveMode} instead of ${outcome.mode}: circuit breaker open (more than ${String(cb.limit)} automatic remediations within ${String(cb.windowMinutes)} minutes)`);
  }
  if (outcome?.status === 'exempt' && outcome.exemption !== undefined) lines.push(`Exempt (${outcome.exemption.kind}): ${outcome.exemption.reason}; nothing will be changed`);
  return lines;
}

/** The status word again at the start of the outcome's sentence ("dry-run: dry-run: would …") is said once. */
function outcomeLine(outcome: ExecutionOutcome): string {
  const detail = outcome.detail.startsWith(`${outcome.status}: `) ? outcome.detail.slice(outcome.status.length + 2) : outcome.detail;
  return `Outcome: ${outcome.status}${outcome.verified === true ? ' (verified)' : ''}${detail === '' ? '' : `: ${detail}`}`;
}

const MODE_EFFECT = { auto: 'is reverted at once', approve: 'waits for an approver', alert: 'is reported only' } as const;

/**
 * Remembers, across a run, which rules fired on which resource with which mode, so the output can say when two
 * rules act differently on one change (a console-made public function URL: the permission is reverted at once
 * while the URL finding waits for approval).
 */
export class RuleOverlap {
  private readonly seen = new Map<string, { ruleId: string; mode: Mode }[]>();

  /** A note for the record's findings that share a resource with another rule's finding in a different mode, or null. */
  note(record: SimulationRecord): string | null {
    const notes: string[] = [];
    for (const [i, f] of record.findings.entries()) {
      const mode = record.outcomes[i]?.effectiveMode ?? f.mode;
      const earlier = this.seen.get(f.resource) ?? [];
      const other = earlier.find((e) => e.ruleId !== f.ruleId && e.mode !== mode);
      if (other !== undefined) {
        notes.push(`${f.ruleId} (${mode}) ${MODE_EFFECT[mode]} while ${other.ruleId} (${other.mode}), on the same resource, ${MODE_EFFECT[other.mode]}`);
      }
      if (!earlier.some((e) => e.ruleId === f.ruleId)) this.seen.set(f.resource, [...earlier, { ruleId: f.ruleId, mode }]);
    }
    return notes.length === 0 ? null : `  Note: two rules act differently on one change: ${notes.join('; ')}.`;
  }
}

/** A readable rendering for a security engineer; with `slack`, each Slack message that would be posted instead of the What/Why lines. */
export function renderRecordText(record: SimulationRecord, options: RenderOptions): string {
  const head = [record.file, record.eventName, record.eventId].filter((x): x is string => x !== null && x !== '').join('  ');
  if (record.error !== null) return `${head}\n  ✖ invalid event: ${record.error}`;
  if (record.ignored !== null) return `${head}\n  – ignored: ${record.ignored}`;
  if (record.findings.length === 0) return `${head}\n  ✓ no finding`;
  const lines = [head];
  for (const [index, f] of record.findings.entries()) {
    const outcome = record.outcomes[index];
    lines.push(`  ✖ ${f.severity.toUpperCase()}  ${f.ruleId}  ${f.resource}`);
    lines.push(`    ${f.title}`);
    if (options.slack !== true) {
      lines.push(`    What: ${f.summary}`);
      lines.push(`    Why:  ${f.rationale}`);
      if (f.actor) {
        const from = [f.actor.sourceIPAddress && `from ${f.actor.sourceIPAddress}`, f.actor.userAgent && `with ${f.actor.userAgent}`].filter(Boolean).join(' ');
        const who = [f.actor.type, f.actor.arn, from].filter((x) => x !== undefined && x !== '').join(' ');
        if (who !== '') lines.push(`    Who:  ${who}`);
      }
    }
    const plan = f.remediation;
    if (plan === null) lines.push(`    Plan (${f.mode}): alert only, no automatic change`);
    else {
      const verb = f.mode === 'alert' ? 'would alert only; the fix would be' : WHAT_MODE_DOES[f.mode];
      lines.push(`    Plan (${f.mode}${options.dryRun ? ', dry-run' : ''}): ${verb} ${describePlan(plan.action, plan.params)}`);
      lines.push(`          ${plan.description}`);
    }
    lines.push(...modeChangeLines(f, outcome, options).map((line) => `    ${line}`));
    if (outcome !== undefined) lines.push(`    ${outcomeLine(outcome)}`);
    if (outcome !== undefined && options.slack === true && options.config !== undefined) lines.push(...slackMessageLines(f, outcome, options.config.slack));
  }
  const note = options.overlap?.note(record) ?? null;
  if (note !== null) lines.push(note);
  return lines.join('\n');
}

/** The Slack message the notifier would post for a finding, as text (the notifier may fold it into a digest). */
function slackMessageLines(finding: Finding, outcome: ExecutionOutcome, slack: WardenConfig['slack']): string[] {
  if (outcome.status === 'duplicate') return [];
  const channel = channelFor(slack, { account: finding.account, severity: finding.severity });
  return [`    Slack message${channel === null ? ' (no channel configured: SNS only)' : ` to ${channel}`}:`, findingText(finding, outcome, { indent: '    │ ' })];
}

/** `--slack-json`: the Block Kit of each message the notifier would post for the record, as `{"blocks": […]}` (what Block Kit Builder takes). */
export function slackJsonLines(record: SimulationRecord): string[] {
  return record.findings.flatMap((f, i) => {
    const outcome = record.outcomes[i];
    if (outcome === undefined || outcome.status === 'duplicate') return [];
    return [JSON.stringify({ blocks: findingMessage(f, outcome).blocks })];
  });
}

/** Totals of a run: the closing line of `warden simulate` (like `scan`'s). */
export function summaryLine(records: readonly SimulationRecord[]): string {
  const findings = records.flatMap((r) => r.findings);
  const counts = SEVERITIES.map((s) => `${String(findings.filter((f) => f.severity === s).length)} ${s}`).join(', ');
  const count = (p: (r: SimulationRecord) => boolean): string => String(records.filter(p).length);
  const clean = count((r) => r.error === null && r.ignored === null && r.findings.length === 0);
  const ignored = count((r) => r.error === null && r.ignored !== null);
  const invalid = count((r) => r.error !== null);
  return `${String(records.length)} event(s): ${String(findings.length)} finding(s) (${counts}); ${clean} clean, ${ignored} ignored, ${invalid} invalid`;
}
