import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { removeFunctionDeadLetterQueue } from '../../../../functions/shared/remediation/actions/remove-function-dead-letter-queue';
import { removeFunctionDestination } from '../../../../functions/shared/remediation/actions/remove-function-destination';
import { InMemoryAccount } from '../../../../sim/in-memory-account';
import { installLambdaMock, type LambdaMockHandle } from '../../../../sim/lambda-mock';
import { ACCOUNT, FOREIGN_ACCOUNT, FUNCTION_ARN, FUNCTION_NAME, ORG_ACCOUNT, REGION } from '../../../fixtures/accounts';
import { createFunctionEvent } from '../../../fixtures/function-configuration';

const REF = { kind: 'lambda-function', account: ACCOUNT, region: REGION, functionName: FUNCTION_NAME } as const;
const FOREIGN = `arn:aws:sqs:${REGION}:${FOREIGN_ACCOUNT}:collector`;
const ORG = `arn:aws:events:${REGION}:${ORG_ACCOUNT}:event-bus/central-audit`;

let lambda: LambdaMockHandle | undefined;
afterEach(() => lambda?.mock.restore());

function setup(): { account: InMemoryAccount; client: LambdaClient; mock: LambdaMockHandle } {
  const account = new InMemoryAccount({ defaultAccount: ACCOUNT, defaultRegion: REGION });
  account.replay(createFunctionEvent());
  lambda = installLambdaMock(account, mockClient(LambdaClient));
  return { account, client: new LambdaClient({ region: REGION }), mock: lambda };
}

describe('remove-function-destination', () => {
  it('removes only the judged destination of the named alias, keeps the other and the retry settings, and is idempotent', async () => {
    const { account, client, mock } = setup();
    account.lambda.putAlias(REF, 'live');
    const live = { ...REF, qualifier: 'live' };
    account.lambda.setEventInvokeConfig(live, { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 900, DestinationConfig: { OnSuccess: { Destination: FOREIGN }, OnFailure: { Destination: ORG } } });
    account.lambda.setEventInvokeConfig(REF, { DestinationConfig: { OnSuccess: { Destination: FOREIGN } } });
    const params = removeFunctionDestination.paramsSchema.parse({ functionName: FUNCTION_ARN, qualifier: 'live', destination: 'OnSuccess', targetArn: FOREIGN });
    expect(await removeFunctionDestination.execute({ lambda: client }, params)).toMatchObject({ status: 'remediated', verified: true });
    expect(account.lambda.eventInvokeConfig(live)).toMatchObject({ MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 900, DestinationConfig: { OnSuccess: {}, OnFailure: { Destination: ORG } } });
    expect(account.lambda.eventInvokeConfig(REF)?.DestinationConfig?.OnSuccess?.Destination).toBe(FOREIGN);
    expect((await removeFunctionDestination.execute({ lambda: client }, params)).status).toBe('already-compliant');
    const sent = [...new Set(mock.calls.map((c) => `lambda:${c.command}`))];
    expect(sent.filter((p) => !removeFunctionDestination.permissions.includes(p))).toEqual([]);
    expect(mock.callsOf('PutFunctionEventInvokeConfig')).toHaveLength(1);
  });

  it('changes nothing when the destination was replaced since the finding, or the config is gone', async () => {
    const { account, client, mock } = setup();
    account.lambda.setEventInvokeConfig(REF, { DestinationConfig: { OnFailure: { Destination: ORG } } });
    const params = removeFunctionDestination.paramsSchema.parse({ functionName: FUNCTION_ARN, destination: 'OnFailure', targetArn: FOREIGN });
    expect((await removeFunctionDestination.execute({ lambda: client }, params)).status).toBe('already-compliant');
    account.lambda.setEventInvokeConfig(REF, null);
    expect((await removeFunctionDestination.execute({ lambda: client }, params)).status).toBe('already-compliant');
    expect(mock.callsOf('PutFunctionEventInvokeConfig')).toHaveLength(0);
  });

  it('rejects a destination side that does not exist', () => {
    expect(removeFunctionDestination.paramsSchema.safeParse({ functionName: FUNCTION_ARN, destination: 'OnTimeout', targetArn: FOREIGN }).success).toBe(false);
  });
});

describe('remove-function-dead-letter-queue', () => {
  it('removes the judged dead-letter queue guarded by the revision id, and is idempotent', async () => {
    const { account, client, mock } = setup();
    account.lambda.updateFunctionConfiguration(REF, { DeadLetterConfig: { TargetArn: FOREIGN } });
    const params = removeFunctionDeadLetterQueue.paramsSchema.parse({ functionName: FUNCTION_ARN, targetArn: FOREIGN });
    expect(await removeFunctionDeadLetterQueue.execute({ lambda: client }, params)).toMatchObject({ status: 'remediated', verified: true });
    expect(account.lambda.getFunctionConfiguration(REF).DeadLetterConfig).toBeUndefined();
    expect(mock.callsOf('UpdateFunctionConfiguration')[0]?.input).toMatchObject({ DeadLetterConfig: { TargetArn: '' }, RevisionId: expect.any(String) as string });
    expect((await removeFunctionDeadLetterQueue.execute({ lambda: client }, params)).status).toBe('already-compliant');
    const sent = [...new Set(mock.calls.map((c) => `lambda:${c.command}`))];
    expect(sent.filter((p) => !removeFunctionDeadLetterQueue.permissions.includes(p))).toEqual([]);
  });

  it('leaves a dead-letter queue that was changed since the finding', async () => {
    const { account, client } = setup();
    const own = `arn:aws:sqs:${REGION}:${ACCOUNT}:orders-dlq`;
    account.lambda.updateFunctionConfiguration(REF, { DeadLetterConfig: { TargetArn: own } });
    const params = removeFunctionDeadLetterQueue.paramsSchema.parse({ functionName: FUNCTION_ARN, targetArn: FOREIGN });
    expect((await removeFunctionDeadLetterQueue.execute({ lambda: client }, params)).status).toBe('already-compliant');
    expect(account.lambda.getFunctionConfiguration(REF).DeadLetterConfig).toEqual({ TargetArn: own });
  });

  it('accepts only the unqualified function (the queue belongs to $LATEST)', () => {
    expect(removeFunctionDeadLetterQueue.paramsSchema.safeParse({ functionName: `${FUNCTION_ARN}:live`, targetArn: FOREIGN }).success).toBe(false);
  });
});
