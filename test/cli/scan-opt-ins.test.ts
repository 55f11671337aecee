import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { main } from '../../cli/main';
import { InMemoryAccount } from '../../sim/in-memory-account';
import { seedApiGateway, StateHttpApiSchema, StateRestApiSchema } from '../../sim/api-gateway-state';
import { DEFAULT_EGRESS } from '../../sim/in-memory-ec2';
import { installOrganizationMocks, type OrganizationMockHandle } from '../../sim/organization-mock';
import { ACCOUNT, FOREIGN_ACCOUNT, ORG_ID } from '../fixtures/accounts';
import { addFunction } from '../fixtures/organization';

// Issue #17: `warden scan` judges the rules of the new parts — security groups by default, APIs, recursion,
// reserved concurrency and code signing when their scan.* key is on — and says which rules it left unjudged.
const REGION = 'us-east-1';
const fnArn = (name: string, account = ACCOUNT): string => `arn:aws:lambda:${REGION}:${account}:function:${name}`;
const invokes = (arn: string): string => `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${arn}/invocations`;

const ScanJsonSchema = z.object({
  findings: z.array(z.object({ ruleId: z.string(), resource: z.string(), summary: z.string() })),
  errors: z.array(z.unknown()),
  notJudged: z.array(z.object({ ruleId: z.string(), reason: z.string(), key: z.string().optional(), partial: z.literal(true).optional() })),
  calls: z.object({ byApi: z.record(z.string(), z.number()) }),
});

