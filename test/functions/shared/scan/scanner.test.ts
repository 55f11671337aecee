import type { IAMClient } from '@aws-sdk/client-iam';
import { ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { STSClient } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CrossAccountCredentials } from '../../../../functions/shared/aws/credentials';
import { baselineKeeperByKind, InMemoryBaselineStore } from '../../../../functions/shared/baseline/baseline-keeper';
import { createBaselineKey, FunctionBaselineKeeper } from '../../../../functions/shared/baseline/function-baseline';
import { CallGuard } from '../../../../functions/shared/scan/call-guard';
import { scanClients } from '../../../../functions/shared/scan/scan-clients';
import { SCAN_CALLS, SCAN_PERMISSIONS } from '../../../../functions/shared/scan/scan-permissions';
import { SCAN_API_GATEWAY_CALLS } from '../../../../functions/shared/scan/scan-network-api';
import { seedApiGateway, StateHttpApiSchema, StateRestApiSchema } from '../../../../sim/api-gateway-state';
import { listRoles } from '../../../../functions/shared/scan/scan-inventory';
import { Scanner, type ScanProgress } from '../../../../functions/shared/scan/scanner';
import { ScanStateReader } from '../../../../functions/shared/scan/scan-state-reader';
import { RULES } from '../../../../rules';
import { auditorActions } from '../../../../infra/remediator-permissions';
import { installOrganizationMocks, type OrganizationMockHandle } from '../../../../sim/organization-mock';
import { ACCOUNT, FOREIGN_ACCOUNT, ORG_ACCOUNT } from '../../../fixtures/accounts';
import { addFunction, plantedSecret, SCAN_ACCOUNTS, SCAN_CONFIG, SCAN_REGIONS, scanWorld, UNREACHABLE_ACCOUNT, type ScanWorld } from '../../../fixtures/organization';

const TARGETS = SCAN_ACCOUNTS.map((account) => ({ account, regions: [...SCAN_REGIONS] }));
/** No real sleeping in tests: backoff delays are recorded instead. */
const noSleep = (): Promise<void> => Promise.resolve();

function scanner(options: { guard?: CallGuard; onProgress?: (p: ScanProgress) => void; baselines?: ReturnType<typeof baselineKeeperByKind>; now?: () => Date } = {}): Scanner {
  const credentials = new CrossAccountCredentials({ sts: new STSClient({ region: 'us-east-1' }), config: SCAN_CONFIG, roleName: SCAN_CONFIG.auditRoleName });
  return new Scanner({ rules: RULES, config: SCAN_CONFIG, clients: scanClients(credentials), guard: options.guard ?? new CallGuard({ sleep: noSleep }), ...options });
}

