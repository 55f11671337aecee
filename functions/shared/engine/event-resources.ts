/** Maps a CloudTrail event to the resources it touches (the engine then reads their current state). */
import type { CloudTrailEvent } from '../event/cloudtrail-event';
import { IAM_ROLE_WRITE_EVENTS, normalizeEventName } from '../event/event-names';
import type { AnyRule } from '../../../rules/rule';
import { worldOpenRuleIds } from '../ec2/security-group-rules';
import { defaultLogGroupFunction, parseEventRuleName, parseFunctionName, parseLayerVersion, parseRoleName, parseTrailName, type ResourceRef, type RoleRef } from '../state/resources';
import type { StateReader } from '../state/state-reader';
import { API_GATEWAY_SOURCE, apiOfEvent } from '../apigateway/api-events';

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

const IAM_SOURCE = 'iam.amazonaws.com';
const LOGS_SOURCE = 'logs.amazonaws.com';
/** IAM events that name the role they change (`requestParameters.roleName`). */
const ROLE_EVENTS: ReadonlySet<string> = new Set(['CreateRole', ...IAM_ROLE_WRITE_EVENTS]);
/** Lambda events whose `role` parameter names the function's execution role. */
const ROLE_SETTING_EVENTS: ReadonlySet<string> = new Set(['CreateFunction', 'UpdateFunctionConfiguration']);