describe('warden scan and the issue #17 parts', () => {
  let world: InMemoryAccount;
  let org: OrganizationMockHandle | undefined;
  let dir: string;

  beforeEach(async () => {
    world = new InMemoryAccount();
    dir = await mkdtemp(join(tmpdir(), 'warden-scan-opt-ins-'));
  });
  afterEach(async () => {
    org?.restore();
    org = undefined;
    await rm(dir, { recursive: true });
  });

  /** Runs `warden scan --json` on the one account with these scan.* settings; returns the parsed output and the text run's. */
  async function scan(settings: Readonly<Record<string, boolean>> = {}): Promise<z.infer<typeof ScanJsonSchema> & { text: string }> {
    org = installOrganizationMocks(world);
    const config = join(dir, 'warden.config.json');
    await writeFile(config, JSON.stringify({ organization: { id: ORG_ID, accounts: [ACCOUNT] }, deployment: { regions: [REGION] }, scan: settings }));
    const lines: string[] = [];
    await main(['scan', '--config', config, `--accounts=${ACCOUNT}`, '--json'], { out: (l) => lines.push(l), err: () => undefined });
    const text: string[] = [];
    await main(['scan', '--config', config, `--accounts=${ACCOUNT}`], { out: (l) => text.push(l), err: () => undefined });
    return { ...ScanJsonSchema.parse(JSON.parse(lines.join('\n'))), text: text.join('\n') };
  }
  const found = (report: { findings: readonly { ruleId: string; resource: string }[] }, ruleId: string): string[] => report.findings.filter((f) => f.ruleId === ruleId).map((f) => f.resource).sort();

  describe('function-api-route-unauthenticated (scan.readApis)', () => {
    const RULE = 'function-api-route-unauthenticated';
    beforeEach(() => {
      addFunction(world, ACCOUNT, REGION, 'orders');
      addFunction(world, ACCOUNT, REGION, 'hooks');
      const rest = (Id: string, AuthorizationType: string, extra: Record<string, unknown> = {}) =>
        StateRestApiSchema.parse({ Account: ACCOUNT, Region: REGION, Id, Name: Id, Resources: [{ Id: 'r1', Path: '/orders', Methods: { POST: { AuthorizationType, Integration: { Uri: invokes(fnArn('orders')) } } } }], Stages: [{ StageName: 'prod' }], ...extra });
      const http = (ApiId: string, AuthorizationType: string, target = fnArn('hooks')) =>
        StateHttpApiSchema.parse({
          Account: ACCOUNT,
          Region: REGION,
          ApiId,
          Routes: [{ RouteId: 'rt1', RouteKey: 'POST /hook', AuthorizationType, Target: 'integrations/i1' }],
          Integrations: [{ IntegrationId: 'i1', IntegrationUri: target }],
          Stages: [{ StageName: '$default', AutoDeploy: true }],
        });
      seedApiGateway(
        world.apigateway,
        [
          rest('openrest01', 'NONE'),
          rest('iamrest001', 'AWS_IAM'),
          // The draft is open but the stage serves a deployment that requires IAM: not deployed, not reported.
          rest('draftrest1', 'NONE', { Stages: [{ StageName: 'prod', DeploymentId: 'dep1' }], Deployments: { dep1: { Routes: [{ Method: 'POST', Path: '/orders', AuthorizationType: 'AWS_IAM', IntegrationUri: invokes(fnArn('orders')) }] } } }),
        ],
        [http('openhttp01', 'NONE'), http('jwthttp001', 'JWT'), http('foreignh01', 'NONE', fnArn('partner', FOREIGN_ACCOUNT))],
      );
    });

    it('reports a deployed unauthenticated REST method and HTTP route to an organization function, and no look-alike', async () => {
      const report = await scan({ readApis: true });
      expect(report.errors).toEqual([]);
      expect(found(report, RULE)).toEqual([`arn:aws:apigateway:${REGION}::/apis/openhttp01`, `arn:aws:apigateway:${REGION}::/restapis/openrest01`]);
      expect(report.findings.find((f) => f.resource.endsWith('/restapis/openrest01'))?.summary).toContain(`Route POST /orders of openrest01 (openrest01, REST API), stage prod, invokes ${fnArn('orders')}`);
      expect(report.notJudged.map((u) => u.ruleId)).not.toContain(RULE);
      // 2 listings, then per API: the API, its stages, one export per deployed stage.
      expect(report.calls.byApi).toMatchObject({ 'apigateway:GetRestApis': 1, 'apigatewayv2:GetApis': 1, 'apigateway:GetRestApi': 3, 'apigateway:GetExport': 3, 'apigatewayv2:ExportApi': 3 });
    });

    it('without scan.readApis reads no API and says the rule was not judged, and which key turns it on', async () => {
      const report = await scan();
      expect(found(report, RULE)).toEqual([]);
      expect(Object.keys(report.calls.byApi).filter((api) => api.startsWith('apigateway'))).toEqual([]);
      expect(report.notJudged).toContainEqual({ ruleId: RULE, key: 'readApis', reason: expect.stringContaining('2 + stages calls per API') as string });
      expect(report.text).toContain(`  ${RULE}: set scan.readApis: true in the configuration to judge it`);
    });
  });

  describe('function-security-group-egress-opened (read by default)', () => {
    const RULE = 'function-security-group-egress-opened';
    it('reports an added all-ports egress rule to the world on a VPC function’s group, not the default rule nor a narrow one', async () => {
      const opened = world.ec2.createSecurityGroup({ account: ACCOUNT, region: REGION, groupId: 'sg-0a000000000000001', groupName: 'orders-sg', vpcId: 'vpc-0a000000000000001' });
      world.ec2.revokeEgress(opened.groupId, { specs: [DEFAULT_EGRESS] });
      const [added] = world.ec2.addEgress(opened.groupId, [{ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, CidrIpv4: '0.0.0.0/0' }]);
      const untouched = world.ec2.createSecurityGroup({ account: ACCOUNT, region: REGION, groupId: 'sg-0a000000000000002', groupName: 'default-egress', vpcId: 'vpc-0a000000000000001' });
      const narrow = world.ec2.createSecurityGroup({ account: ACCOUNT, region: REGION, groupId: 'sg-0a000000000000003', groupName: 'https-only', vpcId: 'vpc-0a000000000000001' });
      world.ec2.revokeEgress(narrow.groupId, { specs: [DEFAULT_EGRESS] });
      world.ec2.addEgress(narrow.groupId, [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIpv4: '0.0.0.0/0' }]);
      // Open to the world, but no function uses the group: not the business of this rule.
      const unused = world.ec2.createSecurityGroup({ account: ACCOUNT, region: REGION, groupId: 'sg-0a000000000000004', groupName: 'unused', vpcId: 'vpc-0a000000000000001' });
      world.ec2.addEgress(unused.groupId, [{ IpProtocol: 'udp', FromPort: 0, ToPort: 65535, CidrIpv6: '::/0' }]);
      const vpc = (groupId: string) => ({ VpcConfig: { SubnetIds: ['subnet-0a000000000000001'], SecurityGroupIds: [groupId], VpcId: 'vpc-0a000000000000001' } });
      addFunction(world, ACCOUNT, REGION, 'orders', vpc(opened.groupId));
      addFunction(world, ACCOUNT, REGION, 'reports', vpc(untouched.groupId));
      addFunction(world, ACCOUNT, REGION, 'billing', vpc(narrow.groupId));
      addFunction(world, ACCOUNT, REGION, 'no-vpc');

      const report = await scan();
      expect(report.errors).toEqual([]);
      expect(found(report, RULE)).toEqual([`arn:aws:ec2:${REGION}:${ACCOUNT}:security-group-rule/${added?.SecurityGroupRuleId ?? ''}`]);
      expect(report.findings.find((f) => f.ruleId === RULE)?.summary).toContain(`Security group orders-sg (sg-0a000000000000001), used by ${fnArn('orders')}, allows all TCP ports out to 0.0.0.0/0`);
      expect(report.notJudged.map((u) => u.ruleId)).not.toContain(RULE);
      // One rule listing for the region's three groups, one describe for the one group with an open rule.
      expect(report.calls.byApi).toMatchObject({ 'ec2:DescribeSecurityGroupRules': 1, 'ec2:DescribeSecurityGroups': 1 });
    });

    it('makes no EC2 call in a region without VPC functions', async () => {
      addFunction(world, ACCOUNT, REGION, 'no-vpc');
      const report = await scan();
      expect(Object.keys(report.calls.byApi).filter((api) => api.startsWith('ec2:'))).toEqual([]);
    });
  });

  describe.each([
    {
      rule: 'function-recursive-loop-allowed',
      key: 'readRecursion',
      call: 'lambda:GetFunctionRecursionConfig',
      seed: (w: InMemoryAccount) => {
        w.lambda.putFunctionRecursionConfig({ account: ACCOUNT, region: REGION, functionName: 'positive' }, 'Allow');
        w.lambda.putFunctionRecursionConfig({ account: ACCOUNT, region: REGION, functionName: 'benign' }, 'Terminate');
      },
    },
    {
      rule: 'function-concurrency-zeroed',
      key: 'readConcurrency',
      call: 'lambda:GetFunctionConcurrency',
      seed: (w: InMemoryAccount) => {
        w.lambda.putFunctionConcurrency({ account: ACCOUNT, region: REGION, functionName: 'positive' }, 0);
        w.lambda.putFunctionConcurrency({ account: ACCOUNT, region: REGION, functionName: 'benign' }, 5);
      },
    },
    {
      rule: 'function-code-signing-weakened',
      key: 'readCodeSigning',
      call: 'lambda:GetFunctionCodeSigningConfig',
      seed: (w: InMemoryAccount) => {
        const warn = w.lambda.putCodeSigningConfig({ account: ACCOUNT, region: REGION }, { untrustedArtifactOnDeployment: 'Warn' });
        const enforce = w.lambda.putCodeSigningConfig({ account: ACCOUNT, region: REGION }, { untrustedArtifactOnDeployment: 'Enforce' });
        w.lambda.putFunctionCodeSigningConfig({ account: ACCOUNT, region: REGION, functionName: 'positive' }, warn);
        w.lambda.putFunctionCodeSigningConfig({ account: ACCOUNT, region: REGION, functionName: 'benign' }, enforce);
      },
    },
  ])('$rule ($key)', ({ rule, key, call, seed }) => {
    beforeEach(() => {
      addFunction(world, ACCOUNT, REGION, 'positive');
      addFunction(world, ACCOUNT, REGION, 'benign');
      addFunction(world, ACCOUNT, REGION, 'untouched');
      seed(world);
    });

    it('is judged with its key on: the positive is found, the benign look-alike and an untouched function are not', async () => {
      const report = await scan({ [key]: true });
      expect(report.errors).toEqual([]);
      expect(found(report, rule)).toEqual([fnArn('positive')]);
      expect(report.notJudged.map((u) => u.ruleId)).not.toContain(rule);
      expect(report.calls.byApi[call]).toBe(3);
    });

    it('is not judged without it, and the scan says so with the key', async () => {
      const report = await scan();
      expect(found(report, rule)).toEqual([]);
      expect(report.calls.byApi[call]).toBeUndefined();
      expect(report.notJudged).toContainEqual({ ruleId: rule, key, reason: expect.stringContaining('1 call per function') as string });
      expect(report.text).toContain(`  ${rule}: set scan.${key}: true in the configuration to judge it`);
    });
  });
});
