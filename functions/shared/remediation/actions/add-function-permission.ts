/**
 * Puts a removed function policy statement back with `AddPermission` ("Restore" after an automatic
 * revert). Only statements `AddPermission` can express are restored (see `inverse-plans.ts`).
 */
import { AddPermissionCommand, GetPolicyCommand } from '@aws-sdk/client-lambda';
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema';
import { defineAction, formatCall, readStatementIds, statementRestore } from '../action';

const Params = lazySchema(() => z.strictObject({
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
}));
type Params = z.infer<typeof Params>;

/** The `AddPermission` input, for the call and its description alike. */
function addPermissionInput(p: Params) {
  return {
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
  };
}

export const addFunctionPermission = defineAction<Params>({
  name: 'add-function-permission',
  permissions: ['lambda:GetPolicy', 'lambda:AddPermission'],
  paramsSchema: Params,
  describe: (p) => formatCall('lambda:AddPermission', addPermissionInput(p)),
  ...statementRestore<Params>({
    policy: 'policy',
    read: (clients, p) => readStatementIds(() => clients.lambda.send(new GetPolicyCommand({ FunctionName: p.functionName, Qualifier: p.qualifier }))),
    add: (clients, p) => clients.lambda.send(new AddPermissionCommand(addPermissionInput(p))),
  }),
});
