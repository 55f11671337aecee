/**
 * The state file's API Gateway sections (issue #17), `restApis` and `httpApis`: each API's draft
 * (REST resources and methods; HTTP routes and integrations), its stages and the deployments they
 * serve. A stage without `DeploymentId` serves a deployment of the draft as written; a `DeploymentId`
 * listed in `Deployments` serves exactly those routes (a draft changed since, not yet deployed).
 */
import * as z from 'zod';
import type { ApiRef } from '../functions/shared/state/resources';
import type { InMemoryApiGateway, StoredApi, StoredRoute } from './in-memory-api-gateway';

const AccountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');
const Region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region such as us-east-1');
const ApiId = z.string().regex(/^[A-Za-z0-9]{1,32}$/, 'must be an API id such as a1b2c3d4e5');
const Tags = z.record(z.string(), z.string()).default({});

const StateRouteSchema = z.strictObject({
  Method: z.string().min(1),
  Path: z.string().min(1),
  AuthorizationType: z.string().default('NONE'),
  ApiKeyRequired: z.boolean().default(false),
  AuthorizerId: z.string().optional(),
  IntegrationUri: z.string().nullable().default(null),
});

const StateStageSchema = z.strictObject({
  StageName: z.string().regex(/^[\w$-]{1,128}$/, 'must be a stage name'),
  DeploymentId: z.string().min(1).optional(),
  /** HTTP APIs: every change to the draft is deployed to this stage at once. */
  AutoDeploy: z.boolean().default(false),
  Variables: Tags,
  Tags,
});

const Deployments = z.record(z.string(), z.strictObject({ Routes: z.array(StateRouteSchema) })).default({});

export const StateRestApiSchema = z.strictObject({
  Account: AccountId,
  Region,
  Id: ApiId,
  Name: z.string().optional(),
  Tags,
  /** `GetRestApi`'s `endpointConfiguration` (default `EDGE`); `PRIVATE` APIs are reachable only through VPC endpoints. */
  EndpointConfiguration: z.strictObject({ Types: z.array(z.enum(['EDGE', 'REGIONAL', 'PRIVATE'])).min(1) }).default({ Types: ['EDGE'] }),
  Resources: z
    .array(
      z.strictObject({
        Id: z.string().min(1),
        Path: z.string().startsWith('/'),
        Methods: z
          .record(
            z.string(),
            z.strictObject({
              AuthorizationType: z.string().default('NONE'),
              ApiKeyRequired: z.boolean().default(false),
              AuthorizerId: z.string().optional(),
              Integration: z.strictObject({ Type: z.string().default('AWS_PROXY'), Uri: z.string().optional() }).optional(),
            }),
          )
          .default({}),
      }),
    )
    .default([]),
  Stages: z.array(StateStageSchema).default([]),
  Deployments,
});

export const StateHttpApiSchema = z.strictObject({
  Account: AccountId,
  Region,
  ApiId,
  Name: z.string().optional(),
  ProtocolType: z.enum(['HTTP', 'WEBSOCKET']).default('HTTP'),
  Tags,
  Routes: z
    .array(z.strictObject({ RouteId: z.string().min(1), RouteKey: z.string().min(1), AuthorizationType: z.string().default('NONE'), AuthorizerId: z.string().optional(), Target: z.string().optional() }))
    .default([]),
  Integrations: z.array(z.strictObject({ IntegrationId: z.string().min(1), IntegrationType: z.string().default('AWS_PROXY'), IntegrationUri: z.string().optional() })).default([]),
  Stages: z.array(StateStageSchema).default([]),
  Deployments,
});

export type StateRestApi = z.output<typeof StateRestApiSchema>;
export type StateHttpApi = z.output<typeof StateHttpApiSchema>;
type StateStage = z.output<typeof StateStageSchema>;

function seedStages(gateway: InMemoryApiGateway, api: StoredApi, stages: readonly StateStage[], deployments: StateRestApi['Deployments']): void {
  for (const [id, deployment] of Object.entries(deployments)) {
    api.deployments.set(id, {
      createdDate: new Date(0),
      routes: deployment.Routes.map((r): StoredRoute => ({ method: r.Method, path: r.Path, authorizationType: r.AuthorizationType, apiKeyRequired: r.ApiKeyRequired, authorizerId: r.AuthorizerId, integrationUri: r.IntegrationUri })),
    });
  }
  for (const stage of stages) {
    const stored = { deploymentId: null as string | null, autoDeploy: stage.AutoDeploy, variables: { ...stage.Variables }, tags: { ...stage.Tags } };
    api.stages.set(stage.StageName, stored);
    if (stage.DeploymentId !== undefined && api.deployments.has(stage.DeploymentId)) stored.deploymentId = stage.DeploymentId;
    else gateway.createDeployment(api, stage.StageName, stage.DeploymentId, new Date(0));
  }
}

