import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../../../functions/shared/remediation/actions';
import { InMemoryAccount } from '../../../../sim/in-memory-account';
import { installLambdaMock, type LambdaMockHandle } from '../../../../sim/lambda-mock';
import { ACCOUNT, FUNCTION_ARN, FUNCTION_NAME, REGION } from '../../../fixtures/accounts';
import { createFunctionEvent } from '../../../fixtures/function-configuration';

const KEY = { account: ACCOUNT, region: REGION, functionName: FUNCTION_NAME } as const;
const UUID = '3f0c9a52-8d1e-4b7a-9c3e-5a1f2b6d7e80';
const QUEUE = `arn:aws:sqs:${REGION}:${ACCOUNT}:orders`;

let lambda: LambdaMockHandle | undefined;
afterEach(() => {
  lambda?.mock.restore();
});

/** A function with one mapping, isolated or not. */
function setup(isolated: boolean): InMemoryAccount {
  const account = new InMemoryAccount({ defaultAccount: ACCOUNT, defaultRegion: REGION });
  account.replay(createFunctionEvent({}));
  account.lambda.addEventSourceMapping(KEY, { UUID, EventSourceArn: QUEUE, State: isolated ? 'Disabled' : 'Enabled' });
  if (isolated) account.lambda.putFunctionConcurrency(KEY, 0);
  lambda = installLambdaMock(account, mockClient(LambdaClient));
  return account;
}

describe.each([
  ['isolate-function', false, 0, 'Disabled'],
  ['lift-function-isolation', true, undefined, 'Enabled'],
] as const)('%s', (name, isolated, concurrencyAfter, mappingAfter) => {
  it('sends only commands its declared permissions cover, and is idempotent', async () => {
    const account = setup(isolated);
    const action = ACTIONS[name];
    const clients = { lambda: new LambdaClient({ region: REGION }) };
    const bound = action.bind({ functionName: FUNCTION_ARN, previousConcurrency: 'none', mappings: UUID });
    expect(await bound.execute(clients)).toMatchObject({ status: 'remediated', verified: true });
    expect(account.lambda.getReservedConcurrency(KEY)).toBe(concurrencyAfter);
    expect(account.lambda.listEventSourceMappings(KEY).map((m) => m.State)).toEqual([mappingAfter]);
    expect((await bound.execute(clients)).status).toBe('already-compliant');
    const sent = [...new Set((lambda?.calls ?? []).map((call) => `lambda:${call.command}`))];
    expect(sent.length).toBeGreaterThan(1);
    expect(sent.filter((permission) => !action.permissions.includes(permission))).toEqual([]);
  });
});
