/** Removes one statement (by Sid) from a function's resource policy, guarded by the policy's revision id. */
import { GetPolicyCommand, RemovePermissionCommand } from '@aws-sdk/client-lambda';
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema';
import { defineAction, failedOutcome, formatCall, readStatementIds, removeStatementGuarded, type ActionClients, type StatementIds } from '../action';

const Params = lazySchema(() => z.strictObject({
  functionName: z.string().startsWith('arn:'),
  qualifier: z.string().optional(),
  statementId: z.string().min(1),
  /** The policy revision the finding was judged on; absent in older plans. */
  revisionId: z.string().min(1).optional(),
}));
type Params = z.infer<typeof Params>;

function currentPolicy(clients: ActionClients, params: Params): Promise<StatementIds> {
  return readStatementIds(() => clients.lambda.send(new GetPolicyCommand({ FunctionName: params.functionName, Qualifier: params.qualifier })));
}

export const removeFunctionPermission = defineAction<Params>({
  name: 'remove-function-permission',
  permissions: ['lambda:GetPolicy', 'lambda:RemovePermission'],
  paramsSchema: Params,
  describe: (p) => formatCall('lambda:RemovePermission', { FunctionName: p.functionName, Qualifier: p.qualifier, StatementId: p.statementId }),
  async execute(clients, params, hooks) {
    try {
      const result = await removeStatementGuarded({
        statementId: params.statementId,
        revisionId: params.revisionId,
        read: () => currentPolicy(clients, params),
        remove: async (revisionId) => {
          await clients.lambda.send(
            new RemovePermissionCommand({ FunctionName: params.functionName, Qualifier: params.qualifier, StatementId: params.statementId, RevisionId: revisionId }),
          );
        },
      });
      if (result === 'absent') return { status: 'already-compliant', detail: `statement "${params.statementId}" is no longer in the policy` };
      hooks?.changed?.();
      const verified = await this.verify(clients, params);
      return { status: 'remediated', verified, detail: `removed statement "${params.statementId}"` };
    } catch (e: unknown) {
      return failedOutcome(e);
    }
  },
  async verify(clients, params) {
    return !(await currentPolicy(clients, params)).sids.includes(params.statementId);
  },
});
