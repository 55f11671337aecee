/**
 * `npm run bench` → `iam`: engine throughput and p99 on execution-role events (issue #4), with
 * 100 roles in an account of 1,000 functions (ten per role), state read from the in-memory account.
 */
import { performance } from 'node:perf_hooks';
import { Engine } from '../functions/shared/engine/engine';
import type { CloudTrailEvent } from '../functions/shared/event/cloudtrail-event';
import { RULES } from '../rules';
import { InMemoryAccount } from '../sim/in-memory-account';
import { attachRolePolicyEvent, AWS_POLICY, createPolicyVersionEvent, documents, putRolePolicyEvent, trust, updateAssumeRolePolicyEvent } from '../test/fixtures/iam';
import { TEST_CONFIG } from '../test/fixtures/rule-context';
import { median, percentile, round } from './stats';

const ACCOUNT = '111122223333';
const ROLES = 100;
const FUNCTIONS = 1_000;
const EVENTS = 5_000;
const RUNS = 5;
const SHARED_POLICY = `arn:aws:iam::${ACCOUNT}:policy/shared-data`;

/** Benign and dangerous inline policies (one URL-encoded), attachments, trust changes, policy versions, failed calls. */
function iamEventMix(): unknown[] {
  const events: unknown[] = [];
  for (let i = 0; i < EVENTS; i += 1) {
    const roleName = `role-${String(i % ROLES)}`;
    const kind = i % 6;
    let event: CloudTrailEvent;
    if (kind === 0) event = putRolePolicyEvent('app', documents.dynamoPutItem, { roleName });
    else if (kind === 1) event = putRolePolicyEvent('escalate', documents.passRoleAnywhere, { roleName, encoding: 'url-encoded' });
    else if (kind === 2) event = attachRolePolicyEvent(AWS_POLICY('service-role/AWSLambdaBasicExecutionRole'), roleName);
    else if (kind === 3) event = updateAssumeRolePolicyEvent(i % 12 === 3 ? trust.anyone : trust.lambda, roleName);
    else if (kind === 4) event = createPolicyVersionEvent(SHARED_POLICY, documents.dynamoPutItem);
    else event = attachRolePolicyEvent(AWS_POLICY('AdministratorAccess'), roleName, { errorCode: 'AccessDenied' });
    events.push(JSON.parse(JSON.stringify(event)) as unknown);
  }
  return events;
}

function account(): InMemoryAccount {
  const functions = Array.from({ length: FUNCTIONS }, (_, i) => ({
    Account: ACCOUNT,
    Region: 'us-east-1',
    Configuration: { FunctionName: `fn-${String(i)}`, Runtime: 'nodejs22.x', Role: `arn:aws:iam::${ACCOUNT}:role/role-${String(i % ROLES)}` },
  }));
  const state = InMemoryAccount.fromStateFile({ functions }, { defaultAccount: ACCOUNT });
  state.iam.createPolicy(ACCOUNT, 'shared-data', documents.dynamoPutItem);
  for (let r = 0; r < ROLES; r += 1) {
    const roleName = `role-${String(r)}`;
    state.iam.createRole(ACCOUNT, roleName, { trust: trust.lambda });
    state.iam.putRolePolicy(ACCOUNT, roleName, 'logging', documents.logging);
    if (r % 10 === 0) state.iam.attachRolePolicy(ACCOUNT, roleName, SHARED_POLICY);
  }
  return state;
}

async function run(engine: Engine, events: readonly unknown[]): Promise<{ perSecond: number; p99: number; findings: number }> {
  const times: number[] = [];
  let findings = 0;
  const start = performance.now();
  for (const event of events) {
    const t0 = performance.now();
    findings += (await engine.evaluateEvent(event)).findings.length;
    times.push(performance.now() - t0);
  }
  const elapsed = performance.now() - start;
  times.sort((a, b) => a - b);
  return { perSecond: (events.length / elapsed) * 1000, p99: percentile(times, 99), findings };
}

/** Medians over 5 runs of 5,000 execution-role events. */
export async function iamBench(): Promise<Record<string, unknown>> {
  const events = iamEventMix();
  const engine = new Engine({ rules: RULES, config: TEST_CONFIG, reader: account().reader() });
  await run(engine, events.slice(0, 500));
  const runs = [];
  for (let r = 0; r < RUNS; r += 1) runs.push(await run(engine, events));
  return {
    events: EVENTS,
    roles: ROLES,
    functions: FUNCTIONS,
    eventsPerSecondMedian: Math.round(median(runs.map((r) => r.perSecond))),
    p99MsMedian: round(median(runs.map((r) => r.p99)), 4),
    findingsPerRun: runs[0]?.findings,
  };
}
