import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { LAMBDA_LOG_GROUP_READ_PERMISSIONS, LAMBDA_READ_PERMISSIONS, LAMBDA_SETTINGS_READ_PERMISSIONS, LAMBDA_THREAT_READ_PERMISSIONS, LambdaStateReader } from '../../../../functions/shared/aws/lambda-state-reader';
import { LOGS_READ_PERMISSIONS } from '../../../../functions/shared/aws/logs-state-reader';
import { installLogsMock } from '../../../../sim/in-memory-logs';
import { InMemoryAccount } from '../../../../sim/in-memory-account';
import { installLambdaMock, type LambdaMockHandle } from '../../../../sim/lambda-mock';
import { ACCOUNT } from '../../../fixtures/accounts';
import { addLayerVersionPermissionEvent, addPermissionEvent, createFunctionUrlConfigEvent } from '../../../fixtures/cloudtrail';

let handle: LambdaMockHandle | undefined;
afterEach(() => handle?.mock.restore());

describe('LambdaStateReader permissions', () => {
  it('sends only commands covered by LAMBDA_READ_PERMISSIONS, and needs each of them', async () => {
    const account = new InMemoryAccount({ defaultAccount: ACCOUNT });
    for (const e of [addPermissionEvent({ statementId: 's', principal: '*' }), createFunctionUrlConfigEvent({ authType: 'NONE' }), addLayerVersionPermissionEvent({ statementId: 'l', principal: '*' })]) {
      account.replay(e);
    }
    handle = installLambdaMock(account, mockClient(LambdaClient));
    const reader = new LambdaStateReader(() => new LambdaClient({ region: 'us-east-1' }));
    await reader.readFunction({ kind: 'lambda-function', account: ACCOUNT, region: 'us-east-1', functionName: 'orders-api' }, ['configuration', 'policy', 'urlConfig', 'tags', 'eventInvokeConfig']);
    await reader.readLayerVersion({ kind: 'lambda-layer-version', account: ACCOUNT, region: 'us-east-1', layerName: 'orders-common', version: 3 });
    const sent = [...new Set(handle.calls.map((c) => `lambda:${c.command}`))].sort();
    expect(sent).toEqual([...LAMBDA_READ_PERMISSIONS].sort());
  });

  it('reads recursion, reserved concurrency and code signing with LAMBDA_SETTINGS_READ_PERMISSIONS only, as the in-memory reader sees them', async () => {
    const csc = `arn:aws:lambda:us-east-1:${ACCOUNT}:code-signing-config:csc-0a1b2c3d4e5f67890`;
    const account = InMemoryAccount.fromStateFile(
      {
        codeSigningConfigs: [{ Account: ACCOUNT, Region: 'us-east-1', CodeSigningConfigArn: csc, CodeSigningPolicies: { UntrustedArtifactOnDeployment: 'Warn' } }],
        functions: [{ Account: ACCOUNT, Region: 'us-east-1', Configuration: { FunctionName: 'orders-api' }, RecursiveLoop: 'Allow', ReservedConcurrentExecutions: 0, CodeSigningConfigArn: csc }],
      },
      { defaultAccount: ACCOUNT },
    );
    handle = installLambdaMock(account, mockClient(LambdaClient));
    const reader = new LambdaStateReader(() => new LambdaClient({ region: 'us-east-1' }));
    const ref = { kind: 'lambda-function', account: ACCOUNT, region: 'us-east-1', functionName: 'orders-api' } as const;
    const parts = ['recursion', 'concurrency', 'codeSigning'] as const;
    const snapshot = await reader.readFunction(ref, parts);
    expect(snapshot).toMatchObject({ recursiveLoop: 'Allow', reservedConcurrency: 0, codeSigning: { codeSigningConfigArn: csc, untrustedArtifactOnDeployment: 'Warn' } });
    const inMemory = await account.reader().readFunction(ref, parts);
    expect({ recursiveLoop: inMemory.recursiveLoop, reservedConcurrency: inMemory.reservedConcurrency, codeSigning: inMemory.codeSigning }).toEqual({
      recursiveLoop: snapshot.recursiveLoop,
      reservedConcurrency: snapshot.reservedConcurrency,
      codeSigning: snapshot.codeSigning,
    });
    expect(await reader.functionsWithCodeSigningConfig(ACCOUNT, 'us-east-1', csc)).toEqual([ref]);
    expect(await account.reader().functionsWithCodeSigningConfig?.(ACCOUNT, 'us-east-1', csc)).toEqual([ref]);
    expect([...new Set(handle.calls.map((c) => `lambda:${c.command}`))].sort()).toEqual([...LAMBDA_SETTINGS_READ_PERMISSIONS].sort());
    account.lambda.deleteFunctionCodeSigningConfig(ref);
    account.lambda.deleteFunctionConcurrency(ref);
    // No reservation left reads 'none'; null is kept for a function that is gone.
    expect(await reader.readFunction(ref, parts)).toMatchObject({ recursiveLoop: 'Allow', reservedConcurrency: 'none', codeSigning: null });
    expect(await reader.readFunction({ ...ref, functionName: 'gone' }, parts)).toMatchObject({ recursiveLoop: null, reservedConcurrency: null, codeSigning: null });
  });

  it('sends for the runtime-threat parts only commands covered by LAMBDA_THREAT_READ_PERMISSIONS, and needs each of them', async () => {
    const account = new InMemoryAccount({ defaultAccount: ACCOUNT });
    account.replay(addPermissionEvent({ statementId: 's', principal: '*' }));
    handle = installLambdaMock(account, mockClient(LambdaClient));
    const reader = new LambdaStateReader(() => new LambdaClient({ region: 'us-east-1' }));
    const snapshot = await reader.readFunction({ kind: 'lambda-function', account: ACCOUNT, region: 'us-east-1', functionName: 'orders-api' }, ['concurrency', 'eventSourceMappings']);
    expect(snapshot).toMatchObject({ reservedConcurrency: 'none', eventSourceMappings: [] });
    const sent = [...new Set(handle.calls.map((c) => `lambda:${c.command}`))].sort();
    expect(sent).toEqual([...LAMBDA_THREAT_READ_PERMISSIONS].sort());
  });
});

