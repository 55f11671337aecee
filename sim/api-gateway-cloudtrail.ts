/**
 * Replays API Gateway's CloudTrail events (`apigateway.amazonaws.com`, issue #17) into the in-memory
 * APIs, with the request parameters CloudTrail logs. REST (`restApiId`): `CreateRestApi`, `CreateResource`
 * (`parentId`, `pathPart`), `PutMethod` (`resourceId`, `httpMethod`, `authorizationType`, `apiKeyRequired`,
 * `authorizerId`), `UpdateMethod` / `UpdateIntegration` / `UpdateStage` (`patchOperations`), `PutIntegration`
 * (`type`, `uri`), `CreateDeployment` (`stageName`; the id from `responseElements.id`), `CreateStage`
 * (`deploymentId`, `variables`, `tags`). HTTP (`apiId`): `CreateApi` (quick create: `target`, `routeKey`),
 * `CreateRoute` / `UpdateRoute` (`routeKey`, `routeId`, `authorizationType`, `authorizerId`, `target`),
 * `CreateIntegration` / `UpdateIntegration` (`integrationId`, `integrationType`, `integrationUri`),
 * `CreateStage` / `UpdateStage` (`stageName`, `autoDeploy`, `deploymentId`, `tags`, `stageVariables`),
 * `CreateDeployment`. Both: `TagResource` (`resourceArn`, `tags`), `UntagResource` (`tagKeys`).
 * A change to an HTTP API's draft is deployed at once to its auto-deploy stages, as API Gateway does.
 */
import type { CloudTrailEvent } from '../functions/shared/event/cloudtrail-event';
import { API_GATEWAY_SOURCE, apiOfEvent } from '../functions/shared/apigateway/api-events';
import type { ApiRef, ResourceRef } from '../functions/shared/state/resources';
import type { InMemoryApiGateway, StoredApi, StoredRestMethod } from './in-memory-api-gateway';
import type { ApplyOutcome } from './lambda-cloudtrail';

type Params = Readonly<Record<string, unknown>> | null | undefined;

