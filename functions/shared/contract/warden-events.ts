/**
 * The Warden event bus contract: the source, the detail-types and each detail's schema, declared once.
 * The responder, the approval endpoint and the heartbeat build their events' details as these types
 * (`bus/warden-events.ts`); the notifier and the decision runner validate what they receive with these
 * very schemas. Details are findings, outcomes, decisions and alerts, which carry no secret value by
 * construction.
 */
import * as z from 'zod';
import { lazySchema } from '../lazy-schema';
import { DecisionDetailSchema } from './decision';
import { FindingSchema, SeveritySchema, AccountIdSchema } from './finding';
import { EXECUTION_OUTCOME_FIELDS, BreakerScopeSchema, ExecutionOutcomeSchema } from './outcome';

export const EVENT_SOURCE = 'lambda-warden';
export const DETAIL_TYPES = { finding: 'Warden Finding', remediation: 'Warden Remediation', alert: 'Warden Alert', decision: 'Warden Decision' } as const;
export type DetailType = (typeof DETAIL_TYPES)[keyof typeof DETAIL_TYPES];

/** "Warden Finding": the finding and what the bot did or proposes. */
export const FindingEventDetailSchema = lazySchema(() => z.object({ finding: FindingSchema, outcome: ExecutionOutcomeSchema }).readonly());
export type FindingEventDetail = z.infer<typeof FindingEventDetailSchema>;

/**
 * "Warden Remediation": the outcome of an API call attempted on a resource; for a plan run on a
 * decision from Slack, also the record the decision was taken on (so the notifier finds the message)
 * and who decided what.
 */
export const RemediationEventDetailSchema = lazySchema(() => z
  .object({
    ...EXECUTION_OUTCOME_FIELDS,
    recordId: DecisionDetailSchema.unwrap().shape.recordId.optional(),
    decision: DecisionDetailSchema.unwrap().shape.decision.optional(),
    by: DecisionDetailSchema.unwrap().shape.by,
    message: DecisionDetailSchema.unwrap().shape.message,
  })
  .readonly());
export type RemediationEventDetail = z.infer<typeof RemediationEventDetailSchema>;

/** The kinds of "Warden Alert". */
export const ALERT_KINDS = ['circuit-breaker-open', 'integrity-failure', 'heartbeat-silent', 'heartbeat-resumed'] as const;

/**
 * "Warden Alert" (severity critical): the circuit breaker opened (`scope`, `key`, `windowStart`); a
 * stored item failed its integrity check (`item`: family, id and check — never a key or a tag); an
 * account × region went silent or resumed (`account`, `region`, `silentSince`, `silentPairs`,
 * `resumedAt`). `triggeredBy`: the finding being handled when it happened.
 */
export const AlertSchema = lazySchema(() => z
  .object({
    kind: z.enum(ALERT_KINDS),
    severity: SeveritySchema,
    summary: z.string(),
    scope: BreakerScopeSchema.optional(),
    key: z.string().optional(),
    windowStart: z.string().optional(),
    triggeredBy: z.object({ findingId: z.string(), ruleId: z.string(), resource: z.string() }).readonly().optional(),
    item: z.object({ family: z.enum(['record', 'exemption', 'baseline']), id: z.string(), check: z.string() }).readonly().optional(),
    account: AccountIdSchema.optional(),
    region: z.string().min(1).optional(),
    silentSince: z.string().optional(),
    silentPairs: z.array(z.string()).readonly().optional(),
    resumedAt: z.string().optional(),
  })
  .readonly());
export type Alert = z.infer<typeof AlertSchema>;

/** The detail schema of each detail-type. */
export const DETAIL_SCHEMAS = {
  [DETAIL_TYPES.finding]: FindingEventDetailSchema,
  [DETAIL_TYPES.remediation]: RemediationEventDetailSchema,
  [DETAIL_TYPES.decision]: DecisionDetailSchema,
  [DETAIL_TYPES.alert]: AlertSchema,
} as const;

/** An event as put on the Warden bus: its detail-type with that type's detail, and the ARNs concerned. */
export type WardenEvent = {
  readonly [T in DetailType]: { readonly detailType: T; readonly detail: z.infer<(typeof DETAIL_SCHEMAS)[T]>; readonly resources: readonly string[] };
}[DetailType];
