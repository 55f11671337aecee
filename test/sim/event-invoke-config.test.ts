import {
  DeleteFunctionEventInvokeConfigCommand,
  GetFunctionConfigurationCommand,
  GetFunctionEventInvokeConfigCommand,
  LambdaClient,
  PutFunctionEventInvokeConfigCommand,
  UpdateFunctionConfigurationCommand,
  UpdateFunctionEventInvokeConfigCommand,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryAccount } from '../../sim/in-memory-account';
import { installLambdaMock, type LambdaMockHandle } from '../../sim/lambda-mock';
import { ACCOUNT, FOREIGN_ACCOUNT, FUNCTION_ARN, FUNCTION_NAME, ORG_ACCOUNT, REGION } from '../fixtures/accounts';
import { lambdaEvent } from '../fixtures/cloudtrail';
import { putFunctionEventInvokeConfigEvent, updateFunctionEventInvokeConfigEvent } from '../fixtures/event-invoke-config';
import { createFunctionEvent, updateFunctionConfigurationEvent } from '../fixtures/function-configuration';

const REF = { kind: 'lambda-function', account: ACCOUNT, region: REGION, functionName: FUNCTION_NAME } as const;
const QUEUE = `arn:aws:sqs:${REGION}:${FOREIGN_ACCOUNT}:collector`;
const BUS = `arn:aws:events:${REGION}:${ORG_ACCOUNT}:event-bus/central-audit`;

function account(): InMemoryAccount {
  const a = new InMemoryAccount({ defaultAccount: ACCOUNT, defaultRegion: REGION });
  a.replay(createFunctionEvent());
  return a;
}

let lambda: LambdaMockHandle | undefined;
afterEach(() => lambda?.mock.restore());

describe('asynchronous invocation configs in the in-memory account', () => {
  it('applies Put (replace), Update (only the settings given) and Delete from CloudTrail, per qualifier', () => {
    const a = account();
    a.lambda.putAlias(REF, 'live');
    expect(a.replay(putFunctionEventInvokeConfigEvent({ onSuccess: BUS, onFailure: QUEUE, maximumRetryAttempts: 1 })).applied).toBe(true);
    expect(a.lambda.eventInvokeConfig(REF)).toMatchObject({ MaximumRetryAttempts: 1, DestinationConfig: { OnSuccess: { Destination: BUS }, OnFailure: { Destination: QUEUE } } });
    a.replay(updateFunctionEventInvokeConfigEvent({ maximumEventAgeInSeconds: 600 }));
    expect(a.lambda.eventInvokeConfig(REF)).toMatchObject({ MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 600, DestinationConfig: { OnFailure: { Destination: QUEUE } } });
    a.replay(putFunctionEventInvokeConfigEvent({ onSuccess: BUS }));
    expect(a.lambda.eventInvokeConfig(REF)).toEqual(expect.objectContaining({ DestinationConfig: { OnSuccess: { Destination: BUS }, OnFailure: {} } }));
    expect(a.lambda.eventInvokeConfig(REF)?.MaximumRetryAttempts).toBeUndefined();
    expect(a.lambda.eventInvokeConfig({ ...REF, qualifier: 'live' })).toBeNull();
    a.replay(putFunctionEventInvokeConfigEvent({ functionName: `${FUNCTION_NAME}:live`, onFailure: QUEUE }));
    expect(a.lambda.eventInvokeConfig({ ...REF, qualifier: 'live' })?.DestinationConfig?.OnFailure?.Destination).toBe(QUEUE);
    a.replay(lambdaEvent('DeleteFunctionEventInvokeConfig', { functionName: FUNCTION_NAME }));
    expect(a.lambda.eventInvokeConfig(REF)).toBeNull();
    expect(a.lambda.eventInvokeConfig({ ...REF, qualifier: 'live' })).not.toBeNull();
  });

  it('keeps the configs through the state file, for the function and each qualifier', () => {
    const a = account();
    a.lambda.putAlias(REF, 'live');
    a.replay(putFunctionEventInvokeConfigEvent({ onFailure: QUEUE, maximumRetryAttempts: 0 }));
    a.replay(putFunctionEventInvokeConfigEvent({ qualifier: 'live', onSuccess: BUS }));
    a.replay(updateFunctionConfigurationEvent({ deadLetterConfig: { targetArn: QUEUE } }));
    const state = a.toStateFile();
    expect(state.functions[0]?.EventInvokeConfig?.DestinationConfig?.OnFailure?.Destination).toBe(QUEUE);
    expect(state.functions[0]?.Qualifiers?.live?.EventInvokeConfig?.DestinationConfig?.OnSuccess?.Destination).toBe(BUS);
    expect(state.functions[0]?.Configuration.DeadLetterConfig).toEqual({ TargetArn: QUEUE });
    const again = InMemoryAccount.fromStateFile(JSON.parse(JSON.stringify(state)));
    expect(again.toStateFile()).toEqual(state);
  });

  it('answers the SDK commands, with Lambda’s errors', async () => {
    const a = account();
    lambda = installLambdaMock(a, mockClient(LambdaClient));
    const client = new LambdaClient({ region: REGION });
    await expect(client.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: FUNCTION_ARN }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(client.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: FUNCTION_ARN, MaximumRetryAttempts: 0 }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(client.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: FUNCTION_ARN, DestinationConfig: { OnFailure: { Destination: 'collector' } } }))).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
    await client.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: FUNCTION_ARN, MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: QUEUE } } }));
    await client.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: FUNCTION_ARN, DestinationConfig: { OnSuccess: { Destination: BUS } } }));
    const out = await client.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: FUNCTION_ARN }));
    expect(out).toMatchObject({ FunctionArn: FUNCTION_ARN, MaximumRetryAttempts: 2, DestinationConfig: { OnSuccess: { Destination: BUS }, OnFailure: { Destination: QUEUE } } });
    expect(out.LastModified).toBeInstanceOf(Date);
    await client.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: FUNCTION_ARN }));
    expect(a.lambda.eventInvokeConfig(REF)).toBeNull();
  });

  it('removes a dead-letter queue on DeadLetterConfig.TargetArn "" and leaves it on a DeadLetterConfig without TargetArn', async () => {
    const a = account();
    lambda = installLambdaMock(a, mockClient(LambdaClient));
    const client = new LambdaClient({ region: REGION });
    await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: FUNCTION_ARN, DeadLetterConfig: { TargetArn: QUEUE } }));
    await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: FUNCTION_ARN, DeadLetterConfig: {} }));
    expect((await client.send(new GetFunctionConfigurationCommand({ FunctionName: FUNCTION_ARN }))).DeadLetterConfig).toEqual({ TargetArn: QUEUE });
    await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: FUNCTION_ARN, DeadLetterConfig: { TargetArn: '' } }));
    expect((await client.send(new GetFunctionConfigurationCommand({ FunctionName: FUNCTION_ARN }))).DeadLetterConfig).toBeUndefined();
  });
});
