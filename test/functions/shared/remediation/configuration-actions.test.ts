import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { removeFunctionEnvVariables } from '../../../../functions/shared/remediation/actions/remove-function-env-variables';
import { restoreFunctionLayers } from '../../../../functions/shared/remediation/actions/restore-function-layers';
import { InMemoryAccount } from '../../../../sim/in-memory-account';
import { installLambdaMock, type LambdaMockHandle } from '../../../../sim/lambda-mock';
import { ACCOUNT, FOREIGN_ACCOUNT, FUNCTION_ARN, FUNCTION_NAME, REGION } from '../../../fixtures/accounts';
import { createFunctionEvent } from '../../../fixtures/function-configuration';

const REF = { kind: 'lambda-function', account: ACCOUNT, region: REGION, functionName: FUNCTION_NAME } as const;
const DB_URL = 'postgres://orders:Zq8tLw2vN5pRmQ4x@db.internal:5432/orders';
const OWN = 'arn:aws:lambda:us-east-1:111122223333:layer:orders-common:3';
const FOREIGN = `arn:aws:lambda:us-east-1:${FOREIGN_ACCOUNT}:layer:perf-monitor:1`;

let lambda: LambdaMockHandle | undefined;
afterEach(() => lambda?.mock.restore());

function setup(layers?: string[]): { account: InMemoryAccount; client: LambdaClient; mock: LambdaMockHandle } {
  const account = new InMemoryAccount({ defaultAccount: ACCOUNT, defaultRegion: REGION });
  account.replay(createFunctionEvent(layers === undefined ? {} : { layers }));
  lambda = installLambdaMock(account, mockClient(LambdaClient));
  return { account, client: new LambdaClient({ region: REGION }), mock: lambda };
}

describe('remove-function-env-variables', () => {
  it('removes the flagged variables, keeps the others, and is idempotent', async () => {
    const { account, client, mock } = setup();
    account.lambda.updateFunctionConfiguration(REF, { Environment: { Variables: { DATABASE_URL: DB_URL, LOG_LEVEL: 'debug' } } });
    const params = removeFunctionEnvVariables.paramsSchema.parse({ functionName: FUNCTION_ARN, variableNames: 'DATABASE_URL' });
    expect(await removeFunctionEnvVariables.execute({ lambda: client }, params)).toMatchObject({ status: 'remediated', verified: true });
    expect(account.lambda.getFunctionConfiguration(REF).Environment?.Variables).toEqual({ LOG_LEVEL: 'debug' });
    expect((await removeFunctionEnvVariables.execute({ lambda: client }, params)).status).toBe('already-compliant');
    const sent = [...new Set(mock.calls.map((c) => `lambda:${c.command}`))];
    expect(sent.filter((p) => !removeFunctionEnvVariables.permissions.includes(p))).toEqual([]);
    expect(mock.callsOf('UpdateFunctionConfiguration')[0]?.input).toMatchObject({ RevisionId: expect.any(String) as string });
  });

  it('keeps a named variable that now holds a reference instead of the secret', async () => {
    const { account, client } = setup();
    account.lambda.updateFunctionConfiguration(REF, { Environment: { Variables: { DATABASE_URL: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:orders-db-AbCdEf' } } });
    const params = removeFunctionEnvVariables.paramsSchema.parse({ functionName: FUNCTION_ARN, variableNames: 'DATABASE_URL' });
    expect((await removeFunctionEnvVariables.execute({ lambda: client }, params)).status).toBe('already-compliant');
  });

  it('rejects parameters that are not variable names', () => {
    expect(removeFunctionEnvVariables.paramsSchema.safeParse({ functionName: FUNCTION_ARN, variableNames: 'A=secret' }).success).toBe(false);
  });

  it('reports a function that no longer exists as already compliant', async () => {
    const { client } = setup();
    const params = removeFunctionEnvVariables.paramsSchema.parse({ functionName: FUNCTION_ARN.replace(FUNCTION_NAME, 'gone'), variableNames: 'X' });
    expect((await removeFunctionEnvVariables.execute({ lambda: client }, params)).status).toBe('already-compliant');
  });
});

describe('restore-function-layers', () => {
  it('sets the layers to the given list and verifies the foreign one is gone', async () => {
    const { account, client, mock } = setup([OWN, FOREIGN]);
    const params = restoreFunctionLayers.paramsSchema.parse({ functionName: FUNCTION_ARN, layers: OWN, foreignLayers: FOREIGN });
    expect(await restoreFunctionLayers.execute({ lambda: client }, params)).toMatchObject({ status: 'remediated', verified: true });
    expect(account.lambda.getFunctionConfiguration(REF).Layers?.map((l) => l.Arn)).toEqual([OWN]);
    expect((await restoreFunctionLayers.execute({ lambda: client }, params)).status).toBe('already-compliant');
    const sent = [...new Set(mock.calls.map((c) => `lambda:${c.command}`))];
    expect(sent.filter((p) => !restoreFunctionLayers.permissions.includes(p))).toEqual([]);
  });

  it('removes every layer when the list is empty', async () => {
    const { account, client } = setup([FOREIGN]);
    const params = restoreFunctionLayers.paramsSchema.parse({ functionName: FUNCTION_ARN, layers: '', foreignLayers: FOREIGN });
    expect((await restoreFunctionLayers.execute({ lambda: client }, params)).status).toBe('remediated');
    expect(account.lambda.getFunctionConfiguration(REF).Layers ?? []).toEqual([]);
  });
});
