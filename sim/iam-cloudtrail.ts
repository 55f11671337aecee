/**
 * Replays IAM CloudTrail records into the in-memory IAM: `requestParameters` as CloudTrail logs
 * them (documents as the caller's JSON text, pretty-printed or URL-encoded), `CreatePolicyVersion`'s
 * version id from `responseElements.policyVersion.versionId`.
 */
import { IAMServiceException } from '@aws-sdk/client-iam';
import type { CloudTrailEvent } from '../functions/shared/event/cloudtrail-event';
import { IAM_ROLE_WRITE_EVENTS } from '../functions/shared/event/event-names';
import { parseRoleName, type ResourceRef } from '../functions/shared/state/resources';
import type { InMemoryIam } from './in-memory-iam';
import type { ApplyOutcome } from './lambda-cloudtrail';

export const IAM_SOURCE = 'iam.amazonaws.com';

type Params = Readonly<Record<string, unknown>> | null | undefined;

function str(params: Params, name: string): string | undefined {
  const value = params?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A document parameter: JSON text as logged, or (in hand-written samples) an object. */
function documentParam(params: Params, ...names: string[]): string | object | undefined {
  for (const name of names) {
    const value = params?.[name];
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'object' && value !== null) return value;
  }
  return undefined;
}

const done = (eventName: string, detail: string): ApplyOutcome => ({ applied: true, eventName, detail });
const skipped = (eventName: string, detail: string): ApplyOutcome => ({ applied: false, eventName, detail });

/** Events that name an existing role by `roleName` (the role is created first when unknown). */
const ROLE_EVENTS: ReadonlySet<string> = new Set(IAM_ROLE_WRITE_EVENTS);

/** `TagRole`'s `tags` as CloudTrail logs them (`[{ key, value }]`; `Key`/`Value` in hand-written samples). */
function tagsParam(params: Params): Record<string, string> | undefined {
  const value = params?.tags;
  if (!Array.isArray(value)) return undefined;
  const tags: Record<string, string> = {};
  for (const entry of value as unknown[]) {
    if (typeof entry !== 'object' || entry === null) return undefined;
    const record = entry as Record<string, unknown>;
    const key = record.key ?? record.Key;
    const tagValue = record.value ?? record.Value ?? '';
    if (typeof key !== 'string' || typeof tagValue !== 'string') return undefined;
    tags[key] = tagValue;
  }
  return tags;
}

function stringListParam(params: Params, name: string): string[] | undefined {
  const value = params?.[name];
  return Array.isArray(value) && value.every((v): v is string => typeof v === 'string') ? value : undefined;
}

function accountOf(event: CloudTrailEvent): string {
  return event.detail.recipientAccountId ?? event.account;
}

/**
 * Creates the role an IAM event is about, as a Lambda execution role (trusting
 * `lambda.amazonaws.com`), when IAM does not hold it. Returns what it created.
 */
export function ensureIamResources(iam: InMemoryIam, event: CloudTrailEvent): ResourceRef[] {
  const { detail } = event;
  if (detail.eventSource !== IAM_SOURCE || (detail.errorCode !== undefined && detail.errorCode !== '')) return [];
  if (!ROLE_EVENTS.has(detail.eventName)) return [];
  const roleName = str(detail.requestParameters, 'roleName');
  const ref = roleName === undefined ? null : parseRoleName(roleName, accountOf(event), detail.awsRegion);
  if (ref === null || iam.hasRole(ref.account, ref.roleName)) return [];
  iam.createRole(ref.account, ref.roleName, { createDate: new Date(detail.eventTime) });
  return [ref];
}

/**
 * Applies one IAM CloudTrail event. Failed calls, other services, events the simulator does not
 * model and events about entities IAM does not hold change nothing; the outcome says why.
 */
export function applyIamEvent(iam: InMemoryIam, event: CloudTrailEvent): ApplyOutcome {
  const { detail } = event;
  const name = detail.eventName;
  if (detail.eventSource !== IAM_SOURCE) return skipped(name, `not an IAM event (${detail.eventSource})`);
  if (detail.errorCode !== undefined && detail.errorCode !== '') return skipped(name, `failed call (${detail.errorCode}): nothing changed`);
  try {
    return applyTo(iam, event, name);
  } catch (e: unknown) {
    if (e instanceof IAMServiceException) return skipped(name, `${e.name}: ${e.message}`);
    throw e;
  }
}

