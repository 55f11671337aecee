import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { LAMBDA_READ_PERMISSIONS, LAMBDA_THREAT_READ_PERMISSIONS, LambdaStateReader } from '../../../../functions/shared/aws/lambda-state-reader';
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
    await reader.readFunction({ kind: 'lambda-function', account: ACCOUNT, region: 'us-east-1', functionName: 'orders-api' }, ['configuration', 'policy', 'urlConfig', 'tags']);
    await reader.readLayerVersion({ kind: 'lambda-layer-version', account: ACCOUNT, region: 'us-east-1', layerName: 'orders-common', version: 3 });
    const sent = [...new Set(handle.calls.map((c) => `lambda:${c.command}`))].sort();
    expect(sent).toEqual([...LAMBDA_READ_PERMISSIONS].sort());
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