describe('Scanner', () => {
  let setup: ScanWorld;
  let org: OrganizationMockHandle;

  beforeEach(() => {
    setup = scanWorld();
    org = installOrganizationMocks(setup.world, { unreachable: [UNREACHABLE_ACCOUNT] });
  });
  afterEach(() => {
    org.restore();
  });

  it('finds every bad resource exactly once and flags no clean one', async () => {
    const report = await scanner().scan(TARGETS);
    const found = report.findings.map((f) => ({ ruleId: f.ruleId, resource: f.resource }));
    expect(found).toHaveLength(setup.expected.length);
    expect(found).toEqual(expect.arrayContaining([...setup.expected]));
    const flagged = new Set(report.findings.map((f) => f.resource));
    for (const arn of setup.clean) expect(flagged.has(arn)).toBe(false);
    expect(report.exempt.map((e) => ({ ruleId: e.finding.ruleId, resource: e.finding.resource }))).toEqual(setup.exempt);
    expect(report.exempt[0]?.exemption.kind).toBe('tag');
  });

  it('reports an unreachable account and scans the others', async () => {
    const report = await scanner().scan(TARGETS);
    expect(report.accounts.map((a) => [a.account, a.status])).toEqual([
      [ACCOUNT, 'scanned'],
      [ORG_ACCOUNT, 'scanned'],
      [UNREACHABLE_ACCOUNT, 'unreachable'],
    ]);
    expect(report.errors).toEqual([{ account: UNREACHABLE_ACCOUNT, region: null, stage: 'credentials', message: expect.stringContaining('AssumeRole') as string }]);
    expect(report.accounts[1]).toMatchObject({ functions: 63, roles: 63 });
    expect(report.accounts[0]).toMatchObject({ functions: 6, layerVersions: 3 });
  });

  it('lists functions page by page (50 a page) and reads configurations only from the listing', async () => {
    await scanner().scan(TARGETS);
    const westB = org.lambda.callsOf('ListFunctions').filter((c) => c.input.Marker !== undefined);
    expect(westB).toHaveLength(1);
    expect(org.lambda.callsOf('GetFunctionConfiguration')).toHaveLength(0);
    expect(org.lambda.callsOf('GetFunction')).toHaveLength(0);
  });

  it('reads each account’s roles in one call, and tags only of functions with findings', async () => {
    await scanner().scan(TARGETS);
    expect(org.iam.callsOf('GetAccountAuthorizationDetails')).toHaveLength(2);
    expect(org.iam.callsOf('GetRole')).toHaveLength(0);
    const tagged = org.lambda.callsOf('ListTags').map((c) => String(c.input.Resource)).sort();
    // Once per function, however many findings it has (public-fn has two since issue #17's log-group coverage).
    expect(tagged).toEqual(
      [
        ...new Set([
          ...setup.expected.filter((e) => e.resource.includes(':function:')).map((e) => e.resource),
          ...setup.exempt.map((e) => e.resource),
        ]),
      ].sort(),
    );
  });

  it('sends no mutating command and only what the audit role allows, through the audit role', async () => {
    const guard = new CallGuard({ sleep: noSleep, allowedApis: SCAN_PERMISSIONS });
    const report = await scanner({ guard }).scan(TARGETS);
    expect(report.errors.filter((e) => e.stage !== 'credentials')).toEqual([]);
    const allowed = new Set<string>(auditorActions());
    expect([...allowed].sort()).toEqual([...SCAN_PERMISSIONS].sort());
    expect(Object.keys(guard.stats().byApi).filter((api) => !allowed.has(api))).toEqual([]);
    const sent = [...org.lambda.calls.map((c) => `lambda:${c.command}`), ...org.iam.calls.map((c) => `iam:${c.command}`), ...org.logs.calls.map((c) => `logs:${c.command}`)];
    expect(sent.length).toBeGreaterThan(0);
    for (const action of sent) {
      expect(action).toMatch(/^(lambda|iam|logs):(Get|List|Describe)/);
      expect(allowed.has(action)).toBe(true);
    }
    expect(org.assumeRoleCalls.map((c) => c.sessionName)).toEqual(expect.arrayContaining(['warden-scan']));
    expect(new Set(org.assumeRoleCalls.map((c) => c.sessionName))).toEqual(new Set(['warden-scan']));
    expect(new Set(org.assumeRoleCalls.map((c) => c.roleArn.replace(/^arn:aws:iam::\d{12}:/, '')))).toEqual(new Set(['role/WardenAuditor']));
  });

  it('calls exactly the audit role’s actions: the fixture scan, plus the three fallbacks it has no case for', async () => {
    const guard = new CallGuard({ sleep: noSleep, allowedApis: SCAN_CALLS });
    await scanner({ guard }).scan(TARGETS);
    expect(Object.keys(guard.stats().byApi).sort()).toEqual([
      'iam:GetAccountAuthorizationDetails',
      'lambda:GetFunctionUrlConfig',
      'lambda:GetLayerVersionPolicy',
      'lambda:GetPolicy',
      'lambda:ListAliases',
      'lambda:ListEventSourceMappings',
      'lambda:ListFunctions',
      'lambda:ListLayerVersions',
      'lambda:ListLayers',
      'lambda:ListTags',
      'logs:DescribeLogGroups',
    ]);
    // An attached policy missing from the authorization details is read on its own.
    const policyArn = `arn:aws:iam::${ACCOUNT}:policy/late`;
    const document = encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'lambda:GetFunction', Resource: '*' }] }));
    const answers: Readonly<Record<string, object>> = {
      GetAccountAuthorizationDetailsCommand: { IsTruncated: false, RoleDetailList: [{ RoleName: 'late-role', Arn: `arn:aws:iam::${ACCOUNT}:role/late-role`, Path: '/', AssumeRolePolicyDocument: document, AttachedManagedPolicies: [{ PolicyArn: policyArn }] }] },
      GetPolicyCommand: { Policy: { DefaultVersionId: 'v3' } },
      GetPolicyVersionCommand: { PolicyVersion: { Document: document } },
    };
    const iam = guard.wrap({ send: (command: object) => Promise.resolve(answers[command.constructor.name]) }, 'iam:fallback', 1, 'iam') as unknown as IAMClient;
    const roles = await listRoles(iam, ACCOUNT, 'us-east-1');
    expect(roles.get(`arn:aws:iam::${ACCOUNT}:role/late-role`)?.attachedPolicies?.map((p) => [p.arn, p.defaultVersionId])).toEqual([[policyArn, 'v3']]);
    // A qualified function (a version or alias) is not in the listing: its configuration is read.
    const credentials = new CrossAccountCredentials({ sts: new STSClient({ region: 'us-east-1' }), config: SCAN_CONFIG, roleName: SCAN_CONFIG.auditRoleName });
    const lambda = guard.wrap(await scanClients(credentials).lambda(ACCOUNT, 'us-east-1'), 'lambda:fallback', 1, 'lambda');
    await new ScanStateReader({ functions: new Map(), roles: new Map() }, () => lambda).readFunction({ kind: 'lambda-function', account: ACCOUNT, region: 'us-east-1', functionName: 'absent', qualifier: '1' }, ['configuration']);
    // Asynchronous invocation configs are read only when the configuration opts in (scan.readAsyncDestinations).
    await new ScanStateReader({ functions: new Map(), roles: new Map() }, () => lambda, { readAsyncDestinations: true }).readFunction({ kind: 'lambda-function', account: ACCOUNT, region: 'us-east-1', functionName: 'absent' }, ['eventInvokeConfig']);
    // Issue #17: a VPC function's security group (read by default), and with every scan.* opt-in on, recursion,
    // concurrency, code signing (a config that warns: its functions are listed) and the region's APIs.
    const world = setup.world;
    const group = world.ec2.createSecurityGroup({ account: ACCOUNT, region: 'us-east-1', groupId: 'sg-0b000000000000001', groupName: 'vpc-fn-sg', vpcId: 'vpc-0b000000000000001' });
    world.ec2.addEgress(group.groupId, [{ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, CidrIpv4: '0.0.0.0/0' }]);
    addFunction(world, ACCOUNT, 'us-east-1', 'vpc-fn', { VpcConfig: { SubnetIds: ['subnet-0b000000000000001'], SecurityGroupIds: [group.groupId], VpcId: 'vpc-0b000000000000001' } });
    const warn = world.lambda.putCodeSigningConfig({ account: ACCOUNT, region: 'us-east-1' }, { untrustedArtifactOnDeployment: 'Warn' });
    world.lambda.putFunctionCodeSigningConfig({ account: ACCOUNT, region: 'us-east-1', functionName: 'vpc-fn' }, warn);
    const integration = `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:${ACCOUNT}:function:vpc-fn/invocations`;
    seedApiGateway(
      world.apigateway,
      [StateRestApiSchema.parse({ Account: ACCOUNT, Region: 'us-east-1', Id: 'scanrest01', Resources: [{ Id: 'r1', Path: '/', Methods: { GET: { Integration: { Uri: integration } } } }], Stages: [{ StageName: 'prod' }] })],
      [StateHttpApiSchema.parse({ Account: ACCOUNT, Region: 'us-east-1', ApiId: 'scanhttp01', Routes: [{ RouteId: 'r1', RouteKey: 'GET /', Target: 'integrations/i1' }], Integrations: [{ IntegrationId: 'i1', IntegrationUri: integration }], Stages: [{ StageName: '$default', AutoDeploy: true }] })],
    );
    const allOn = Object.fromEntries(Object.keys(SCAN_CONFIG.scan).map((key) => [key, true])) as typeof SCAN_CONFIG.scan;
    const everything = new Scanner({ rules: RULES, config: { ...SCAN_CONFIG, scan: allOn }, clients: scanClients(credentials), guard });
    expect((await everything.scan([{ account: ACCOUNT, regions: ['us-east-1'] }])).errors).toEqual([]);
    // Every call the guard allows was made, and each stands for an action of the audit role.
    expect(Object.keys(guard.stats().byApi).sort()).toEqual([...SCAN_CALLS].sort());
    expect(auditorActions()).toEqual([...SCAN_PERMISSIONS].sort());
    expect(SCAN_CALLS.map((call) => SCAN_API_GATEWAY_CALLS[call] ?? call).filter((action) => !SCAN_PERMISSIONS.includes(action))).toEqual([]);
  });

  it('judges dead-letter queues from the listing, and asynchronous destinations only when scan.readAsyncDestinations opts in', async () => {
    const ref = { kind: 'lambda-function', account: ACCOUNT, region: 'us-east-1', functionName: 'clean-a1' } as const;
    const foreign = (service: string, name: string): string => `arn:aws:${service}:us-east-1:${FOREIGN_ACCOUNT}:${name}`;
    setup.world.lambda.updateFunctionConfiguration(ref, { DeadLetterConfig: { TargetArn: foreign('sqs', 'dlq') } });
    setup.world.lambda.putFunctionEventInvokeConfig(ref, { DestinationConfig: { OnSuccess: { Destination: foreign('sns', 'results') } } });
    const kinds = (report: Awaited<ReturnType<Scanner['scan']>>): unknown[] =>
      report.findings.filter((f) => f.ruleId === 'function-destination-outside-org').map((f) => f.details.kind);
    expect(kinds(await scanner().scan(TARGETS))).toEqual(['dead-letter-queue']);
    expect(org.lambda.callsOf('GetFunctionEventInvokeConfig')).toHaveLength(0);
    const credentials = new CrossAccountCredentials({ sts: new STSClient({ region: 'us-east-1' }), config: SCAN_CONFIG, roleName: SCAN_CONFIG.auditRoleName });
    const config = { ...SCAN_CONFIG, scan: { ...SCAN_CONFIG.scan, readAsyncDestinations: true } };
    const report = await new Scanner({ rules: RULES, config, clients: scanClients(credentials), guard: new CallGuard({ sleep: noSleep }) }).scan(TARGETS);
    expect(kinds(report).sort()).toEqual(['dead-letter-queue', 'destination']);
    expect(org.lambda.callsOf('GetFunctionEventInvokeConfig').length).toBe(report.accounts.reduce((n, a) => n + a.functions, 0));
  });

  it('lists event-source mappings and /aws/lambda/ log groups once per region, and a custom log group once (issue #17)', async () => {
    const report = await scanner().scan(TARGETS);
    expect(org.lambda.callsOf('ListEventSourceMappings').map((c) => c.input.FunctionName)).toEqual([undefined, undefined, undefined, undefined]);
    const described = org.logs.calls.map((c) => String(c.input.logGroupNamePrefix));
    // Account B, eu-west-1 holds 60 groups: two pages of 50.
    expect(described.filter((prefix) => prefix === '/aws/lambda/')).toHaveLength(5);
    expect(described.filter((prefix) => prefix !== '/aws/lambda/')).toEqual(['/shared/app-logs']);
    const found = (ruleId: string): string[] => report.findings.filter((f) => f.ruleId === ruleId).map((f) => f.resource);
    expect(found('function-event-source-mapping-outside-org')).toEqual([`arn:aws:lambda:us-east-1:${ORG_ACCOUNT}:function:admin-fn`]);
    expect(found('function-log-retention-shortened')).toEqual([`arn:aws:lambda:us-east-1:${ACCOUNT}:function:public-fn`]);
  });

  it('judges a custom log group by name: kept 1 day, it is reported on the function logging to it', async () => {
    setup.world.logs.createLogGroup({ account: ACCOUNT, region: 'eu-west-1', logGroupName: '/shared/app-logs' }, { retentionInDays: 1 });
    const report = await scanner().scan(TARGETS);
    expect(report.findings.filter((f) => f.ruleId === 'function-log-retention-shortened').map((f) => f.resource).sort()).toEqual([
      `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:clean-a2`,
      `arn:aws:lambda:us-east-1:${ACCOUNT}:function:public-fn`,
    ]);
  });

  it('reports a failed mapping listing and leaves that part unread, judging the rest', async () => {
    org.restore();
    org = installOrganizationMocks(setup.world, { unreachable: [UNREACHABLE_ACCOUNT] });
    org.lambda.mock.on(ListEventSourceMappingsCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const report = await scanner().scan(TARGETS);
    expect(report.errors.filter((e) => e.stage === 'list-mappings')).toHaveLength(4);
    expect(report.findings.filter((f) => f.ruleId === 'function-event-source-mapping-outside-org')).toEqual([]);
    expect(report.findings.filter((f) => f.ruleId === 'function-public-access')).toHaveLength(1);
  });

  it('refuses, without sending it, a call outside the audit role', async () => {
    const guard = new CallGuard({ sleep: noSleep, allowedApis: SCAN_PERMISSIONS.filter((api) => api !== 'lambda:GetPolicy') });
    const report = await scanner({ guard }).scan(TARGETS);
    expect(org.lambda.callsOf('GetPolicy')).toHaveLength(0);
    expect(guard.stats().byApi['lambda:GetPolicy']).toBeUndefined();
    const refused = report.errors.filter((e) => e.stage === 'evaluate');
    expect(refused).toHaveLength(69);
    for (const e of refused) expect(e.message).toMatch(/^StateReadError: Reading .+ failed: CallNotAllowedError$/);
  });

  it('never puts a secret value in findings or errors', async () => {
    const report = await scanner().scan(TARGETS);
    const text = JSON.stringify(report);
    expect(text).toContain('DATABASE_URL');
    expect(text).not.toContain(plantedSecret());
  });

  // Changed deliberately (issue #13, gap 8): the budget is three calls per function on average plus
  // exactly one ListAliases per function, which finds the aliases and versions to judge.
  it('stays within three calls per function on average, plus one ListAliases per function', async () => {
    const report = await scanner().scan(TARGETS);
    const functions = report.accounts.reduce((n, a) => n + a.functions, 0);
    const calls = Object.values(org.callCounts()).reduce((a, b) => a + b, 0);
    expect(report.calls.total).toBe(calls - org.assumeRoleCalls.length);
    expect(org.lambda.callsOf('ListAliases')).toHaveLength(functions);
    expect((calls - functions) / functions).toBeLessThanOrEqual(3);
  });

  it('reports progress up to every target and every function', async () => {
    const seen: ScanProgress[] = [];
    await scanner({ onProgress: (p) => seen.push(p) }).scan(TARGETS);
    expect(seen.at(-1)).toEqual({ targetsTotal: 6, targetsDone: 6, functionsListed: 69, functionsDone: 69 });
  });

  it('captures baselines of compliant functions', async () => {
    const store = new InMemoryBaselineStore();
    const baselines = baselineKeeperByKind({ 'lambda-function': new FunctionBaselineKeeper({ store, key: createBaselineKey() }) });
    await scanner({ baselines }).scan(TARGETS);
    expect(await store.get(setup.clean[0] ?? '')).not.toBeNull();
    expect(await store.get(`arn:aws:lambda:us-east-1:${ACCOUNT}:function:public-fn`)).toBeNull();
  });

  it('records the exemption tags it reads on functions with findings, as in place at the scan (nothing else of them)', async () => {
    const store = new InMemoryBaselineStore();
    const baselines = baselineKeeperByKind({ 'lambda-function': new FunctionBaselineKeeper({ store, key: createBaselineKey() }) });
    const report = await scanner({ baselines, now: () => new Date('2025-03-14T09:30:00Z') }).scan(TARGETS);
    const exempt = report.exempt.map((e) => e.finding.resource);
    expect(exempt).toHaveLength(1);
    expect(await store.get(exempt[0] ?? '')).toMatchObject({
      content: { exemptionTags: { value: { 'warden:exempt': 'function-public-access' }, capturedAt: '2025-03-14T09:30:00.000Z' } },
    });
    expect(Object.keys(((await store.get(exempt[0] ?? '')) as { content: object }).content)).toEqual(['exemptionTags']);
  });
});

