/** Switches a function URL's auth type from NONE to AWS_IAM (the URL stays; unsigned callers get 403). */
import { GetFunctionUrlConfigCommand, UpdateFunctionUrlConfigCommand } from '@aws-sdk/client-lambda';
import * as z from 'zod';
import { defineAction, failedOutcome, formatCall, isNotFound, type ActionClients } from '../action';

const Params = z.strictObject({
  functionName: z.string().startsWith('arn:'),
  qualifier: z.string().optional(),
  authType: z.literal('AWS_IAM'),
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

export const setFunctionUrlAuthIam = defineAction<Params>({
  name: 'set-function-url-auth-iam',
  permissions: ['lambda:GetFunctionUrlConfig', 'lambda:UpdateFunctionUrlConfig'],
  paramsSchema: Params,
  describe: (p) => formatCall('lambda:UpdateFunctionUrlConfig', { FunctionName: p.functionName, Qualifier: p.qualifier, AuthType: 'AWS_IAM' }),
  async execute(clients, params) {
    try {
      const before = await currentAuthType(clients, params);
      if (before !== 'NONE') {
        return { status: 'already-compliant', detail: before === null ? 'the function URL no longer exists' : `the URL's auth type is already ${before}` };
      }
      await clients.lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: params.functionName, Qualifier: params.qualifier, AuthType: 'AWS_IAM' }));
      const verified = await this.verify(clients, params);
      return { status: 'remediated', verified, detail: 'function URL auth type set to AWS_IAM' };
    } catch (e: unknown) {
      return failedOutcome(e);
    }
  },
  async verify(clients, params) {
    const after = await currentAuthType(clients, params);
    return after === 'AWS_IAM' || after === null;
  },
});