describe('LambdaStateReader log groups (issue #17)', () => {
  let logs: ReturnType<typeof installLogsMock> | undefined;
  afterEach(() => logs?.mock.restore());

  it('reads the group a function logs to with LOGS_READ_PERMISSIONS only, as the in-memory reader sees it, and finds a custom group’s functions with ListFunctions', async () => {
    const ref = { kind: 'lambda-function', account: ACCOUNT, region: 'us-east-1', functionName: 'orders-api' } as const;
    const account = InMemoryAccount.fromStateFile(
      {
        functions: [
          { Account: ACCOUNT, Region: 'us-east-1', Configuration: { FunctionName: 'orders-api' } },
          { Account: ACCOUNT, Region: 'us-east-1', Configuration: { FunctionName: 'orders-worker', LoggingConfig: { LogFormat: 'JSON', LogGroup: '/org/orders' } } },
          { Account: '222233334444', Region: 'us-east-1', Configuration: { FunctionName: 'elsewhere', LoggingConfig: { LogFormat: 'JSON', LogGroup: '/org/orders' } } },
        ],
        logGroups: [
          { Account: ACCOUNT, Region: 'us-east-1', LogGroup: { logGroupName: '/aws/lambda/orders-api', retentionInDays: 7, creationTime: 1_700_000_000_000 } },
          { Account: ACCOUNT, Region: 'us-east-1', LogGroup: { logGroupName: '/aws/lambda/orders-api-v2', creationTime: 1_700_000_000_000 } },
          { Account: ACCOUNT, Region: 'us-east-1', LogGroup: { logGroupName: '/org/orders', retentionInDays: 3653, creationTime: 1_700_000_000_000 } },
        ],
      },
      { defaultAccount: ACCOUNT },
    );
    handle = installLambdaMock(account, mockClient(LambdaClient));
    logs = installLogsMock(account.logs, ACCOUNT);
    const reader = new LambdaStateReader(() => new LambdaClient({ region: 'us-east-1' }), { logsFor: () => new CloudWatchLogsClient({ region: 'us-east-1' }) });
    const own = await reader.readFunction(ref, ['logGroup']);
    expect(own.logGroup).toEqual({ logGroupName: '/aws/lambda/orders-api', group: { retentionInDays: 7, creationTime: 1_700_000_000_000 } });
    expect(own.configuration).toBeUndefined();
    const custom = await reader.readFunction({ ...ref, functionName: 'orders-worker' }, ['logGroup', 'configuration']);
    expect(custom.logGroup).toEqual({ logGroupName: '/org/orders', group: { retentionInDays: 3653, creationTime: 1_700_000_000_000 } });
    for (const name of ['orders-api', 'orders-worker', 'gone']) {
      const viaSdk = await reader.readFunction({ ...ref, functionName: name }, ['logGroup']);
      expect((await account.reader().readFunction({ ...ref, functionName: name }, ['logGroup'])).logGroup).toEqual(viaSdk.logGroup);
    }
    // Deleted: the sibling with the same prefix is not taken for it.
    account.logs.deleteLogGroup({ account: ACCOUNT, region: 'us-east-1', logGroupName: '/aws/lambda/orders-api' });
    expect((await reader.readFunction(ref, ['logGroup'])).logGroup).toEqual({ logGroupName: '/aws/lambda/orders-api', group: null });
    expect((await reader.readFunction({ ...ref, functionName: 'gone' }, ['logGroup'])).logGroup).toBeNull();
    expect(await reader.functionsWithLogGroup(ACCOUNT, 'us-east-1', '/org/orders')).toEqual([{ ...ref, functionName: 'orders-worker', qualifier: undefined }]);
    expect(await account.reader().functionsWithLogGroup?.(ACCOUNT, 'us-east-1', '/org/orders')).toEqual([{ ...ref, functionName: 'orders-worker' }]);
    expect([...new Set(logs.calls.map((c) => `logs:${c.command}`))]).toEqual([...LOGS_READ_PERMISSIONS]);
    expect([...new Set(handle.calls.map((c) => `lambda:${c.command}`))].sort()).toEqual(['lambda:GetFunctionConfiguration', ...LAMBDA_LOG_GROUP_READ_PERMISSIONS].sort());
  });

  it('leaves the log group unread without CloudWatch Logs clients', async () => {
    const account = new InMemoryAccount({ defaultAccount: ACCOUNT });
    account.replay(addPermissionEvent({ statementId: 's', principal: '*' }));
    handle = installLambdaMock(account, mockClient(LambdaClient));
    const reader = new LambdaStateReader(() => new LambdaClient({ region: 'us-east-1' }));
    expect((await reader.readFunction({ kind: 'lambda-function', account: ACCOUNT, region: 'us-east-1', functionName: 'orders-api' }, ['logGroup'])).logGroup).toBeUndefined();
    expect(handle.calls).toEqual([]);
  });
});

