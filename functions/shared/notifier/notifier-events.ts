/**
 * The edge schema of the notifier: EventBridge events from `lambda-warden` ("Warden Finding",
 * "Warden Remediation", "Warden Decision", "Warden Alert"). Invalid input raises an
 * `InvalidEventError` naming the fields; an unknown detail-type is named as such.
 */
import * as z from 'zod';
import type { DecisionDetail } from '../contract/decision';
import type { Finding } from '../contract/finding';
import { InvalidEventError } from '../errors';
import type { ExecutionOutcome } from '../contract/outcome';
import { DETAIL_TYPES, EVENT_SOURCE } from '../bus/warden-events';
import type { AlertInput } from '../slack/warden-messages';
import { issuePath } from '../validation';
import { DetectorFindingRefSchema } from '../contract/detector-finding';

const accountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');
const isoTime = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO 8601 time');
const severity = z.enum(['critical', 'high', 'medium', 'low']);
const mode = z.enum(['alert', 'approve', 'auto']);
const plan = z.looseObject({ action: z.string().min(1), call: z.string(), description: z.string() });

const ActorSchema = z.looseObject({
  type: z.string(),
  arn: z.string().optional(),
  accountId: z.string().optional(),
  sourceIPAddress: z.string().optional(),
  userAgent: z.string().optional(),
  sessionIssuerArn: z.string().optional(),
});

export const FindingSchema = z.looseObject({
  id: z.string().min(1),
  ruleId: z.string().min(1),
  title: z.string(),
  severity,
  mode,
  resource: z.string().min(1),
  account: accountId,
  region: z.string().min(1),
  summary: z.string(),
  rationale: z.string(),
  details: z.record(z.string(), z.unknown()),
  remediation: z.looseObject({ action: z.string().min(1), params: z.record(z.string(), z.union([z.string(), z.number()])), description: z.string() }).nullable(),
  actor: ActorSchema.optional(),
  eventId: z.string().optional(),
  eventName: z.string().optional(),
  eventTime: z.string().optional(),
  detector: DetectorFindingRefSchema.optional(),
});

const record = z.looseObject({ id: z.string().min(1), expiresAt: isoTime });

export const OutcomeSchema = z.looseObject({
  findingId: z.string().min(1),
  eventId: z.string().min(1),
  ruleId: z.string().min(1),
  resource: z.string().min(1),
  account: accountId,
  region: z.string().min(1),
  mode,
  effectiveMode: mode,
  status: z.enum(['alerted', 'pending-approval', 'dry-run', 'exempt', 'remediated', 'already-compliant', 'failed', 'refused', 'manual', 'duplicate', 'closed']),
  dryRun: z.boolean(),
  plan: plan.nullable(),
  detail: z.string(),
  verified: z.boolean().optional(),
  error: z.looseObject({ name: z.string(), message: z.string() }).optional(),
  approval: record.extend({ openedBy: z.string().min(1).optional() }).optional(),
  restore: record.optional(),
  exemption: z.looseObject({ kind: z.string(), reason: z.string() }).optional(),
  blocked: z.looseObject({ kind: z.enum(['iam-writes-off', 'administrative-role', 'own-role']), reason: z.string() }).optional(),
  circuitBreaker: z.looseObject({ justTripped: z.boolean(), limit: z.number(), windowMinutes: z.number(), windowStart: z.string() }).optional(),
  at: isoTime,
  detector: DetectorFindingRefSchema.optional(),
});

export const DecisionSchema = z.looseObject({
  recordId: z.string().min(1),
  findingId: z.string().min(1),
  eventId: z.string().min(1),
  ruleId: z.string().min(1),
  resource: z.string().min(1),
  account: accountId,
  region: z.string().min(1),
  decision: z.enum(['approved', 'quarantined', 'rejected', 'rejected-and-exempted', 'restored', 'expired']),
  by: z.looseObject({ userId: z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id'), userName: z.string().optional() }).optional(),
  at: isoTime,
  plan: z.looseObject({ action: z.string().min(1), call: z.string().optional(), description: z.string() }).nullable(),
  exemptUntil: isoTime.optional(),
  message: z.looseObject({ channel: z.string().min(1), ts: z.string().min(1) }).optional(),
});

export const AlertSchema = z.looseObject({
  kind: z.string().min(1),
  severity: z.string().min(1),
  summary: z.string(),
  windowStart: z.string().optional(),
  triggeredBy: z.looseObject({ findingId: z.string(), ruleId: z.string(), resource: z.string() }).optional(),
  account: accountId.optional(),
  region: z.string().min(1).optional(),
  silentSince: z.string().optional(),
});

const EnvelopeSchema = z.looseObject({
  id: z.string().min(1),
  source: z.literal(EVENT_SOURCE),
  'detail-type': z.string().min(1),
  time: z.string().optional(),
  detail: z.unknown(),
});

/** A validated Warden event. Findings and outcomes are typed as the responder's (plan actions are names of its actions). */
export type NotifierEvent =
  | { readonly kind: 'finding'; readonly id: string; readonly finding: Finding; readonly outcome: ExecutionOutcome }
  | { readonly kind: 'remediation'; readonly id: string; readonly outcome: ExecutionOutcome }
  | { readonly kind: 'decision'; readonly id: string; readonly decision: DecisionDetail }
  | { readonly kind: 'alert'; readonly id: string; readonly alert: AlertInput };

function parse<T extends z.ZodType>(schema: T, input: unknown, what: string, prefix: string): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => [prefix, issuePath(issue.path, '')].filter(Boolean).join('.') || '(event)');
  const described = result.error.issues.map((issue, i) => `${fields[i] ?? '(event)'}: ${issue.message}`).join('; ');
  throw new InvalidEventError(`Invalid ${what}: ${described}`, fields, { cause: result.error });
}

// The responder's types narrow `action` to its action names; the schema checks a non-empty string.
const asFinding = (value: z.infer<typeof FindingSchema>): Finding => value as unknown as Finding;
const asOutcome = (value: z.infer<typeof OutcomeSchema>): ExecutionOutcome => value as unknown as ExecutionOutcome;

/**
 * Validates an EventBridge event for the notifier.
 * @throws InvalidEventError naming the offending fields, or the unknown detail-type.
 */
export function parseNotifierEvent(input: unknown): NotifierEvent {
  const envelope = parse(EnvelopeSchema, input, 'Warden event', '');
  const type = envelope['detail-type'];
  switch (type) {
    case DETAIL_TYPES.finding: {
      const detail = parse(z.looseObject({ finding: FindingSchema, outcome: OutcomeSchema }), envelope.detail, `"${type}" event`, 'detail');
      return { kind: 'finding', id: envelope.id, finding: asFinding(detail.finding), outcome: asOutcome(detail.outcome) };
    }
    case DETAIL_TYPES.remediation:
      return { kind: 'remediation', id: envelope.id, outcome: asOutcome(parse(OutcomeSchema, envelope.detail, `"${type}" event`, 'detail')) };
    case DETAIL_TYPES.decision:
      return { kind: 'decision', id: envelope.id, decision: parse(DecisionSchema, envelope.detail, `"${type}" event`, 'detail') };
    case DETAIL_TYPES.alert:
      return { kind: 'alert', id: envelope.id, alert: parse(AlertSchema, envelope.detail, `"${type}" event`, 'detail') };
    default:
      throw new InvalidEventError(`Unknown detail-type "${type}": the notifier handles ${Object.values(DETAIL_TYPES).map((t) => `"${t}"`).join(', ')}`, ['detail-type']);
  }
}