function str(params: Params, name: string): string | undefined {
  const value = params?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function bool(params: Params, name: string): boolean | undefined {
  const value = params?.[name];
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  return undefined;
}

function stringMap(params: Params, name: string): Record<string, string> | undefined {
  const value = params?.[name];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** `patchOperations` as CloudTrail logs them (`[{ op, path, value }]`). */
function patches(params: Params): { op: string; path: string; value: string | undefined }[] {
  const value = params?.patchOperations;
  if (!Array.isArray(value)) return [];
  return (value as unknown[]).flatMap((entry) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { op, path, value: v } = entry as Record<string, unknown>;
    return typeof op === 'string' && typeof path === 'string' ? [{ op, path, value: typeof v === 'string' ? v : undefined }] : [];
  });
}

const done = (eventName: string, detail: string): ApplyOutcome => ({ applied: true, eventName, detail });
const skipped = (eventName: string, detail: string): ApplyOutcome => ({ applied: false, eventName, detail });

/** Events that create the API they name (nothing to ensure first). */
const CREATING = new Set(['CreateRestApi', 'CreateApi', 'ImportApi', 'ImportRestApi']);

/** Creates the API an event changes when the account does not hold it (empty, no stage). Returns what it created. */
export function ensureApiGatewayResources(gateway: InMemoryApiGateway, event: CloudTrailEvent): ResourceRef[] {
  const { detail } = event;
  if (detail.eventSource !== API_GATEWAY_SOURCE || (detail.errorCode !== undefined && detail.errorCode !== '') || CREATING.has(detail.eventName)) return [];
  const api = apiOfEvent(event);
  if (api === null || gateway.has(api.ref)) return [];
  gateway.createApi(api.ref);
  return [api.ref];
}

function applyRestMethodPatch(method: StoredRestMethod, path: string, value: string | undefined): void {
  if (path === '/authorizationType' && value !== undefined) Object.assign(method, { authorizationType: value });
  if (path === '/apiKeyRequired') Object.assign(method, { apiKeyRequired: value === 'true' });
  if (path === '/authorizerId') Object.assign(method, { authorizerId: value });
}

function applyStagePatch(api: StoredApi, stageName: string, ops: ReturnType<typeof patches>): boolean {
  const stage = api.stages.get(stageName);
  if (stage === undefined) return false;
  for (const { op, path, value } of ops) {
    if (path === '/deploymentId' && value !== undefined) stage.deploymentId = value;
    const variable = /^\/variables\/(.+)$/.exec(path)?.[1];
    if (variable !== undefined) {
      if (op === 'remove') Reflect.deleteProperty(stage.variables, variable);
      else if (value !== undefined) stage.variables[variable] = value;
    }
  }
  return true;
}

function applyRest(gateway: InMemoryApiGateway, api: StoredApi, event: CloudTrailEvent, at: Date): ApplyOutcome {
  const { detail } = event;
  const name = detail.eventName;
  const request = detail.requestParameters;
  const resourceId = str(request, 'resourceId');
  const httpMethod = str(request, 'httpMethod');
  const resource = resourceId === undefined ? undefined : api.resources.get(resourceId);
  switch (name) {
    case 'CreateResource': {
      const id = str(detail.responseElements, 'id');
      const parent = api.resources.get(str(request, 'parentId') ?? '');
      const part = str(request, 'pathPart');
      if (id === undefined || parent === undefined || part === undefined) return skipped(name, 'resource id, parent or path part unknown');
      api.resources.set(id, { path: `${parent.path === '/' ? '' : parent.path}/${part}`, methods: new Map() });
      return done(name, `created resource ${id}`);
    }
    case 'PutMethod': {
      if (resource === undefined || httpMethod === undefined) return skipped(name, 'resource or method unknown');
      resource.methods.set(httpMethod, {
        authorizationType: str(request, 'authorizationType') ?? 'NONE',
        apiKeyRequired: bool(request, 'apiKeyRequired') ?? false,
        authorizerId: str(request, 'authorizerId'),
        integration: resource.methods.get(httpMethod)?.integration ?? null,
      });
      return done(name, `put method ${httpMethod} ${resource.path} (draft)`);
    }
    case 'UpdateMethod': {
      const method = httpMethod === undefined ? undefined : resource?.methods.get(httpMethod);
      if (method === undefined) return skipped(name, 'method unknown');
      for (const p of patches(request)) applyRestMethodPatch(method, p.path, p.value);
      return done(name, `updated method ${httpMethod ?? ''} (draft)`);
    }
    case 'PutIntegration':
    case 'UpdateIntegration': {
      const method = httpMethod === undefined ? undefined : resource?.methods.get(httpMethod);
      if (method === undefined) return skipped(name, 'method unknown');
      if (name === 'PutIntegration') method.integration = { type: str(request, 'type') ?? 'AWS_PROXY', uri: str(request, 'uri') };
      else for (const p of patches(request)) if (p.path === '/uri' && method.integration !== null) method.integration.uri = p.value;
      return done(name, `integration of ${httpMethod ?? ''} set (draft)`);
    }
    case 'CreateDeployment': {
      const id = gateway.createDeployment(api, str(request, 'stageName'), str(detail.responseElements, 'id'), at);
      return done(name, `deployment ${id}${str(request, 'stageName') === undefined ? '' : ` to stage ${str(request, 'stageName') ?? ''}`}`);
    }
    case 'CreateStage': {
      const stageName = str(request, 'stageName');
      if (stageName === undefined) return skipped(name, 'stageName missing');
      api.stages.set(stageName, { deploymentId: str(request, 'deploymentId') ?? null, autoDeploy: false, variables: stringMap(request, 'variables') ?? {}, tags: stringMap(request, 'tags') ?? {} });
      return done(name, `created stage ${stageName}`);
    }
    case 'UpdateStage': {
      const stageName = str(request, 'stageName') ?? '';
      return applyStagePatch(api, stageName, patches(request)) ? done(name, `updated stage ${stageName}`) : skipped(name, `stage ${stageName} unknown`);
    }
    default:
      return skipped(name, 'not a change the simulator models');
  }
}

function applyHttp(gateway: InMemoryApiGateway, api: StoredApi, event: CloudTrailEvent, at: Date): ApplyOutcome {
  const { detail } = event;
  const name = detail.eventName;
  const request = detail.requestParameters;
  const response = detail.responseElements;
  switch (name) {
    case 'CreateRoute':
    case 'UpdateRoute': {
      const routeId = str(request, 'routeId') ?? str(response, 'routeId') ?? gateway.newId();
      const before = api.routes.get(routeId);
      if (name === 'UpdateRoute' && before === undefined) return skipped(name, `route ${routeId} unknown`);
      const authorizationType = str(request, 'authorizationType') ?? before?.auth.authorizationType ?? 'NONE';
      const authorizerId = authorizationType === 'NONE' || authorizationType === 'AWS_IAM' ? undefined : (str(request, 'authorizerId') ?? before?.auth.authorizerId);
      api.routes.set(routeId, {
        routeKey: str(request, 'routeKey') ?? before?.routeKey ?? '$default',
        auth: { authorizationType, apiKeyRequired: false, authorizerId },
        target: str(request, 'target') ?? before?.target ?? null,
      });
      break;
    }
    case 'CreateIntegration':
    case 'UpdateIntegration': {
      const integrationId = str(request, 'integrationId') ?? str(response, 'integrationId') ?? gateway.newId();
      const before = api.integrations.get(integrationId);
      if (name === 'UpdateIntegration' && before === undefined) return skipped(name, `integration ${integrationId} unknown`);
      api.integrations.set(integrationId, { type: str(request, 'integrationType') ?? before?.type ?? 'AWS_PROXY', uri: str(request, 'integrationUri') ?? before?.uri ?? null });
      break;
    }
    case 'CreateStage': {
      const stageName = str(request, 'stageName');
      if (stageName === undefined) return skipped(name, 'stageName missing');
      api.stages.set(stageName, { deploymentId: str(request, 'deploymentId') ?? null, autoDeploy: bool(request, 'autoDeploy') ?? false, variables: stringMap(request, 'stageVariables') ?? {}, tags: stringMap(request, 'tags') ?? {} });
      if (bool(request, 'autoDeploy') === true) gateway.createDeployment(api, stageName, undefined, at);
      return done(name, `created stage ${stageName}`);
    }
    case 'UpdateStage': {
      const stageName = str(request, 'stageName') ?? '';
      const stage = api.stages.get(stageName);
      if (stage === undefined) return skipped(name, `stage ${stageName} unknown`);
      const deploymentId = str(request, 'deploymentId');
      if (deploymentId !== undefined) stage.deploymentId = deploymentId;
      const autoDeploy = bool(request, 'autoDeploy');
      if (autoDeploy !== undefined) stage.autoDeploy = autoDeploy;
      if (autoDeploy === true) gateway.createDeployment(api, stageName, undefined, at);
      return done(name, `updated stage ${stageName}`);
    }
    case 'CreateDeployment': {
      const id = gateway.createDeployment(api, str(request, 'stageName'), str(response, 'deploymentId'), at);
      return done(name, `deployment ${id}`);
    }
    default:
      return skipped(name, 'not a change the simulator models');
  }
  gateway.autoDeploy(api, at);
  return done(name, `${name} on ${api.ref.apiId} (auto-deploy stages redeployed)`);
}

function applyTags(api: StoredApi, event: CloudTrailEvent, stageName: string | undefined): ApplyOutcome {
  const { detail } = event;
  const target = stageName === undefined ? api.tags : api.stages.get(stageName)?.tags;
  if (target === undefined) return skipped(detail.eventName, `stage ${stageName ?? ''} unknown`);
  if (detail.eventName === 'TagResource') Object.assign(target, stringMap(detail.requestParameters, 'tags') ?? {});
  const keys = detail.requestParameters?.tagKeys;
  if (detail.eventName === 'UntagResource' && Array.isArray(keys)) for (const k of keys) if (typeof k === 'string') Reflect.deleteProperty(target, k);
  return done(detail.eventName, `tags of ${stageName === undefined ? 'the API' : `stage ${stageName}`} changed`);
}

/** Applies one API Gateway event; failed calls, unknown events and unknown APIs change nothing. */
export function applyApiGatewayEvent(gateway: InMemoryApiGateway, event: CloudTrailEvent): ApplyOutcome {
  const { detail } = event;
  const name = detail.eventName;
  if (detail.eventSource !== API_GATEWAY_SOURCE) return skipped(name, `not an API Gateway event (${detail.eventSource})`);
  if (detail.errorCode !== undefined && detail.errorCode !== '') return skipped(name, `failed call (${detail.errorCode}): nothing changed`);
  const at = new Date(Date.parse(detail.eventTime));
  const account = detail.recipientAccountId ?? event.account;
  if (name === 'CreateRestApi' || name === 'CreateApi') {
    const id = name === 'CreateRestApi' ? str(detail.responseElements, 'id') : str(detail.responseElements, 'apiId');
    if (id === undefined) return skipped(name, 'no API id in responseElements');
    const ref: ApiRef = { kind: 'apigateway-api', account, region: detail.awsRegion, protocol: name === 'CreateRestApi' ? 'rest' : 'http', apiId: id };
    const endpointTypes = (detail.requestParameters?.endpointConfiguration as { types?: unknown } | undefined)?.types;
    const api = gateway.createApi(ref, { ...(Array.isArray(endpointTypes) ? { endpointTypes: endpointTypes.filter((t): t is string => typeof t === 'string') } : {}), name: str(detail.requestParameters, 'name') ?? id, protocolType: str(detail.requestParameters, 'protocolType') ?? (ref.protocol === 'rest' ? 'REST' : 'HTTP'), tags: stringMap(detail.requestParameters, 'tags') ?? {} });
    const target = str(detail.requestParameters, 'target');
    if (name === 'CreateApi' && target !== undefined) {
      // Quick create: an integration, a route (`$default` unless named) and a `$default` stage with auto-deploy.
      const integrationId = gateway.newId();
      api.integrations.set(integrationId, { type: 'AWS_PROXY', uri: target });
      api.routes.set(gateway.newId(), { routeKey: str(detail.requestParameters, 'routeKey') ?? '$default', auth: { authorizationType: 'NONE', apiKeyRequired: false }, target: `integrations/${integrationId}` });
      api.stages.set('$default', { deploymentId: null, autoDeploy: true, variables: {}, tags: {} });
      gateway.autoDeploy(api, at);
    }
    return done(name, `created API ${id}`);
  }
  const named = apiOfEvent(event);
  const api = named === null ? undefined : gateway.find(named.ref);
  if (named === null || api === undefined) return skipped(name, 'the API is unknown');
  if (name === 'TagResource' || name === 'UntagResource') return applyTags(api, event, named.stageName);
  return named.ref.protocol === 'rest' ? applyRest(gateway, api, event, at) : applyHttp(gateway, api, event, at);
}
