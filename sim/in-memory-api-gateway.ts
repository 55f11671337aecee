/**
 * API Gateway in the in-memory account (issue #17): REST APIs (resources, methods and their
 * integrations as a draft; deployments freeze the draft; stages serve a deployment) and HTTP APIs
 * (routes, integrations, deployments, stages with auto-deploy). A stage's export renders what its
 * deployment holds, in the OpenAPI 3.0 shape API Gateway exports with its extensions.
 */
import type { ApiRef } from '../functions/shared/state/resources';

/** How a method or route authorizes, as the API sets it (`authorizationType`). */
export interface StoredAuth {
  /** REST: `NONE`, `AWS_IAM`, `CUSTOM`, `COGNITO_USER_POOLS`; HTTP: `NONE`, `AWS_IAM`, `CUSTOM`, `JWT`. */
  readonly authorizationType: string;
  /** REST only. */
  readonly apiKeyRequired: boolean;
  readonly authorizerId?: string | undefined;
}

/** One method (REST) or route (HTTP) as a deployment holds it. */
export interface StoredRoute extends StoredAuth {
  /** `GET`, `POST`, … or `ANY`. */
  readonly method: string;
  /** `/orders`, or `$default`. */
  readonly path: string;
  readonly integrationUri: string | null;
}

export interface StoredStage {
  deploymentId: string | null;
  autoDeploy: boolean;
  variables: Record<string, string>;
  tags: Record<string, string>;
}

export interface StoredRestMethod extends StoredAuth {
  integration: { type: string; uri?: string | undefined } | null;
}

export interface StoredApi {
  readonly ref: ApiRef;
  name: string;
  /** HTTP APIs: `HTTP` or `WEBSOCKET`. */
  protocolType: string;
  tags: Record<string, string>;
  /** REST: `EDGE` (the default), `REGIONAL` or `PRIVATE`. */
  endpointTypes: string[];
  /** REST: resource id → path and methods. */
  readonly resources: Map<string, { path: string; methods: Map<string, StoredRestMethod> }>;
  /** HTTP: route id → route. */
  readonly routes: Map<string, { routeKey: string; auth: StoredAuth; target: string | null }>;
  /** HTTP: integration id → type and URI. */
  readonly integrations: Map<string, { type: string; uri: string | null }>;
  readonly deployments: Map<string, { createdDate: Date; routes: readonly StoredRoute[] }>;
  readonly stages: Map<string, StoredStage>;
}

function key(ref: Pick<ApiRef, 'region' | 'apiId'>): string {
  return `${ref.region}/${ref.apiId}`;
}

/** The method and path of an HTTP API route key (`POST /orders`, `$default`, `ANY /{proxy+}`). */
export function splitRouteKey(routeKey: string): { method: string; path: string } {
  const space = routeKey.indexOf(' ');
  return space < 0 ? { method: 'ANY', path: routeKey } : { method: routeKey.slice(0, space), path: routeKey.slice(space + 1) };
}

/** The name of the security scheme an authorization uses in an export (null: none). */
function schemeOf(auth: StoredAuth): string | null {
  switch (auth.authorizationType) {
    case 'NONE':
      return null;
    case 'AWS_IAM':
      return 'sigv4';
    default:
      return `authorizer-${auth.authorizerId ?? 'unknown'}`;
  }
}

function securitySchemeFor(auth: StoredAuth): Record<string, unknown> {
  switch (auth.authorizationType) {
    case 'AWS_IAM':
      return { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'awsSigv4' };
    case 'COGNITO_USER_POOLS':
      return { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'cognito_user_pools', 'x-amazon-apigateway-authorizer': { type: 'cognito_user_pools' } };
    case 'JWT':
      return { type: 'oauth2', flows: {}, 'x-amazon-apigateway-authorizer': { type: 'jwt' } };
    default:
      return { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'custom', 'x-amazon-apigateway-authorizer': { type: 'request' } };
  }
}

const OPERATION_KEYS: Readonly<Record<string, string>> = { ANY: 'x-amazon-apigateway-any-method' };

