/** Removes one statement (by Sid) from a layer version's resource policy, guarded by its revision id. */
import { GetLayerVersionPolicyCommand, RemoveLayerVersionPermissionCommand } from '@aws-sdk/client-lambda';
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema';
import { defineAction, failedOutcome, formatCall, readStatementIds, removeStatementGuarded, type ActionClients, type StatementIds } from '../action';

const Params = lazySchema(() => z.strictObject({
  layerName: z.string().min(1),
  versionNumber: z.number().int().positive(),
  statementId: z.string().min(1),
  /** The layer policy revision the finding was judged on; absent in older plans. */
  revisionId: z.string().min(1).optional(),
}));
type Params = z.infer<typeof Params>;

function currentPolicy(clients: ActionClients, params: Params): Promise<StatementIds> {
  return readStatementIds(() => clients.lambda.send(new GetLayerVersionPolicyCommand({ LayerName: params.layerName, VersionNumber: params.versionNumber })));
}

export const removeLayerVersionPermission = defineAction<Params>({
  name: 'remove-layer-version-permission',
  permissions: ['lambda:GetLayerVersionPolicy', 'lambda:RemoveLayerVersionPermission'],
  paramsSchema: Params,
  describe: (p) =>
    formatCall('lambda:RemoveLayerVersionPermission', { LayerName: p.layerName, VersionNumber: p.versionNumber, StatementId: p.statementId }),
  async execute(clients, params, hooks) {
    try {
      const result = await removeStatementGuarded({
        statementId: params.statementId,
        revisionId: params.revisionId,
        read: () => currentPolicy(clients, params),
        remove: async (revisionId) => {
          await clients.lambda.send(
            new RemoveLayerVersionPermissionCommand({ LayerName: params.layerName, VersionNumber: params.versionNumber, StatementId: params.statementId, RevisionId: revisionId }),
          );
        },
      });
      if (result === 'absent') return { status: 'already-compliant', detail: `statement "${params.statementId}" is no longer in the layer version policy` };
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
