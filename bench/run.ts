/**
 * `npm run bench`: engine throughput and p99 latency on a mix of matching and non-matching events
 * with state in memory, and AWS API calls per event through the real Lambda client.
 * Medians over several runs: these machines are noisy.
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { LambdaStateReader } from '../functions/shared/aws/lambda-state-reader';
import { Engine } from '../functions/shared/engine/engine';
import { parseCloudTrailEvent, type CloudTrailEvent } from '../functions/shared/event/cloudtrail-event';
import { RULES } from '../rules';
import { InMemoryAccount } from '../sim/in-memory-account';
import { installLambdaMock } from '../sim/lambda-mock';
import { addLayerVersionPermissionEvent, addPermissionEvent, cloudTrailEvent, createFunctionUrlConfigEvent, identities, lambdaEvent } from '../test/fixtures/cloudtrail';
import { TEST_CONFIG } from '../test/fixtures/rule-context';
import { median, percentile, round } from './stats';
import { baselineKeeperByKind, InMemoryBaselineStore } from '../functions/shared/baseline/baseline-keeper';
import { createBaselineKey, FunctionBaselineKeeper } from '../functions/shared/baseline/function-baseline';
import { createFunctionEvent, updateFunctionCodeEvent, updateFunctionConfigurationEvent } from '../test/fixtures/function-configuration';

const FUNCTIONS = 1_000;
const EVENTS = 20_000;
const RUNS = 5;
/** Configuration events added to the mix (one in eleven). */
const CONFIG_EVENTS = 2_000;

/** Half the events match a rule (public, benign, URL and layer grants); half do not (other calls, failures, the bot's own). */
function eventMix(): unknown[] {
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

/** An account holding each function with a two-statement policy (one benign, one public). */
function seededAccount(): InMemoryAccount {
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

async function engineRun(engine: Engine, events: readonly unknown[]): Promise<{ perSecond: number; p50: number; p99: number; findings: number }> {
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

async function main(): Promise<void> {
  const events = eventMix();
  const account = seededAccount();
  const baselines = baselineKeeperByKind({ 'lambda-function': new FunctionBaselineKeeper({ store: new InMemoryBaselineStore(), key: createBaselineKey() }) });
  const direct = new Engine({ rules: RULES, config: TEST_CONFIG, reader: account.reader(), baselines });
  await engineRun(direct, events.slice(0, 2_000));
  const runs = [];
  for (let r = 0; r < RUNS; r += 1) runs.push(await engineRun(direct, events));

  const handle = installLambdaMock(account, mockClient(LambdaClient));
  const client = new LambdaClient({ region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  const viaSdk = new Engine({ rules: RULES, config: TEST_CONFIG, reader: new LambdaStateReader(() => client) });
  const sample = events.slice(0, 5_000);
  handle.clearCalls();
  const sdkRun = await engineRun(viaSdk, sample);
  const evaluated = sample.filter((e) => {
    const { detail } = parseCloudTrailEvent(e);
    return detail.errorCode === undefined && detail.userIdentity.type !== 'AssumedRole' && viaSdk.rulesFor(detail.eventSource, detail.eventName).length > 0;
  }).length;
  const calls = handle.calls.length;
  handle.mock.restore();

  const report = {
    date: new Date().toISOString().slice(0, 10),
    machine: `${cpus()[0]?.model ?? 'unknown CPU'} × ${String(cpus().length)}, Node ${process.version}`,
    engine: {
      events: EVENTS,
      configurationEvents: CONFIG_EVENTS,
      functions: FUNCTIONS,
      runs: RUNS,
      eventsPerSecondMedian: Math.round(median(runs.map((r) => r.perSecond))),
      p50MsMedian: round(median(runs.map((r) => r.p50)), 4),
      p99MsMedian: round(median(runs.map((r) => r.p99)), 4),
      findingsPerRun: runs[0]?.findings,
    },
    sdkPath: {
      events: sample.length,
      eventsPerSecond: Math.round(sdkRun.perSecond),
      p99Ms: round(sdkRun.p99, 4),
      awsCallsTotal: calls,
      awsCallsPerEvent: round(calls / sample.length, 3),
      awsCallsPerEvaluatedEvent: round(calls / evaluated, 3),
    },
    // Before the responder path below (its X-Ray hooks would tax the scan's promises too).
    scan: await (await import('./scan')).scanBench(),
    iam: await (await import('./iam-events')).iamBench(),
    // Loaded only now: the responder path brings the X-Ray SDK, whose async hooks tax every promise.
    responder: await (await import('./responder-calls')).responderBench(),
    // Issue #16: the deployed responder with 25 ms per AWS call (and a 5 % throttling variant).
    responderLatency: await (await import('./responder-latency')).responderLatencyBench(),
    bundles: await (await import('./bundles')).bundleBench(),
    secretDetector: (await import('./secret-detector')).secretDetectorBench(),
  };
  console.log(JSON.stringify(report, null, 2));
  for (const line of (await import('./bundles')).describeBundles(report.bundles)) console.error(line);
  for (const line of (await import('./responder-latency')).describeTargets(report.responderLatency)) console.error(line);
  console.error((await import('./secret-detector')).describeSecretDetector(report.secretDetector));
}

await main();
