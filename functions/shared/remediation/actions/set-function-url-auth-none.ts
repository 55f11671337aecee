/** Sets a function URL's auth type back to NONE ("Restore" after an automatic switch to AWS_IAM). */
import { GetFunctionUrlConfigCommand, UpdateFunctionUrlConfigCommand } from '@aws-sdk/client-lambda';
import * as z from 'zod';
import { defineAction, failedOutcome, formatCall, isNotFound, type ActionClients } from '../action';

const Params = z.strictObject({
  functionName: z.string().startsWith('arn:'),
  qualifier: z.string().optional(),
  authType: z.literal('NONE'),
});
type Params = z.infer<typeof Params>;

async function currentAuthType(clients: ActionClients, params: Params): Promise<string | null> {
  try {
    const out = await clients.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: params.functionName, Qualifier: params.qualifier }));
    return out.AuthType ?? null;
  } catch (e: unknown) {
    if (isNotFound(e)) return null;
    throw e;
  }
}

export const setFunctionUrlAuthNone = defineAction<Params>({
  name: 'set-function-url-auth-none',
  permissions: ['lambda:GetFunctionUrlConfig', 'lambda:UpdateFunctionUrlConfig'],
  paramsSchema: Params,
  describe: (p) => formatCall('lambda:UpdateFunctionUrlConfig', { FunctionName: p.functionName, Qualifier: p.qualifier, AuthType: 'NONE' }),
  async execute(clients, params) {
    try {
      const before = await currentAuthType(clients, params);
      if (before !== 'AWS_IAM') {
        return { status: 'already-compliant', detail: before === null ? 'the function URL no longer exists: nothing restored' : `the URL's auth type is already ${before}` };
      }
      await clients.lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: params.functionName, Qualifier: params.qualifier, AuthType: 'NONE' }));
      const verified = await this.verify(clients, params);
      return { status: 'remediated', verified, detail: 'function URL auth type set back to NONE' };
    } catch (e: unknown) {
      return failedOutcome(e);
    }
  },
  async verify(clients, params) {
    return (await currentAuthType(clients, params)) === 'NONE';
  },
});