function applyTo(iam: InMemoryIam, event: CloudTrailEvent, name: string): ApplyOutcome {
  const request = event.detail.requestParameters;
  const account = accountOf(event);
  const roleName = str(request, 'roleName');
  const policyArn = str(request, 'policyArn');
  const policyName = str(request, 'policyName');
  const document = documentParam(request, 'policyDocument');
  switch (name) {
    case 'CreateRole': {
      if (roleName === undefined) return skipped(name, 'roleName missing from requestParameters');
      const trust = documentParam(request, 'assumeRolePolicyDocument');
      const description = str(request, 'description');
      iam.createRole(account, roleName, { path: str(request, 'path') ?? '/', ...(trust === undefined ? {} : { trust }), ...(description === undefined ? {} : { description }) });
      return done(name, `created role ${roleName}`);
    }
    case 'PutRolePolicy':
      if (roleName === undefined || policyName === undefined || document === undefined) return skipped(name, 'roleName, policyName or policyDocument missing');
      iam.putRolePolicy(account, roleName, policyName, document);
      return done(name, `put inline policy ${policyName} on ${roleName}`);
    case 'DeleteRolePolicy':
      if (roleName === undefined || policyName === undefined) return skipped(name, 'roleName or policyName missing');
      iam.deleteRolePolicy(account, roleName, policyName);
      return done(name, `deleted inline policy ${policyName} of ${roleName}`);
    case 'AttachRolePolicy':
      if (roleName === undefined || policyArn === undefined) return skipped(name, 'roleName or policyArn missing');
      iam.attachRolePolicy(account, roleName, policyArn);
      return done(name, `attached ${policyArn} to ${roleName}`);
    case 'DetachRolePolicy':
      if (roleName === undefined || policyArn === undefined) return skipped(name, 'roleName or policyArn missing');
      iam.detachRolePolicy(account, roleName, policyArn);
      return done(name, `detached ${policyArn} from ${roleName}`);
    case 'UpdateAssumeRolePolicy': {
      const trust = documentParam(request, 'policyDocument', 'assumeRolePolicyDocument');
      if (roleName === undefined || trust === undefined) return skipped(name, 'roleName or policyDocument missing');
      iam.updateAssumeRolePolicy(account, roleName, trust);
      return done(name, `updated the trust policy of ${roleName}`);
    }
    case 'DeleteRole':
      if (roleName === undefined) return skipped(name, 'roleName missing from requestParameters');
      iam.deleteRole(account, roleName);
      return done(name, `deleted role ${roleName}`);
    case 'UpdateRole':
    case 'UpdateRoleDescription': {
      if (roleName === undefined) return skipped(name, 'roleName missing from requestParameters');
      const description = typeof request?.description === 'string' ? request.description : undefined;
      const duration = request?.maxSessionDuration;
      const maxSessionDuration = typeof duration === 'number' ? duration : typeof duration === 'string' && /^\d+$/.test(duration) ? Number(duration) : undefined;
      iam.updateRole(account, roleName, { ...(description === undefined ? {} : { description }), ...(maxSessionDuration === undefined ? {} : { maxSessionDuration }) });
      return done(name, `updated role ${roleName}`);
    }
    case 'PutRolePermissionsBoundary': {
      const boundary = str(request, 'permissionsBoundary');
      if (roleName === undefined || boundary === undefined) return skipped(name, 'roleName or permissionsBoundary missing');
      iam.putRolePermissionsBoundary(account, roleName, boundary);
      return done(name, `set the permissions boundary of ${roleName} to ${boundary}`);
    }
    case 'DeleteRolePermissionsBoundary':
      if (roleName === undefined) return skipped(name, 'roleName missing from requestParameters');
      iam.deleteRolePermissionsBoundary(account, roleName);
      return done(name, `removed the permissions boundary of ${roleName}`);
    case 'TagRole': {
      const tags = tagsParam(request);
      if (roleName === undefined || tags === undefined) return skipped(name, 'roleName or tags missing');
      iam.tagRole(account, roleName, tags);
      return done(name, `tagged ${roleName} with ${Object.keys(tags).join(', ')}`);
    }
    case 'UntagRole': {
      const keys = stringListParam(request, 'tagKeys');
      if (roleName === undefined || keys === undefined) return skipped(name, 'roleName or tagKeys missing');
      iam.untagRole(account, roleName, keys);
      return done(name, `removed tags ${keys.join(', ')} from ${roleName}`);
    }
    case 'CreatePolicy': {
      if (policyName === undefined || document === undefined) return skipped(name, 'policyName or policyDocument missing');
      const policy = iam.createPolicy(account, policyName, document, str(request, 'path') ?? '/');
      return done(name, `created policy ${policy.arn}`);
    }
    case 'CreatePolicyVersion': {
      if (policyArn === undefined || document === undefined) return skipped(name, 'policyArn or policyDocument missing');
      const setAsDefault = request?.setAsDefault === true || request?.setAsDefault === 'true';
      const version = event.detail.responseElements?.policyVersion;
      const loggedId = typeof version === 'object' && version !== null && 'versionId' in version && typeof version.versionId === 'string' ? version.versionId : undefined;
      const id = iam.createPolicyVersion(policyArn, document, setAsDefault, loggedId);
      return done(name, `created version ${id} of ${policyArn}${setAsDefault ? ' as the default' : ''}`);
    }
    case 'SetDefaultPolicyVersion': {
      const versionId = str(request, 'versionId');
      if (policyArn === undefined || versionId === undefined) return skipped(name, 'policyArn or versionId missing');
      iam.setDefaultPolicyVersion(policyArn, versionId);
      return done(name, `made ${versionId} the default version of ${policyArn}`);
    }
    case 'DeletePolicyVersion': {
      const versionId = str(request, 'versionId');
      if (policyArn === undefined || versionId === undefined) return skipped(name, 'policyArn or versionId missing');
      iam.deletePolicyVersion(policyArn, versionId);
      return done(name, `deleted version ${versionId} of ${policyArn}`);
    }
    default:
      return skipped(name, 'not a change the simulator models');
  }
}