describe('Scanner under throttling', () => {
  let org: OrganizationMockHandle;
  let setup: ScanWorld;

  afterEach(() => {
    org.restore();
  });

  it('backs off with jitter, retries and still finds every bad resource once', async () => {
    setup = scanWorld();
    let n = 0;
    // Every third call is throttled: a deterministic 33 % rate.
    org = installOrganizationMocks(setup.world, { unreachable: [UNREACHABLE_ACCOUNT], throttleRate: 0.5, random: () => ((n += 1) % 3 === 0 ? 0 : 0.9) });
    const delays: number[] = [];
    const guard = new CallGuard({ random: () => 0.5, sleep: (ms) => (delays.push(ms), Promise.resolve()) });
    const report = await scanner({ guard }).scan(TARGETS);
    expect(org.throttled()).toBeGreaterThan(10);
    expect(report.calls.throttled).toBe(org.throttled());
    expect(report.errors.map((e) => e.stage)).toEqual(['credentials']);
    expect(report.findings.map((f) => ({ ruleId: f.ruleId, resource: f.resource }))).toEqual(expect.arrayContaining([...setup.expected]));
    expect(report.findings).toHaveLength(setup.expected.length);
    expect(delays.length).toBe(org.throttled());
    expect(Math.max(...delays)).toBeLessThanOrEqual(5_000);
  });

  it('reports a resource whose reads stay throttled, and goes on', async () => {
    setup = scanWorld();
    org = installOrganizationMocks(setup.world, { unreachable: [UNREACHABLE_ACCOUNT] });
    org.restore();
    org = installOrganizationMocks(setup.world, { unreachable: [UNREACHABLE_ACCOUNT], throttleRate: 1, random: () => 0 });
    const report = await scanner({ guard: new CallGuard({ sleep: noSleep, retry: { maxAttempts: 3 } }) }).scan(TARGETS);
    expect(report.findings).toHaveLength(0);
    expect(report.accounts.slice(0, 2).map((a) => a.status)).toEqual(['partial', 'partial']);
    expect(report.errors.filter((e) => e.stage === 'list-functions')).toHaveLength(4);
    expect(report.errors.find((e) => e.stage === 'list-functions')?.message).toContain('TooManyRequestsException');
  });
});
