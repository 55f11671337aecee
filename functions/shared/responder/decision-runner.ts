/**
 * The responder's side of a Slack decision: a "Warden Decision" event in → the decided record
 * re-read from the state store (the authority, never the event's plan) → its plan run once
 * (an execution claim absorbs duplicate deliveries; a Restore writes its 30-day exemption, kept only
 * when the restore ran) → a "Warden Remediation" event out.
 */
import * as z from 'zod';
import { planForDecision } from '../approval/decision-plans';
import { DECISION_EXEMPTION_DAYS, type DecisionKind } from '../approval/decision';
import { InvalidEventError } from '../errors';
import type { Executor } from '../executor/executor';
import type { ExecutionOutcome } from '../executor/outcome';
import { silentTelemetry, type Telemetry } from '../observability';
import type { ApprovalDecision, ApprovalRecord, StateStore } from '../store/state-store';
import { decidedRemediationEvent, DETAIL_TYPES, EVENT_SOURCE, type EventSink } from './warden-events';

/**
 * How long after the click a decided plan may still run. A run that failed gives its claim back, so
 * a Decision event re-sent from the dead-letter queue days later would otherwise act on an account
 * the approver no longer saw: past this window the plan is refused and the approver must decide again.
 */
export const DECISION_FRESHNESS_MINUTES = 15;

const DECISIONS = ['approved', 'quarantined', 'rejected', 'rejected-and-exempted', 'restored', 'expired'] as const satisfies readonly DecisionKind[];
/** The decisions that run a plan. */
const RUNNABLE = ['approved', 'quarantined', 'restored'] as const satisfies readonly ApprovalDecision[];
type Runnable = (typeof RUNNABLE)[number];

function runnable(decision: DecisionKind): decision is Runnable {
  return (RUNNABLE as readonly string[]).includes(decision);
}

const DecisionDetailSchema = z.looseObject({
  recordId: z.string().regex(/^w[ar]-[0-9a-f]{24}$/, 'must be an approval or restore record id'),
  findingId: z.string().min(1),
  eventId: z.string().min(1),
  ruleId: z.string().min(1),
  resource: z.string().min(1),
  account: z.string().regex(/^\d{12}$/),
  region: z.string().min(1),
  decision: z.enum(DECISIONS),
  by: z.strictObject({ userId: z.string().min(1), userName: z.string().optional() }).optional(),
  at: z.iso.datetime(),
  message: z.strictObject({ channel: z.string().min(1), ts: z.string().min(1) }).optional(),
});

const DecisionEventSchema = z.looseObject({
  source: z.literal(EVENT_SOURCE),
  'detail-type': z.literal(DETAIL_TYPES.decision),
  detail: DecisionDetailSchema,
});

/** True for an EventBridge delivery of a "Warden Decision" (routing only; `handle` validates it). */
export function isDecisionEvent(input: unknown): boolean {
  if (typeof input !== 'object' || input === null) return false;
  const event = input as Record<string, unknown>;
  return event.source === EVENT_SOURCE && event['detail-type'] === DETAIL_TYPES.decision;
}

/** What the runner did with one Decision event. */
export interface DecisionRecord {
  readonly eventName: typeof DETAIL_TYPES.decision;
  readonly recordId: string;
  readonly decision: DecisionKind;
  /** `ran`: the plan was run (see `outcome`); otherwise why nothing was run. */
  readonly status: 'ran' | 'nothing-to-run' | 'duplicate' | 'refused';
  readonly detail: string;
  readonly outcome?: ExecutionOutcome;
}

export interface DecisionRunnerOptions {
  readonly store: StateStore;
  readonly executor: Executor;
  readonly sink: EventSink;
  readonly telemetry?: Telemetry;
  readonly now?: () => Date;
  /** How long an execution claim protects a decision from other deliveries (default 900 s). */
  readonly leaseSeconds?: number;
}

/**
 * @example
 * const runner = new DecisionRunner({ store, executor, sink });
 * const record = await runner.handle(eventBridgeEvent); // "Warden Decision"
 */
export class DecisionRunner {
  private readonly telemetry: Telemetry;
  private readonly now: () => Date;

