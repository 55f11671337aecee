/**
 * Setting a function URL's auth type, shared by `set-function-url-auth-iam` (closing a public URL)
 * and `set-function-url-auth-none` (opening it again: "Restore" after an automatic switch).
 */
import { GetFunctionUrlConfigCommand, UpdateFunctionUrlConfigCommand } from '@aws-sdk/client-lambda';
import { failedOutcome, formatCall, isNotFound, type ActionClients, type RemediationAction } from './action';

/** The parameters both actions read. */
export interface FunctionUrlAuthParams {
  readonly functionName: string;
  readonly qualifier?: string | undefined;
  /** The auth type the finding was judged on (closing only): with it the update goes out without reading first. */
  readonly judgedAuthType?: 'NONE' | undefined;
}

/** Per target: the auth type it replaces, and what the messages say. */
const UPDATES = {
  AWS_IAM: { from: 'NONE', gone: 'the function URL no longer exists', done: 'function URL auth type set to AWS_IAM' },
  NONE: { from: 'AWS_IAM', gone: 'the function URL no longer exists: nothing restored', done: 'function URL auth type set back to NONE' },
} as const;

async function currentAuthType(clients: ActionClients, params: FunctionUrlAuthParams): Promise<string | null> {
  try {
    const out = await clients.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: params.functionName, Qualifier: params.qualifier }));
    return out.AuthType ?? null;
  } catch (e: unknown) {
    if (isNotFound(e)) return null;
    throw e;
  }
}

/**
 * `describe`, `execute` and `verify` of the action that sets a URL's auth type to `target`. Setting
 * AWS_IAM closes the URL: a URL that is gone counts as closed, and with the judged auth type the
 * update skips the read (idempotent closing cannot undo a later change). Setting NONE opens it: the
 * current auth type is always read first, and a URL that is gone is not restored.
 */
export function functionUrlAuthUpdate<P extends FunctionUrlAuthParams>(target: keyof typeof UPDATES): Pick<RemediationAction<P>, 'describe' | 'execute' | 'verify'> {
  const { from, gone, done } = UPDATES[target];
  const closes = target === 'AWS_IAM';
  return {
    describe: (p) => formatCall('lambda:UpdateFunctionUrlConfig', { FunctionName: p.functionName, Qualifier: p.qualifier, AuthType: target }),
    async execute(clients, params) {
      try {
        if (!closes || params.judgedAuthType === undefined) {
          const before = await currentAuthType(clients, params);
          if (before !== from) return { status: 'already-compliant', detail: before === null ? gone : `the URL's auth type is already ${before}` };
        }
        try {
          await clients.lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: params.functionName, Qualifier: params.qualifier, AuthType: target }));
        } catch (e: unknown) {
          if (closes && isNotFound(e)) return { status: 'already-compliant', detail: gone };
          throw e;
        }
        const verified = await this.verify(clients, params);
        return { status: 'remediated', verified, detail: done };
      } catch (e: unknown) {
        return failedOutcome(e);
      }
    },
    async verify(clients, params) {
      const after = await currentAuthType(clients, params);
      return after === target || (closes && after === null);
    },
  };
}