describe('LambdaStateReader log group failures (issue #17)', () => {
  let logs: ReturnType<typeof installLogsMock> | undefined;
  afterEach(() => logs?.mock.restore());

  it('fails the read with a StateReadError naming the group when CloudWatch Logs refuses, or when no Logs client can be had', async () => {
    const account = InMemoryAccount.fromStateFile({ functions: [{ Account: ACCOUNT, Region: 'us-east-1', Configuration: { FunctionName: 'orders-api' } }] }, { defaultAccount: ACCOUNT });
    handle = installLambdaMock(account, mockClient(LambdaClient));
    logs = installLogsMock(account.logs, ACCOUNT);
    logs.mock.on(DescribeLogGroupsCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    const ref = { kind: 'lambda-function', account: ACCOUNT, region: 'us-east-1', functionName: 'orders-api' } as const;
    const refused = new LambdaStateReader(() => new LambdaClient({ region: 'us-east-1' }), { logsFor: () => new CloudWatchLogsClient({ region: 'us-east-1' }) });
    await expect(refused.readFunction(ref, ['logGroup'])).rejects.toThrow('Reading the log group /aws/lambda/orders-api failed: AccessDeniedException');
    const noClient = new LambdaStateReader(() => new LambdaClient({ region: 'us-east-1' }), { logsFor: () => Promise.reject(new Error('AssumeRole refused')) });
    await expect(noClient.readFunction(ref, ['logGroup'])).rejects.toThrow('AssumeRole refused');
  });
});
