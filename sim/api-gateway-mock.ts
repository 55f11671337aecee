/**
 * Answers the API Gateway reads the bot makes (issue #17) from the in-memory APIs through
 * `aws-sdk-client-mock`: `@aws-sdk/client-api-gateway` (`GetRestApi`, `GetStages`, `GetExport`) and
 * `@aws-sdk/client-apigatewayv2` (`GetApi`, `GetStages`, `ExportApi`). Unknown APIs and stages answer
 * `NotFoundException`, as API Gateway does.
 */
import { APIGatewayClient, GetExportCommand, GetRestApiCommand, GetStagesCommand, NotFoundException } from '@aws-sdk/client-api-gateway';
import {
  ApiGatewayV2Client,
  ExportApiCommand,
  GetApiCommand,
  GetStagesCommand as GetHttpStagesCommand,
  NotFoundException as HttpNotFoundException,
} from '@aws-sdk/client-apigatewayv2';
import { mockClient } from 'aws-sdk-client-mock';
import type { InMemoryApiGateway, StoredApi } from './in-memory-api-gateway';

/** One command the code under test sent (`GetRestApi`, `ExportApi` …). */
export interface ApiGatewayCall {
  readonly command: string;
  readonly input: Readonly<Record<string, unknown>>;
}

type Getter = () => { config: { region: () => Promise<string> } };

const encode = (doc: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(doc));

/** Installs both mocks; `restore()` takes them away. */
export function installApiGatewayMock(gateway: InMemoryApiGateway, options: { readonly onCommand?: (command: string) => void } = {}) {
  const rest = mockClient(APIGatewayClient);
  const http = mockClient(ApiGatewayV2Client);
  const calls: ApiGatewayCall[] = [];
  const handler =
    <I extends object, O>(command: string, answer: (input: I, region: string) => O) =>
    async (input: I, getClient: Getter): Promise<O> => {
      calls.push({ command, input: structuredClone(input) as Readonly<Record<string, unknown>> });
      options.onCommand?.(command);
      return answer(input, await getClient().config.region());
    };
  const restApi = (region: string, apiId: string | undefined): StoredApi => {
    const api = gateway.find({ region, apiId: apiId ?? '' });
    if (api?.ref.protocol !== 'rest') throw new NotFoundException({ message: 'Invalid API identifier specified', $metadata: {} });
    return api;
  };
  const httpApi = (region: string, apiId: string | undefined): StoredApi => {
    const api = gateway.find({ region, apiId: apiId ?? '' });
    if (api?.ref.protocol !== 'http') throw new HttpNotFoundException({ message: `Invalid API identifier specified ${apiId ?? ''}`, $metadata: {} });
    return api;
  };
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
