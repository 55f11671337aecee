/**
 * What a stage of an API serves, read from the OpenAPI 3.0 export of that stage (`GetExport` for a REST API,
 * `ExportApi` with `StageName` for an HTTP API, both with API Gateway's extensions): the deployed definition,
 * not the draft. Pure: parsing only.
 */
import * as z from 'zod';
import { lazySchema } from '../lazy-schema';
import type { DeployedRoute } from '../state/resources';

/** OpenAPI operations API Gateway exports (`x-amazon-apigateway-any-method` is `ANY`). */
const OPERATIONS: Readonly<Record<string, string>> = {
  get: 'GET',
  put: 'PUT',
  post: 'POST',
  delete: 'DELETE',
  options: 'OPTIONS',
  head: 'HEAD',
  patch: 'PATCH',
  'x-amazon-apigateway-any-method': 'ANY',
};

const SecurityRequirements = lazySchema(() => z.array(z.record(z.string(), z.array(z.string()).optional())));

const OperationSchema = lazySchema(() => z.looseObject({
  security: SecurityRequirements.optional(),
  'x-amazon-apigateway-integration': z.looseObject({ type: z.string().optional(), uri: z.string().optional() }).optional(),
}));

const SecuritySchemeSchema = lazySchema(() => z.looseObject({
  type: z.string().optional(),
  'x-amazon-apigateway-authtype': z.string().optional(),
  'x-amazon-apigateway-authorizer': z.looseObject({ type: z.string().optional() }).optional(),
}));

/** The parts of an OpenAPI 3.0 export read here (everything else is kept and ignored). */
export const ApiExportSchema = lazySchema(() => z.looseObject({
  paths: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  security: SecurityRequirements.optional(),
  components: z.looseObject({ securitySchemes: z.record(z.string(), SecuritySchemeSchema).optional() }).optional(),
}));
export type ApiExport = z.infer<typeof ApiExportSchema>;

type SecurityScheme = z.infer<typeof SecuritySchemeSchema>;

/** The authorization one security scheme stands for, in the API's own words (`authorizationType`, `API_KEY`). */
export function schemeAuthorization(scheme: SecurityScheme | undefined): string {
  if (scheme === undefined) return 'UNKNOWN';
  const authType = scheme['x-amazon-apigateway-authtype']?.toLowerCase();
  const authorizer = scheme['x-amazon-apigateway-authorizer']?.type?.toLowerCase();
  if (authType === 'awssigv4') return 'AWS_IAM';
  if (authType === 'cognito_user_pools' || authorizer === 'cognito_user_pools') return 'COGNITO_USER_POOLS';
  if (authorizer === 'jwt' || scheme.type === 'oauth2' || scheme.type === 'openIdConnect') return 'JWT';
  if (authType === 'custom' || authorizer === 'token' || authorizer === 'request') return 'CUSTOM';
  if (scheme.type === 'apiKey' && authType === undefined && authorizer === undefined) return 'API_KEY';
  return 'UNKNOWN';
}

const STAGE_VARIABLE = /\$\{stageVariables\.([A-Za-z0-9_]+)\}/g;
const FUNCTION_ARN = /arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(?::[A-Za-z0-9_$-]+)?/;

/**
 * The Lambda function an integration URI invokes — `arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function ARN>/invocations`
 * (REST, HTTP) or the function ARN itself (HTTP) — with `${stageVariables.x}` replaced by the stage's value; null for
 * any other integration, or a stage variable the stage does not set.
 */
export function invokedFunctionArn(uri: string | null | undefined, stageVariables: Readonly<Record<string, string>> = {}): string | null {
  if (uri === null || uri === undefined || !uri.includes(':lambda:')) return null;
  const names = [...uri.matchAll(STAGE_VARIABLE)].map((m) => m[1] ?? '');
  if (names.some((name) => stageVariables[name] === undefined)) return null;
  const resolved = uri.replace(STAGE_VARIABLE, (_all, name: string) => stageVariables[name] ?? '');
  return FUNCTION_ARN.exec(resolved)?.[0] ?? null;
}

/**
 * The routes a stage's export defines: per path and operation, the authorization the caller needs
 * (the operation's `security`, else the document's; none, or an empty requirement, is `NONE`) and the
 * function its integration invokes.
 */
export function deployedRoutes(exported: unknown, stageVariables: Readonly<Record<string, string>> = {}): DeployedRoute[] {
  const doc = ApiExportSchema.parse(exported);
  const schemes = doc.components?.securitySchemes ?? {};
  const routes: DeployedRoute[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [key, value] of Object.entries(item)) {
      const method = OPERATIONS[key];
      if (method === undefined) continue;
      const operation = OperationSchema.parse(value);
      const requirements = operation.security ?? doc.security ?? [];
      const anonymous = requirements.length === 0 || requirements.some((r) => Object.keys(r).length === 0);
      const first = requirements[0] ?? {};
      const authorization = anonymous ? 'NONE' : [...new Set(Object.keys(first).map((name) => schemeAuthorization(schemes[name])))].sort().join('+');
      const uri = operation['x-amazon-apigateway-integration']?.uri ?? null;
      routes.push({ method, path, authorization, integrationUri: uri, functionArn: invokedFunctionArn(uri, stageVariables) });
    }
  }
  return routes.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
}
