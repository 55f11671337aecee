/** Maps a CloudTrail event to the resources it touches (the engine then reads their current state). */
import type { CloudTrailEvent } from '../event/cloudtrail-event';
import { normalizeEventName } from '../event/event-names';
import { parseFunctionName, parseLayerVersion, parseTrailName, type ResourceRef } from '../state/resources';

function stringParam(params: Readonly<Record<string, unknown>> | null | undefined, name: string): string | undefined {
  const value = params?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function numberParam(params: Readonly<Record<string, unknown>> | null | undefined, name: string): number | undefined {
  const value = params?.[name];
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

const LAYER_EVENTS = new Set(['AddLayerVersionPermission', 'RemoveLayerVersionPermission', 'PublishLayerVersion', 'DeleteLayerVersion']);
/** Events whose change applies to the unqualified function whatever qualifier they carry. */
const UNQUALIFIED_EVENTS = new Set(['CreateFunction', 'UpdateFunctionConfiguration', 'UpdateFunctionCode', 'TagResource', 'UntagResource']);

/** The resources an event names; empty when it names none the rules know. */
export function resourcesOf(event: CloudTrailEvent): ResourceRef[] {
  const { detail } = event;
  if (detail.eventSource === 'cloudtrail.amazonaws.com') {
    const name = stringParam(detail.requestParameters, 'name') ?? stringParam(detail.requestParameters, 'trailName');
    const ref = name === undefined ? null : parseTrailName(name, detail.recipientAccountId ?? event.account, detail.awsRegion);
    return ref ? [ref] : [];
  }
  if (detail.eventSource === 'events.amazonaws.com') {
    const ruleName = stringParam(detail.requestParameters, 'name') ?? stringParam(detail.requestParameters, 'rule');
    if (ruleName === undefined || !/^[\w.-]{1,64}$/.test(ruleName)) return [];
    const bus = stringParam(detail.requestParameters, 'eventBusName') ?? 'default';
    const busName = bus.startsWith('arn:') ? (bus.split('/').pop() ?? 'default') : bus;
    return [{ kind: 'events-rule', account: detail.recipientAccountId ?? event.account, region: detail.awsRegion, eventBusName: busName, ruleName }];
  }
  if (detail.eventSource !== 'lambda.amazonaws.com') return [];
  const name = normalizeEventName(detail.eventName);
  const request = detail.requestParameters;
  const response = detail.responseElements;
  const account = detail.recipientAccountId ?? event.account;
  const region = detail.awsRegion;

  if (LAYER_EVENTS.has(name)) {
    const arn = stringParam(response, 'layerVersionArn');
    const ref = arn !== undefined
      ? parseLayerVersion(arn, undefined, account, region)
      : parseLayerVersion(stringParam(request, 'layerName') ?? '', numberParam(request, 'versionNumber'), account, region);
    return ref ? [ref] : [];
  }

  const functionName = stringParam(request, 'functionName') ?? stringParam(request, 'resource') ?? stringParam(response, 'functionArn');
  if (functionName === undefined) return [];
  const qualifier = UNQUALIFIED_EVENTS.has(name) ? undefined : stringParam(request, 'qualifier');
  const ref = parseFunctionName(functionName, account, region, qualifier);
  if (ref === null) return [];
  return [UNQUALIFIED_EVENTS.has(name) ? { ...ref, qualifier: undefined } : ref];
}
