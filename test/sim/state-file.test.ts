import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidStateError } from '../../functions/shared/errors';
import type { FunctionRef } from '../../functions/shared/state/resources';
import { InMemoryAccount } from '../../sim/in-memory-account';
import { loadStateFile, parseStateFile, type StateFileInput } from '../../sim/state-file';
import { ACCOUNT, FOREIGN_ACCOUNT, FUNCTION_ARN, FUNCTION_NAME, LAYER_ARN, REGION } from '../fixtures/accounts';
import { lambdaEvent } from '../fixtures/cloudtrail';

const fn: FunctionRef = { kind: 'lambda-function', account: ACCOUNT, region: REGION, functionName: FUNCTION_NAME };
const publicStatement = { Sid: 'public', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction', Resource: FUNCTION_ARN } as const;

const STATE: StateFileInput = {
  functions: [
    {
      Account: ACCOUNT,
      Region: REGION,
      Configuration: {
        FunctionName: FUNCTION_NAME,
        Runtime: 'nodejs20.x',
        Role: `arn:aws:iam::${ACCOUNT}:role/orders`,
        Handler: 'index.handler',
        Environment: { Variables: { STAGE: 'prod' } },
        Layers: [{ Arn: `${LAYER_ARN}:3`, CodeSize: 512 }],
        MemorySize: 256,
      },
      Policy: { Version: '2012-10-17', Id: 'default', Statement: publicStatement },
      UrlConfig: { AuthType: 'NONE', FunctionUrl: 'https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws/' },
      Tags: { team: 'orders' },
      ReservedConcurrentExecutions: 10,
      Qualifiers: {
        '2': { Policy: null, UrlConfig: null },
        live: { FunctionVersion: '2', Policy: { Statement: [{ ...publicStatement, Resource: `${FUNCTION_ARN}:live` }] }, UrlConfig: { AuthType: 'AWS_IAM' } },
      },
    },
    { Account: FOREIGN_ACCOUNT, Region: 'eu-west-1', Configuration: { FunctionName: 'minimal' } },
  ],
  layers: [
    {
      Account: ACCOUNT,
      Region: REGION,
      LayerVersionArn: `${LAYER_ARN}:3`,
      Policy: { Version: '2012-10-17', Statement: [{ Sid: 'org', Effect: 'Allow', Principal: '*', Action: 'lambda:GetLayerVersion', Resource: `${LAYER_ARN}:3`, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } }] },
    },
  ],
};

