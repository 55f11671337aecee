/**
 * Setting the authorization of one API Gateway route and redeploying the one stage it was judged on
 * (issue #17), shared by `set-api-route-auth-iam` (requiring IAM on an unauthenticated route) and
 * `set-api-route-auth-none` (its Restore). REST: `UpdateMethod` (`replace /authorizationType`) on that
 * resource and method, then `CreateDeployment` to that stage. HTTP: `UpdateRoute` on that route, then
 * `CreateDeployment` to that stage unless it deploys automatically. The draft is re-read first and the
 * plan refused (nothing changed) when the stage, the route or its integration changed since the finding.
 */
import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import type { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import * as z from 'zod';
import { lazySchema } from '../lazy-schema';
import { deployedRoutes, invokedFunctionArn } from '../apigateway/deployed-routes';
import { moduleExports } from '../aws/sdk-module';
import { StaleFindingError } from '../errors';
import { parseApiArn, type ApiRef } from '../state/resources';
import { failedOutcome, formatCall, type ActionClients, type ActionHooks, type ActionOutcome, type RemediationAction } from './action';

/** The parameters of both actions: which route of which API, on which stage, judged invoking which function. */
export const ApiRouteParamsSchema = lazySchema(() => z.strictObject({
  /** The API's ARN (`arn:aws:apigateway:<region>::/restapis/<id>` or `…::/apis/<id>`): the finding's resource. */
  api: z.string().regex(/^arn:aws[a-z-]*:apigateway:[a-z0-9-]+::\/(restapis|apis)\/[A-Za-z0-9]{1,32}$/, 'must be a REST or HTTP API ARN'),
  stage: z.string().regex(/^[\w$-]{1,128}$/, 'must be a stage name'),
  method: z.enum(['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'ANY']),
  path: z.string().min(1).max(1024),
  /** The function the finding saw the route invoke: a route now integrated with another is not touched. */
  functionArn: z.string().regex(/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(?::[A-Za-z0-9_$-]+)?$/, 'must be a function ARN'),
}));
export type ApiRouteParams = z.infer<typeof ApiRouteParamsSchema>;

/** The IAM actions both actions call: reads, the method or route update (PATCH), the deployment (POST). */
export const API_ROUTE_AUTH_PERMISSIONS = ['apigateway:GET', 'apigateway:PATCH', 'apigateway:POST'] as const;

type Target = 'AWS_IAM' | 'NONE';

function apiOf(params: ApiRouteParams): ApiRef {
  const parsed = parseApiArn(params.api, '000000000000');
  if (parsed === null) throw new StaleFindingError(`not an API ARN: ${params.api}`);
  return parsed.ref;
}

/** An HTTP API route key from a deployed route's method and path (`$default` exports as `ANY $default` or `ANY /$default`). */
export function routeKeyOf(method: string, path: string): string {
  return path === '$default' || path === '/$default' ? '$default' : `${method} ${path}`;
}

const isNotFound = (e: unknown): boolean => e instanceof Error && e.name === 'NotFoundException';

function stale(detail: string): ActionOutcome {
  return failedOutcome(new StaleFindingError(`${detail}: nothing was changed; the API is judged again on its own events`));
}

/** What the draft holds for the route, read before any change. */
interface DraftRoute {
  readonly stageDeploymentId: string | null;
  readonly autoDeploy: boolean;
  readonly authorizationType: string;
  readonly apiKeyRequired: boolean;
  readonly functionArn: string | null;
  /** REST: the resource id; HTTP: the route id. */
  readonly id: string;
}

async function restDraft(client: APIGatewayClient, apiId: string, params: ApiRouteParams): Promise<DraftRoute | 'no-stage' | 'no-route'> {
  const { GetMethodCommand, GetResourcesCommand, GetStageCommand } = moduleExports(await import('@aws-sdk/client-api-gateway'), 'GetMethodCommand');
  let stage;
  try {
    stage = await client.send(new GetStageCommand({ restApiId: apiId, stageName: params.stage }));
  } catch (e: unknown) {
    if (isNotFound(e)) return 'no-stage';
    throw e;
  }
  let resourceId: string | undefined;
  let position: string | undefined;
  do {
    const page = await client.send(new GetResourcesCommand({ restApiId: apiId, limit: 500, ...(position === undefined ? {} : { position }) }));
    resourceId = page.items?.find((r) => r.path === params.path)?.id;
    position = page.position === '' ? undefined : page.position;
  } while (resourceId === undefined && position !== undefined);
  if (resourceId === undefined) return 'no-route';
  let method;
  try {
    method = await client.send(new GetMethodCommand({ restApiId: apiId, resourceId, httpMethod: params.method }));
  } catch (e: unknown) {
    if (isNotFound(e)) return 'no-route';
    throw e;
  }
  return {
    stageDeploymentId: stage.deploymentId ?? null,
    autoDeploy: false,
    authorizationType: method.authorizationType ?? 'NONE',
    apiKeyRequired: method.apiKeyRequired ?? false,
    functionArn: invokedFunctionArn(method.methodIntegration?.uri, stage.variables ?? {}),
    id: resourceId,
  };
}

async function httpDraft(client: ApiGatewayV2Client, apiId: string, params: ApiRouteParams): Promise<DraftRoute | 'no-stage' | 'no-route'> {
  const { GetIntegrationCommand, GetRoutesCommand, GetStageCommand } = moduleExports(await import('@aws-sdk/client-apigatewayv2'), 'GetRoutesCommand');
  let stage;
  try {
    stage = await client.send(new GetStageCommand({ ApiId: apiId, StageName: params.stage }));
  } catch (e: unknown) {
    if (isNotFound(e)) return 'no-stage';
    throw e;
  }
  const key = routeKeyOf(params.method, params.path);
  let route;
  let token: string | undefined;
  do {
    const page = await client.send(new GetRoutesCommand({ ApiId: apiId, ...(token === undefined ? {} : { NextToken: token }) }));
    route = page.Items?.find((r) => r.RouteKey === key);
    token = page.NextToken === '' ? undefined : page.NextToken;
  } while (route === undefined && token !== undefined);
  if (route?.RouteId === undefined) return 'no-route';
  const integrationId = route.Target?.startsWith('integrations/') === true ? route.Target.slice('integrations/'.length) : undefined;
  const integration = integrationId === undefined ? undefined : await client.send(new GetIntegrationCommand({ ApiId: apiId, IntegrationId: integrationId }));
  return {
    stageDeploymentId: stage.DeploymentId ?? null,
    autoDeploy: stage.AutoDeploy ?? false,
    authorizationType: route.AuthorizationType ?? 'NONE',
    apiKeyRequired: false,
    functionArn: invokedFunctionArn(integration?.IntegrationUri, stage.StageVariables ?? {}),
    id: route.RouteId,
  };
}

/** The authorization the stage serves for the route now (from its export), or null when the stage or route is gone. */
async function deployedAuthorization(clients: ActionClients, params: ApiRouteParams): Promise<string | null> {
  const ref = apiOf(params);
  const gateway = required(clients);
  let body: Uint8Array | undefined;
  try {
    if (ref.protocol === 'rest') {
      const { GetExportCommand } = moduleExports(await import('@aws-sdk/client-api-gateway'), 'GetExportCommand');
      body = (await (await gateway.rest()).send(new GetExportCommand({ restApiId: ref.apiId, stageName: params.stage, exportType: 'oas30', parameters: { extensions: 'apigateway' }, accepts: 'application/json' }))).body;
    } else {
      const { ExportApiCommand } = moduleExports(await import('@aws-sdk/client-apigatewayv2'), 'ExportApiCommand');
      body = (await (await gateway.http()).send(new ExportApiCommand({ ApiId: ref.apiId, StageName: params.stage, Specification: 'OAS30', OutputType: 'JSON', IncludeExtensions: true }))).body;
    }
  } catch (e: unknown) {
    if (isNotFound(e)) return null;
    throw e;
  }
  if (body === undefined) return null;
  const routes = deployedRoutes(JSON.parse(new TextDecoder().decode(body)) as unknown);
  return routes.find((r) => r.method === params.method && r.path === params.path)?.authorization ?? null;
}

function required(clients: ActionClients): NonNullable<ActionClients['apiGateway']> {
  if (clients.apiGateway === undefined) throw new TypeError('the API route actions need API Gateway clients');
  return clients.apiGateway;
}

/** The exact calls, for messages. */
export function describeRouteAuth(params: ApiRouteParams, target: Target): string {
  const ref = apiOf(params);
  if (ref.protocol === 'rest') {
    return [
      formatCall('apigateway:UpdateMethod', { restApiId: ref.apiId, resource: params.path, httpMethod: params.method, patchOperations: `replace /authorizationType ${target}` }),
      formatCall('apigateway:CreateDeployment', { restApiId: ref.apiId, stageName: params.stage }),
    ].join('; then ');
  }
  return [
    formatCall('apigateway:UpdateRoute', { ApiId: ref.apiId, RouteKey: routeKeyOf(params.method, params.path), AuthorizationType: target }),
    `apigateway:CreateDeployment ApiId=${ref.apiId} StageName=${params.stage} (unless the stage deploys automatically)`,
  ].join('; then ');
}

async function run(clients: ActionClients, params: ApiRouteParams, target: Target, judgedDeploymentId: string | undefined, hooks: ActionHooks | undefined): Promise<ActionOutcome> {
  const from: Target = target === 'AWS_IAM' ? 'NONE' : 'AWS_IAM';
  const ref = apiOf(params);
  const gateway = required(clients);
  const route = `${params.method} ${params.path}`;
  const draft = ref.protocol === 'rest' ? await restDraft(await gateway.rest(), ref.apiId, params) : await httpDraft(await gateway.http(), ref.apiId, params);
  if (draft === 'no-stage') return { status: 'already-compliant', detail: `stage ${params.stage} no longer exists: it serves nothing` };
  if (draft === 'no-route') return stale(`the API's draft no longer has ${route}, and deploying it would publish that change too`);
  if (judgedDeploymentId !== undefined && draft.stageDeploymentId !== judgedDeploymentId) {
    return stale(`stage ${params.stage} now serves deployment ${draft.stageDeploymentId ?? '(none)'}, not ${judgedDeploymentId} as judged`);
  }
  if (draft.functionArn !== params.functionArn) return stale(`${route} now invokes ${draft.functionArn ?? 'no Lambda function'}, not ${params.functionArn}`);
  if (draft.authorizationType !== from || (target === 'AWS_IAM' && draft.apiKeyRequired)) {
    return stale(`the draft of ${route} is now authorization ${draft.authorizationType}${draft.apiKeyRequired ? ' with an API key' : ''}, not ${from}`);
  }
  const description = `Lambda Warden: ${route} authorization ${target}`;
  if (ref.protocol === 'rest') {
    const { CreateDeploymentCommand, UpdateMethodCommand } = moduleExports(await import('@aws-sdk/client-api-gateway'), 'UpdateMethodCommand');
    const client = await gateway.rest();
    await client.send(new UpdateMethodCommand({ restApiId: ref.apiId, resourceId: draft.id, httpMethod: params.method, patchOperations: [{ op: 'replace', path: '/authorizationType', value: target }] }));
    await client.send(new CreateDeploymentCommand({ restApiId: ref.apiId, stageName: params.stage, description }));
  } else {
    const { CreateDeploymentCommand, UpdateRouteCommand } = moduleExports(await import('@aws-sdk/client-apigatewayv2'), 'UpdateRouteCommand');
    const client = await gateway.http();
    await client.send(new UpdateRouteCommand({ ApiId: ref.apiId, RouteId: draft.id, AuthorizationType: target }));
    // An auto-deploy stage serves the change already (and refuses a deployment of its own).
    if (!draft.autoDeploy) await client.send(new CreateDeploymentCommand({ ApiId: ref.apiId, StageName: params.stage, Description: description }));
  }
  hooks?.changed?.();
  const after = await deployedAuthorization(clients, params);
  return {
    status: 'remediated',
    verified: after === target,
    detail: `${route} of ${params.api} set to authorization ${target} and stage ${params.stage} redeployed${ref.protocol === 'http' && draft.autoDeploy ? ' (automatically)' : ''}`,
  };
}

/**
 * `describe`, `execute` and `verify` of the action that sets the route's authorization to `target`.
 * `judgedDeploymentId` picks the deployment the finding was judged on from the parameters (forward
 * action only: after the change the stage serves a new deployment the Restore cannot know).
 */
export function apiRouteAuthUpdate<P extends ApiRouteParams>(target: Target, judgedDeploymentId: (params: P) => string | undefined): Pick<RemediationAction<P>, 'describe' | 'execute' | 'verify'> {
  return {
    describe: (p) => describeRouteAuth(p, target),
    async execute(clients, params, hooks) {
      try {
        return await run(clients, params, target, judgedDeploymentId(params), hooks);
      } catch (e: unknown) {
        return failedOutcome(e);
      }
    },
    async verify(clients, params) {
      return (await deployedAuthorization(clients, params)) === target;
    },
  };
}
