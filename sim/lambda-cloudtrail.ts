/**
 * Replays Lambda CloudTrail records into the in-memory Lambda service: `requestParameters` and
 * `responseElements` as CloudTrail logs them (camelCase, environment values redacted).
 */
import { LambdaServiceException } from '@aws-sdk/client-lambda';
import type { CloudTrailEvent } from '../functions/shared/event/cloudtrail-event';
import { normalizeEventName } from '../functions/shared/event/event-names';
import {
  layerVersionArn,
  parseFunctionName,
  parseLayerVersion,
  type FunctionRef,
  type LayerVersionRef,
  type ResourceRef,
} from '../functions/shared/state/resources';
import { CODE_SIGNING_CONFIG_ARN, configurationPatchFromInput, type EventInvokeConfigInput, type InMemoryLambda } from './in-memory-lambda';
import { statementFromResponse } from './lambda-permission-statement';

/** What replaying one event did. */
export interface ApplyOutcome {
  readonly applied: boolean;
  /** The bare event name (`AddPermission`, not `AddPermission20150331v2`). */
  readonly eventName: string;
  /** What changed, or why nothing did. */
  readonly detail: string;
}

type Params = Readonly<Record<string, unknown>>;

type Target =
  | { readonly kind: 'function'; readonly ref: FunctionRef }
  | { readonly kind: 'layer'; readonly ref: LayerVersionRef }
  | { readonly kind: 'new-layer-version'; readonly layer: Pick<LayerVersionRef, 'account' | 'region' | 'layerName'>; readonly version: number | undefined };

const LAMBDA_SOURCE = 'lambda.amazonaws.com';

/** Events whose change applies to the unqualified function whatever qualifier they carry. */
const UNQUALIFIED_EVENTS: ReadonlySet<string> = new Set([
  'CreateFunction',
  'UpdateFunctionConfiguration',
  'UpdateFunctionCode',
  'TagResource',
  'UntagResource',
  'PutFunctionConcurrency',
  'DeleteFunctionConcurrency',
  'PutFunctionRecursionConfig',
  'PutFunctionCodeSigningConfig',
  'DeleteFunctionCodeSigningConfig',
  'PublishVersion',
  'CreateAlias',
  'UpdateAlias',
  'DeleteAlias',
  'CreateEventSourceMapping',
  'UpdateEventSourceMapping',
  'DeleteEventSourceMapping',
]);

const LAYER_EVENTS: ReadonlySet<string> = new Set(['PublishLayerVersion', 'DeleteLayerVersion', 'AddLayerVersionPermission', 'RemoveLayerVersionPermission']);

/** Events that create their own resource: no default resource is made for them. */
const CREATING_EVENTS: ReadonlySet<string> = new Set(['CreateFunction', 'PublishLayerVersion', 'CreateCodeSigningConfig']);

/** Events about a code-signing config itself (issue #17), not about a function. */
const CODE_SIGNING_CONFIG_EVENTS: ReadonlySet<string> = new Set(['CreateCodeSigningConfig', 'UpdateCodeSigningConfig']);

/** A code-signing config's settings as CloudTrail logs them (`codeSigningPolicies.untrustedArtifactOnDeployment` …). */
function codeSigningInput(request: Params | null | undefined): { untrustedArtifactOnDeployment?: string; signingProfileVersionArns?: string[]; description?: string } {
  const policies = isRecord(request?.codeSigningPolicies) ? request.codeSigningPolicies : undefined;
  const publishers = isRecord(request?.allowedPublishers) ? request.allowedPublishers.signingProfileVersionArns : undefined;
  const untrusted = str(policies, 'untrustedArtifactOnDeployment');
  const description = str(request, 'description');
  return {
    ...(untrusted === undefined ? {} : { untrustedArtifactOnDeployment: untrusted }),
    ...(Array.isArray(publishers) ? { signingProfileVersionArns: publishers.filter((p): p is string => typeof p === 'string') } : {}),
    ...(description === undefined ? {} : { description }),
  };
}

