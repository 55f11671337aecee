/**
 * Removes one asynchronous invocation destination (`OnSuccess` or `OnFailure`) of a function,
 * version or alias, keeping the other destination and the retry settings.
 */
import { GetFunctionEventInvokeConfigCommand, PutFunctionEventInvokeConfigCommand, type GetFunctionEventInvokeConfigCommandOutput } from '@aws-sdk/client-lambda';
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema';
import { defineAction, failedOutcome, formatCall, isNotFound, type ActionClients } from '../action';

const Params = lazySchema(() => z.strictObject({
  functionName: z.string().startsWith('arn:'),
  qualifier: z.string().optional(),
  destination: z.enum(['OnSuccess', 'OnFailure']),
  /** The destination judged foreign: when another one is set by now, nothing is changed. */
  targetArn: z.string().startsWith('arn:'),
}));
type Params = z.infer<typeof Params>;

async function readConfig(clients: ActionClients, params: Params): Promise<GetFunctionEventInvokeConfigCommandOutput | null> {
  try {
    return await clients.lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: params.functionName, Qualifier: params.qualifier }));
  } catch (e: unknown) {
    if (isNotFound(e)) return null;
    throw e;
  }
}

function other(side: Params['destination']): Params['destination'] {
  return side === 'OnSuccess' ? 'OnFailure' : 'OnSuccess';
}

export const removeFunctionDestination = defineAction<Params>({
  name: 'remove-function-destination',
  // PutFunctionEventInvokeConfig replaces the whole config (documented): the current one is read and
  // written back without the judged destination. UpdateFunctionEventInvokeConfig is not used: how it
  // merges a partial DestinationConfig is not documented.
  permissions: ['lambda:GetFunctionEventInvokeConfig', 'lambda:PutFunctionEventInvokeConfig'],
  paramsSchema: Params,
  describe: (p) => formatCall('lambda:PutFunctionEventInvokeConfig', { FunctionName: p.functionName, Qualifier: p.qualifier, DestinationConfig: `without ${p.destination} ${p.targetArn}` }),
  async execute(clients, params) {
    try {
      const before = await readConfig(clients, params);
      if (before === null) return { status: 'already-compliant', detail: 'the function has no asynchronous invocation config any more' };
      if (before.DestinationConfig?.[params.destination]?.Destination !== params.targetArn) {
        return { status: 'already-compliant', detail: `the ${params.destination} destination is no longer ${params.targetArn}` };
      }
      const kept = before.DestinationConfig[other(params.destination)]?.Destination;
      await clients.lambda.send(
        new PutFunctionEventInvokeConfigCommand({
          FunctionName: params.functionName,
          Qualifier: params.qualifier,
          MaximumRetryAttempts: before.MaximumRetryAttempts,
          MaximumEventAgeInSeconds: before.MaximumEventAgeInSeconds,
          DestinationConfig: kept === undefined || kept === '' ? {} : { [other(params.destination)]: { Destination: kept } },
        }),
      );
      const verified = await this.verify(clients, params);
      return { status: 'remediated', verified, detail: `removed the ${params.destination} destination ${params.targetArn}` };
    } catch (e: unknown) {
      return failedOutcome(e);
    }
  },
  async verify(clients, params) {
    const after = await readConfig(clients, params);
    return after?.DestinationConfig?.[params.destination]?.Destination !== params.targetArn;
  },
});
