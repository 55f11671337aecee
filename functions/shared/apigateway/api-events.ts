/**
 * API Gateway's CloudTrail events (issue #17): REST APIs (v1) and HTTP APIs (v2) both log under
 * `apigateway.amazonaws.com`, with the same names for some calls (`CreateDeployment`, `UpdateStage` …).
 * A REST call names `restApiId`, an HTTP API call `apiId`; tag calls name the `resourceArn`.
 */
import type { CloudTrailEvent } from '../event/cloudtrail-event';
import { parseApiArn, type ApiRef } from '../state/resources';

export const API_GATEWAY_SOURCE = 'apigateway.amazonaws.com';

/** REST API calls that change a method, its integration, or what a stage serves (a method change is live only once deployed). */
export const REST_API_EVENTS = ['PutMethod', 'UpdateMethod', 'PutIntegration', 'UpdateIntegration', 'PutRestApi', 'CreateDeployment', 'CreateStage', 'UpdateStage'] as const;
/** HTTP API calls that change a route, its integration, or what a stage serves (auto-deploy stages serve a change at once). */
export const HTTP_API_EVENTS = ['CreateApi', 'UpdateApi', 'ImportApi', 'ReimportApi', 'CreateRoute', 'UpdateRoute', 'CreateIntegration', 'UpdateIntegration', 'CreateDeployment', 'CreateStage', 'UpdateStage'] as const;
/** Tag calls on an API or a stage (either API kind). */
export const API_TAG_EVENTS = ['TagResource', 'UntagResource'] as const;

/** Every API Gateway event name the catalog's API rule watches, sorted, each once. */
export const API_GATEWAY_EVENTS: readonly string[] = [...new Set<string>([...REST_API_EVENTS, ...HTTP_API_EVENTS, ...API_TAG_EVENTS])].sort();

type Params = Readonly<Record<string, unknown>> | null | undefined;

function str(params: Params, name: string): string | undefined {
  const value = params?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

const API_ID = /^[A-Za-z0-9]{1,32}$/;

/**
 * The API an API Gateway event is about, in the recording account and region: `restApiId` (REST),
 * `apiId` (HTTP; for `CreateApi` / `ImportApi` the response's), or the API of a tag call's
 * `resourceArn` (with the stage it names); null for anything else.
 */
export function apiOfEvent(event: CloudTrailEvent): { readonly ref: ApiRef; readonly stageName: string | undefined } | null {
  const { detail } = event;
  if (detail.eventSource !== API_GATEWAY_SOURCE) return null;
  const account = detail.recipientAccountId ?? event.account;
  const region = detail.awsRegion;
  const request = detail.requestParameters;
  const resourceArn = str(request, 'resourceArn') ?? str(request, 'resource-arn');
  if (resourceArn !== undefined) {
    const parsed = parseApiArn(resourceArn, account);
    return parsed !== null && parsed.ref.region === region ? parsed : null;
  }
  const stageName = str(request, 'stageName');
  const restApiId = str(request, 'restApiId');
  if (restApiId !== undefined) return API_ID.test(restApiId) ? { ref: { kind: 'apigateway-api', account, region, protocol: 'rest', apiId: restApiId }, stageName } : null;
  const apiId = str(request, 'apiId') ?? str(detail.responseElements, 'apiId');
  if (apiId !== undefined) return API_ID.test(apiId) ? { ref: { kind: 'apigateway-api', account, region, protocol: 'http', apiId }, stageName } : null;
  return null;
}
