/**
 * `warden simulate`: replays CloudTrail events, in order, into the in-memory account and runs the
 * bot on each in dry-run — the same engine and state reader as deployed, with the real Lambda SDK
 * client answered by the in-memory account.
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { WardenConfig } from '../functions/shared/config/config';
import { Engine, type Finding } from '../functions/shared/engine/engine';
import { InvalidEventError } from '../functions/shared/errors';
import { parseCloudTrailEvent } from '../functions/shared/event/cloudtrail-event';
import { LambdaStateReader } from '../functions/shared/aws/lambda-state-reader';
import { IAMClient } from '@aws-sdk/client-iam';
import { IamStateReader, withRoleReader } from '../functions/shared/aws/iam-state-reader';
import { RoleBaselineKeeper } from '../functions/shared/baseline/role-baseline';
import type { BaselineKeeper } from '../functions/shared/baseline/baseline-keeper';
import { installIamMock, type IamMockHandle } from '../sim/iam-mock';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudTrailStateReader, withTrailReader } from '../functions/shared/aws/cloudtrail-state-reader';
import { installCloudTrailMock } from '../sim/in-memory-cloudtrail';
import { describePlan } from '../functions/shared/remediation/actions';
import { Executor } from '../functions/shared/executor/executor';
import { tagsFromReader } from '../functions/shared/executor/resource-tags';
import type { ExecutionOutcome } from '../functions/shared/executor/outcome';
import { Responder } from '../functions/shared/responder/responder';
import { RecordingSink } from '../functions/shared/responder/warden-events';
import { InMemoryStateStore } from '../functions/shared/store/in-memory-state-store';
import { baselineKeeperByKind, InMemoryBaselineStore } from '../functions/shared/baseline/baseline-keeper';
import { createBaselineKey, FunctionBaselineKeeper } from '../functions/shared/baseline/function-baseline';
import type { AnyRule } from '../rules/rule';
import { InMemoryAccount } from '../sim/in-memory-account';
import { installLambdaMock, type LambdaMockHandle } from '../sim/lambda-mock';
import type { StateFile } from '../sim/state-file';
import { channelFor } from '../functions/shared/notifier/routing';
import { findingText } from '../functions/shared/slack/warden-messages';

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
  /** The IAM SDK mock answering from {@link account} (issue #4). */
  readonly iam: IamMockHandle;
  private readonly iamClients = new Map<string, IAMClient>();
  /** The CloudTrail SDK mock answering from the account's trails (issue #13: tampering with a trail is judged). */
  private readonly cloudtrail: ReturnType<typeof installCloudTrailMock>;

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
    const reader = withRoleReader(withTrailReader(new LambdaStateReader((account, region) => this.clientFor(account, region)), trails), roles);
    this.engine = new Engine({ rules: options.rules, config: options.config, reader, baselines: this.baselines, ...(options.now ? { now: options.now } : {}) });
    const config = { ...options.config, dryRun: options.apply !== true };
    const now = options.now ? { now: options.now } : {};
    const executor = new Executor({ config, store: this.store, clientsFor: (account, region) => ({ lambda: this.clientFor(account, region), iam: this.iamClientFor(account), cloudtrail: this.cloudTrailClientFor(region) }), tagsOf: tagsFromReader(reader), ...now });
    this.responder = new Responder({ rules: options.rules, config, reader, executor, sink: this.sink, baselines: this.baselines, ...now });
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

  /** One CloudTrail client per region: trails are named by their ARN, which carries the account. */
  private cloudTrailClientFor(region: string): CloudTrailClient {
    let client = this.cloudTrailClients.get(region);
    if (client === undefined) {
      client = new CloudTrailClient({ region });
      this.cloudTrailClients.set(region, client);
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
      const event = parseCloudTrailEvent(input);
      this.account.replay(event);
      const result = await this.responder.handleParsed(event);
      return { file, eventId: result.eventId, eventName: result.eventName, ignored: result.ignored, error: null, findings: result.findings, outcomes: result.outcomes };
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

/** A readable rendering for a security engineer; with the `slack` configuration, each Slack message that would be posted too. */
export function renderRecordText(record: SimulationRecord, dryRun: boolean, slack?: WardenConfig['slack']): string {
  const head = `${record.file}  ${record.eventName ?? '(no event name)'}  ${record.eventId ?? ''}`.trimEnd();
  if (record.error !== null) return `${head}\n  ✖ invalid event: ${record.error}`;
  if (record.ignored !== null) return `${head}\n  – ignored: ${record.ignored}`;
  if (record.findings.length === 0) return `${head}\n  ✓ no finding`;
  const lines = [head];
  for (const [index, f] of record.findings.entries()) {
    lines.push(`  ✖ ${f.severity.toUpperCase()}  ${f.ruleId}  ${f.resource}`);
    lines.push(`    ${f.title}`);
    lines.push(`    What: ${f.summary}`);
    lines.push(`    Why:  ${f.rationale}`);
    if (f.actor) {
      const from = [f.actor.sourceIPAddress && `from ${f.actor.sourceIPAddress}`, f.actor.userAgent && `with ${f.actor.userAgent}`].filter(Boolean).join(' ');
      lines.push(`    Who:  ${f.actor.type} ${f.actor.arn ?? ''} ${from}`.trimEnd());
    }
    const plan = f.remediation;
    if (plan === null) lines.push(`    Plan (${f.mode}): alert only, no automatic change`);
    else {
      const verb = f.mode === 'alert' ? 'would alert only; the fix would be' : WHAT_MODE_DOES[f.mode];
      lines.push(`    Plan (${f.mode}${dryRun ? ', dry-run' : ''}): ${verb} ${describePlan(plan.action, plan.params)}`);
      lines.push(`          ${plan.description}`);
    }
    const outcome = record.outcomes[index];
    if (outcome !== undefined) lines.push(`    Outcome: ${outcome.status}${outcome.verified === true ? ' (verified)' : ''}: ${outcome.detail}`);
    if (outcome !== undefined && slack !== undefined) lines.push(...slackMessageLines(f, outcome, slack));
  }
  return lines.join('\n');
}

/** The Slack message the notifier would post for a finding, as text (the notifier may fold it into a digest). */
function slackMessageLines(finding: Finding, outcome: ExecutionOutcome, slack: WardenConfig['slack']): string[] {
  if (outcome.status === 'duplicate') return [];
  const channel = channelFor(slack, { account: finding.account, severity: finding.severity });
  return [`    Slack message${channel === null ? ' (no channel configured: SNS only)' : ` to ${channel}`}:`, findingText(finding, outcome, { indent: '    │ ' })];
}
