/** Quarantines a function: reserved concurrency 0, so every invocation is throttled; code, policy and configuration stay as they are. */
import { GetFunctionConcurrencyCommand, PutFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema';
import { defineAction, failedOutcome, type ActionClients } from '../action';
import { quarantineCall } from '../quarantine-call';

const Params = lazySchema(() => z.strictObject({
  /** The unqualified function ARN: concurrency is a setting of the function, not of a version or alias. */
  functionName: z.string().regex(/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[^:]+$/, 'must be an unqualified function ARN'),
}));
type Params = z.infer<typeof Params>;

async function reservedConcurrency(clients: ActionClients, params: Params): Promise<number | null> {
  const out = await clients.lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: params.functionName }));
  return out.ReservedConcurrentExecutions ?? null;
}

export const quarantineFunction = defineAction<Params>({
  name: 'quarantine-function',
  permissions: ['lambda:GetFunctionConcurrency', 'lambda:PutFunctionConcurrency'],
  paramsSchema: Params,
  describe: (p) => quarantineCall(p.functionName),
  async execute(clients, params) {
    try {
      if ((await reservedConcurrency(clients, params)) === 0) return { status: 'already-compliant', detail: 'the function is already quarantined (reserved concurrency 0)' };
      await clients.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: params.functionName, ReservedConcurrentExecutions: 0 }));
      const verified = await this.verify(clients, params);
      return {
        status: 'remediated',
        verified,
        detail: 'quarantined: reserved concurrency set to 0 (lambda:DeleteFunctionConcurrency or PutFunctionConcurrency lifts it)',
      };
    } catch (e: unknown) {
      return failedOutcome(e);
    }
  },
  async verify(clients, params) {
    return (await reservedConcurrency(clients, params)) === 0;
  },
});
