/**
 * Answers the API Gateway reads the bot makes (issue #17) from the in-memory APIs through
 * `aws-sdk-client-mock`: `@aws-sdk/client-api-gateway` (`GetRestApi`, `GetStages`, `GetExport`) and
 * `@aws-sdk/client-apigatewayv2` (`GetApi`, `GetStages`, `ExportApi`). Unknown APIs and stages answer
 * `NotFoundException`, as API Gateway does. The route-auth remediation's calls too: REST `GetStage`,
 * `GetResources`, `GetMethod`, `UpdateMethod` (`patchOperations`), `CreateDeployment`; HTTP `GetStage`,
 * `GetRoutes`, `GetIntegration`, `UpdateRoute` (auto-deploy stages redeployed), `CreateDeployment`
 * (refused on an auto-deploy stage with `BadRequestException`).
 */
import {
  APIGatewayClient,
  BadRequestException,
  CreateDeploymentCommand,
  GetExportCommand,
  GetRestApisCommand,
  GetMethodCommand,
  GetResourcesCommand,
  GetRestApiCommand,
  GetStageCommand,
  GetStagesCommand,
  NotFoundException,
  UpdateMethodCommand,
  type PatchOperation,
} from '@aws-sdk/client-api-gateway';
import {
  ApiGatewayV2Client,
  BadRequestException as HttpBadRequestException,
  CreateDeploymentCommand as CreateHttpDeploymentCommand,
  ExportApiCommand,
  GetApiCommand,
  GetApisCommand,
  GetIntegrationCommand,
  GetRoutesCommand,
  GetStageCommand as GetHttpStageCommand,
  GetStagesCommand as GetHttpStagesCommand,
  NotFoundException as HttpNotFoundException,
  UpdateRouteCommand,
  type AuthorizationType,
} from '@aws-sdk/client-apigatewayv2';
import { applyRestMethodPatch } from './api-gateway-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import type { InMemoryApiGateway, StoredApi } from './in-memory-api-gateway';

/** One command the code under test sent (`GetRestApi`, `ExportApi` …). */
export interface ApiGatewayCall {
  readonly command: string;
  readonly input: Readonly<Record<string, unknown>>;
}

type Getter = () => { config: { region: () => Promise<string>; credentials: () => Promise<{ accountId?: string }> } };

const encode = (doc: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(doc));

