/**
 * `npm run bench`: engine throughput and p99 latency on a mix of matching and non-matching events
 * with state in memory (`bench/engine.ts`, which also runs alone and paired against another checkout),
 * and AWS API calls per event through the real Lambda client.
 * Medians over several runs: these machines are noisy.
 */
import './quiet';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { cpus } from 'node:os';
import { LambdaStateReader } from '../functions/shared/aws/lambda-state-reader';
import { Engine } from '../functions/shared/engine/engine';
import { parseCloudTrailEvent } from '../functions/shared/event/cloudtrail-event';
import { RULES } from '../rules';
import { installLambdaMock } from '../sim/lambda-mock';
import { TEST_CONFIG } from '../test/fixtures/rule-context';
import { describeEngine, engineBench, engineRun, eventMix, seededAccount } from './engine';
import { round } from './stats';

async function main(): Promise<void> {
  const engine = await engineBench();
  const events = eventMix();
  const account = seededAccount();
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
    engine,
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
    bundles: (await import('./bundles')).bundleBench(),
    secretDetector: (await import('./secret-detector')).secretDetectorBench(),
  };
  console.log(JSON.stringify(report, null, 2));
  console.error(describeEngine(report.engine));
  for (const line of (await import('./bundles')).describeBundles(report.bundles)) console.error(line);
  for (const line of (await import('./responder-latency')).describeTargets(report.responderLatency)) console.error(line);
  console.error((await import('./secret-detector')).describeSecretDetector(report.secretDetector));
}

await main();