/** Adds the state file's APIs to the in-memory API Gateway, exactly as written. */
export function seedApiGateway(gateway: InMemoryApiGateway, restApis: readonly StateRestApi[], httpApis: readonly StateHttpApi[]): void {
  for (const entry of restApis) {
    const ref: ApiRef = { kind: 'apigateway-api', account: entry.Account, region: entry.Region, protocol: 'rest', apiId: entry.Id };
    const api = gateway.createApi(ref, { name: entry.Name ?? entry.Id, tags: entry.Tags, endpointTypes: entry.EndpointConfiguration.Types });
    if (entry.Resources.length > 0) api.resources.clear();
    for (const resource of entry.Resources) {
      const methods = new Map(
        Object.entries(resource.Methods).map(([method, m]) => [
          method,
          { authorizationType: m.AuthorizationType, apiKeyRequired: m.ApiKeyRequired, authorizerId: m.AuthorizerId, integration: m.Integration === undefined ? null : { type: m.Integration.Type, uri: m.Integration.Uri } },
        ]),
      );
      api.resources.set(resource.Id, { path: resource.Path, methods });
    }
    seedStages(gateway, api, entry.Stages, entry.Deployments);
  }
  for (const entry of httpApis) {
    const ref: ApiRef = { kind: 'apigateway-api', account: entry.Account, region: entry.Region, protocol: 'http', apiId: entry.ApiId };
    const api = gateway.createApi(ref, { name: entry.Name ?? entry.ApiId, protocolType: entry.ProtocolType, tags: entry.Tags });
    for (const i of entry.Integrations) api.integrations.set(i.IntegrationId, { type: i.IntegrationType, uri: i.IntegrationUri ?? null });
    for (const r of entry.Routes) api.routes.set(r.RouteId, { routeKey: r.RouteKey, auth: { authorizationType: r.AuthorizationType, apiKeyRequired: false, authorizerId: r.AuthorizerId }, target: r.Target ?? null });
    seedStages(gateway, api, entry.Stages, entry.Deployments);
  }
}

function stagesAndDeployments(api: StoredApi): Pick<StateRestApi, 'Stages' | 'Deployments'> {
  const served = new Set<string>();
  const Stages = [...api.stages.entries()].map(([StageName, s]): StateStage => {
    if (s.deploymentId !== null) served.add(s.deploymentId);
    return { StageName, ...(s.deploymentId === null ? {} : { DeploymentId: s.deploymentId }), AutoDeploy: s.autoDeploy, Variables: { ...s.variables }, Tags: { ...s.tags } };
  });
  const Deployments = Object.fromEntries(
    [...served].flatMap((id) => {
      const d = api.deployments.get(id);
      if (d === undefined) return [];
      return [[id, { Routes: d.routes.map((r) => ({ Method: r.method, Path: r.path, AuthorizationType: r.authorizationType, ApiKeyRequired: r.apiKeyRequired, ...(r.authorizerId === undefined ? {} : { AuthorizerId: r.authorizerId }), IntegrationUri: r.integrationUri })) }]];
    }),
  );
  return { Stages, Deployments };
}

/** The in-memory APIs in the state file's shape (seeding from it gives the same state). */
export function apiGatewayState(gateway: InMemoryApiGateway): { restApis: StateRestApi[]; httpApis: StateHttpApi[] } {
  const apis = gateway.all();
  return {
    restApis: apis
      .filter((api) => api.ref.protocol === 'rest')
      .map((api) => ({
        Account: api.ref.account,
        Region: api.ref.region,
        Id: api.ref.apiId,
        Name: api.name,
        Tags: { ...api.tags },
        EndpointConfiguration: { Types: api.endpointTypes.filter((t): t is 'EDGE' | 'REGIONAL' | 'PRIVATE' => t === 'EDGE' || t === 'REGIONAL' || t === 'PRIVATE') },
        Resources: [...api.resources.entries()].map(([Id, r]) => ({
          Id,
          Path: r.path,
          Methods: Object.fromEntries(
            [...r.methods.entries()].map(([method, m]) => [
              method,
              { AuthorizationType: m.authorizationType, ApiKeyRequired: m.apiKeyRequired, ...(m.authorizerId === undefined ? {} : { AuthorizerId: m.authorizerId }), ...(m.integration === null ? {} : { Integration: { Type: m.integration.type, ...(m.integration.uri === undefined ? {} : { Uri: m.integration.uri }) } }) },
            ]),
          ),
        })),
        ...stagesAndDeployments(api),
      })),
    httpApis: apis
      .filter((api) => api.ref.protocol === 'http')
      .map((api) => ({
        Account: api.ref.account,
        Region: api.ref.region,
        ApiId: api.ref.apiId,
        Name: api.name,
        ProtocolType: api.protocolType === 'WEBSOCKET' ? ('WEBSOCKET' as const) : ('HTTP' as const),
        Tags: { ...api.tags },
        Routes: [...api.routes.entries()].map(([RouteId, r]) => ({ RouteId, RouteKey: r.routeKey, AuthorizationType: r.auth.authorizationType, ...(r.auth.authorizerId === undefined ? {} : { AuthorizerId: r.auth.authorizerId }), ...(r.target === null ? {} : { Target: r.target }) })),
        Integrations: [...api.integrations.entries()].map(([IntegrationId, i]) => ({ IntegrationId, IntegrationType: i.type, ...(i.uri === null ? {} : { IntegrationUri: i.uri }) })),
        ...stagesAndDeployments(api),
      })),
  };
}
