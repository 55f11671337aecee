import { actionClients } from '../../../functions/shared/aws/action-clients';
import * as lambdaSdk from '@aws-sdk/client-lambda';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { AccountClients, MAX_ATTEMPTS } from '../../../functions/shared/aws/clients';
import { CrossAccountCredentials } from '../../../functions/shared/aws/credentials';
import { LambdaStateReader } from '../../../functions/shared/aws/lambda-state-reader';
import { Executor } from '../../../functions/shared/executor/executor';
import { Responder } from '../../../functions/shared/responder/responder';
import { RecordingSink } from '../../../functions/shared/bus/warden-events';
import { InMemoryStateStore } from '../../../functions/shared/store/in-memory-state-store';
import { RULES } from '../../../rules';
import { InMemoryAccount } from '../../../sim/in-memory-account';
import { installLambdaMock, type LambdaMockHandle } from '../../../sim/lambda-mock';
import { ACCOUNT, FUNCTION_NAME, REGION } from '../../fixtures/accounts';
import { addPermissionEvent } from '../../fixtures/cloudtrail';
import { harnessConfig } from './responder-harness';

type Command = new (input: unknown) => lambdaSdk.GetPolicyCommand;

/**
 * Sends each command of `client` through its whole middleware stack — retries included — and
 * answers it, inside the `deserialize` step, from `backing` (a client the in-memory account answers).
 */
function bridgeTo(backing: lambdaSdk.LambdaClient) {
  return (client: object): void => {
    if (!(client instanceof lambdaSdk.LambdaClient)) return;
    client.middlewareStack.add(
      (_next, context) => async (args) => {
        const Ctor = (lambdaSdk as unknown as Record<string, Command>)[context.commandName ?? ''];
        if (Ctor === undefined) throw new Error(`unknown command ${String(context.commandName)}`);
        const output = await backing.send(new Ctor(args.input));
        return { output: { ...output, $metadata: {} }, response: {} };
      },
      { step: 'deserialize', name: 'inMemoryAccountBridge', priority: 'high' },
    );
  };
}

function throttling(name: string): Error {
  return Object.assign(new Error('Rate exceeded'), { name, $metadata: { httpStatusCode: 429 } });
}

let lambda: LambdaMockHandle;
const restore: (() => void)[] = [];
afterEach(() => {
  lambda.mock.restore();
  for (const r of restore.splice(0)) r();
});

function setup(throttle: (command: string, attempt: number) => Error | null) {
  const account = new InMemoryAccount({ defaultAccount: ACCOUNT, defaultRegion: REGION });
  const backing = new lambdaSdk.LambdaClient({ region: REGION });
  const attempts = new Map<string, number>();
  lambda = installLambdaMock(account, mockClient(backing), {
    onCommand: (command) => {
      const n = (attempts.get(command) ?? 0) + 1;
      attempts.set(command, n);
      const error = throttle(command, n);
      if (error !== null) throw error;
    },
  });
  const sts = mockClient(STSClient);
  sts.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'ASIAFAKE', SecretAccessKey: 'fake', SessionToken: 't', Expiration: new Date(Date.now() + 3_600_000) } });
  const eventBridge = mockClient(EventBridgeClient);
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
  restore.push(() => {
    sts.restore();
    eventBridge.restore();
  });
  const config = harnessConfig();
  const credentials = new CrossAccountCredentials({ sts: new STSClient({ region: REGION }), config });
  const clients = new AccountClients({ credentials, onClient: bridgeTo(backing) });
  const executor = new Executor({ config, store: new InMemoryStateStore(), clientsFor: (a, r, id) => actionClients(clients, a, r, id) });
  const reader = new LambdaStateReader((a, r) => clients.client(lambdaSdk.LambdaClient, a, r));
  const sink = new RecordingSink();
  const responder = new Responder({ rules: RULES, config, reader, executor, sink });
  return { account, responder, sink };
}

describe('responder under throttling (the SDK retries, adaptive mode)', () => {
  it.each(['ThrottlingException', 'TooManyRequestsException'])('remediates after %s twice', async (name) => {
    const { account, responder } = setup((command, n) => (command === 'RemovePermission' && n <= 2 ? throttling(name) : null));
    const event = addPermissionEvent({ statementId: 'open', principal: '*' });
    account.replay(event);
    const record = await responder.handle(event);
    expect(record.outcomes.map((o) => o.status)).toEqual(['remediated']);
    expect(lambda.callsOf('RemovePermission')).toHaveLength(3);
    expect(account.lambda.policyDocument({ kind: 'lambda-function', account: ACCOUNT, region: REGION, functionName: FUNCTION_NAME })).toBeNull();
  });

  it('reports a failed outcome when throttling outlasts every attempt', async () => {
    const { account, responder, sink } = setup((command) => (command === 'RemovePermission' ? throttling('TooManyRequestsException') : null));
    const event = addPermissionEvent({ statementId: 'open', principal: '*' });
    account.replay(event);
    const record = await responder.handle(event);
    expect(record.outcomes[0]).toMatchObject({ status: 'failed', error: { name: 'TooManyRequestsException' } });
    expect(lambda.callsOf('RemovePermission')).toHaveLength(MAX_ATTEMPTS);
    expect(sink.events.map((e) => e.detailType)).toEqual(['Warden Finding', 'Warden Remediation']);
  });
});
