/**
 * The responder wired as deployed — real Lambda, STS and EventBridge clients behind
 * aws-sdk-client-mock, the Lambda ones answered by the in-memory account — with an in-memory store
 * and function baselines in an in-memory baseline store (sealed with a per-harness key).
 */
import { actionClients } from '../../../functions/shared/aws/action-clients';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { AccountClients } from '../../../functions/shared/aws/clients';
import { CloudTrailStateReader, withTrailReader } from '../../../functions/shared/aws/cloudtrail-state-reader';
import { CrossAccountCredentials } from '../../../functions/shared/aws/credentials';
import { LambdaStateReader } from '../../../functions/shared/aws/lambda-state-reader';
import { baselineKeeperByKind, InMemoryBaselineStore } from '../../../functions/shared/baseline/baseline-keeper';
import { createBaselineKey, FunctionBaselineKeeper } from '../../../functions/shared/baseline/function-baseline';
import { parseConfig, type WardenConfig } from '../../../functions/shared/config/config';
import { Engine } from '../../../functions/shared/engine/engine';
import type { ResourceRef } from '../../../functions/shared/state/resources';
import { Executor } from '../../../functions/shared/executor/executor';
import { tagsFromReader } from '../../../functions/shared/executor/resource-tags';
import { DecisionRunner } from '../../../functions/shared/responder/decision-runner';
import { Responder } from '../../../functions/shared/responder/responder';
import { EventBridgeSink } from '../../../functions/shared/bus/warden-events';
import type { StateReader } from '../../../functions/shared/state/state-reader';
import { InMemoryStateStore } from '../../../functions/shared/store/in-memory-state-store';
import { Integrity } from '../../../functions/shared/store/integrity';
import { RULES } from '../../../rules';
import { InMemoryAccount } from '../../../sim/in-memory-account';
import { InMemoryCloudTrail, installCloudTrailMock, type CloudTrailCall } from '../../../sim/in-memory-cloudtrail';
import { installLambdaMock, type LambdaMockHandle } from '../../../sim/lambda-mock';
import { ACCOUNT, ALLOWED_ACCOUNT, ORG_ACCOUNT, ORG_ID, REGION } from '../../fixtures/accounts';

export const BUS = 'WardenBus';
export const HARNESS_NOW = new Date('2025-03-14T09:30:00Z');

/** A config for the organization of the fixtures, enforcing (dry-run off) unless overridden. */
export function harnessConfig(overrides: Record<string, unknown> = {}): WardenConfig {
  return parseConfig({ organization: { id: ORG_ID, accounts: [ACCOUNT, ORG_ACCOUNT] }, allowList: { accounts: [ALLOWED_ACCOUNT] }, dryRun: false, ...overrides });
}

export interface EmittedEvent {
  readonly detailType: string;
  readonly source: string;
  readonly bus: string;
  readonly detail: Record<string, unknown>;
  readonly raw: string;
}

export interface Harness {
  readonly account: InMemoryAccount;
  readonly lambda: LambdaMockHandle;
  readonly cloudtrail: InMemoryCloudTrail;
  readonly cloudtrailCalls: readonly CloudTrailCall[];
  readonly store: InMemoryStateStore;
  readonly responder: Responder;
  /** The responder's runner of "Warden Decision" events, on the same executor and store (issue #6). */
  readonly decisions: DecisionRunner;
  readonly config: WardenConfig;
  readonly executor: Executor;
  readonly reader: StateReader;
  /** The responder's integrity keys (records and exemptions); the approval endpoint gets `integrity.only('exemption')`. */
  readonly integrity: Integrity;
  /** The responder's function baselines (sealed items). */
  readonly baselineStore: InMemoryBaselineStore;
  /** The baseline key the harness seals and hashes with. */
  readonly baselineKey: Uint8Array;
  /** Judges a resource as the scheduled scan does (no event), on the responder's baselines. */
  scan(ref: ResourceRef): Promise<void>;
  /** AssumeRole requests made. */
  readonly assumeRoles: { RoleArn?: string; RoleSessionName?: string; SourceIdentity?: string }[];
  readonly events: EmittedEvent[];
  eventsOf(detailType: string): EmittedEvent[];
  /** Moves the clock. */
  advance(ms: number): void;
  /** The harness clock (what the responder sees as now). */
  clock(): Date;
  dispose(): void;
}

