/**
 * CloudTrail event names. Lambda's older APIs log names with an API-version suffix
 * (`AddPermission20150331v2`); newer ones log the bare name. Compare normalised names exactly.
 */

const VERSION_SUFFIX = /\d{8}(v\d+)?$/;

/** Strips a trailing API-version suffix: `AddPermission20150331v2` → `AddPermission`. */
export function normalizeEventName(eventName: string): string {
  return eventName.replace(VERSION_SUFFIX, '');
}

/**
 * Every spelling CloudTrail is known to use for each Lambda API, keyed by the bare name.
 * The generated EventBridge patterns list these explicitly (EventBridge cannot strip suffixes).
 */
export const LAMBDA_EVENT_NAME_SPELLINGS: Readonly<Record<string, readonly string[]>> = {
  AddPermission: ['AddPermission20150331', 'AddPermission20150331v2'],
  RemovePermission: ['RemovePermission20150331', 'RemovePermission20150331v2'],
  CreateFunction: ['CreateFunction20150331'],
  DeleteFunction: ['DeleteFunction20150331'],
  UpdateFunctionConfiguration: ['UpdateFunctionConfiguration20150331', 'UpdateFunctionConfiguration20150331v2'],
  UpdateFunctionCode: ['UpdateFunctionCode20150331', 'UpdateFunctionCode20150331v2'],
  PublishVersion: ['PublishVersion20150331'],
  CreateAlias: ['CreateAlias20150331'],
  UpdateAlias: ['UpdateAlias20150331'],
  CreateFunctionUrlConfig: ['CreateFunctionUrlConfig', 'CreateFunctionUrlConfig20211031'],
  UpdateFunctionUrlConfig: ['UpdateFunctionUrlConfig', 'UpdateFunctionUrlConfig20211031'],
  DeleteFunctionUrlConfig: ['DeleteFunctionUrlConfig', 'DeleteFunctionUrlConfig20211031'],
  PublishLayerVersion: ['PublishLayerVersion20181031'],
  DeleteLayerVersion: ['DeleteLayerVersion20181031'],
  AddLayerVersionPermission: ['AddLayerVersionPermission20181031'],
  RemoveLayerVersionPermission: ['RemoveLayerVersionPermission20181031'],
  TagResource: ['TagResource20170331', 'TagResource20170331v2'],
  UntagResource: ['UntagResource20170331', 'UntagResource20170331v2'],
  PutFunctionConcurrency: ['PutFunctionConcurrency20171031'],
  DeleteFunctionConcurrency: ['DeleteFunctionConcurrency20171031'],
  // Newer APIs (issue #17): the bare name, and the API-version spelling of their REST path in case it is logged.
  PutFunctionRecursionConfig: ['PutFunctionRecursionConfig', 'PutFunctionRecursionConfig20240831'],
  PutFunctionCodeSigningConfig: ['PutFunctionCodeSigningConfig', 'PutFunctionCodeSigningConfig20200630'],
  DeleteFunctionCodeSigningConfig: ['DeleteFunctionCodeSigningConfig', 'DeleteFunctionCodeSigningConfig20200630'],
  UpdateCodeSigningConfig: ['UpdateCodeSigningConfig', 'UpdateCodeSigningConfig20200422'],
  // Lambda has logged bare API names since October 2021; the 2019-09-25 API's older records carry its date.
  PutFunctionEventInvokeConfig: ['PutFunctionEventInvokeConfig', 'PutFunctionEventInvokeConfig20190925'],
  UpdateFunctionEventInvokeConfig: ['UpdateFunctionEventInvokeConfig', 'UpdateFunctionEventInvokeConfig20190925'],
  DeleteFunctionEventInvokeConfig: ['DeleteFunctionEventInvokeConfig', 'DeleteFunctionEventInvokeConfig20190925'],
  // Event-source mappings (issue #17): CloudTrail logs the 2015-03-31 API's date.
  CreateEventSourceMapping: ['CreateEventSourceMapping20150331'],
  UpdateEventSourceMapping: ['UpdateEventSourceMapping20150331'],
  DeleteEventSourceMapping: ['DeleteEventSourceMapping20150331'],
};

/** All spellings of a bare event name for an event source (the bare name itself for other services). */
export function eventNameSpellings(eventSource: string, bareName: string): readonly string[] {
  if (eventSource === 'lambda.amazonaws.com') {
    const known = LAMBDA_EVENT_NAME_SPELLINGS[bareName];
    if (known === undefined) {
      throw new Error(`Unknown Lambda event name "${bareName}": add its CloudTrail spellings to LAMBDA_EVENT_NAME_SPELLINGS`);
    }
    return known.includes(bareName) ? known : [bareName, ...known];
  }
  return [bareName];
}

/**
 * IAM events that change an existing role named by `requestParameters.roleName`: its trust, inline and
 * attached policies, boundary, description, session duration and tags, or the role itself.
 */
export const IAM_ROLE_WRITE_EVENTS = [
  'UpdateAssumeRolePolicy',
  'PutRolePolicy',
  'DeleteRolePolicy',
  'AttachRolePolicy',
  'DetachRolePolicy',
  'DeleteRole',
  'UpdateRole',
  'UpdateRoleDescription',
  'PutRolePermissionsBoundary',
  'DeleteRolePermissionsBoundary',
  'TagRole',
  'UntagRole',
] as const;
