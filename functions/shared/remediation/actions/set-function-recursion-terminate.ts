/** Switches a function's recursive loop detection back on (`RecursiveLoop: Terminate`): Lambda then stops a detected loop. */
import { GetFunctionRecursionConfigCommand, PutFunctionRecursionConfigCommand } from '@aws-sdk/client-lambda';
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema';
import { defineAction, failedOutcome, formatCall, isNotFound, type ActionClients } from '../action';

const Params = lazySchema(() => z.strictObject({
  /** The unqualified function ARN: recursion detection is a setting of the function, not of a version or alias. */
  functionName: z.string().regex(/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[^:]+$/, 'must be an unqualified function ARN'),
}));
type Params = z.infer<typeof Params>;

/** The current setting; null when the function is gone. */
async function recursiveLoop(clients: ActionClients, params: Params): Promise<string | null> {
  try {
    return (await clients.lambda.send(new GetFunctionRecursionConfigCommand({ FunctionName: params.functionName }))).RecursiveLoop ?? 'Terminate';
  } catch (e: unknown) {
    if (isNotFound(e)) return null;
    throw e;
  }
}

export const setFunctionRecursionTerminate = defineAction<Params>({
  name: 'set-function-recursion-terminate',
  permissions: ['lambda:GetFunctionRecursionConfig', 'lambda:PutFunctionRecursionConfig'],
  paramsSchema: Params,
  describe: (p) => formatCall('lambda:PutFunctionRecursionConfig', { FunctionName: p.functionName, RecursiveLoop: 'Terminate' }),
  async execute(clients, params) {
    try {
      const before = await recursiveLoop(clients, params);
      if (before === null) return { status: 'already-compliant', detail: 'the function no longer exists' };
      if (before === 'Terminate') return { status: 'already-compliant', detail: 'recursive loop detection is already Terminate' };
      await clients.lambda.send(new PutFunctionRecursionConfigCommand({ FunctionName: params.functionName, RecursiveLoop: 'Terminate' }));
      const verified = await this.verify(clients, params);
      return { status: 'remediated', verified, detail: 'recursive loop detection set to Terminate (PutFunctionRecursionConfig RecursiveLoop=Allow undoes it)' };
    } catch (e: unknown) {
      return failedOutcome(e);
    }
  },
  async verify(clients, params) {
    const after = await recursiveLoop(clients, params);
    return after === 'Terminate' || after === null;
  },
});
