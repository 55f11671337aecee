/** Puts a removed layer version statement back with `AddLayerVersionPermission` ("Restore" after an automatic revert). */
import { AddLayerVersionPermissionCommand, GetLayerVersionPolicyCommand } from '@aws-sdk/client-lambda';
import * as z from 'zod';
import { defineAction, failedOutcome, formatCall, isNotFound, statementIdsOf, type ActionClients } from '../action';

const Params = z.strictObject({
  layerName: z.string().min(1),
  versionNumber: z.number().int().positive(),
  statementId: z.string().min(1),
  action: z.literal('lambda:GetLayerVersion'),
  /** `*` or an account id: the only principals the API takes. */
  principal: z.string().regex(/^(\*|\d{12})$/, 'must be * or an account id'),
  organizationId: z.string().regex(/^o-[a-z0-9]{10,32}$/).optional(),
});
type Params = z.infer<typeof Params>;

async function currentSids(clients: ActionClients, params: Params): Promise<string[]> {
  try {
    const out = await clients.lambda.send(new GetLayerVersionPolicyCommand({ LayerName: params.layerName, VersionNumber: params.versionNumber }));
    return statementIdsOf(out.Policy);
  } catch (e: unknown) {
    if (isNotFound(e)) return [];
    throw e;
  }
}

export const addLayerVersionPermission = defineAction<Params>({
  name: 'add-layer-version-permission',
  permissions: ['lambda:GetLayerVersionPolicy', 'lambda:AddLayerVersionPermission'],
  paramsSchema: Params,
  describe: (p) =>
    formatCall('lambda:AddLayerVersionPermission', {
      LayerName: p.layerName,
      VersionNumber: p.versionNumber,
      StatementId: p.statementId,
      Action: p.action,
      Principal: p.principal,
      OrganizationId: p.organizationId,
    }),
  async execute(clients, params) {
    try {
      if ((await currentSids(clients, params)).includes(params.statementId)) {
        return { status: 'already-compliant', detail: `a statement "${params.statementId}" is already in the layer version policy: nothing restored` };
      }
      await clients.lambda.send(
        new AddLayerVersionPermissionCommand({
          LayerName: params.layerName,
          VersionNumber: params.versionNumber,
          StatementId: params.statementId,
          Action: params.action,
          Principal: params.principal,
          OrganizationId: params.organizationId,
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
