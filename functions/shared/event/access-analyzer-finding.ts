/**
 * The edge schema of IAM Access Analyzer findings as EventBridge delivers them (`source:
 * aws.access-analyzer`, `detail-type: Access Analyzer Finding`; `detail` is the finding: its id, the
 * resource, type and owner, the external `principal`, `action` and `condition` of the analysed statement,
 * `isPublic`, `status`). Unknown fields are kept; a malformed event raises an `InvalidEventError` naming
 * the fields. Nothing of the finding's text decides a change: it names a resource whose *current* policy
 * the resource-policy rules judge.
 */
import * as z from 'zod';
import { lazySchema } from '../lazy-schema';
import { InvalidEventError } from '../errors';
import type { DetectorFindingRef } from '../contract/detector-finding';
import { describeIssues, issuePath } from '../validation';

export const ACCESS_ANALYZER_FINDING_DETAIL_TYPE = 'Access Analyzer Finding';
export const ACCESS_ANALYZER_SOURCE = 'aws.access-analyzer';
/** The trigger source of rules judging Access Analyzer findings (as CloudTrail names the service). */
export const ACCESS_ANALYZER_EVENT_SOURCE = 'access-analyzer.amazonaws.com';
/** The resource types of Access Analyzer findings the catalog judges. */
export const ACCESS_ANALYZER_LAMBDA_RESOURCE_TYPES = ['AWS::Lambda::Function', 'AWS::Lambda::LayerVersion'] as const;

const accountId = lazySchema(() => z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'));
const stringOrList = lazySchema(() => z.union([z.string(), z.array(z.string())]));

export const AccessAnalyzerFindingSchema = lazySchema(() => z.looseObject({
  version: z.string().optional(),
  /** The account and region the finding reports (the resource's, for an organization analyzer). */
  accountId,
  region: z.string().min(1),
  id: z.string().regex(/^[A-Za-z0-9-]{1,128}$/, 'must be an Access Analyzer finding id'),
  resource: z.string().min(1).max(2048),
  resourceType: z.string().min(1).max(100),
  resourceOwnerAccount: accountId.optional(),
  principal: z.record(z.string(), stringOrList).optional(),
  action: z.array(z.string()).optional(),
  condition: z.record(z.string(), stringOrList).optional(),
  isPublic: z.boolean().optional(),
  isDeleted: z.boolean().optional(),
  /** Set on an error finding: the analyzer could not read the resource. */
  error: z.string().optional(),
  status: z.enum(['ACTIVE', 'ARCHIVED', 'RESOLVED']),
  createdAt: z.string().min(1),
  analyzedAt: z.string().optional(),
  updatedAt: z.string().min(1),
}));

export const AccessAnalyzerFindingEventSchema = lazySchema(() => z.looseObject({
  version: z.string().optional(),
  id: z.string().min(1),
  'detail-type': z.literal(ACCESS_ANALYZER_FINDING_DETAIL_TYPE),
  source: z.literal(ACCESS_ANALYZER_SOURCE),
  /** The analyzer's account: the management or delegated administrator account for an organization analyzer. */
  account: accountId,
  time: z.string().optional(),
  region: z.string().min(1),
  resources: z.array(z.string()).optional(),
  detail: AccessAnalyzerFindingSchema,
}));

export type AccessAnalyzerFinding = z.infer<typeof AccessAnalyzerFindingSchema>;
export type AccessAnalyzerFindingEvent = z.infer<typeof AccessAnalyzerFindingEventSchema>;

/** True for an EventBridge delivery that claims to be an Access Analyzer finding (routing only; parsing validates). */
export function isAccessAnalyzerFindingEvent(input: unknown): boolean {
  if (typeof input !== 'object' || input === null) return false;
  const event = input as Record<string, unknown>;
  return event.source === ACCESS_ANALYZER_SOURCE || event['detail-type'] === ACCESS_ANALYZER_FINDING_DETAIL_TYPE;
}

/**
 * Validates an EventBridge Access Analyzer finding event.
 * @throws InvalidEventError naming every missing or malformed field.
 */
export function parseAccessAnalyzerFindingEvent(input: unknown): AccessAnalyzerFindingEvent {
  const result = AccessAnalyzerFindingEventSchema.safeParse(input);
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => issuePath(issue.path, '(event)'));
  throw new InvalidEventError(`Invalid Access Analyzer Finding event: ${describeIssues(result.error, '(event)')}`, fields, { cause: result.error });
}

/** Which Access Analyzer finding, as of which update, in which state (`ARCHIVED`, `RESOLVED` close it). */
export function accessAnalyzerDetectorRef(finding: AccessAnalyzerFinding): DetectorFindingRef {
  const state = finding.status === 'ARCHIVED' ? 'archived' : finding.status === 'RESOLVED' ? 'resolved' : 'active';
  return { service: 'access-analyzer', findingId: finding.id, account: finding.accountId, region: finding.region, updatedAt: finding.updatedAt, state };
}
