/** What the executor did with a finding: the record stored, logged and put on the bus as "Warden Remediation". */
import * as z from 'zod';
import { lazyObject, lazySchema } from '../lazy-schema';
import { ActionNameSchema, FINDING_SCOPE_FIELDS, IsoTimeSchema, ModeSchema } from './finding';
import { IntegrityFailureSchema } from './integrity-failure';
import { DetectorFindingRefSchema } from './detector-finding';

/** What the executor did with a finding (`status`). */
export const EXECUTION_STATUSES = [
  // mode alert: reported only.
  'alerted',
  // mode approve (or auto with the circuit breaker open): a pending approval was created, or one is open for the finding already (`approval.openedBy`).
  'pending-approval',
  // global dry-run: nothing changed; `plan.call` says what would have been done.
  'dry-run',
  // self-protection, config allow-list or `warden:exempt` tag.
  'exempt',
  'remediated',
  // the state changed since the event: nothing was done.
  'already-compliant',
  'failed',
  // the account is outside the organization, or a stored plan writes what the bot may not (`blocked`): no call was made.
  'refused',
  // the fix needs a change the bot does not make (`blocked`: IAM writes off, a protected role): the finding says the call to make by hand; no plan is stored or offered.
  'manual',
  // the same event's finding is being or was handled by another delivery: nothing done, nothing emitted.
  'duplicate',
  // the detector finding it was raised from was archived or resolved by its service: its open approval is closed, nothing is done (issue #18).
  'closed',
] as const;
export const ExecutionStatusSchema = lazySchema(() => z.enum(EXECUTION_STATUSES));
export type ExecutionStatus = z.infer<typeof ExecutionStatusSchema>;

/** What a circuit breaker counts: one account's automatic remediations, one principal's reverted changes, or all. */
export const BreakerScopeSchema = lazySchema(() => z.enum(['account', 'principal', 'global']));
export type BreakerScope = z.infer<typeof BreakerScopeSchema>;

const RecordRefSchema = lazySchema(() => z.object({ id: z.string().min(1), expiresAt: IsoTimeSchema }));

/**
 * The fields of an outcome (see {@link ExecutionOutcomeSchema}); a decided remediation extends them.
 * - `mode`: the mode the finding asked for (config precedence applied); `effectiveMode`: the mode acted
 *   upon (`approve` when the circuit breaker is open).
 * - `detail`: one sentence for people. `error`: the AWS error of a failed action, name and message only.
 * - `approval`: the pending record; `openedBy` (the event that opened it) when it was open already and
 *   this event asked nothing new. `restore`: after an automatic revert, the record behind the Slack
 *   "Restore" button (puts the change back, exempts 30 days).
 * - `blocked`: why the bot does not run the plan itself (`manual`, `refused`).
 * - `integrityFailures`: stored items that failed their integrity check while this finding was handled
 *   (each raises a critical alert).
 * - `circuitBreaker`: the breaker that held an automatic remediation back: which counter (`key`: the
 *   account id, the principal's ARN, or `global`), its limit and window.
 * - `detector`: with `closed`, the detector finding (as of its closing) whose Slack thread is told.
 * - `verification` (issue #16, automatic reverts): `running` when the outcome was stored and published while the
 *   verifying read of the change was still in flight (then `verified` is absent); `failed` on the follow-up the
 *   responder stores and publishes (a second "Warden Remediation") when that read found the change did not hold
 *   (`status: remediated`, `verified: false`) or could not be made (`status: failed`). A revert whose verification
 *   held sends no follow-up: `running` with no later `failed` means it held. `held` is what the responder itself
 *   reports when it knows the result (and stores when the first publish failed, so the retry publishes the result).
 */
export const EXECUTION_OUTCOME_FIELDS = lazyObject(() => ({
  ...FINDING_SCOPE_FIELDS,
  mode: ModeSchema,
  effectiveMode: ModeSchema,
  status: ExecutionStatusSchema,
  dryRun: z.boolean(),
  plan: z.object({ action: ActionNameSchema, call: z.string(), description: z.string() }).readonly().nullable(),
  detail: z.string(),
  verified: z.boolean().optional(),
  verification: z.enum(['running', 'held', 'failed']).optional(),
  error: z.object({ name: z.string(), message: z.string() }).readonly().optional(),
  approval: RecordRefSchema.extend({ openedBy: z.string().min(1).optional() }).readonly().optional(),
  restore: RecordRefSchema.readonly().optional(),
  exemption: z.object({ kind: z.string(), reason: z.string() }).readonly().optional(),
  blocked: z.object({ kind: z.enum(['iam-writes-off', 'administrative-role', 'own-role']), reason: z.string() }).readonly().optional(),
  integrityFailures: z.array(IntegrityFailureSchema).readonly().optional(),
  circuitBreaker: z
    .object({
      justTripped: z.boolean(),
      scope: BreakerScopeSchema,
      key: z.string(),
      limit: z.number(),
      windowMinutes: z.number(),
      windowStart: z.string(),
    })
    .readonly()
    .optional(),
  at: IsoTimeSchema,
  detector: DetectorFindingRefSchema.optional(),
}) as const);

/** What the executor did with a finding: stored, logged, and the detail of "Warden Remediation". */
export const ExecutionOutcomeSchema = lazySchema(() => z.object(EXECUTION_OUTCOME_FIELDS).readonly());
export type ExecutionOutcome = z.infer<typeof ExecutionOutcomeSchema>;

/** `in account 111122223333`, `of changes by arn:…`, `in the organization`. */
export function breakerScopeText(breaker: Pick<NonNullable<ExecutionOutcome['circuitBreaker']>, 'scope' | 'key'>): string {
  switch (breaker.scope) {
    case 'account':
      return `in account ${breaker.key}`;
    case 'principal':
      return `of changes by ${breaker.key}`;
    case 'global':
      return 'in the organization';
  }
}

/** True when an API call was attempted against the account. */
export function actionAttempted(outcome: ExecutionOutcome): boolean {
  return outcome.status === 'remediated' || outcome.status === 'already-compliant' || outcome.status === 'failed';
}
