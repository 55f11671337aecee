/**
 * Puts a removed function policy statement back with `AddPermission` ("Restore" after an automatic
 * revert). Only statements `AddPermission` can express are restored (see `inverse-plans.ts`).
 */
import { AddPermissionCommand, GetPolicyCommand } from '@aws-sdk/client-lambda';
import * as z from 'zod';
import { defineAction, failedOutcome, formatCall, isNotFound, statementIdsOf, type ActionClients } from '../action';

const Params = z.strictObject({
  functionName: z.string().startsWith('arn:'),
  qualifier: z.string().optional(),
  statementId: z.string().min(1),
  /** One action, as `AddPermission` takes it (`lambda:InvokeFunction`). */
  action: z.string().regex(/^lambda:[A-Za-z*]+$/, 'must be one lambda action'),
  /** `*`, an account id, an IAM ARN or a service principal. */
  principal: z.string().min(1),
  sourceArn: z.string().optional(),
  sourceAccount: z.string().regex(/^\d{12}$/).optional(),
  principalOrgId: z.string().optional(),
  eventSourceToken: z.string().optional(),
  functionUrlAuthType: z.enum(['NONE', 'AWS_IAM']).optional(),
});
type Params = z.infer<typeof Params>;

async function currentSids(clients: ActionClients, params: Params): Promise<string[]> {
  try {
    const out = await clients.lambda.send(new GetPolicyCommand({ FunctionName: params.functionName, Qualifier: params.qualifier }));
    return statementIdsOf(out.Policy);
  } catch (e: unknown) {
    if (isNotFound(e)) return [];
    throw e;
  }
}

export const addFunctionPermission = defineAction<Params>({
  name: 'add-function-permission',
  permissions: ['lambda:GetPolicy', 'lambda:AddPermission'],
  paramsSchema: Params,
  describe: (p) =>
    formatCall('lambda:AddPermission', {
      FunctionName: p.functionName,
      Qualifier: p.qualifier,
      StatementId: p.statementId,
      Action: p.action,
      Principal: p.principal,
      SourceArn: p.sourceArn,
      SourceAccount: p.sourceAccount,
      PrincipalOrgID: p.principalOrgId,
      EventSourceToken: p.eventSourceToken,
      FunctionUrlAuthType: p.functionUrlAuthType,
    }),
  async execute(clients, params) {
    try {
      if ((await currentSids(clients, params)).includes(params.statementId)) {
        return { status: 'already-compliant', detail: `a statement "${params.statementId}" is already in the policy: nothing restored` };
      }
      await clients.lambda.send(
        new AddPermissionCommand({
          FunctionName: params.functionName,
          Qualifier: params.qualifier,
          StatementId: params.statementId,
          Action: params.action,
          Principal: params.principal,
          SourceArn: params.sourceArn,
          SourceAccount: params.sourceAccount,
          PrincipalOrgID: params.principalOrgId,
          EventSourceToken: params.eventSourceToken,
          FunctionUrlAuthType: params.functionUrlAuthType,
        }),
      );
      const verified = await this.verify(clients, params);
      return { status: 'remediated', verified, detail: `restored statement "${params.statementId}"` };
    } catch (e: unknown) {
      return failedOutcome(e);
    }
  },
  async verify(clients, params) {
    return (await currentSids(clients, params)).includes(params.statementId);
  },
});