describe('state file', () => {
  describe('seeding', () => {
    it('holds what the file says, exactly as written', () => {
      const account = InMemoryAccount.fromStateFile(STATE);
      expect(account.lambda.getFunctionConfiguration(fn)).toMatchObject({ ...STATE.functions?.[0]?.Configuration, FunctionArn: FUNCTION_ARN });
      expect(account.lambda.policyDocument(fn)).toEqual({ Version: '2012-10-17', Id: 'default', Statement: [publicStatement] });
      expect(account.lambda.urlConfig(fn)).toMatchObject({ AuthType: 'NONE', FunctionArn: FUNCTION_ARN });
      expect(account.lambda.listTags(fn)).toEqual({ team: 'orders' });
      expect(account.lambda.getReservedConcurrency(fn)).toBe(10);
      expect(account.lambda.getFunctionConfiguration({ ...fn, qualifier: 'live' })).toMatchObject({ Version: '2', FunctionArn: `${FUNCTION_ARN}:live` });
      expect(account.lambda.urlConfig({ ...fn, qualifier: 'live' })).toMatchObject({ AuthType: 'AWS_IAM', FunctionArn: `${FUNCTION_ARN}:live` });
    });

    it('derives FunctionArn and adds no other field to a minimal configuration', () => {
      const account = InMemoryAccount.fromStateFile(STATE);
      const configuration = account.lambda.getFunctionConfiguration({ kind: 'lambda-function', account: FOREIGN_ACCOUNT, region: 'eu-west-1', functionName: 'minimal' });
      expect(Object.keys(configuration).sort()).toEqual(['FunctionArn', 'FunctionName', 'RevisionId']);
      expect(configuration.FunctionArn).toBe(`arn:aws:lambda:eu-west-1:${FOREIGN_ACCOUNT}:function:minimal`);
    });

    it('accepts an empty file', () => {
      // codeSigningConfigs, logGroups, restApis, httpApis and securityGroups (issue #17) are new sections: an empty file exports them empty too.
      expect(InMemoryAccount.fromStateFile({}).toStateFile()).toEqual({ functions: [], layers: [], roles: [], policies: [], trails: [], eventRules: [], codeSigningConfigs: [], logGroups: [], restApis: [], httpApis: [], securityGroups: [] });
    });
  });

  describe('round trip', () => {
    it('exports what seeding from the export gives again', () => {
      const first = InMemoryAccount.fromStateFile(STATE).toStateFile();
      const second = InMemoryAccount.fromStateFile(first).toStateFile();
      expect(second).toEqual(first);
      expect(first.functions[0]).toMatchObject({ Policy: { Statement: [publicStatement] }, Tags: { team: 'orders' }, ReservedConcurrentExecutions: 10 });
      expect(first.functions[0]?.Qualifiers?.live).toMatchObject({ FunctionVersion: '2', UrlConfig: { AuthType: 'AWS_IAM' } });
      expect(first.layers[0]?.Policy?.Statement).toEqual(parseStateFile(STATE).layers[0]?.Policy?.Statement);
    });

    it('keeps recursion, code signing and code-signing configs (issue #17), and replays their events', () => {
      const csc = `arn:aws:lambda:${REGION}:${ACCOUNT}:code-signing-config:csc-0a1b2c3d4e5f67890`;
      const state: StateFileInput = {
        codeSigningConfigs: [{ Account: ACCOUNT, Region: REGION, CodeSigningConfigArn: csc, CodeSigningPolicies: { UntrustedArtifactOnDeployment: 'Enforce' }, AllowedPublishers: { SigningProfileVersionArns: [] } }],
        functions: [{ Account: ACCOUNT, Region: REGION, Configuration: { FunctionName: FUNCTION_NAME }, RecursiveLoop: 'Allow', CodeSigningConfigArn: csc }],
      };
      const first = InMemoryAccount.fromStateFile(state).toStateFile();
      expect(InMemoryAccount.fromStateFile(first).toStateFile()).toEqual(first);
      expect(first.functions[0]).toMatchObject({ RecursiveLoop: 'Allow', CodeSigningConfigArn: csc });
      expect(first.codeSigningConfigs).toEqual(parseStateFile(state).codeSigningConfigs);
      const account = InMemoryAccount.fromStateFile(state);
      account.replay(lambdaEvent('UpdateCodeSigningConfig', { codeSigningConfigArn: csc, codeSigningPolicies: { untrustedArtifactOnDeployment: 'Warn' } }));
      account.replay(lambdaEvent('PutFunctionRecursionConfig', { functionName: FUNCTION_NAME, recursiveLoop: 'Terminate' }));
      expect(account.lambda.getCodeSigningConfig(csc).CodeSigningPolicies.UntrustedArtifactOnDeployment).toBe('Warn');
      expect(account.lambda.functionsWithCodeSigningConfig(csc)).toEqual([FUNCTION_ARN]);
      account.replay(lambdaEvent('DeleteFunctionCodeSigningConfig', { functionName: FUNCTION_ARN }));
      expect(account.toStateFile().functions[0]).not.toHaveProperty('CodeSigningConfigArn');
      expect(account.toStateFile().functions[0]).not.toHaveProperty('RecursiveLoop');
    });

    it('keeps security groups and their egress rules (issue #17 rule 5): the default rule when none are listed, exactly the listed ones otherwise', () => {
      const state: StateFileInput = {
        securityGroups: [
          { Account: ACCOUNT, Region: REGION, GroupId: 'sg-0f1e2d3c4b5a69788', GroupName: 'narrowed', VpcId: 'vpc-0a1b2c3d', Tags: [{ Key: 'team', Value: 'orders' }], EgressRules: [{ SecurityGroupRuleId: 'sgr-0aa11bb22cc33dd44', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIpv4: '10.20.0.0/16' }] },
          { Account: ACCOUNT, Region: REGION, GroupId: 'sg-0123456789abcdef0', GroupName: 'fresh' },
        ],
      };
      const first = InMemoryAccount.fromStateFile(state).toStateFile();
      expect(InMemoryAccount.fromStateFile(first).toStateFile()).toEqual(first);
      expect(first.securityGroups.map((g) => [g.GroupName, g.EgressRules?.map((r) => [r.IpProtocol, r.CidrIpv4])])).toEqual([
        ['narrowed', [['tcp', '10.20.0.0/16']]],
        ['fresh', [['-1', '0.0.0.0/0']]],
      ]);
      expect(first.securityGroups[0]).toMatchObject({ VpcId: 'vpc-0a1b2c3d', Tags: [{ Key: 'team', Value: 'orders' }], EgressRules: [{ SecurityGroupRuleId: 'sgr-0aa11bb22cc33dd44' }] });
      expect(() => parseStateFile({ securityGroups: [{ Account: ACCOUNT, Region: REGION, GroupId: 'orders', GroupName: 'x' }] })).toThrow(/securityGroups\.0\.GroupId/);
      expect(() => parseStateFile({ securityGroups: [{ Account: ACCOUNT, Region: REGION, GroupId: 'sg-0123456789abcdef0', GroupName: 'x', EgressRules: [{ IpProtocol: '-1', CidrIP: '0.0.0.0/0' }] }] })).toThrow(/securityGroups\.0\.EgressRules\.0/);
    });

    it('rejects a function naming a code-signing config the file does not hold, naming the field', () => {
      const csc = `arn:aws:lambda:${REGION}:${ACCOUNT}:code-signing-config:csc-0a1b2c3d4e5f67890`;
      expect(() => parseStateFile({ functions: [{ Account: ACCOUNT, Region: REGION, Configuration: { FunctionName: FUNCTION_NAME }, CodeSigningConfigArn: csc }] })).toThrow(/functions\.0\.CodeSigningConfigArn/);
      expect(() => parseStateFile({ functions: [{ Account: ACCOUNT, Region: REGION, Configuration: { FunctionName: FUNCTION_NAME }, RecursiveLoop: 'Sometimes' }] })).toThrow(/functions\.0\.RecursiveLoop/);
    });

    it('exports the changes replayed events made', () => {
      const account = InMemoryAccount.fromStateFile(STATE);
      account.replay(lambdaEvent('AddPermission', { functionName: 'new-function', statementId: 'x', action: 'lambda:InvokeFunction', principal: FOREIGN_ACCOUNT }));
      account.replay(lambdaEvent('RemovePermission', { functionName: FUNCTION_NAME, statementId: 'public' }));
      const exported = account.toStateFile();
      expect(exported.functions.map((f) => [f.Configuration.FunctionName, f.Policy?.Statement])).toEqual([
        [FUNCTION_NAME, undefined],
        ['minimal', undefined],
        ['new-function', [expect.objectContaining({ Sid: 'x', Principal: { AWS: `arn:aws:iam::${FOREIGN_ACCOUNT}:root` } })]],
      ]);
      expect(InMemoryAccount.fromStateFile(exported).toStateFile()).toEqual(exported);
    });
  });

  describe('validation', () => {
    const valid = (): { functions: Record<string, unknown>[]; layers: Record<string, unknown>[] } => structuredClone(STATE) as never;

    it.each<[string, (state: ReturnType<typeof valid>) => unknown, string]>([
      ['a missing FunctionName', () => ({ functions: [{ Account: ACCOUNT, Region: REGION, Configuration: {} }] }), 'functions.0.Configuration.FunctionName'],
      ['an ARN as FunctionName', () => ({ functions: [{ Account: ACCOUNT, Region: REGION, Configuration: { FunctionName: FUNCTION_ARN } }] }), 'functions.0.Configuration.FunctionName'],
      ['a short account id', () => ({ functions: [{ Account: '1234', Region: REGION, Configuration: { FunctionName: 'f' } }] }), 'functions.0.Account'],
      ['a bad region', () => ({ functions: [{ Account: ACCOUNT, Region: 'Virginia', Configuration: { FunctionName: 'f' } }] }), 'functions.0.Region'],
      ['a statement without Effect', (s) => ({ functions: [{ ...s.functions[0], Policy: { Statement: [{ Sid: 'x', Principal: '*' }] } }] }), 'functions.0.Policy.Statement'],
      // GetPolicy's JSON text is accepted since issue #13 (gap 7); text that is not a policy is not.
      ['a policy as text that is not JSON', (s) => ({ functions: [{ ...s.functions[0], Policy: '{"Statement": [' }] }), 'functions.0.Policy'],
      ['a policy as JSON text of something else', (s) => ({ functions: [{ ...s.functions[0], Policy: JSON.stringify({ Statements: [publicStatement] }) }] }), 'functions.0.Policy.Statement'],
      ['an unknown auth type', (s) => ({ functions: [{ ...s.functions[0], UrlConfig: { AuthType: 'OPEN' } }] }), 'functions.0.UrlConfig.AuthType'],
      ['a misspelt field', (s) => ({ functions: [{ ...s.functions[0], Polciy: null }] }), 'functions.0'],
      ['a FunctionArn of another function', () => ({ functions: [{ Account: ACCOUNT, Region: REGION, Configuration: { FunctionName: 'a', FunctionArn: FUNCTION_ARN } }] }), 'functions.0.Configuration.FunctionArn'],
      ['a duplicate function', () => ({ functions: [{ Account: ACCOUNT, Region: REGION, Configuration: { FunctionName: 'a' } }, { Account: ACCOUNT, Region: REGION, Configuration: { FunctionName: 'a' } }] }), 'functions.1.Configuration.FunctionName'],
      ['non-string tags', (s) => ({ functions: [{ ...s.functions[0], Tags: { n: 1 } }] }), 'functions.0.Tags.n'],
      ['a layer ARN without version', (s) => ({ layers: [{ ...s.layers[0], LayerVersionArn: LAYER_ARN }] }), 'layers.0.LayerVersionArn'],
      ['a layer of another account', (s) => ({ layers: [{ ...s.layers[0], Account: FOREIGN_ACCOUNT }] }), 'layers.0.LayerVersionArn'],
      ['functions that are not a list', () => ({ functions: {} }), 'functions'],
    ])('rejects %s, naming the field', (_case, build, field) => {
      const run = (): unknown => parseStateFile(build(valid()));
      expect(run).toThrow(InvalidStateError);
      expect(run).toThrow(field);
    });

    it('lets other sections through for other parts of the account', () => {
      expect(parseStateFile({ buckets: [{ Name: 'x' }] })).toMatchObject({ functions: [], layers: [], buckets: [{ Name: 'x' }] });
    });

    it('validates the roles section (issue #4) in GetRole’s shape', () => {
      expect(() => parseStateFile({ roles: [{ RoleName: 'x' }] })).toThrow(/roles\.0\.Account/);
    });
  });

  describe('loadStateFile', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'warden-state-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('reads and validates a file', async () => {
      const path = join(dir, 'state.json');
      await writeFile(path, JSON.stringify(STATE));
      expect((await loadStateFile(path)).functions.map((f) => f.Configuration.FunctionName)).toEqual([FUNCTION_NAME, 'minimal']);
    });

    it.each([
      ['a missing file', 'missing.json', null, /Cannot read state file .*missing\.json \(ENOENT\)/],
      ['a file that is not JSON', 'broken.json', '{"functions": [', /is not valid JSON/],
      ['an invalid file', 'invalid.json', '{"functions": [{"Account": "1"}]}', /invalid\.json: Invalid state file: functions\.0\.Account/],
    ])('rejects %s with InvalidStateError', async (_case, name, content, message) => {
      const path = join(dir, name);
      if (content !== null) await writeFile(path, content);
      const error = await loadStateFile(path).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidStateError);
      expect((error as Error).message).toMatch(message);
    });
  });
});