function applyCodeSigningConfigEvent(lambda: InMemoryLambda, event: CloudTrailEvent, name: string): ApplyOutcome {
  const request = event.detail.requestParameters;
  const response = event.detail.responseElements;
  if (name === 'CreateCodeSigningConfig') {
    const created = isRecord(response?.codeSigningConfig) ? str(response.codeSigningConfig, 'codeSigningConfigArn') : undefined;
    const arn = lambda.putCodeSigningConfig({ account: accountOf(event), region: event.detail.awsRegion }, { arn: created, ...codeSigningInput(request) });
    return done(name, `created code-signing config ${arn}`);
  }
  const arn = str(request, 'codeSigningConfigArn');
  if (arn === undefined) return skipped(name, 'codeSigningConfigArn missing from requestParameters');
  if (!lambda.codeSigningConfigArns().includes(arn)) return skipped(name, `code-signing config ${arn} is not in the account`);
  const updated = lambda.updateCodeSigningConfig(arn, codeSigningInput(request));
  return done(name, `code-signing config ${arn} now has UntrustedArtifactOnDeployment ${updated.CodeSigningPolicies.UntrustedArtifactOnDeployment}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(params: Params | null | undefined, name: string): string | undefined {
  const value = params?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function num(params: Params | null | undefined, name: string): number | undefined {
  const value = params?.[name];
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

function stringRecord(value: unknown): Record<string, string> | undefined {
  if (!isRecord(value)) return undefined;
  const entries = Object.entries(value);
  return entries.every(([, v]) => typeof v === 'string') ? (Object.fromEntries(entries) as Record<string, string>) : undefined;
}

/** Keys whose children are user data (variable names, tag keys) and keep their spelling. */
const OPAQUE_KEYS: ReadonlySet<string> = new Set(['variables', 'tags']);

/** CloudTrail's camelCase to the API's PascalCase (`kMSKeyArn` → `KMSKeyArn`, `vpcConfig.subnetIds` → `VpcConfig.SubnetIds`). */
export function pascalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pascalize);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [key.charAt(0).toUpperCase() + key.slice(1), OPAQUE_KEYS.has(key) ? structuredClone(child) : pascalize(child)]),
  );
}

function omit(record: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([name]) => !names.includes(name)));
}

/** A PascalCase record without the fields CloudTrail redacts (`Environment` without readable variables). */
function withoutRedacted(record: Record<string, unknown>): Record<string, unknown> {
  const environment = record.Environment;
  if (environment === undefined) return record;
  const variables = isRecord(environment) ? stringRecord(environment.Variables) : undefined;
  const rest = omit(record, ['Environment']);
  return variables === undefined ? rest : { ...rest, Environment: { Variables: variables } };
}

/** Whether a request or response carries an `environment` whose variables CloudTrail redacted (`{}`, or no readable `variables`). */
function hasRedactedEnvironment(params: Params | null | undefined): boolean {
  const environment = params?.environment;
  return environment !== undefined && (!isRecord(environment) || stringRecord(environment.variables) === undefined);
}

/** The configuration patch a create/update event carries: request first, the response's full configuration over it. */
function configurationPatchOf(request: Params | null | undefined, response: Params | null | undefined, lambda: InMemoryLambda, ref: FunctionRef): Record<string, unknown> {
  const existing = lambda.hasFunction(ref) ? lambda.getFunctionConfiguration({ ...ref, qualifier: undefined }) : undefined;
  const fromRequest = withoutRedacted(configurationPatchFromInput(pascalize(request ?? {}) as Record<string, unknown>, existing));
  const fromResponse = withoutRedacted(configurationPatchFromInput(pascalize(response ?? {}) as Record<string, unknown>, existing));
  return { ...fromRequest, ...omit(fromResponse, ['FunctionName', 'FunctionArn', 'Version', 'RevisionId', 'LastModified']) };
}

function accountOf(event: CloudTrailEvent): string {
  return event.detail.recipientAccountId ?? event.account;
}

/** The resource a Lambda event is about, resolved the way Lambda resolves names. */
function targetOf(event: CloudTrailEvent, name: string): Target | null {
  const { detail } = event;
  const request = detail.requestParameters;
  const response = detail.responseElements;
  const account = accountOf(event);
  const region = detail.awsRegion;

  if (LAYER_EVENTS.has(name)) {
    const arn = str(response, 'layerVersionArn');
    if (name === 'PublishLayerVersion') {
      const fromArn = arn === undefined ? null : parseLayerVersion(arn, undefined, account, region);
      if (fromArn) return { kind: 'new-layer-version', layer: fromArn, version: fromArn.version };
      const layerName = str(response, 'layerArn') ?? str(request, 'layerName');
      const layer = layerName === undefined ? null : parseLayerVersion(layerName, 1, account, region);
      return layer ? { kind: 'new-layer-version', layer, version: num(response, 'version') } : null;
    }
    const ref = arn !== undefined ? parseLayerVersion(arn, undefined, account, region) : parseLayerVersion(str(request, 'layerName') ?? '', num(request, 'versionNumber'), account, region);
    return ref ? { kind: 'layer', ref } : null;
  }

  const functionName = str(request, 'functionName') ?? str(request, 'resource') ?? str(response, 'functionArn') ?? str(response, 'functionName');
  if (functionName === undefined) return null;
  const ref = parseFunctionName(functionName, account, region, str(request, 'qualifier'));
  if (ref === null) return null;
  return { kind: 'function', ref: UNQUALIFIED_EVENTS.has(name) ? { ...ref, qualifier: undefined } : ref };
}

function skipped(eventName: string, detail: string): ApplyOutcome {
  return { applied: false, eventName, detail };
}

function done(eventName: string, detail: string): ApplyOutcome {
  return { applied: true, eventName, detail };
}

/**
 * Creates, with a default configuration, the function (and version or alias) or layer version an
 * event is about when the service does not hold it, so one event can be replayed alone.
 * Returns what it created. Failed calls, other services and creating events create nothing.
 */
export function ensureLambdaResources(lambda: InMemoryLambda, event: CloudTrailEvent): ResourceRef[] {
  const { detail } = event;
  if (detail.eventSource !== LAMBDA_SOURCE || (detail.errorCode !== undefined && detail.errorCode !== '')) return [];
  const name = normalizeEventName(detail.eventName);
  if (CREATING_EVENTS.has(name)) return [];
  if (CODE_SIGNING_CONFIG_EVENTS.has(name)) {
    // An updated config the account does not hold is created as it was before: enforcing, so the update is the change.
    const arn = str(detail.requestParameters, 'codeSigningConfigArn');
    if (arn !== undefined && CODE_SIGNING_CONFIG_ARN.test(arn) && !lambda.codeSigningConfigArns().includes(arn)) {
      lambda.putCodeSigningConfig({ account: accountOf(event), region: detail.awsRegion }, { arn, untrustedArtifactOnDeployment: 'Enforce' });
    }
    return [];
  }
  const target = targetOf(event, name);
  if (target === null || target.kind === 'new-layer-version') return [];
  const created: ResourceRef[] = [];
  if (target.kind === 'layer') {
    if (!lambda.hasLayerVersion(target.ref)) {
      lambda.publishLayerVersion(target.ref, {}, target.ref.version);
      created.push(target.ref);
    }
    return created;
  }
  const ref = target.ref;
  if (!lambda.hasFunction(ref)) {
    lambda.createFunction(ref);
    created.push({ ...ref, qualifier: undefined });
  }
  if (!lambda.hasQualified(ref)) {
    lambda.ensureQualifier(ref);
    created.push(ref);
  }
  return created;
}

/**
 * Applies one CloudTrail event. Failed calls (`errorCode`), other services and events the
 * simulator does not model change nothing; an event about a resource the service does not hold
 * changes nothing either (call `ensureLambdaResources` first).
 */
export function applyLambdaEvent(lambda: InMemoryLambda, event: CloudTrailEvent): ApplyOutcome {
  const { detail } = event;
  const name = normalizeEventName(detail.eventName);
  if (detail.eventSource !== LAMBDA_SOURCE) return skipped(name, `not a Lambda event (${detail.eventSource})`);
  if (detail.errorCode !== undefined && detail.errorCode !== '') return skipped(name, `failed call (${detail.errorCode}): nothing changed`);
  if (CODE_SIGNING_CONFIG_EVENTS.has(name)) {
    try {
      return applyCodeSigningConfigEvent(lambda, event, name);
    } catch (e: unknown) {
      if (e instanceof LambdaServiceException) return skipped(name, `${e.name}: ${e.message}`);
      throw e;
    }
  }
  const target = targetOf(event, name);
  if (target === null) return skipped(name, 'the event names no Lambda resource the simulator knows');
  const time = new Date(detail.eventTime);
  try {
    return lambda.at(Number.isNaN(time.getTime()) ? new Date() : time, () => applyTo(lambda, event, name, target));
  } catch (e: unknown) {
    if (e instanceof LambdaServiceException) return skipped(name, `${e.name}: ${e.message}`);
    throw e;
  }
}

function applyTo(lambda: InMemoryLambda, event: CloudTrailEvent, name: string, target: Target): ApplyOutcome {
  if (target.kind === 'function') return applyToFunction(lambda, event, name, target.ref);
  if (target.kind === 'new-layer-version') {
    const response = event.detail.responseElements;
    const request = event.detail.requestParameters;
    const source = pascalize({ ...request, ...response }) as Record<string, unknown>;
    const details = Object.fromEntries(
      ['Description', 'CompatibleRuntimes', 'CompatibleArchitectures', 'LicenseInfo', 'CreatedDate'].flatMap((k) => (source[k] === undefined ? [] : [[k, source[k]]])),
    );
    const ref = lambda.publishLayerVersion(target.layer, details, target.version);
    return done(name, `published layer version ${layerVersionArn(ref)}`);
  }
  return applyToLayer(lambda, event, name, target.ref);
}

function applyToLayer(lambda: InMemoryLambda, event: CloudTrailEvent, name: string, ref: LayerVersionRef): ApplyOutcome {
  const request = event.detail.requestParameters;
  const arn = layerVersionArn(ref);
  switch (name) {
    case 'DeleteLayerVersion':
      lambda.deleteLayerVersion(ref);
      return done(name, `deleted layer version ${arn}`);
    case 'AddLayerVersionPermission': {
      const statementId = str(request, 'statementId');
      const principal = str(request, 'principal');
      if (statementId === undefined || principal === undefined) return skipped(name, 'statementId or principal missing from requestParameters');
      const input = { StatementId: statementId, Action: str(request, 'action') ?? 'lambda:GetLayerVersion', Principal: principal, OrganizationId: str(request, 'organizationId') };
      if (!lambda.hasLayerVersion(ref)) return skipped(name, `layer version ${arn} is not in the account`);
      const statement = statementFromResponse(event.detail.responseElements?.statement, statementId);
      lambda.addLayerVersionPermission(ref, input, { statement, replace: true });
      return done(name, `added statement "${statementId}" to the policy of ${arn}`);
    }
    case 'RemoveLayerVersionPermission': {
      const statementId = str(request, 'statementId');
      if (statementId === undefined) return skipped(name, 'statementId missing from requestParameters');
      lambda.removeLayerVersionPermission(ref, statementId);
      return done(name, `removed statement "${statementId}" from the policy of ${arn}`);
    }
    default:
      return skipped(name, 'not a change the simulator models');
  }
}

function applyToFunction(lambda: InMemoryLambda, event: CloudTrailEvent, name: string, ref: FunctionRef): ApplyOutcome {
  const request = event.detail.requestParameters;
  const response = event.detail.responseElements;
  const what = ref.qualifier === undefined ? ref.functionName : `${ref.functionName}:${ref.qualifier}`;

  if (name === 'CreateFunction') {
    const patch = configurationPatchOf(request, response, lambda, ref);
    if (lambda.hasFunction(ref)) {
      // CloudTrail logs `"environment": {}` whatever the variables are: redacted means unknown, so
      // replaying a CreateFunction over a function the state holds keeps the variables it holds.
      const held = lambda.getFunctionConfiguration({ ...ref, qualifier: undefined }).Environment;
      if (patch.Environment === undefined && held !== undefined && (hasRedactedEnvironment(request) || hasRedactedEnvironment(response))) patch.Environment = held;
      lambda.deleteFunction({ ...ref, qualifier: undefined });
    }
    lambda.createFunction(ref, patch, stringRecord(request?.tags) ?? {});
    if (request?.publish === true) lambda.publishVersion(ref, str(response, 'version'));
    return done(name, `created function ${ref.functionName}`);
  }
  if (!lambda.hasQualified(ref)) {
    return skipped(name, `function ${what} is not in the account`);
  }

  switch (name) {
    case 'DeleteFunction':
      lambda.deleteFunction(ref);
      return done(name, `deleted function ${what}`);
    case 'UpdateFunctionConfiguration':
      lambda.updateFunctionConfiguration(ref, configurationPatchOf(request, response, lambda, ref));
      return done(name, `updated the configuration of ${what}`);
    case 'UpdateFunctionCode': {
      if (request?.dryRun === true) return skipped(name, 'dry run: nothing changed');
      lambda.updateFunctionConfiguration(ref, configurationPatchOf(request, response, lambda, ref));
      if (request?.publish === true) lambda.publishVersion(ref, str(response, 'version'));
      return done(name, `updated the code of ${what}`);
    }
    case 'PublishVersion':
      return done(name, `published version ${lambda.publishVersion(ref, str(response, 'version'))} of ${what}`);
    case 'CreateAlias':
    case 'UpdateAlias': {
      const alias = str(request, 'name') ?? str(response, 'name');
      if (alias === undefined) return skipped(name, 'alias name missing from requestParameters');
      lambda.putAlias(ref, alias, str(request, 'functionVersion') ?? str(response, 'functionVersion'));
      return done(name, `alias ${alias} of ${what} points to version ${str(request, 'functionVersion') ?? '$LATEST'}`);
    }
    case 'DeleteAlias': {
      const alias = str(request, 'name');
      if (alias === undefined) return skipped(name, 'alias name missing from requestParameters');
      lambda.deleteFunction({ ...ref, qualifier: alias });
      return done(name, `deleted alias ${alias} of ${what}`);
    }
    case 'AddPermission': {
      const statementId = str(request, 'statementId');
      const principal = str(request, 'principal');
      if (statementId === undefined || principal === undefined) return skipped(name, 'statementId or principal missing from requestParameters');
      const input = {
        StatementId: statementId,
        Action: str(request, 'action') ?? 'lambda:InvokeFunction',
        Principal: principal,
        SourceArn: str(request, 'sourceArn'),
        SourceAccount: str(request, 'sourceAccount'),
        EventSourceToken: str(request, 'eventSourceToken'),
        PrincipalOrgID: str(request, 'principalOrgID'),
        FunctionUrlAuthType: str(request, 'functionUrlAuthType'),
      };
      lambda.addPermission(ref, input, { statement: statementFromResponse(response?.statement, statementId), replace: true });
      return done(name, `added statement "${statementId}" to the policy of ${what}`);
    }
    case 'RemovePermission': {
      const statementId = str(request, 'statementId');
      if (statementId === undefined) return skipped(name, 'statementId missing from requestParameters');
      lambda.removePermission(ref, statementId);
      return done(name, `removed statement "${statementId}" from the policy of ${what}`);
    }
    case 'CreateFunctionUrlConfig':
    case 'UpdateFunctionUrlConfig': {
      const existing = lambda.urlConfig(ref);
      const cors = request?.cors ?? response?.cors;
      const input = {
        AuthType: str(request, 'authType') ?? str(response, 'authType') ?? (existing === null ? 'AWS_IAM' : undefined),
        Cors: cors === undefined ? undefined : pascalize(cors),
        InvokeMode: str(request, 'invokeMode') ?? str(response, 'invokeMode'),
        FunctionUrl: str(response, 'functionUrl'),
        CreationTime: str(response, 'creationTime'),
      };
      if (existing !== null && name === 'UpdateFunctionUrlConfig') lambda.updateFunctionUrlConfig(ref, input);
      else {
        if (existing !== null) lambda.deleteFunctionUrlConfig(ref);
        lambda.createFunctionUrlConfig(ref, input);
      }
      return done(name, `the URL of ${what} has AuthType ${lambda.getFunctionUrlConfig(ref).AuthType}`);
    }
    case 'DeleteFunctionUrlConfig':
      lambda.deleteFunctionUrlConfig(ref);
      return done(name, `deleted the URL of ${what}`);
    case 'TagResource': {
      const tags = stringRecord(request?.tags) ?? {};
      lambda.tagResource(ref, tags);
      return done(name, `tagged ${what} with ${Object.keys(tags).join(', ')}`);
    }
    case 'UntagResource': {
      const keys = request?.tagKeys;
      const tagKeys = Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : typeof keys === 'string' ? [keys] : [];
      lambda.untagResource(ref, tagKeys);
      return done(name, `removed tags ${tagKeys.join(', ')} from ${what}`);
    }
    case 'PutFunctionConcurrency': {
      const reserved = num(request, 'reservedConcurrentExecutions') ?? num(response, 'reservedConcurrentExecutions');
      if (reserved === undefined) return skipped(name, 'reservedConcurrentExecutions missing from requestParameters');
      lambda.putFunctionConcurrency(ref, reserved);
      return done(name, `reserved concurrency of ${what} set to ${reserved}`);
    }
    case 'DeleteFunctionConcurrency':
      lambda.deleteFunctionConcurrency(ref);
      return done(name, `removed the reserved concurrency of ${what}`);
    case 'PutFunctionRecursionConfig': {
      const loop = str(request, 'recursiveLoop') ?? str(response, 'recursiveLoop');
      if (loop === undefined) return skipped(name, 'recursiveLoop missing from requestParameters');
      return done(name, `recursive loop detection of ${what} set to ${lambda.putFunctionRecursionConfig(ref, loop)}`);
    }
    case 'PutFunctionCodeSigningConfig': {
      const arn = str(request, 'codeSigningConfigArn') ?? str(response, 'codeSigningConfigArn');
      if (arn === undefined) return skipped(name, 'codeSigningConfigArn missing from requestParameters');
      if (!lambda.codeSigningConfigArns().includes(arn) && CODE_SIGNING_CONFIG_ARN.test(arn)) lambda.putCodeSigningConfig(ref, { arn, untrustedArtifactOnDeployment: 'Enforce' });
      lambda.putFunctionCodeSigningConfig(ref, arn);
      return done(name, `${what} uses code-signing config ${arn}`);
    }
    case 'DeleteFunctionCodeSigningConfig':
      lambda.deleteFunctionCodeSigningConfig(ref);
      return done(name, `removed the code-signing config of ${what}`);
    case 'PutFunctionEventInvokeConfig':
    case 'UpdateFunctionEventInvokeConfig': {
      const input = omit(pascalize(request ?? {}) as Record<string, unknown>, ['FunctionName', 'Qualifier']) as EventInvokeConfigInput;
      const config =
        name === 'UpdateFunctionEventInvokeConfig' && lambda.eventInvokeConfig(ref) !== null
          ? lambda.updateFunctionEventInvokeConfig(ref, input)
          : lambda.putFunctionEventInvokeConfig(ref, input);
      const destinations = [config.DestinationConfig?.OnSuccess?.Destination, config.DestinationConfig?.OnFailure?.Destination].filter((d) => d !== undefined);
      return done(name, `asynchronous invocation of ${what} sends to ${destinations.length === 0 ? 'no destination' : destinations.join(', ')}`);
    }
    case 'DeleteFunctionEventInvokeConfig':
      lambda.deleteFunctionEventInvokeConfig(ref);
      return done(name, `deleted the asynchronous invocation config of ${what}`);
    case 'CreateEventSourceMapping':
    case 'UpdateEventSourceMapping':
    case 'DeleteEventSourceMapping':
      return applyEventSourceMappingEvent(lambda, name, ref, request, response);
    default:
      return skipped(name, 'not a change the simulator models');
  }
}

/** The `onFailure.destination` of a CloudTrail `destinationConfig` (camelCase); undefined when the request sets none. */
function onFailureOf(params: Params | null | undefined): { Destination?: string } | undefined {
  const config = params?.destinationConfig;
  if (typeof config !== 'object' || config === null) return undefined;
  const onFailure = (config as Record<string, unknown>).onFailure;
  if (typeof onFailure !== 'object' || onFailure === null) return undefined;
  const destination = (onFailure as Record<string, unknown>).destination;
  return typeof destination === 'string' && destination !== '' ? { Destination: destination } : {};
}

/**
 * Event-source mapping events (issue #17): the mapping's UUID is in the response (`uUID`, CloudTrail's
 * camel-casing of `UUID`) for a create, in the request for an update or delete. An update of a mapping the
 * state does not hold creates it from the response, so one event can be replayed alone.
 */
function applyEventSourceMappingEvent(lambda: InMemoryLambda, name: string, ref: FunctionRef, request: Params | null | undefined, response: Params | null | undefined): ApplyOutcome {
  const uuid = str(request, 'uUID') ?? str(response, 'uUID');
  if (uuid === undefined) return skipped(name, 'the event names no mapping UUID (uUID)');
  const key = { ...ref, qualifier: undefined };
  if (name === 'DeleteEventSourceMapping') {
    return lambda.deleteEventSourceMapping(uuid) ? done(name, `deleted event-source mapping ${uuid}`) : skipped(name, `event-source mapping ${uuid} is not in the account`);
  }
  const enabled = typeof request?.enabled === 'boolean' ? request.enabled : undefined;
  const onFailure = onFailureOf(request);
  const known = lambda.listEventSourceMappings(key).some((m) => m.UUID === uuid);
  if (!known) {
    const source = str(request, 'eventSourceArn') ?? str(response, 'eventSourceArn');
    if (source === undefined) return skipped(name, `event-source mapping ${uuid} is not in the account and the event names no source`);
    const responseOnFailure = onFailureOf(response);
    const destination = (onFailure ?? responseOnFailure)?.Destination;
    const state = enabled ?? str(response, 'state') !== 'Disabled';
    lambda.addEventSourceMapping(key, { UUID: uuid, EventSourceArn: source, State: state ? 'Enabled' : 'Disabled', ...(destination === undefined ? {} : { DestinationConfig: { OnFailure: { Destination: destination } } }) });
    return done(name, `event-source mapping ${uuid} of ${ref.functionName} reads from ${source}${destination === undefined ? '' : `, discarded records to ${destination}`}`);
  }
  if (enabled === undefined && onFailure === undefined) return skipped(name, 'not a change of the mapping the simulator models (Enabled, DestinationConfig.OnFailure)');
  const mapping = lambda.changeEventSourceMapping(uuid, { enabled, onFailure });
  return done(name, `event-source mapping ${uuid} is ${mapping.State}${mapping.DestinationConfig?.OnFailure?.Destination === undefined ? '' : `, discarded records to ${mapping.DestinationConfig.OnFailure.Destination}`}`);
}