/** The OpenAPI 3.0 document API Gateway exports for a deployment (with its extensions). */
export function renderExport(api: StoredApi, routes: readonly StoredRoute[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const schemes: Record<string, unknown> = {};
  for (const route of routes) {
    const security: Record<string, string[]>[] = [];
    const scheme = schemeOf(route);
    const requirement: Record<string, string[]> = {};
    if (scheme !== null) {
      requirement[scheme] = [];
      schemes[scheme] = securitySchemeFor(route);
    }
    if (route.apiKeyRequired) {
      requirement.api_key = [];
      schemes.api_key = { type: 'apiKey', name: 'x-api-key', in: 'header' };
    }
    if (Object.keys(requirement).length > 0) security.push(requirement);
    const operation: Record<string, unknown> = {
      ...(security.length === 0 ? {} : { security }),
      ...(route.integrationUri === null ? {} : { 'x-amazon-apigateway-integration': { type: 'aws_proxy', httpMethod: 'POST', uri: route.integrationUri } }),
    };
    paths[route.path] = { ...(paths[route.path] ?? {}), [OPERATION_KEYS[route.method] ?? route.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.0.1',
    info: { title: api.name, version: '1.0' },
    paths,
    ...(Object.keys(schemes).length === 0 ? {} : { components: { securitySchemes: schemes } }),
  };
}

export class InMemoryApiGateway {
  private readonly apis = new Map<string, StoredApi>();
  private counter = 0;

  constructor(private readonly clock: () => Date = () => new Date()) {}

  /** A fresh id of API Gateway's shape (10 lower-case letters and digits). */
  newId(): string {
    this.counter += 1;
    return `sim${this.counter.toString(36).padStart(7, '0')}`;
  }

  has(ref: Pick<ApiRef, 'region' | 'apiId'>): boolean {
    return this.apis.has(key(ref));
  }

  /** The API, or undefined (a caller answers NotFoundException). */
  find(ref: Pick<ApiRef, 'region' | 'apiId'>): StoredApi | undefined {
    return this.apis.get(key(ref));
  }

  all(): StoredApi[] {
    return [...this.apis.values()];
  }

  createApi(ref: ApiRef, options: { name?: string; protocolType?: string; tags?: Record<string, string>; endpointTypes?: readonly string[] } = {}): StoredApi {
    const api: StoredApi = {
      ref,
      name: options.name ?? ref.apiId,
      protocolType: options.protocolType ?? (ref.protocol === 'rest' ? 'REST' : 'HTTP'),
      tags: { ...(options.tags ?? {}) },
      endpointTypes: [...(options.endpointTypes ?? (ref.protocol === 'rest' ? ['EDGE'] : []))],
      resources: new Map(),
      routes: new Map(),
      integrations: new Map(),
      deployments: new Map(),
      stages: new Map(),
    };
    if (ref.protocol === 'rest') api.resources.set('root', { path: '/', methods: new Map() });
    this.apis.set(key(ref), api);
    return api;
  }

  /** The routes of the API's draft, as a deployment would freeze them. */
  draftRoutes(api: StoredApi): StoredRoute[] {
    if (api.ref.protocol === 'rest') {
      return [...api.resources.values()].flatMap((resource) =>
        [...resource.methods.entries()].map(([method, m]) => ({
          method,
          path: resource.path,
          authorizationType: m.authorizationType,
          apiKeyRequired: m.apiKeyRequired,
          authorizerId: m.authorizerId,
          integrationUri: m.integration?.uri ?? null,
        })),
      );
    }
    return [...api.routes.values()].map((route) => {
      const integrationId = route.target?.startsWith('integrations/') === true ? route.target.slice('integrations/'.length) : undefined;
      return { ...splitRouteKey(route.routeKey), ...route.auth, apiKeyRequired: false, integrationUri: integrationId === undefined ? null : (api.integrations.get(integrationId)?.uri ?? null) };
    });
  }

  /** Freezes the draft into a deployment (with `id`, else a new id); the stage named, if any, then serves it. */
  createDeployment(api: StoredApi, stageName: string | undefined, id?: string, at: Date = this.clock()): string {
    const deploymentId = id ?? this.newId();
    api.deployments.set(deploymentId, { createdDate: at, routes: this.draftRoutes(api) });
    if (stageName !== undefined) {
      const stage = api.stages.get(stageName) ?? { deploymentId: null, autoDeploy: false, variables: {}, tags: {} };
      stage.deploymentId = deploymentId;
      api.stages.set(stageName, stage);
    }
    return deploymentId;
  }

  /** HTTP APIs: after a change to the draft, every auto-deploy stage gets a new deployment of it. */
  autoDeploy(api: StoredApi, at: Date = this.clock()): void {
    for (const [name, stage] of api.stages) if (stage.autoDeploy) this.createDeployment(api, name, undefined, at);
  }

  /** The OpenAPI export of what a stage serves; null when the stage or its deployment is unknown. */
  stageExport(api: StoredApi, stageName: string): Record<string, unknown> | null {
    const deploymentId = api.stages.get(stageName)?.deploymentId;
    const deployment = deploymentId === null || deploymentId === undefined ? undefined : api.deployments.get(deploymentId);
    return deployment === undefined ? null : renderExport(api, deployment.routes);
  }
}
