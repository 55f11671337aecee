/** A reader of APIs straight over the in-memory API Gateway (issue #17), without the SDK: for the simulator's own reader and benchmarks. */
import { apiArn, type ApiRef, type ApiSnapshot, type ApiStage } from '../functions/shared/state/resources';
import { deployedRoutes } from '../functions/shared/apigateway/deployed-routes';
import type { InMemoryApiGateway } from './in-memory-api-gateway';

/** Reads APIs straight from the in-memory service: the snapshot `ApiGatewayStateReader` builds through the SDK. */
export function inMemoryApiReader(gateway: InMemoryApiGateway): { readApi(ref: ApiRef): Promise<ApiSnapshot> } {
  return {
    readApi(ref) {
      const arn = apiArn(ref);
      const api = gateway.find(ref);
      if (api?.ref.protocol !== ref.protocol) return Promise.resolve({ kind: 'apigateway-api', ref, arn, api: null, stages: [] });
      const judged = ref.protocol === 'rest' || api.protocolType === 'HTTP';
      const stages = !judged
        ? []
        : [...api.stages.entries()].map(([stageName, s]): ApiStage => {
            const doc = gateway.stageExport(api, stageName);
            return { stageName, deploymentId: s.deploymentId, autoDeploy: s.autoDeploy, tags: { ...s.tags }, routes: doc === null ? [] : deployedRoutes(doc, s.variables) };
          });
      return Promise.resolve({ kind: 'apigateway-api', ref, arn, api: { name: api.name, tags: { ...api.tags }, endpointTypes: ref.protocol === 'rest' ? [...api.endpointTypes] : [] }, stages });
    },
  };
}
