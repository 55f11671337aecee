/**
 * The edge schema of GuardDuty findings as EventBridge delivers them (`source: aws.guardduty`,
 * `detail-type: GuardDuty Finding`; `detail` is the finding, GuardDuty's `Finding` object). Unknown
 * fields are kept; a malformed event raises an `InvalidEventError` naming the fields. What the rules
 * get of a finding is `RuntimeThreat`: its id, type, severity and dates — never its evidence
 * (`service.action`, tags, description), which can carry what the function sent out.
 */
import * as z from 'zod';
import { lazySchema } from '../lazy-schema';
import type { Severity } from '../contract/finding';
import { InvalidEventError } from '../errors';
import type { DetectorFindingRef } from '../contract/detector-finding';
import { describeIssues, issuePath } from '../validation';

export const GUARDDUTY_FINDING_DETAIL_TYPE = 'GuardDuty Finding';
export const GUARDDUTY_SOURCE = 'aws.guardduty';
/** The trigger source of rules judging GuardDuty findings (as CloudTrail names the service). */
export const GUARDDUTY_EVENT_SOURCE = 'guardduty.amazonaws.com';
/** GuardDuty's `resource.resourceType` of Lambda Protection findings. */
export const GUARDDUTY_LAMBDA_RESOURCE_TYPE = 'Lambda';

const accountId = lazySchema(() => z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'));

export const LambdaDetailsSchema = lazySchema(() => z.looseObject({
  functionArn: z.string().min(1),
  functionName: z.string().optional(),
  functionVersion: z.string().optional(),
  revisionId: z.string().optional(),
  lastModifiedAt: z.string().optional(),
  role: z.string().optional(),
}));

export const GuardDutyFindingSchema = lazySchema(() => z.looseObject({
  schemaVersion: z.string().optional(),
  accountId,
  region: z.string().min(1),
  partition: z.string().optional(),
  id: z.string().regex(/^[A-Za-z0-9_-]{1,300}$/, 'must be a GuardDuty finding id'),
  arn: z.string().optional(),
  type: z.string().min(1).max(300),
  resource: z.looseObject({
    resourceType: z.string().min(1),
    lambdaDetails: LambdaDetailsSchema.optional(),
  }),
  service: z
    .looseObject({
      archived: z.boolean().optional(),
      count: z.number().optional(),
      eventFirstSeen: z.string().optional(),
      eventLastSeen: z.string().optional(),
    })
    .optional(),
  severity: z.number().min(0).max(10),
  createdAt: z.string().min(1),
  updatedAt: z.string().min(1),
  title: z.string().optional(),
  description: z.string().optional(),
}));

export const GuardDutyFindingEventSchema = lazySchema(() => z.looseObject({
  version: z.string().optional(),
  id: z.string().min(1),
  'detail-type': z.literal(GUARDDUTY_FINDING_DETAIL_TYPE),
  source: z.literal(GUARDDUTY_SOURCE),
  account: accountId,
  time: z.string().optional(),
  region: z.string().min(1),
  resources: z.array(z.string()).optional(),
  detail: GuardDutyFindingSchema,
}));

export type GuardDutyFinding = z.infer<typeof GuardDutyFindingSchema>;
export type GuardDutyFindingEvent = z.infer<typeof GuardDutyFindingEventSchema>;

/**
 * What a rule knows of a runtime-threat finding: named facts only. Also kept in the Warden finding's
 * `details.threat`, from which a decision re-judges it.
 */
export const RuntimeThreatSchema = lazySchema(() => z.strictObject({
  service: z.literal('guardduty'),
  findingId: z.string().min(1),
  findingType: z.string().min(1),
  /** GuardDuty's numeric severity (0–10). */
  score: z.number().min(0).max(10),
  severity: z.enum(['critical', 'high', 'medium', 'low']),
  /** The version the finding names (`$LATEST` or a number), when it names one. */
  functionVersion: z.string().optional(),
  updatedAt: z.string(),
  count: z.number().optional(),
}));
export type RuntimeThreat = z.infer<typeof RuntimeThreatSchema>;

/** True for an EventBridge delivery that claims to be a GuardDuty finding (routing only; parsing validates). */
export function isGuardDutyFindingEvent(input: unknown): boolean {
  if (typeof input !== 'object' || input === null) return false;
  const event = input as Record<string, unknown>;
  return event.source === GUARDDUTY_SOURCE || event['detail-type'] === GUARDDUTY_FINDING_DETAIL_TYPE;
}

/**
 * Validates an EventBridge GuardDuty finding event.
 * @throws InvalidEventError naming every missing or malformed field.
 */
export function parseGuardDutyFindingEvent(input: unknown): GuardDutyFindingEvent {
  const result = GuardDutyFindingEventSchema.safeParse(input);
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => issuePath(issue.path, '(event)'));
  throw new InvalidEventError(`Invalid GuardDuty Finding event: ${describeIssues(result.error, '(event)')}`, fields, { cause: result.error });
}

/** GuardDuty's severity levels: Low 1.0–3.9, Medium 4.0–6.9, High 7.0–8.9, Critical 9.0–10.0. */
export function guardDutySeverity(score: number): Severity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  return 'low';
}

/** The named facts of a finding the rules may read. */
export function runtimeThreatOf(finding: GuardDutyFinding): RuntimeThreat {
  const version = finding.resource.lambdaDetails?.functionVersion;
  const count = finding.service?.count;
  return {
    service: 'guardduty',
    findingId: finding.id,
    findingType: finding.type,
    score: finding.severity,
    severity: guardDutySeverity(finding.severity),
    ...(version === undefined || version === '' ? {} : { functionVersion: version }),
    updatedAt: finding.updatedAt,
    ...(count === undefined ? {} : { count }),
  };
}

/** Which GuardDuty finding, as of which update; `archived` once GuardDuty (or a person there) archived it (`service.archived`). */
export function guardDutyDetectorRef(finding: GuardDutyFinding): DetectorFindingRef {
  const count = finding.service?.count;
  return {
    service: 'guardduty',
    findingId: finding.id,
    account: finding.accountId,
    region: finding.region,
    updatedAt: finding.updatedAt,
    ...(count === undefined || !Number.isInteger(count) || count < 0 ? {} : { count }),
    state: finding.service?.archived === true ? 'archived' : 'active',
  };
}