export function createHarness(
  options: {
    config?: WardenConfig;
    onCommand?: (command: string, input: Readonly<Record<string, unknown>>) => void | Promise<void>;
    /** Adds service readers (API Gateway …) beside the Lambda and CloudTrail ones, on the responder's clients. */
    readerWith?: (base: StateReader, clients: AccountClients) => StateReader;
  } = {},
): Harness {
  const config = options.config ?? harnessConfig();
  let now = HARNESS_NOW.getTime();
  const clock = (): Date => new Date(now);
  const account = new InMemoryAccount({ defaultAccount: ACCOUNT, defaultRegion: REGION, clock });
  const lambda = installLambdaMock(account, mockClient(LambdaClient), options.onCommand ? { onCommand: options.onCommand } : {});

  const assumeRoles: Harness['assumeRoles'] = [];
  const sts = mockClient(STSClient);
  sts.on(AssumeRoleCommand).callsFake((input: { RoleArn?: string; RoleSessionName?: string; SourceIdentity?: string }) => {
    assumeRoles.push({ RoleArn: input.RoleArn, RoleSessionName: input.RoleSessionName, ...(input.SourceIdentity === undefined ? {} : { SourceIdentity: input.SourceIdentity }) });
    return { Credentials: { AccessKeyId: 'ASIAFAKEFAKEFAKE', SecretAccessKey: 'not-a-secret', SessionToken: 'token', Expiration: new Date(now + 3_600_000) } };
  });

  const events: EmittedEvent[] = [];
  const eventBridge = mockClient(EventBridgeClient);
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries?: PutEventsRequestEntry[] }) => {
    for (const entry of input.Entries ?? []) {
      events.push({ detailType: entry.DetailType ?? '', source: entry.Source ?? '', bus: entry.EventBusName ?? '', detail: JSON.parse(entry.Detail ?? '{}') as Record<string, unknown>, raw: entry.Detail ?? '' });
    }
    return { FailedEntryCount: 0, Entries: (input.Entries ?? []).map((_, i) => ({ EventId: `ev-${String(events.length + i)}` })) };
  });

  const credentials = new CrossAccountCredentials({ sts: new STSClient({ region: REGION }), config, now: clock });
  const clients = new AccountClients({ credentials });
  const store = new InMemoryStateStore();
  const cloudtrail = new InMemoryCloudTrail();
  const trailMock = installCloudTrailMock(cloudtrail, ACCOUNT);
  const base = withTrailReader(
    new LambdaStateReader((a, r) => clients.client(LambdaClient, a, r)),
    new CloudTrailStateReader((a, r) => clients.client(CloudTrailClient, a, r)),
  );
  const reader = options.readerWith?.(base, clients) ?? base;
  const integrity = Integrity.ephemeral();
  const executor = new Executor({ config, store, integrity, clientsFor: (a, r, id) => actionClients(clients, a, r, id), tagsOf: tagsFromReader(reader), now: clock });
  const sink = new EventBridgeSink(new EventBridgeClient({ region: REGION }), BUS);
  const baselineStore = new InMemoryBaselineStore();
  const baselineKey = createBaselineKey();
  const baselines = baselineKeeperByKind({ 'lambda-function': new FunctionBaselineKeeper({ store: baselineStore, key: baselineKey }) });
  const responder = new Responder({ rules: RULES, config, reader, executor, sink, now: clock, baselines, lifecycle: store });
  const scanner = new Engine({ rules: RULES, config, reader, now: clock, baselines });
  const decisions = new DecisionRunner({ store, executor, sink, rules: RULES, config, reader, baselines, tagsOf: tagsFromReader(reader), now: clock });
  return {
    integrity,
    executor,
    reader,
    decisions,
    account,
    lambda,
    cloudtrail,
    cloudtrailCalls: trailMock.calls,
    store,
    responder,
    config,
    baselineStore,
    baselineKey,
    scan: async (ref) => {
      await scanner.evaluateResource(ref);
    },
    assumeRoles,
    events,
    eventsOf: (detailType) => events.filter((e) => e.detailType === detailType),
    advance: (ms) => {
      now += ms;
    },
    clock,
    dispose: () => {
      lambda.mock.restore();
      trailMock.mock.restore();
      sts.restore();
      eventBridge.restore();
    },
  };
}
