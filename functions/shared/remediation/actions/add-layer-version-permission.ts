/** Puts a removed layer version statement back with `AddLayerVersionPermission` ("Restore" after an automatic revert). */
import { AddLayerVersionPermissionCommand, GetLayerVersionPolicyCommand } from '@aws-sdk/client-lambda';
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema';
import { defineAction, formatCall, readStatementIds, statementRestore } from '../action';

const Params = lazySchema(() => z.strictObject({
  layerName: z.string().min(1),
  versionNumber: z.number().int().positive(),
  statementId: z.string().min(1),
  action: z.literal('lambda:GetLayerVersion'),
  /** `*` or an account id: the only principals the API takes. */
  principal: z.string().regex(/^(\*|\d{12})$/, 'must be * or an account id'),
  organizationId: z.string().regex(/^o-[a-z0-9]{10,32}$/).optional(),
}));
type Params = z.infer<typeof Params>;

/** The `AddLayerVersionPermission` input, for the call and its description alike. */
function addLayerVersionPermissionInput(p: Params) {
  return {
    LayerName: p.layerName,
    VersionNumber: p.versionNumber,
    StatementId: p.statementId,
    Action: p.action,
    Principal: p.principal,
    OrganizationId: p.organizationId,
  };
}

export const addLayerVersionPermission = defineAction<Params>({
  name: 'add-layer-version-permission',
  permissions: ['lambda:GetLayerVersionPolicy', 'lambda:AddLayerVersionPermission'],
  paramsSchema: Params,
  describe: (p) => formatCall('lambda:AddLayerVersionPermission', addLayerVersionPermissionInput(p)),
  ...statementRestore<Params>({
    policy: 'layer version policy',
    read: (clients, p) => readStatementIds(() => clients.lambda.send(new GetLayerVersionPolicyCommand({ LayerName: p.layerName, VersionNumber: p.versionNumber }))),
    add: (clients, p) => clients.lambda.send(new AddLayerVersionPermissionCommand(addLayerVersionPermissionInput(p))),
  }),
});
