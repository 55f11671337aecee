/** Switches a function URL's auth type from NONE to AWS_IAM (the URL stays; unsigned callers get 403). */
import { GetFunctionUrlConfigCommand, UpdateFunctionUrlConfigCommand } from '@aws-sdk/client-lambda';
import * as z from 'zod';
import { defineAction, failedOutcome, formatCall, isNotFound, type ActionClients } from '../action';

const Params = z.strictObject({
  functionName: z.string().startsWith('arn:'),
  qualifier: z.string().optional(),
  authType: z.literal('AWS_IAM'),
  /**
   * The auth type the finding was judged on. With it the update goes out without reading first:
   * UpdateFunctionUrlConfig has no revision guard, but setting AWS_IAM only ever closes the URL
   * and is idempotent, so acting on the judged state cannot undo a later change. Absent in older plans.
   */
  judgedAuthType: z.literal('NONE').optional(),
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
      if (params.judgedAuthType === undefined) {
        const before = await currentAuthType(clients, params);
        if (before !== 'NONE') {
          return { status: 'already-compliant', detail: before === null ? 'the function URL no longer exists' : `the URL's auth type is already ${before}` };
        }
      }
      try {
        await clients.lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: params.functionName, Qualifier: params.qualifier, AuthType: 'AWS_IAM' }));
      } catch (e: unknown) {
        if (isNotFound(e)) return { status: 'already-compliant', detail: 'the function URL no longer exists' };
        throw e;
      }
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
