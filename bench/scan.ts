/**
 * The scan benchmark (issue #8): an in-memory organization of 10,000 functions behind the real SDK
 * clients, 25 ms on every API call and 5 % of Lambda and IAM calls throttled; the default
 * concurrency. Reports wall time and the API calls made (AssumeRole and retries included), per function
 * with the default configuration (the issue #8 budget: ≤ 3) and with every `scan.*` opt-in on (issue #17).
 * One function in four runs in a VPC (ten security groups per account × region, one opened to the world),
 * and there is one API per 100 functions (REST and HTTP by turns, two stages each).
 */
import { STSClient } from '@aws-sdk/client-sts';
import { performance } from 'node:perf_hooks';
import { CrossAccountCredentials } from '../functions/shared/aws/credentials';
import { parseConfig } from '../functions/shared/config/config';
import { scanClients } from '../functions/shared/scan/scan-clients';
import { DEFAULT_CONCURRENCY, Scanner } from '../functions/shared/scan/scanner';
import { RULES } from '../rules';
import { installOrganizationMocks } from '../sim/organization-mock';
import type { InMemoryAccount } from '../sim/in-memory-account';
import { seedApiGateway, StateHttpApiSchema, StateRestApiSchema } from '../sim/api-gateway-state';
import { largeWorld } from '../test/fixtures/organization';
import { median, round, seeded } from './stats';

const FUNCTIONS = 10_000;
const ACCOUNTS = Array.from({ length: 10 }, (_, i) => `1000000000${String(i).padStart(2, '0')}`);
const REGIONS = ['us-east-1', 'eu-west-1'];
const LATENCY_MS = 25;
const THROTTLE_RATE = 0.05;
/** Two runs keep the whole benchmark near 70 s on a shared two-core machine (plus one with every opt-in on). */
const RUNS = 2;
/** The issue #8 budget, with the default configuration. */
const CALLS_PER_FUNCTION_BUDGET = 3;
const SHARE_IN_VPC = 4;
const GROUPS_PER_TARGET = 10;
const FUNCTIONS_PER_API = 100;

/** VPC functions with their security groups, and APIs invoking functions (issue #17's scan coverage). */
function addNetworkAndApis(world: InMemoryAccount): void {
  const byTarget = new Map<string, string[]>();
  for (const key of world.lambda.functionKeys()) byTarget.set(`${key.account}/${key.region}`, [...(byTarget.get(`${key.account}/${key.region}`) ?? []), key.functionName]);
  let apiCount = 0;
  for (const [target, names] of byTarget) {
    const [account = '', region = ''] = target.split('/');
    const groups = Array.from({ length: GROUPS_PER_TARGET }, (_, i) => world.ec2.createSecurityGroup({ account, region, groupName: `app-${String(i)}`, vpcId: 'vpc-0c000000000000001' }).groupId);
    const [opened] = groups;
    if (opened !== undefined) world.ec2.addEgress(opened, [{ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, CidrIpv4: '0.0.0.0/0' }]);
    names.forEach((functionName, i) => {
      if (i % SHARE_IN_VPC === 0) {
        world.lambda.updateFunctionConfiguration({ account, region, functionName }, { VpcConfig: { SubnetIds: ['subnet-0c000000000000001'], SecurityGroupIds: [groups[i % groups.length] ?? ''], VpcId: 'vpc-0c000000000000001' } });
      }
      if (i % FUNCTIONS_PER_API !== 0) return;
      apiCount += 1;
      const id = `bench${apiCount.toString(36).padStart(5, '0')}`;
      const uri = `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/arn:aws:lambda:${region}:${account}:function:${functionName}/invocations`;
      const stages = [{ StageName: 'prod' }, { StageName: 'test' }];
      if (apiCount % 2 === 0) {
        seedApiGateway(world.apigateway, [StateRestApiSchema.parse({ Account: account, Region: region, Id: id, Resources: [{ Id: 'r1', Path: '/', Methods: { GET: { AuthorizationType: 'AWS_IAM', Integration: { Uri: uri } } } }], Stages: stages })], []);
      } else {
        seedApiGateway(world.apigateway, [], [StateHttpApiSchema.parse({ Account: account, Region: region, ApiId: id, Routes: [{ RouteId: 'r1', RouteKey: 'GET /', AuthorizationType: 'AWS_IAM', Target: 'integrations/i1' }], Integrations: [{ IntegrationId: 'i1', IntegrationUri: uri }], Stages: stages })]);
      }
    });
  }
}


interface ScanRun {
  readonly seconds: number;
  readonly calls: number;
  readonly throttled: number;
  readonly findings: number;
  readonly errors: number;
  readonly byApi: Record<string, number>;
}

async function runOnce(seed: number, optIns: boolean): Promise<ScanRun & { bad: number }> {
  const { world, bad } = largeWorld(ACCOUNTS, REGIONS, FUNCTIONS);
  addNetworkAndApis(world);
  const scan = optIns ? { readAsyncDestinations: true, readApis: true, readRecursion: true, readConcurrency: true, readCodeSigning: true } : {};
  const config = parseConfig({ organization: { id: 'o-a1b2c3d4e5', accounts: ACCOUNTS }, deployment: { regions: REGIONS }, scan });
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

/** The APIs `addNetworkAndApis` seeds for the organization. */
function world0Apis(): number {
  return Math.ceil(FUNCTIONS / (ACCOUNTS.length * REGIONS.length) / FUNCTIONS_PER_API) * ACCOUNTS.length * REGIONS.length;
}

/** Runs the scan `RUNS` times and reports medians (time, calls) and the last run's calls by API. */
export async function scanBench(): Promise<Record<string, unknown>> {
  const runs: (ScanRun & { bad: number })[] = [];
  for (let r = 0; r < RUNS; r += 1) runs.push(await runOnce(r + 1, false));
  const last = runs.at(-1);
  const perFunction = round(median(runs.map((r) => r.calls)) / FUNCTIONS, 3);
  const all = await runOnce(RUNS + 1, true);
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
    apiCallsPerFunction: perFunction,
    callsPerFunctionBudget: CALLS_PER_FUNCTION_BUDGET,
    budgetMetWithDefaults: perFunction <= CALLS_PER_FUNCTION_BUDGET,
    securityGroupCallsPerFunction: round(((last?.byApi['ec2:DescribeSecurityGroupRules'] ?? 0) + (last?.byApi['ec2:DescribeSecurityGroups'] ?? 0)) / FUNCTIONS, 4),
    throttledMedian: median(runs.map((r) => r.throttled)),
    badFunctions: last?.bad,
    findings: last?.findings,
    errors: last?.errors,
    apiCallsByApi: last?.byApi,
    // Issue #17: every scan.* opt-in on (async destinations, APIs, recursion, concurrency, code signing): one run.
    allOptIns: {
      seconds: round(all.seconds, 2),
      apiCalls: all.calls,
      apiCallsPerFunction: round(all.calls / FUNCTIONS, 3),
      apis: world0Apis(),
      findings: all.findings,
      errors: all.errors,
      apiCallsByApi: all.byApi,
    },
  };
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) console.log(JSON.stringify(await scanBench(), null, 2));