  constructor(private readonly options: DecisionRunnerOptions) {
    this.telemetry = options.telemetry ?? silentTelemetry;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Runs the plan of one decision at most once across deliveries.
   * @throws InvalidEventError for input that is not a Decision event; store or bus failures are
   * rethrown (after giving the claim back) so the invocation is retried, then dead-lettered.
   */
  async handle(input: unknown): Promise<DecisionRecord> {
    const parsed = DecisionEventSchema.safeParse(input);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(top level)');
      this.telemetry.warn('invalid decision event', { fields });
      throw new InvalidEventError(`Invalid Warden Decision event: ${fields.join(', ')}`, fields, { cause: parsed.error });
    }
    const { detail } = parsed.data;
    const result = (status: DecisionRecord['status'], text: string, outcome?: ExecutionOutcome): DecisionRecord => ({
      eventName: DETAIL_TYPES.decision,
      recordId: detail.recordId,
      decision: detail.decision,
      status,
      detail: text,
      ...(outcome === undefined ? {} : { outcome }),
    });

    const decision = detail.decision;
    if (!runnable(decision)) return result('nothing-to-run', `${decision}: no plan to run`);
    const record = await this.options.store.getApproval(detail.recordId);
    if (record?.status !== detail.decision || record.findingId !== detail.findingId) {
      this.telemetry.warn('decision event does not match the stored record: nothing run', { recordId: detail.recordId, decision: detail.decision, stored: record?.status ?? null });
      return result('refused', `the stored record ${detail.recordId} is ${record === null ? 'missing' : `${record.status} for finding ${record.findingId}`}, not ${detail.decision} for ${detail.findingId}`);
    }
    const plan = planForDecision(record, decision);
    if (plan === null) return result('refused', `the record ${record.id} offers no plan for ${decision}`);

    const claim = await this.options.store.claimExecution({ id: record.id, status: decision, now: this.now(), leaseSeconds: this.options.leaseSeconds ?? 900 });
    if (!claim.claimed) {
      this.telemetry.count('DuplicateDeliveries');
      this.telemetry.info('decision already run by another delivery', { recordId: record.id, decision: detail.decision });
      return result('duplicate', 'already run (or being run) by another delivery');
    }
    let exempted = false;
    let restoredNow = false;
    try {
      const decidedAt = record.decidedAt === undefined ? Number.NaN : Date.parse(record.decidedAt);
      const age = this.now().getTime() - decidedAt;
      let ran: ExecutionOutcome;
      if (Number.isNaN(age) || age > DECISION_FRESHNESS_MINUTES * 60_000) {
        ran = this.options.executor.notRun(record.finding, record.eventId, plan, {
          name: 'DecisionTooOld',
          detail: `not run: decided at ${record.decidedAt ?? '(unknown)'}, more than ${String(DECISION_FRESHNESS_MINUTES)} minutes ago, and the account may have changed since; nothing was changed, decide again on a new finding or make the change by hand`,
        });
      } else {
        // A Restore exempts the resource, written before the statement is back (its own CloudTrail
        // event must find it) and taken back unless the restore really ran.
        if (decision === 'restored') {
          exempted = true; // set before the write: a failed write may still have landed
          await this.exemptRestored(record, decidedAt);
        }
        ran = await this.options.executor.runPlan(record.finding, record.eventId, plan);
        restoredNow = ran.status === 'remediated';
        if (exempted && !restoredNow) {
          exempted = false;
          await this.withdrawExemption(record, ran.status);
        }
      }
      const link = { id: record.id, expiresAt: record.expiresAt };
      const outcome: ExecutionOutcome = record.kind === 'restore' ? { ...ran, restore: link } : { ...ran, approval: link };
      await this.options.sink.publish([
        decidedRemediationEvent(outcome, { recordId: record.id, decision: detail.decision, ...(detail.by === undefined ? {} : { by: detail.by }), ...(detail.message === undefined ? {} : { message: detail.message }) }),
      ]);
      await this.options.store.completeExecution({ id: record.id, owner: claim.owner, outcomeStatus: outcome.status, now: this.now() });
      this.report(detail.decision, outcome);
      return result('ran', outcome.detail, outcome);
    } catch (e: unknown) {
      if (exempted && !restoredNow) await this.withdrawExemption(record, 'threw');
      await this.options.store.releaseExecution({ id: record.id, owner: claim.owner });
      throw e;
    }
  }

  /** Writes the exemption of a Restore decision: the decider, until 30 days after the click. */
  private async exemptRestored(record: ApprovalRecord, decidedAt: number): Promise<void> {
    const { resource, ruleId } = record.finding;
    const until = new Date(decidedAt + DECISION_EXEMPTION_DAYS * 86_400_000).toISOString();
    await this.options.store.putExemption({ resource, ruleId, until, by: record.decidedBy ?? '', recordId: record.id, decision: 'restored', createdAt: this.now().toISOString() });
  }

  /** Takes back the exemption of a Restore that did not run (only if it is still this record's). */
  private async withdrawExemption(record: ApprovalRecord, why: string): Promise<void> {
    const { resource, ruleId } = record.finding;
    try {
      const removed = await this.options.store.deleteExemption({ resource, ruleId, recordId: record.id, now: this.now() });
      this.telemetry.warn('restore not run: exemption taken back', { recordId: record.id, resource, ruleId, status: why, removed });
    } catch (e: unknown) {
      this.telemetry.error('restore not run: exemption not taken back', { recordId: record.id, resource, ruleId, status: why, error: e instanceof Error ? e.message : 'unknown error' });
    }
  }

  private report(decision: DecisionKind, outcome: ExecutionOutcome): void {
    const attributes = { decision, findingId: outcome.findingId, ruleId: outcome.ruleId, resource: outcome.resource, status: outcome.status, plan: outcome.plan?.call, detail: outcome.detail };
    if (outcome.status === 'remediated') this.telemetry.count('Remediations');
    if (outcome.status === 'failed' || outcome.status === 'refused') {
      this.telemetry.count('RemediationFailures');
      this.telemetry.error('decided plan failed', { ...attributes, error: outcome.error });
      return;
    }
    this.telemetry.info('decided plan run', attributes);
  }
}