/** The resources an event names; empty when it names none the rules know. */
export function resourcesOf(event: CloudTrailEvent): ResourceRef[] {
  const { detail } = event;
  if (detail.eventSource === 'cloudtrail.amazonaws.com') {
    const name = stringParam(detail.requestParameters, 'name') ?? stringParam(detail.requestParameters, 'trailName');
    const ref = name === undefined ? null : parseTrailName(name, detail.recipientAccountId ?? event.account, detail.awsRegion);
    return ref ? [ref] : [];
  }
  if (detail.eventSource === 'events.amazonaws.com') {
    const named = stringParam(detail.requestParameters, 'name') ?? stringParam(detail.requestParameters, 'rule');
    const bus = stringParam(detail.requestParameters, 'eventBusName') ?? 'default';
    const ref = named === undefined ? null : parseEventRuleName(named, bus, detail.recipientAccountId ?? event.account, detail.awsRegion);
    return ref ? [ref] : [];
  }
  if (detail.eventSource === API_GATEWAY_SOURCE) {
    const api = apiOfEvent(event);
    return api === null ? [] : [api.ref];
  }
  if (detail.eventSource === IAM_SOURCE) {
    const roleName = ROLE_EVENTS.has(detail.eventName) ? stringParam(detail.requestParameters, 'roleName') : undefined;
    const ref = roleName === undefined ? null : parseRoleName(roleName, detail.recipientAccountId ?? event.account, detail.awsRegion);
    return ref ? [ref] : [];
  }
  if (detail.eventSource === LOGS_SOURCE) {
    // `/aws/lambda/<name>` is the function's own group; other groups are resolved through the reader (`resourcesWithRoles`).
    const group = stringParam(detail.requestParameters, 'logGroupName');
    const functionName = group === undefined ? null : defaultLogGroupFunction(group);
    return functionName === null ? [] : [{ kind: 'lambda-function', account: detail.recipientAccountId ?? event.account, region: detail.awsRegion, functionName }];
  }
  if (detail.eventSource === 'ec2.amazonaws.com') {
    // Security group rules an egress record opened to the world (issue #17 rule 5); narrower ones name nothing.
    const account = detail.recipientAccountId ?? event.account;
    return worldOpenRuleIds(detail.eventName, detail.requestParameters, detail.responseElements).map((ruleId) => ({ kind: 'ec2-security-group-rule', account, region: detail.awsRegion, ruleId }));
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

const CODE_SIGNING_CONFIG_ARN = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):code-signing-config:csc-[a-z0-9]{17}$/;

/** The functions using the code-signing config an `UpdateCodeSigningConfig` names: only a config of the recording account and region. */
async function functionsOfCodeSigningConfig(event: CloudTrailEvent, reader: StateReader): Promise<readonly ResourceRef[]> {
  const { detail } = event;
  const arn = stringParam(detail.requestParameters, 'codeSigningConfigArn');
  const match = arn === undefined ? null : CODE_SIGNING_CONFIG_ARN.exec(arn);
  const account = detail.recipientAccountId ?? event.account;
  if (arn === undefined || match?.[1] !== detail.awsRegion || match[2] !== account || reader.functionsWithCodeSigningConfig === undefined) return [];
  return reader.functionsWithCodeSigningConfig(account, detail.awsRegion, arn);
}

/**
 * The functions whose `LoggingConfig.LogGroup` names the custom log group a CloudWatch Logs event names
 * (a `/aws/lambda/<name>` group is its function's, from `resourcesOf`): functions redirected into another
 * function's default group are left to that function's own findings and to `function-log-group-redirected`.
 */
async function functionsOfLogGroup(event: CloudTrailEvent, reader: StateReader, named: readonly ResourceRef[]): Promise<readonly ResourceRef[]> {
  const { detail } = event;
  const group = stringParam(detail.requestParameters, 'logGroupName');
  if (group === undefined || named.length > 0 || reader.functionsWithLogGroup === undefined) return [];
  return reader.functionsWithLogGroup(detail.recipientAccountId ?? event.account, detail.awsRegion, group);
}

/**
 * `resourcesOf`, plus the execution roles an event reaches without naming them — only when one of
 * the triggered `rules` judges roles: the roles a managed policy is attached to for
 * `CreatePolicyVersion` (with `setAsDefault`) and `SetDefaultPolicyVersion` (through
 * `reader.rolesWithPolicy`), and the role in a Lambda `CreateFunction` / `UpdateFunctionConfiguration`;
 * and the functions using the code-signing config an `UpdateCodeSigningConfig` changes, or logging to the
 * custom log group a CloudWatch Logs event changes (issue #17).
 * Role references carry no path, as in every other event, so finding ids do not depend on the event.
 * `named` is `resourcesOf(event)` when the caller already has it.
 */
export async function resourcesWithRoles(event: CloudTrailEvent, reader: StateReader, rules: readonly AnyRule[], named: readonly ResourceRef[] = resourcesOf(event)): Promise<ResourceRef[]> {
  const refs = [...named];
  const { detail } = event;
  if (detail.eventSource === LOGS_SOURCE) return [...refs, ...(await functionsOfLogGroup(event, reader, named))];
  if (detail.eventSource === 'lambda.amazonaws.com' && normalizeEventName(detail.eventName) === 'UpdateCodeSigningConfig') return [...refs, ...(await functionsOfCodeSigningConfig(event, reader))];
  if (detail.eventSource !== IAM_SOURCE && !ROLE_SETTING_EVENTS.has(normalizeEventName(detail.eventName))) return refs;
  if (!rules.some((rule) => rule.resourceType === 'iam-role')) return refs.filter((ref) => ref.kind !== 'iam-role');
  const account = detail.recipientAccountId ?? event.account;
  const request = detail.requestParameters;
  if (detail.eventSource === IAM_SOURCE) {
    const policyArn = stringParam(request, 'policyArn');
    const setsDefault = detail.eventName === 'SetDefaultPolicyVersion' || (detail.eventName === 'CreatePolicyVersion' && (request?.setAsDefault === true || request?.setAsDefault === 'true'));
    if (policyArn === undefined || !setsDefault || reader.rolesWithPolicy === undefined) return refs;
    const roles = await reader.rolesWithPolicy(account, detail.awsRegion, policyArn);
    return [...refs, ...roles.map((role): RoleRef => ({ kind: 'iam-role', account: role.account, region: role.region, roleName: role.roleName }))];
  }
  if (detail.eventSource === 'lambda.amazonaws.com' && ROLE_SETTING_EVENTS.has(normalizeEventName(detail.eventName))) {
    const role = stringParam(request, 'role');
    const ref = role === undefined ? null : parseRoleName(role, account, detail.awsRegion);
    if (ref !== null) return [...refs, { kind: 'iam-role', account: ref.account, region: ref.region, roleName: ref.roleName }];
  }
  return refs;
}
