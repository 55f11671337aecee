/**
 * The engine part of `npm run bench`: throughput and per-event latency of the whole catalog on a mix of
 * matching and non-matching events, state in memory (no AWS calls), function baselines on.
 *
 *   tsx bench/engine.ts                 this checkout alone: median of 5 runs
 *   tsx bench/engine.ts --base DIR      paired: this checkout (A) and the checkout in DIR (B, e.g. a
 *                                       `git worktree` of an older commit with its node_modules) in ONE
 *                                       process, runs interleaved A B, B A, …; prints both medians and the
 *                                       median of the per-round ratios A/B, which holds when the machine's
 *                                       speed drifts between rounds.
 *
 * Each engine is warmed up by one full pass over the mix before it is measured: the figure is the steady
 * state of a warm worker, not the JIT's first minutes.
 */
import { pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as baselineKeeperModule from '../functions/shared/baseline/baseline-keeper';
import * as functionBaselineModule from '../functions/shared/baseline/function-baseline';
import * as engineModule from '../functions/shared/engine/engine';
import type { Engine } from '../functions/shared/engine/engine';
import type { CloudTrailEvent } from '../functions/shared/event/cloudtrail-event';
import * as rulesModule from '../rules';
import * as accountModule from '../sim/in-memory-account';
import type { InMemoryAccount } from '../sim/in-memory-account';
import { addLayerVersionPermissionEvent, addPermissionEvent, cloudTrailEvent, createFunctionUrlConfigEvent, identities, lambdaEvent } from '../test/fixtures/cloudtrail';
import { createFunctionEvent, updateFunctionCodeEvent, updateFunctionConfigurationEvent } from '../test/fixtures/function-configuration';
import * as ruleContextModule from '../test/fixtures/rule-context';
import { median, percentile, round } from './stats';

/** The modules of one checkout that the engine part needs. */
interface EngineModules {
  readonly engine: typeof engineModule;
  readonly rules: typeof rulesModule;
  readonly ruleContext: typeof ruleContextModule;
  readonly baselineKeeper: typeof baselineKeeperModule;
  readonly functionBaseline: typeof functionBaselineModule;
  readonly account: typeof accountModule;
}

const THIS_CHECKOUT: EngineModules = {
  engine: engineModule,
  rules: rulesModule,
  ruleContext: ruleContextModule,
  baselineKeeper: baselineKeeperModule,
  functionBaseline: functionBaselineModule,
  account: accountModule,
};

/**
 * The same modules from another checkout, loaded by path. Typed as this checkout's modules: the bench uses
 * only the constructor options and methods that both have had since the engine bench began (issue #1).
 */
async function modulesOf(root: string): Promise<EngineModules> {
  const load = async (path: string): Promise<unknown> => import(pathToFileURL(join(resolve(root), path)).href);
  return {
    engine: (await load('functions/shared/engine/engine.ts')) as typeof engineModule,
    rules: (await load('rules/index.ts')) as typeof rulesModule,
    ruleContext: (await load('test/fixtures/rule-context.ts')) as typeof ruleContextModule,
    baselineKeeper: (await load('functions/shared/baseline/baseline-keeper.ts')) as typeof baselineKeeperModule,
    functionBaseline: (await load('functions/shared/baseline/function-baseline.ts')) as typeof functionBaselineModule,
    account: (await load('sim/in-memory-account.ts')) as typeof accountModule,
  };
}

const RUNS = 5;
const TARGET_EVENTS_PER_SECOND = 20_000;
const TARGET_P99_MS = 1;

const FUNCTIONS = 1_000;
const EVENTS = 20_000;
/** Configuration events added to the mix (one in eleven). */
const CONFIG_EVENTS = 2_000;

/** Half the events match a rule (public, benign, URL and layer grants); half do not (other calls, failures, the bot's own). */
export function eventMix(): unknown[] {
  const events: unknown[] = [];
  for (let i = 0; i < EVENTS; i += 1) {
    const functionName = `fn-${String(i % FUNCTIONS)}`;
    const kind = i % 10;
    let event: CloudTrailEvent;
    if (kind === 0) event = addPermissionEvent({ functionName, statementId: `open-${String(i)}`, principal: '*' });
    else if (kind === 1) event = addPermissionEvent({ functionName, statementId: `s3-${String(i)}`, principal: 's3.amazonaws.com', sourceAccount: '111122223333', sourceArn: 'arn:aws:s3:::bucket' });
    else if (kind === 2) event = createFunctionUrlConfigEvent({ functionName, authType: i % 20 === 2 ? 'NONE' : 'AWS_IAM' });
    else if (kind === 3) event = addLayerVersionPermissionEvent({ statementId: `org-${String(i)}`, principal: '*', organizationId: 'o-a1b2c3d4e5' });
    else if (kind === 4) event = addPermissionEvent({ functionName, statementId: `x-${String(i)}`, principal: '444455556666' });
    else if (kind === 5) event = lambdaEvent('PutFunctionConcurrency', { functionName, reservedConcurrentExecutions: 5 });
    else if (kind === 6) event = addPermissionEvent({ functionName, statementId: 'denied', principal: '*' }, { errorCode: 'AccessDenied' });
    else if (kind === 7) event = addPermissionEvent({ functionName, statementId: 'own', principal: '*' }, { identity: identities.remediator() });
    else if (kind === 8) event = cloudTrailEvent('s3.amazonaws.com', 'PutBucketPolicy', { bucketName: 'b' });
    else event = lambdaEvent('TagResource', { resource: `arn:aws:lambda:us-east-1:111122223333:function:${functionName}`, tags: { team: 'x' } });
    events.push(JSON.parse(JSON.stringify(event)) as unknown);
  }
  // Configuration changes (issue #3): updates with a redacted environment, code updates, creates.
  for (let i = 0; i < CONFIG_EVENTS; i += 1) {
    const functionName = `fn-${String(i % FUNCTIONS)}`;
    const kind = i % 3;
    const event =
      kind === 0
        ? updateFunctionConfigurationEvent({ functionName, setsEnvironment: true }, { eventTime: `2025-03-14T10:${String(i % 60).padStart(2, '0')}:00Z` })
        : kind === 1
          ? updateFunctionCodeEvent(functionName)
          : createFunctionEvent({ functionName: `new-${String(i)}`, runtime: i % 2 === 0 ? 'python3.8' : 'nodejs22.x' });
    events.splice(i * 10 + 5, 0, JSON.parse(JSON.stringify(event)) as unknown);
  }
  return events;
}

/** An account (of the given checkout's simulator) holding each function with a two-statement policy (one benign, one public). */
export function seededAccount(modules: EngineModules = THIS_CHECKOUT): InMemoryAccount {
  const { InMemoryAccount } = modules.account;
  const account = new InMemoryAccount({ defaultAccount: '111122223333' });
  for (let i = 0; i < FUNCTIONS; i += 1) {
    const functionName = `fn-${String(i)}`;
    account.replay(addPermissionEvent({ functionName, statementId: 'apigw', principal: 'apigateway.amazonaws.com', sourceArn: 'arn:aws:execute-api:us-east-1:111122223333:abc/*' }));
    if (i % 3 === 0) account.replay(addPermissionEvent({ functionName, statementId: 'open', principal: '*' }));
    const variables: Record<string, string> = { LOG_LEVEL: 'info', TABLE_NAME: `orders-${String(i)}`, REQUEST_NAMESPACE: '3f0c9a52-8d1e-4b7a-9c3e-5a1f2b6d7e80' };
    if (i % 5 === 0) variables.DATABASE_URL = `postgres://app:Zq8tLw2vN5pRm${String(i)}@db.internal:5432/app`;
    account.lambda.updateFunctionConfiguration({ account: '111122223333', region: 'us-east-1', functionName }, { Environment: { Variables: variables } });
  }
  account.replay(addLayerVersionPermissionEvent({ statementId: 'org', principal: '*', organizationId: 'o-a1b2c3d4e5' }));
  return account;
}

interface EngineRun {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly findings: number;
}

export async function engineRun(engine: Engine, events: readonly unknown[]): Promise<EngineRun> {
  const times: number[] = [];
  let findings = 0;
  const start = performance.now();
  for (const event of events) {
    const t0 = performance.now();
    const result = await engine.evaluateEvent(event);
    times.push(performance.now() - t0);
    findings += result.findings.length;
  }
  const elapsed = performance.now() - start;
  times.sort((a, b) => a - b);
  return { perSecond: (events.length / elapsed) * 1000, p50: percentile(times, 50), p99: percentile(times, 99), findings };
}


/** An engine of the given checkout over its seeded account, warmed by one full pass; returns one measured pass. */
async function engineSetup(modules: EngineModules, events: readonly unknown[]): Promise<() => Promise<EngineRun>> {
  const account = seededAccount(modules);
  const { baselineKeeperByKind, InMemoryBaselineStore } = modules.baselineKeeper;
  const { createBaselineKey, FunctionBaselineKeeper } = modules.functionBaseline;
  const baselines = baselineKeeperByKind({ 'lambda-function': new FunctionBaselineKeeper({ store: new InMemoryBaselineStore(), key: createBaselineKey() }) });
  const engine = new modules.engine.Engine({ rules: modules.rules.RULES, config: modules.ruleContext.TEST_CONFIG, reader: account.reader(), baselines });
  await engineRun(engine, events);
  return () => engineRun(engine, events);
}

export interface EngineReport {
  readonly events: number;
  readonly configurationEvents: number;
  readonly functions: number;
  readonly runs: number;
  readonly eventsPerSecondMedian: number;
  readonly p50MsMedian: number;
  readonly p99MsMedian: number;
  readonly findingsPerRun: number;
}

/** This checkout's engine: the median of RUNS measured passes. */
export async function engineBench(): Promise<EngineReport> {
  const events = eventMix();
  const run = await engineSetup(THIS_CHECKOUT, events);
  const runs: EngineRun[] = [];
  for (let r = 0; r < RUNS; r += 1) runs.push(await run());
  return summary(runs);
}

function summary(runs: readonly EngineRun[]): EngineReport {
  return {
    events: EVENTS,
    configurationEvents: CONFIG_EVENTS,
    functions: FUNCTIONS,
    runs: runs.length,
    eventsPerSecondMedian: Math.round(median(runs.map((r) => r.perSecond))),
    p50MsMedian: round(median(runs.map((r) => r.p50)), 4),
    p99MsMedian: round(median(runs.map((r) => r.p99)), 4),
    findingsPerRun: runs[0]?.findings ?? 0,
  };
}

export function describeEngine(report: Pick<EngineReport, 'eventsPerSecondMedian' | 'p99MsMedian'>): string {
  const rate = report.eventsPerSecondMedian >= TARGET_EVENTS_PER_SECOND ? 'met' : 'NOT met';
  const p99 = report.p99MsMedian <= TARGET_P99_MS ? 'met' : 'NOT met';
  return `engine: ${report.eventsPerSecondMedian.toLocaleString('en-US')} events/s (target ≥ ${TARGET_EVENTS_PER_SECOND.toLocaleString('en-US')}: ${rate}), p99 ${String(report.p99MsMedian)} ms (target ≤ ${String(TARGET_P99_MS)} ms: ${p99})`;
}

/** This checkout (A) against the checkout in `base` (B), interleaved in one process. */
async function paired(base: string, rounds: number): Promise<void> {
  const events = eventMix();
  const a = await engineSetup(THIS_CHECKOUT, events);
  const b = await engineSetup(await modulesOf(base), events);
  const runsA: EngineRun[] = [];
  const runsB: EngineRun[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < rounds; i += 1) {
    // Alternate which goes first, so that neither always runs on the warmer (or hotter) machine.
    const [first, second] = i % 2 === 0 ? [a, b] : [b, a];
    const x = await first();
    const y = await second();
    const [runA, runB] = i % 2 === 0 ? [x, y] : [y, x];
    runsA.push(runA);
    runsB.push(runB);
    ratios.push(runA.perSecond / runB.perSecond);
  }
  const reportA = summary(runsA);
  const reportB = summary(runsB);
  console.log(JSON.stringify({ rounds, a: reportA, b: { base: resolve(base), ...reportB }, throughputRatioMedian: round(median(ratios), 3), ratios: ratios.map((r) => round(r, 3)) }, null, 2));
  console.error(`A (this checkout) ${describeEngine(reportA)}`);
  console.error(`B (${resolve(base)}) ${describeEngine(reportB)}`);
  console.error(`A/B throughput, median of ${String(rounds)} paired rounds: ${round(median(ratios), 3).toFixed(3)}`);
}

async function main(argv: readonly string[]): Promise<void> {
  const baseIndex = argv.indexOf('--base');
  const roundsIndex = argv.indexOf('--rounds');
  const rounds = roundsIndex >= 0 ? Number(argv[roundsIndex + 1]) : 11;
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds takes a whole number of rounds, 1 or more');
  if (baseIndex >= 0) {
    const base = argv[baseIndex + 1];
    if (base === undefined) throw new Error('--base takes the directory of another checkout (with its node_modules)');
    await paired(base, rounds);
    return;
  }
  const report = await engineBench();
  console.log(JSON.stringify(report, null, 2));
  console.error(describeEngine(report));
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.dirname, 'engine.ts')) await main(process.argv.slice(2));