/** Installs both mocks; `restore()` takes them away. */
export function installApiGatewayMock(
  gateway: InMemoryApiGateway,
  options: {
    readonly onCommand?: (command: string) => void;
    /** The account a client acts in (from its credentials: `accountOfCredentials`); with it, APIs of other accounts are not found or listed. */
    readonly accountOf?: (client: { config: { credentials: () => Promise<{ accountId?: string }> } }) => string | undefined | Promise<string | undefined>;
  } = {},
) {
  const rest = mockClient(APIGatewayClient);
  const http = mockClient(ApiGatewayV2Client);
  const calls: ApiGatewayCall[] = [];
  /** The calling client's region, and its account when `accountOf` knows it ("account:region" keeps them together). */
  const handler =
    <I extends object, O>(command: string, answer: (input: I, region: string) => O) =>
    async (input: I, getClient: Getter): Promise<O> => {
      const client = getClient();
      calls.push({ command, input: structuredClone(input) as Readonly<Record<string, unknown>> });
      options.onCommand?.(command);
      const region = await client.config.region();
      const account = await options.accountOf?.(client);
      return answer(input, account === undefined ? region : `${account}:${region}`);
    };
  /** The API in the client's region (and account, when known). */
  const placeOf = (where: string): { account: string | undefined; region: string } => {
    const colon = where.indexOf(':');
    return colon < 0 ? { account: undefined, region: where } : { account: where.slice(0, colon), region: where.slice(colon + 1) };
  };
  const findApi = (where: string, apiId: string | undefined): StoredApi | undefined => {
    const { account, region } = placeOf(where);
    const api = gateway.find({ region, apiId: apiId ?? '' });
    return account === undefined || api?.ref.account === account ? api : undefined;
  };
  const listed = (where: string, protocol: 'rest' | 'http'): StoredApi[] => {
    const { account, region } = placeOf(where);
    return gateway.all().filter((api) => api.ref.protocol === protocol && api.ref.region === region && (account === undefined || api.ref.account === account));
  };
  const restApi = (region: string, apiId: string | undefined): StoredApi => {
    const api = findApi(region, apiId);
    if (api?.ref.protocol !== 'rest') throw new NotFoundException({ message: 'Invalid API identifier specified', $metadata: {} });
    return api;
  };
  const httpApi = (region: string, apiId: string | undefined): StoredApi => {
    const api = findApi(region, apiId);
    if (api?.ref.protocol !== 'http') throw new HttpNotFoundException({ message: `Invalid API identifier specified ${apiId ?? ''}`, $metadata: {} });
    return api;
  };
  // Listings: every API of the region in one page (the scan's `GetRestApis` / `GetApis`).
  rest.on(GetRestApisCommand).callsFake(handler('GetRestApis', (_input: { limit?: number; position?: string }, where) => ({
    items: listed(where, 'rest').map((api) => ({ id: api.ref.apiId, name: api.name, endpointConfiguration: { types: [...api.endpointTypes] as ('EDGE' | 'REGIONAL' | 'PRIVATE')[] } })),
  })));
  http.on(GetApisCommand).callsFake(handler('GetApis', (_input: { MaxResults?: string; NextToken?: string }, where) => ({
    Items: listed(where, 'http').map((api) => ({ ApiId: api.ref.apiId, Name: api.name, ProtocolType: api.protocolType as 'HTTP' | 'WEBSOCKET', RouteSelectionExpression: '${request.method} ${request.path}' })),
  })));
  rest.on(GetRestApiCommand).callsFake(handler('GetRestApi', (input: { restApiId?: string }, region) => {
    const api = restApi(region, input.restApiId);
    return { id: api.ref.apiId, name: api.name, tags: { ...api.tags }, endpointConfiguration: { types: [...api.endpointTypes] as ('EDGE' | 'REGIONAL' | 'PRIVATE')[] } };
  }));
  rest.on(GetStagesCommand).callsFake(handler('GetStages', (input: { restApiId?: string }, region) => ({
    item: [...restApi(region, input.restApiId).stages.entries()].map(([stageName, s]) => ({ stageName, ...(s.deploymentId === null ? {} : { deploymentId: s.deploymentId }), variables: { ...s.variables }, tags: { ...s.tags } })),
  })));
  rest.on(GetExportCommand).callsFake(handler('GetExport', (input: { restApiId?: string; stageName?: string }, region) => {
    const doc = gateway.stageExport(restApi(region, input.restApiId), input.stageName ?? '');
    if (doc === null) throw new NotFoundException({ message: 'Invalid stage identifier specified', $metadata: {} });
    return { contentType: 'application/json', body: encode(doc) };
  }));
  const restMethod = (region: string, input: { restApiId?: string; resourceId?: string; httpMethod?: string }) => {
    const method = restApi(region, input.restApiId).resources.get(input.resourceId ?? '')?.methods.get(input.httpMethod ?? '');
    if (method === undefined) throw new NotFoundException({ message: 'Invalid Method identifier specified', $metadata: {} });
    return method;
  };
  const methodOutput = (httpMethod: string, m: ReturnType<typeof restMethod>) => ({
    httpMethod,
    authorizationType: m.authorizationType,
    apiKeyRequired: m.apiKeyRequired,
    ...(m.authorizerId === undefined ? {} : { authorizerId: m.authorizerId }),
    ...(m.integration === null ? {} : { methodIntegration: { type: m.integration.type as 'AWS_PROXY', ...(m.integration.uri === undefined ? {} : { uri: m.integration.uri }) } }),
  });
  rest.on(GetStageCommand).callsFake(handler('GetStage', (input: { restApiId?: string; stageName?: string }, region) => {
    const stage = restApi(region, input.restApiId).stages.get(input.stageName ?? '');
    if (stage === undefined) throw new NotFoundException({ message: 'Invalid stage identifier specified', $metadata: {} });
    return { stageName: input.stageName, ...(stage.deploymentId === null ? {} : { deploymentId: stage.deploymentId }), variables: { ...stage.variables }, tags: { ...stage.tags } };
  }));
  rest.on(GetResourcesCommand).callsFake(handler('GetResources', (input: { restApiId?: string }, region) => ({
    items: [...restApi(region, input.restApiId).resources.entries()].map(([id, r]) => ({ id, path: r.path, resourceMethods: Object.fromEntries([...r.methods.entries()].map(([name, m]) => [name, methodOutput(name, m)])) })),
  })));
  rest.on(GetMethodCommand).callsFake(handler('GetMethod', (input: { restApiId?: string; resourceId?: string; httpMethod?: string }, region) => methodOutput(input.httpMethod ?? '', restMethod(region, input))));
  rest.on(UpdateMethodCommand).callsFake(handler('UpdateMethod', (input: { restApiId?: string; resourceId?: string; httpMethod?: string; patchOperations?: PatchOperation[] }, region) => {
    const method = restMethod(region, input);
    for (const op of input.patchOperations ?? []) {
      if (op.op !== 'replace' || !['/authorizationType', '/apiKeyRequired', '/authorizerId'].includes(op.path ?? '')) throw new BadRequestException({ message: `Invalid patch path ${op.path ?? ''}`, $metadata: {} });
      if (op.path === '/authorizationType' && !['NONE', 'AWS_IAM', 'CUSTOM', 'COGNITO_USER_POOLS'].includes(op.value ?? '')) throw new BadRequestException({ message: `Invalid authorization type ${op.value ?? ''}`, $metadata: {} });
      applyRestMethodPatch(method, op.path ?? '', op.value);
    }
    return methodOutput(input.httpMethod ?? '', method);
  }));
  rest.on(CreateDeploymentCommand).callsFake(handler('CreateDeployment', (input: { restApiId?: string; stageName?: string; description?: string }, region) => {
    const api = restApi(region, input.restApiId);
    const id = gateway.createDeployment(api, input.stageName);
    return { id, createdDate: api.deployments.get(id)?.createdDate, ...(input.description === undefined ? {} : { description: input.description }) };
  }));
  http.on(GetApiCommand).callsFake(handler('GetApi', (input: { ApiId?: string }, region) => {
    const api = httpApi(region, input.ApiId);
    return { ApiId: api.ref.apiId, Name: api.name, ProtocolType: api.protocolType as 'HTTP' | 'WEBSOCKET', Tags: { ...api.tags } };
  }));
  http.on(GetHttpStagesCommand).callsFake(handler('GetStages', (input: { ApiId?: string }, region) => ({
    Items: [...httpApi(region, input.ApiId).stages.entries()].map(([StageName, s]) => ({ StageName, ...(s.deploymentId === null ? {} : { DeploymentId: s.deploymentId }), AutoDeploy: s.autoDeploy, StageVariables: { ...s.variables }, Tags: { ...s.tags } })),
  })));
  http.on(ExportApiCommand).callsFake(handler('ExportApi', (input: { ApiId?: string; StageName?: string }, region) => {
    const doc = gateway.stageExport(httpApi(region, input.ApiId), input.StageName ?? '');
    if (doc === null) throw new HttpNotFoundException({ message: 'Invalid stage identifier specified', $metadata: {} });
    return { body: encode(doc) };
  }));
  const httpRoute = (api: StoredApi, routeId: string | undefined) => {
    const route = api.routes.get(routeId ?? '');
    if (route === undefined) throw new HttpNotFoundException({ message: `Invalid Route identifier specified ${routeId ?? ''}`, $metadata: {} });
    return route;
  };
  const routeOutput = (RouteId: string, r: ReturnType<typeof httpRoute>) => ({
    RouteId,
    RouteKey: r.routeKey,
    AuthorizationType: r.auth.authorizationType as AuthorizationType,
    ApiKeyRequired: false,
    ...(r.auth.authorizerId === undefined ? {} : { AuthorizerId: r.auth.authorizerId }),
    ...(r.target === null ? {} : { Target: r.target }),
  });
  http.on(GetHttpStageCommand).callsFake(handler('GetStage', (input: { ApiId?: string; StageName?: string }, region) => {
    const stage = httpApi(region, input.ApiId).stages.get(input.StageName ?? '');
    if (stage === undefined) throw new HttpNotFoundException({ message: `Invalid stage identifier specified ${input.StageName ?? ''}`, $metadata: {} });
    return { StageName: input.StageName, ...(stage.deploymentId === null ? {} : { DeploymentId: stage.deploymentId }), AutoDeploy: stage.autoDeploy, StageVariables: { ...stage.variables }, Tags: { ...stage.tags } };
  }));
  http.on(GetRoutesCommand).callsFake(handler('GetRoutes', (input: { ApiId?: string }, region) => ({
    Items: [...httpApi(region, input.ApiId).routes.entries()].map(([id, r]) => routeOutput(id, r)),
  })));
  http.on(GetIntegrationCommand).callsFake(handler('GetIntegration', (input: { ApiId?: string; IntegrationId?: string }, region) => {
    const integration = httpApi(region, input.ApiId).integrations.get(input.IntegrationId ?? '');
    if (integration === undefined) throw new HttpNotFoundException({ message: `Invalid Integration identifier specified ${input.IntegrationId ?? ''}`, $metadata: {} });
    return { IntegrationId: input.IntegrationId, IntegrationType: integration.type as 'AWS_PROXY', ...(integration.uri === null ? {} : { IntegrationUri: integration.uri }) };
  }));
  http.on(UpdateRouteCommand).callsFake(handler('UpdateRoute', (input: { ApiId?: string; RouteId?: string; AuthorizationType?: string; AuthorizerId?: string }, region) => {
    const api = httpApi(region, input.ApiId);
    const route = httpRoute(api, input.RouteId);
    const authorizationType = input.AuthorizationType ?? route.auth.authorizationType;
    if (!['NONE', 'AWS_IAM', 'CUSTOM', 'JWT'].includes(authorizationType)) throw new HttpBadRequestException({ message: `Invalid authorization type ${authorizationType}`, $metadata: {} });
    const authorizerId = authorizationType === 'NONE' || authorizationType === 'AWS_IAM' ? undefined : (input.AuthorizerId ?? route.auth.authorizerId);
    const updated = { ...route, auth: { authorizationType, apiKeyRequired: false, authorizerId } };
    api.routes.set(input.RouteId ?? '', updated);
    gateway.autoDeploy(api);
    return routeOutput(input.RouteId ?? '', updated);
  }));
  http.on(CreateHttpDeploymentCommand).callsFake(handler('CreateDeployment', (input: { ApiId?: string; StageName?: string; Description?: string }, region) => {
    const api = httpApi(region, input.ApiId);
    const stage = input.StageName === undefined ? undefined : api.stages.get(input.StageName);
    if (input.StageName !== undefined && stage === undefined) throw new HttpNotFoundException({ message: `Invalid stage identifier specified ${input.StageName}`, $metadata: {} });
    if (stage?.autoDeploy === true) throw new HttpBadRequestException({ message: `The stage ${input.StageName ?? ''} has automatic deployments enabled: create no deployment for it`, $metadata: {} });
    const DeploymentId = gateway.createDeployment(api, input.StageName);
    return { DeploymentId, DeploymentStatus: 'DEPLOYED' as const, AutoDeployed: false, ...(input.Description === undefined ? {} : { Description: input.Description }) };
  }));
  return {
    rest,
    http,
    calls,
    restore(): void {
      rest.restore();
      http.restore();
    },
  };
}

export type ApiGatewayMockHandle = ReturnType<typeof installApiGatewayMock>;
