/**
 * Benchmark section for the responder: AWS API calls per handled event for each remediation action
 * (auto mode, enforcing) through the real SDK clients, and the bundled responder's size and load time.
 */
import { actionClients } from '../functions/shared/aws/action-clients';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { AccountClients } from '../functions/shared/aws/clients';
import { CloudTrailStateReader, withTrailReader } from '../functions/shared/aws/cloudtrail-state-reader';
import { CrossAccountCredentials } from '../functions/shared/aws/credentials';
import { LambdaStateReader } from '../functions/shared/aws/lambda-state-reader';
import { parseConfig } from '../functions/shared/config/config';
import type { CloudTrailEvent } from '../functions/shared/event/cloudtrail-event';
import { Executor } from '../functions/shared/executor/executor';
import { tagsFromReader } from '../functions/shared/executor/resource-tags';
import { Responder } from '../functions/shared/responder/responder';
import { EventBridgeSink } from '../functions/shared/bus/warden-events';
import { InMemoryStateStore } from '../functions/shared/store/in-memory-state-store';
import { RULES } from '../rules';
import { InMemoryAccount } from '../sim/in-memory-account';
import { InMemoryCloudTrail, installCloudTrailMock } from '../sim/in-memory-cloudtrail';
import { installLambdaMock } from '../sim/lambda-mock';
import { addLayerVersionPermissionEvent, addPermissionEvent, cloudTrailEvent, createFunctionUrlConfigEvent } from '../test/fixtures/cloudtrail';
import { median, round } from './stats';

const EVENTS_PER_ACTION = 20;

interface CallFigures {
  readonly events: number;
  readonly remediated: number;
  readonly readsPerEvent: number;
  readonly writesPerEvent: number;
  readonly assumeRolesPerEvent: number;
  readonly putEventsPerEvent: number;
}

async function callsFor(
  makeEvent: (i: number) => CloudTrailEvent,
  ruleModes: Record<string, { mode: 'auto' }> = {},
  seedTrails: (trails: InMemoryCloudTrail, i: number) => void = () => undefined,
): Promise<CallFigures> {
  const account = new InMemoryAccount({ defaultAccount: '111122223333' });
  const lambda = installLambdaMock(account, mockClient(LambdaClient));
  const trails = new InMemoryCloudTrail();
  const trailMock = installCloudTrailMock(trails, '111122223333');
  const sts = mockClient(STSClient);
  let assumeRoles = 0;
  sts.on(AssumeRoleCommand).callsFake(() => {
    assumeRoles += 1;
    return { Credentials: { AccessKeyId: 'ASIABENCH', SecretAccessKey: 'bench', SessionToken: 'bench', Expiration: new Date(Date.now() + 3_600_000) } };
  });
  const eventBridge = mockClient(EventBridgeClient);
  let putEvents = 0;
  eventBridge.on(PutEventsCommand).callsFake(() => {
    putEvents += 1;
    return { FailedEntryCount: 0 };
  });
  try {
    const config = parseConfig({ organization: { accounts: ['111122223333'] }, dryRun: false, rules: ruleModes, circuitBreaker: { maxRemediations: 1_000, maxPerPrincipal: 1_000, maxGlobal: 1_000, windowMinutes: 15 } });
    const credentials = new CrossAccountCredentials({ sts: new STSClient({ region: 'us-east-1' }), config });
    const clients = new AccountClients({ credentials });
    const reader = withTrailReader(
      new LambdaStateReader((a, r) => clients.client(LambdaClient, a, r)),
      new CloudTrailStateReader((a, r) => clients.client(CloudTrailClient, a, r)),
    );
    const executor = new Executor({ config, store: new InMemoryStateStore(), clientsFor: (a, r, id) => actionClients(clients, a, r, id), tagsOf: tagsFromReader(reader) });
    const responder = new Responder({ rules: RULES, config, reader, executor, sink: new EventBridgeSink(new EventBridgeClient({ region: 'us-east-1' }), 'bench') });
    const events = Array.from({ length: EVENTS_PER_ACTION }, (_, i) => makeEvent(i));
    for (const [i, event] of events.entries()) {
      seedTrails(trails, i);
      if (event.detail.eventSource === 'cloudtrail.amazonaws.com') trails.applyEvent(event);
      else account.replay(event);
    }
    lambda.clearCalls();
    trailMock.calls.length = 0;
    let remediated = 0;
    for (const event of events) remediated += (await responder.handle(event)).outcomes.filter((o) => o.status === 'remediated').length;
    const calls = [...lambda.calls, ...trailMock.calls];
    const reads = calls.filter((c) => c.command.startsWith('Get') || c.command.startsWith('List')).length;
    const n = events.length;
    return {
      events: n,
      remediated,
      readsPerEvent: round(reads / n, 2),
      writesPerEvent: round((calls.length - reads) / n, 2),
      assumeRolesPerEvent: round(assumeRoles / n, 2),
      putEventsPerEvent: round(putEvents / n, 2),
    };
  } finally {
    lambda.mock.restore();
    trailMock.mock.restore();
    sts.restore();
    eventBridge.restore();
  }
}

/**
 * Bundles the responder as `infra/warden-function.ts` deploys it (esbuild, minified ESM for Node 22,
 * `module` before `main` so the SDK's ES builds are tree-shaken) and times `import()` of it in fresh processes.
 */
function bundledResponder(): { bytes: number; loadMsMedian: number; bareNodeMsMedian: number } {
  const dir = mkdtempSync(join(tmpdir(), 'warden-bench-'));
  const out = join(dir, 'responder.mjs');
  execFileSync('npx', ['esbuild', 'functions/responder/handler.ts', '--bundle', '--minify', '--platform=node', '--target=node22', '--main-fields=module,main', '--format=esm', "--banner:js=import{createRequire}from'node:module';const require=createRequire(import.meta.url);", `--outfile=${out}`, '--log-level=error'], {
    stdio: 'inherit',
  });
  const time = (script: string): number => {
    const samples: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      const t0 = process.hrtime.bigint();
      execFileSync(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
      samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    return median(samples);
  };
  return {
    bytes: statSync(out).size,
    loadMsMedian: round(time(`await import(${JSON.stringify(out)});`), 1),
    bareNodeMsMedian: round(time(''), 1),
  };
}

/** The responder section of `npm run bench`. */
export async function responderBench(): Promise<Record<string, unknown>> {
  const byAction = {
    'remove-function-permission': await callsFor((i) => addPermissionEvent({ functionName: `fn-${String(i)}`, statementId: 'open', principal: '*' })),
    'set-function-url-auth-iam': await callsFor((i) => createFunctionUrlConfigEvent({ functionName: `fn-${String(i)}`, authType: 'NONE' }), {
      'function-url-public': { mode: 'auto' },
      'function-public-access': { mode: 'auto' },
    }),
    'remove-layer-version-permission': await callsFor((i) => addLayerVersionPermissionEvent({ layerName: `layer-${String(i)}`, statementId: 'everyone', principal: '*' })),
    'start-trail-logging': await callsFor(
      (i) => cloudTrailEvent('cloudtrail.amazonaws.com', 'StopLogging', { name: `arn:aws:cloudtrail:us-east-1:111122223333:trail/trail-${String(i)}` }),
      {},
      (trails, i) => trails.createTrail({ kind: 'cloudtrail-trail', account: '111122223333', region: 'us-east-1', trailName: `trail-${String(i)}` }),
    ),
  };
  return { callsPerHandledEvent: byAction, bundle: bundledResponder() };
}
