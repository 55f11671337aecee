/**
 * Reads what an API Gateway API serves (issue #17) with `@aws-sdk/client-api-gateway` (REST APIs) and
 * `@aws-sdk/client-apigatewayv2` (HTTP APIs): the API (name, tags), its stages (deployment, stage variables,
 * tags) and, per stage with a deployment, the OpenAPI export *of that stage* — what is deployed, not the draft.
 * A REST method changed without a new deployment is therefore not seen until it is deployed. The SDK
 * modules load on the first API read: a responder that sees no API event never pays for them.
 */
import { moduleExports } from './sdk-module';
import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import type { ApiGatewayV2Client, Stage as HttpStage } from '@aws-sdk/client-apigatewayv2';
import { StateReadError } from '../errors';
import { deployedRoutes } from '../apigateway/deployed-routes';
import { apiArn, type ApiRef, type ApiSnapshot, type ApiStage } from '../state/resources';
import { extendReader, type StateReader } from '../state/state-reader';

/**
 * The IAM actions this reader calls: every call is a `GET` on the API's own resources (`/restapis/<id>`,
 * `/restapis/<id>/stages`, `/restapis/<id>/stages/<stage>/exports/oas30`, `/apis/<id>`, `/apis/<id>/stages`,
 * `/apis/<id>/exports/OAS30`). Part of the remediator role; a scan does not read APIs.
 */
export const API_GATEWAY_READ_PERMISSIONS = ['apigateway:GET'] as const;

export type ApiGatewayClientProvider = (account: string, region: string) => APIGatewayClient | Promise<APIGatewayClient>;
export type ApiGatewayV2ClientProvider = (account: string, region: string) => ApiGatewayV2Client | Promise<ApiGatewayV2Client>;

function isNotFound(e: unknown): boolean {
  return e instanceof Error && e.name === 'NotFoundException';
}

function exportJson(body: Uint8Array | undefined, what: string): unknown {
  if (body === undefined) throw new StateReadError(`The export of ${what} has no body`);
  try {
    return JSON.parse(new TextDecoder().decode(body)) as unknown;
  } catch (e: unknown) {
    throw new StateReadError(`The export of ${what} is not JSON`, { cause: e });
  }
}

/**
 * @example
 * const apis = new ApiGatewayStateReader((a, r) => clients.client(APIGatewayClient, a, r), (a, r) => clients.client(ApiGatewayV2Client, a, r));
 * const reader = withApiReader(base, apis);
 */
export class ApiGatewayStateReader {
  constructor(
    private readonly restFor: ApiGatewayClientProvider,
    private readonly httpFor: ApiGatewayV2ClientProvider,
  ) {}

  async readApi(ref: ApiRef): Promise<ApiSnapshot> {
    const arn = apiArn(ref);
    try {
      return ref.protocol === 'rest' ? await this.readRestApi(ref, arn) : await this.readHttpApi(ref, arn);
    } catch (e: unknown) {
      if (isNotFound(e)) return { kind: 'apigateway-api', ref, arn, api: null, stages: [] };
      if (e instanceof StateReadError) throw e;
      throw new StateReadError(`Reading the API ${arn} failed: ${e instanceof Error ? e.name : 'unknown error'}`, { cause: e });
    }
  }

  private async readRestApi(ref: ApiRef, arn: string): Promise<ApiSnapshot> {
    const { GetExportCommand, GetRestApiCommand, GetStagesCommand } = moduleExports(await import('@aws-sdk/client-api-gateway'), 'GetRestApiCommand');
    const client = await this.restFor(ref.account, ref.region);
    const [api, stages] = await Promise.all([
      client.send(new GetRestApiCommand({ restApiId: ref.apiId })),
      client.send(new GetStagesCommand({ restApiId: ref.apiId })),
    ]);
    const read = await Promise.all(
      (stages.item ?? []).map(async (stage): Promise<ApiStage> => {
        const stageName = stage.stageName ?? '';
        const deploymentId = stage.deploymentId ?? null;
        const variables = stage.variables ?? {};
        const exported =
          deploymentId === null
            ? null
            : await client.send(new GetExportCommand({ restApiId: ref.apiId, stageName, exportType: 'oas30', parameters: { extensions: 'apigateway' }, accepts: 'application/json' }));
        return {
          stageName,
          deploymentId,
          autoDeploy: false,
          tags: stage.tags ?? {},
          routes: exported === null ? [] : deployedRoutes(exportJson(exported.body, `${arn} stage ${stageName}`), variables),
        };
      }),
    );
    return { kind: 'apigateway-api', ref, arn, api: { name: api.name ?? ref.apiId, tags: api.tags ?? {}, endpointTypes: api.endpointConfiguration?.types ?? [] }, stages: read };
  }

  private async readHttpApi(ref: ApiRef, arn: string): Promise<ApiSnapshot> {
    const { ExportApiCommand, GetApiCommand } = moduleExports(await import('@aws-sdk/client-apigatewayv2'), 'GetApiCommand');
    const client = await this.httpFor(ref.account, ref.region);
    const [api, stages] = await Promise.all([client.send(new GetApiCommand({ ApiId: ref.apiId })), this.httpStages(client, ref.apiId)]);
    const named = { name: api.Name ?? ref.apiId, tags: api.Tags ?? {}, endpointTypes: [] };
    // WebSocket APIs have no export and authorize only `$connect`: not judged here.
    if (api.ProtocolType !== 'HTTP') return { kind: 'apigateway-api', ref, arn, api: named, stages: [] };
    const read = await Promise.all(
      stages.map(async (stage): Promise<ApiStage> => {
        const stageName = stage.StageName ?? '';
        const deploymentId = stage.DeploymentId ?? null;
        const exported = deploymentId === null ? null : await client.send(new ExportApiCommand({ ApiId: ref.apiId, StageName: stageName, Specification: 'OAS30', OutputType: 'JSON', IncludeExtensions: true }));
        return {
          stageName,
          deploymentId,
          autoDeploy: stage.AutoDeploy ?? false,
          tags: stage.Tags ?? {},
          routes: exported === null ? [] : deployedRoutes(exportJson(exported.body, `${arn} stage ${stageName}`), stage.StageVariables ?? {}),
        };
      }),
    );
    return { kind: 'apigateway-api', ref, arn, api: named, stages: read };
  }

  private async httpStages(client: ApiGatewayV2Client, apiId: string): Promise<HttpStage[]> {
    const { GetStagesCommand } = moduleExports(await import('@aws-sdk/client-apigatewayv2'), 'GetStagesCommand');
    const items: HttpStage[] = [];
    let token: string | undefined;
    do {
      const out = await client.send(new GetStagesCommand({ ApiId: apiId, ...(token === undefined ? {} : { NextToken: token }) }));
      items.push(...(out.Items ?? []));
      token = out.NextToken === '' ? undefined : out.NextToken;
    } while (token !== undefined);
    return items;
  }
}

/** A reader answering APIs from `apis` and everything else from `base`. */
export function withApiReader(base: StateReader, apis: { readApi(ref: ApiRef): Promise<ApiSnapshot> }): StateReader {
  return extendReader(base, { readApi: (ref) => apis.readApi(ref) });
}
