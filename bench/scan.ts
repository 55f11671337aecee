/**
 * The scan benchmark (issue #8): an in-memory organization of 10,000 functions behind the real SDK
 * clients, 25 ms on every API call and 5 % of Lambda and IAM calls throttled; the default
 * concurrency. Reports wall time and the API calls made (AssumeRole and retries included).
 */
import { STSClient } from '@aws-sdk/client-sts';
import { performance } from 'node:perf_hooks';
import { CrossAccountCredentials } from '../functions/shared/aws/credentials';
import { parseConfig } from '../functions/shared/config/config';
import { scanClients } from '../functions/shared/scan/scan-clients';
import { DEFAULT_CONCURRENCY, Scanner } from '../functions/shared/scan/scanner';
import { RULES } from '../rules';
import { installOrganizationMocks } from '../sim/organization-mock';
import { largeWorld } from '../test/fixtures/organization';
import { median, round, seeded } from './stats';

const FUNCTIONS = 10_000;
const ACCOUNTS = Array.from({ length: 10 }, (_, i) => `1000000000${String(i).padStart(2, '0')}`);
const REGIONS = ['us-east-1', 'eu-west-1'];
const LATENCY_MS = 25;
const THROTTLE_RATE = 0.05;
/** Two runs keep the whole benchmark near 70 s on a shared two-core machine. */
const RUNS = 2;


interface ScanRun {
  readonly seconds: number;
  readonly calls: number;
  readonly throttled: number;
  readonly findings: number;
  readonly errors: number;
  readonly byApi: Record<string, number>;
}

async function runOnce(seed: number): Promise<ScanRun & { bad: number }> {
  const { world, bad } = largeWorld(ACCOUNTS, REGIONS, FUNCTIONS);
  const config = parseConfig({ organization: { id: 'o-a1b2c3d4e5', accounts: ACCOUNTS }, deployment: { regions: REGIONS } });
  const org = installOrganizationMocks(world, { latencyMs: LATENCY_MS, throttleRate: THROTTLE_RATE, random: seeded(seed) });
  try {
    const credentials = new CrossAccountCredentials({ sts: new STSClient({ region: 'us-east-1' }), config });
    const scanner = new Scanner({ rules: RULES, config, clients: scanClients(credentials) });
    const start = performance.now();
    const report = await scanner.scan(ACCOUNTS.map((account) => ({ account, regions: REGIONS })));
    const seconds = (performance.now() - start) / 1000;
    const byApi = org.callCounts();
    return {
      seconds,
      calls: Object.values(byApi).reduce((a, b) => a + b, 0),
      throttled: org.throttled(),
      findings: report.findings.length,
      errors: report.errors.length,
      byApi,
      bad,
    };
  } finally {
    org.restore();
  }
}

/** Runs the scan `RUNS` times and reports medians (time, calls) and the last run's calls by API. */
export async function scanBench(): Promise<Record<string, unknown>> {
  const runs: (ScanRun & { bad: number })[] = [];
  for (let r = 0; r < RUNS; r += 1) runs.push(await runOnce(r + 1));
  const last = runs.at(-1);
  return {
    functions: FUNCTIONS,
    accounts: ACCOUNTS.length,
    regions: REGIONS.length,
    latencyMsPerCall: LATENCY_MS,
    throttleRate: THROTTLE_RATE,
    concurrency: DEFAULT_CONCURRENCY,
    runs: RUNS,
    secondsMedian: round(median(runs.map((r) => r.seconds)), 2),
    secondsPerRun: runs.map((r) => round(r.seconds, 2)),
    apiCallsMedian: median(runs.map((r) => r.calls)),
    apiCallsPerFunction: round(median(runs.map((r) => r.calls)) / FUNCTIONS, 3),
    throttledMedian: median(runs.map((r) => r.throttled)),
    badFunctions: last?.bad,
    findings: last?.findings,
    errors: last?.errors,
    apiCallsByApi: last?.byApi,
  };
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) console.log(JSON.stringify(await scanBench(), null, 2));
