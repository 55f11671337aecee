/**
 * The edge schema: an EventBridge envelope carrying a CloudTrail management event
 * ("AWS API Call via CloudTrail"). Unknown fields are kept; missing required ones raise
 * an `InvalidEventError` naming the field.
 */
import * as z from 'zod';
import { lazySchema } from '../lazy-schema';
import { InvalidEventError } from '../errors';
import { describeIssues, issuePath } from '../validation';

const accountId = lazySchema(() => z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'));

export const SessionIssuerSchema = lazySchema(() => z.looseObject({
  type: z.string().optional(),
  principalId: z.string().optional(),
  arn: z.string().optional(),
  accountId: z.string().optional(),
  userName: z.string().optional(),
}));

export const UserIdentitySchema = lazySchema(() => z.looseObject({
  type: z.string().min(1),
  principalId: z.string().optional(),
  arn: z.string().optional(),
  accountId: z.string().optional(),
  userName: z.string().optional(),
  invokedBy: z.string().optional(),
  sessionContext: z
    .looseObject({
      sessionIssuer: SessionIssuerSchema.optional(),
      /** Set by the caller of AssumeRole (`SourceIdentity`), unchangeable within the session. */
      sourceIdentity: z.string().optional(),
    })
    .optional(),
}));

/** A plain object as zod's `isPlainObject` decides it (what `z.record` accepts first). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const ctor = (value as { constructor?: unknown }).constructor;
  if (typeof ctor !== 'function') return true;
  const prototype = (ctor as { prototype?: unknown }).prototype;
  return typeof prototype === 'object' && prototype !== null && !Array.isArray(prototype) && Object.hasOwn(prototype, 'isPrototypeOf');
}

/** Accepts exactly what `z.record(z.string(), z.unknown())` accepts: a plain object whose enumerable keys are all strings. */
function isJsonRecord(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && Object.getOwnPropertySymbols(value).every((key) => !Object.prototype.propertyIsEnumerable.call(value, key));
}

/**
 * `requestParameters` / `responseElements`: any JSON object. Accepts what
 * `z.record(z.string(), z.unknown())` accepts and yields the same keys and values (an own
 * `__proto__` key is dropped), without running two schemas per entry — which cost a third of
 * the event's validation time. A test compares both on fixed and random values.
 */
const jsonRecord = lazySchema(() => z
  .custom<Record<string, unknown>>(isJsonRecord, { error: (issue) => `Invalid input: expected record, received ${issue.input === null ? 'null' : Array.isArray(issue.input) ? 'array' : typeof issue.input}` })
  .overwrite((record) => (Object.hasOwn(record, '__proto__') ? withoutProtoKey(record) : record)));

function withoutProtoKey(record: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(record)) if (key !== '__proto__') copy[key] = record[key];
  return copy;
}

export const CloudTrailDetailSchema = lazySchema(() => z.looseObject({
  eventVersion: z.string().optional(),
  eventID: z.string().min(1),
  eventTime: z.string().min(1),
  eventSource: z.string().min(1),
  eventName: z.string().min(1),
  awsRegion: z.string().min(1),
  eventType: z.string().optional(),
  userIdentity: UserIdentitySchema,
  sourceIPAddress: z.string().optional(),
  userAgent: z.string().optional(),
  requestParameters: jsonRecord.nullish(),
  responseElements: jsonRecord.nullish(),
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
  recipientAccountId: z.string().optional(),
  readOnly: z.boolean().optional(),
}));

export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

export const CloudTrailEventSchema = lazySchema(() => z.looseObject({
  version: z.string().optional(),
  id: z.string().min(1),
  'detail-type': z.literal(CLOUDTRAIL_DETAIL_TYPE),
  source: z.string().regex(/^aws\.[a-z0-9-]+$/, 'must be an AWS event source such as "aws.lambda"'),
  account: accountId,
  time: z.string().optional(),
  region: z.string().min(1),
  resources: z.array(z.string()).optional(),
  detail: CloudTrailDetailSchema,
}));

export type UserIdentity = z.infer<typeof UserIdentitySchema>;
export type CloudTrailDetail = z.infer<typeof CloudTrailDetailSchema>;
export type CloudTrailEvent = z.infer<typeof CloudTrailEventSchema>;

/**
 * Validates an EventBridge CloudTrail event.
 * @throws InvalidEventError naming every missing or malformed field.
 */
export function parseCloudTrailEvent(input: unknown): CloudTrailEvent {
  const result = CloudTrailEventSchema.safeParse(input);
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => issuePath(issue.path, '(event)'));
  throw new InvalidEventError(`Invalid CloudTrail event: ${describeIssues(result.error, '(event)')}`, fields, { cause: result.error });
}

/**
 * Wraps a bare CloudTrail record (as found in CloudTrail log files or `LookupEvents`) in the
 * EventBridge envelope that the bot receives, so both can be simulated.
 */
export function wrapCloudTrailRecord(record: Record<string, unknown>): Record<string, unknown> {
  const source = typeof record.eventSource === 'string' ? `aws.${record.eventSource.split('.')[0] ?? ''}` : undefined;
  const identity = record.userIdentity as { accountId?: unknown } | undefined;
  return {
    version: '0',
    id: typeof record.eventID === 'string' ? record.eventID : undefined,
    'detail-type': CLOUDTRAIL_DETAIL_TYPE,
    source,
    account: typeof record.recipientAccountId === 'string' ? record.recipientAccountId : identity?.accountId,
    time: record.eventTime,
    region: record.awsRegion,
    resources: [],
    detail: record,
  };
}

/** True when the value looks like a bare CloudTrail record rather than an EventBridge envelope. */
export function isBareCloudTrailRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !('detail' in value) && 'eventSource' in value && 'eventName' in value;
}
