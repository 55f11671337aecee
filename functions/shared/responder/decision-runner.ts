/**
 * The responder's side of a Slack decision: a "Warden Decision" event in → the decided record
 * re-read from the state store (the authority, never the event's plan) and judged again before
 * anything runs: its integrity tag, its plan's target, self-protection and exemptions, and the
 * finding re-evaluated on the resource's current state → its plan run once (an execution claim
 * absorbs duplicate deliveries; a Restore writes its 30-day exemption, kept only when the restore
 * ran) → the outcome stored, then a "Warden Remediation" event out (a retried delivery publishes
 * the stored outcome and never runs the plan again).
 */
import * as z from 'zod';
import { lazySchema } from '../lazy-schema';
import type { AnyRule } from '../../../rules/rule';
import type { RemediationPlan, Finding } from '../contract/finding';
import { planForDecision } from '../approval/decision-plans';
import { DECISION_EXEMPTION_DAYS, DecisionDetailSchema, type DecisionKind } from '../contract/decision';
import type { BaselineKeeper } from '../baseline/baseline-keeper';
import type { WardenConfig } from '../config/config';
import { Engine } from '../engine/engine';
import { InvalidEventError } from '../errors';
import { RuntimeThreatSchema } from '../event/guardduty-finding';
import type { Executor } from '../executor/executor';
import { decidedExemption, exemptionFor } from '../executor/exemptions';
import { inversePlan, RESTORABLE_AFTER_APPROVAL } from '../executor/inverse-plans';
import type { ExecutionOutcome } from '../contract/outcome';
import type { TagsOf } from '../executor/resource-tags';
import { silentTelemetry, type Telemetry } from '../observability';
import type { StateReader } from '../state/state-reader';
import { canonicalJson, exemptionFields, recordFields, type Integrity } from '../store/integrity';
import type { IntegrityFailure } from '../contract/integrity-failure';
import type { ResponderStateStore } from '../store/state-store';
import type { ApprovalDecision, ApprovalRecord } from '../contract/approval-record';
import { findingRef, planChange, targetsFindingResource } from './decision-checks';
import { decidedRemediationEvent, integrityAlertEvent, type EventSink } from '../bus/warden-events';
import { DETAIL_TYPES, EVENT_SOURCE, type WardenEvent } from '../contract/warden-events';

/**
 * How long after the click a decided plan may still run. A run that failed gives its claim back, so
 * a Decision event re-sent from the dead-letter queue days later would otherwise act on an account
 * the approver no longer saw: past this window the plan is refused and the approver must decide again.
 */
export const DECISION_FRESHNESS_MINUTES = 15;

/** The decisions that run a plan. */
const RUNNABLE = ['approved', 'quarantined', 'restored'] as const satisfies readonly ApprovalDecision[];

function runnable(decision: DecisionKind): decision is Runnable {
  return (RUNNABLE as readonly string[]).includes(decision);
}

const DecisionEventSchema = lazySchema(() => z.looseObject({
  source: z.literal(EVENT_SOURCE),
  'detail-type': z.literal(DETAIL_TYPES.decision),
  detail: DecisionDetailSchema,
}));

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
  /**
   * `ran`: the decision was judged and its outcome stored and published (see `outcome`: the plan ran,
   * or was refused, exempt or no longer needed); `republished`: an earlier delivery stored the outcome
   * but could not publish it, this one did (nothing was run); otherwise why nothing was run.
   */
  readonly status: 'ran' | 'republished' | 'nothing-to-run' | 'duplicate' | 'refused';
  readonly detail: string;
  readonly outcome?: ExecutionOutcome;
}

export interface DecisionRunnerOptions {
  readonly store: ResponderStateStore;
  readonly executor: Executor;
  readonly sink: EventSink;
  /** The catalog: a decided plan runs only if its finding's rule still finds it on the resource's current state. */
  readonly rules: readonly AnyRule[];
  readonly config: WardenConfig;
  readonly reader: StateReader;
  /** Last-known-good baselines (the rules that restore one need it to find their finding again). */
  readonly baselines?: BaselineKeeper;
  /** Reads the resource's tags (for `warden:exempt`). */
  readonly tagsOf?: TagsOf;
  /** Verifies records and exemptions (default: the executor's, which signed the records). */
  readonly integrity?: Integrity;
  readonly telemetry?: Telemetry;
  readonly now?: () => Date;
  /** How long an execution claim protects a decision from other deliveries (default 900 s). */
  readonly leaseSeconds?: number;
}

type Runnable = (typeof RUNNABLE)[number];

/**
 * @example
 * const runner = new DecisionRunner({ store, executor, sink, rules: RULES, config, reader });
 * const record = await runner.handle(eventBridgeEvent); // "Warden Decision"
 */
export class DecisionRunner {
  private readonly telemetry: Telemetry;
  private readonly now: () => Date;
  private readonly integrity: Integrity;
  /** One engine per rule, re-judging just that rule. */
  private readonly engines = new Map<string, Engine>();

  constructor(private readonly options: DecisionRunnerOptions) {
    this.telemetry = options.telemetry ?? silentTelemetry;
    this.now = options.now ?? (() => new Date());
    this.integrity = options.integrity ?? options.executor.integrity;
  }

  /**
   * Runs the plan of one decision at most once across deliveries.
   * @throws InvalidEventError for input that is not a Decision event; store or bus failures are
   * rethrown (after giving the claim back, unless the outcome is stored) so the invocation is
   * retried, then dead-lettered.
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
    const announce = { recordId: detail.recordId, decision: detail.decision, ...(detail.by === undefined ? {} : { by: detail.by }), ...(detail.message === undefined ? {} : { message: detail.message }) };

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
      if (claim.completed !== null && !claim.completed.published) {
        // An earlier delivery ran (or refused) the plan and stored the outcome, then could not publish it.
        const stored = claim.completed.outcome;
        await this.options.sink.publish(this.events(stored, announce));
        await this.options.store.markExecutionPublished({ id: record.id });
        this.telemetry.info('stored outcome of a decision published', { recordId: record.id, decision, status: stored.status });
        return result('republished', stored.detail, stored);
      }
      this.telemetry.count('DuplicateDeliveries');
      this.telemetry.info('decision already run by another delivery', { recordId: record.id, decision: detail.decision });
      return result('duplicate', 'already run (or being run) by another delivery');
    }
    let exempted = false;
    let restoredNow = false;
    let stored = false;
    try {
      // Integrity failures found on the way (a forged exemption is not honoured, and reported) are
      // kept on the outcome; a failure of the record itself refuses the plan.
      const failures: IntegrityFailure[] = [];
      const refusal = await this.judge(record, decision, plan, failures);
      let ran: ExecutionOutcome;
      if (refusal !== null) {
        ran = refusal;
      } else {
        // A Restore exempts the resource, written before the statement is back (its own CloudTrail
        // event must find it) and taken back unless the restore really ran.
        if (decision === 'restored') {
          exempted = true; // set before the write: a failed write may still have landed
          await this.exemptRestored(record, Date.parse(record.decidedAt ?? ''));
        }
        ran = await this.options.executor.runPlan(record.finding, record.eventId, plan);
        // An approved isolation (or route-auth or code-signing change) can be undone like an automatic revert: its Restore record is stored now.
        if (decision === 'approved' && RESTORABLE_AFTER_APPROVAL.has(plan.action) && ran.status === 'remediated') {
          ran = await this.options.executor.offerRestore(record.finding, record.eventId, plan, ran);
        }
        restoredNow = ran.status === 'remediated';
        if (exempted && !restoredNow) {
          exempted = false;
          await this.withdrawExemption(record, ran.status);
        }
      }
      const link = { id: record.id, expiresAt: record.expiresAt };
      const linked: ExecutionOutcome = record.kind === 'restore' ? { ...ran, restore: link } : { ...ran, approval: link };
      const outcome: ExecutionOutcome = failures.length === 0 ? linked : { ...linked, integrityFailures: failures };
      // Stored before it is published: a retried delivery publishes this outcome and runs nothing.
      await this.options.store.completeExecution({ id: record.id, owner: claim.owner, outcome, now: this.now() });
      stored = true;
      await this.options.sink.publish(this.events(outcome, announce));
      await this.options.store.markExecutionPublished({ id: record.id });
      this.report(detail.decision, outcome);
      return result(refusal !== null && refusal.error?.name === 'IntegrityFailure' ? 'refused' : 'ran', outcome.detail, outcome);
    } catch (e: unknown) {
      if (!stored) {
        if (exempted && !restoredNow) await this.withdrawExemption(record, 'threw');
        await this.options.store.releaseExecution({ id: record.id, owner: claim.owner });
      }
      throw e;
    }
  }

  /** The Remediation event of a decided outcome, and a critical alert per integrity failure. */
  private events(outcome: ExecutionOutcome, announce: Parameters<typeof decidedRemediationEvent>[1]): WardenEvent[] {
    return [decidedRemediationEvent(outcome, announce), ...(outcome.integrityFailures ?? []).map((failure) => integrityAlertEvent(failure, outcome))];
  }

  /**
   * Null when the decided plan may run; else the outcome that says why not. In order: the record's
   * integrity tag, its plan's target (and a Restore's plan recomputed from the finding), the
   * freshness of the decision, self-protection and exemptions, and the finding judged again on the
   * resource's current state (same finding id, same change).
   */
  private async judge(record: ApprovalRecord, decision: Runnable, plan: RemediationPlan, failures: IntegrityFailure[]): Promise<ExecutionOutcome | null> {
    const { executor } = this.options;
    const { finding } = record;
    const refuse = (name: string, text: string, failure?: IntegrityFailure): ExecutionOutcome => {
      if (failure !== undefined) {
        failures.push(failure);
        this.telemetry.error('decided record failed its integrity check: nothing run', { recordId: record.id, family: failure.family, check: failure.check });
      }
      return executor.notRun(finding, record.eventId, plan, { name, detail: text, status: 'refused' });
    };
    const verdict = await this.integrity.verify('record', recordFields(record), record.tag);
    if (!verdict.ok) {
      return refuse('IntegrityFailure', `not run: the stored record ${record.id} failed its integrity check (${verdict.check}); nothing was changed`, { family: 'record', itemId: record.id, check: verdict.check });
    }
    if (!targetsFindingResource(plan, finding)) {
      return refuse('IntegrityFailure', `not run: the plan of ${record.id} does not target the finding's resource ${finding.resource}; nothing was changed`, { family: 'record', itemId: record.id, check: 'plan-target' });
    }
    if (decision === 'restored') {
      const inverse = finding.remediation === null ? null : inversePlan(finding.remediation, finding).plan;
      if (inverse === null || canonicalJson(inverse) !== canonicalJson(plan)) {
        return refuse('IntegrityFailure', `not run: the plan of ${record.id} is not the inverse of the revert it would undo; nothing was changed`, { family: 'record', itemId: record.id, check: 'restore-plan' });
      }
    }

    const decidedAt = record.decidedAt === undefined ? Number.NaN : Date.parse(record.decidedAt);
    const age = this.now().getTime() - decidedAt;
    if (Number.isNaN(age) || age > DECISION_FRESHNESS_MINUTES * 60_000) {
      return executor.notRun(finding, record.eventId, plan, {
        name: 'DecisionTooOld',
        detail: `not run: decided at ${record.decidedAt ?? '(unknown)'}, more than ${String(DECISION_FRESHNESS_MINUTES)} minutes ago, and the account may have changed since; nothing was changed, decide again on a new finding or make the change by hand`,
      });
    }

    const exemption = await this.exemption(record, decision, failures);
    if (exemption !== null) return executor.notRun(finding, record.eventId, plan, { name: 'Exempt', detail: `not run: ${exemption.reason}`, status: 'exempt', exemption });
    if (decision !== 'restored') {
      const again = await this.rejudge(finding);
      if (again === null) {
        const detail = `not run: ${finding.ruleId} no longer finds ${finding.id} on ${finding.resource} (it was fixed or changed since); nothing was changed`;
        return executor.notRun(finding, record.eventId, plan, { name: 'FindingGone', detail, status: 'already-compliant' });
      }
      if (decision === 'approved' && (again.remediation === null || canonicalJson(planChange(again.remediation)) !== canonicalJson(planChange(plan)))) {
        const detail = `not run: ${finding.resource} changed since the approval was asked, and ${finding.ruleId} now plans a different change; nothing was changed, decide on the new finding`;
        return executor.notRun(finding, record.eventId, plan, { name: 'PlanChanged', detail, status: 'refused' });
      }
    }
    return null;
  }

  /** Self-protection (always); for an approval or a quarantine also the allow-list, `warden:exempt` and a decided exemption. */
  private async exemption(record: ApprovalRecord, decision: Runnable, failures: IntegrityFailure[]): Promise<{ kind: string; reason: string } | null> {
    const { finding } = record;
    const now = this.now();
    const tags = decision === 'restored' ? null : await this.options.tagsOf?.(finding);
    const configured = exemptionFor(this.options.config, { ruleId: finding.ruleId, resource: finding.resource, tags }, now);
    if (configured !== null && (decision !== 'restored' || configured.kind === 'self-protection')) return { kind: configured.kind, reason: configured.reason };
    if (decision === 'restored') return null;
    const decided = await decidedExemption(this.options.store, finding, now, { verifier: this.integrity, onIntegrityFailure: (f) => failures.push(f) });
    return decided === null ? null : { kind: decided.kind, reason: decided.reason };
  }

  /** The finding as its rule judges the resource now (same id), or null when it is no longer there. */
  private async rejudge(finding: Finding): Promise<Finding | null> {
    const rule = this.options.rules.find((r) => r.id === finding.ruleId);
    if (rule === undefined) return null;
    const ref = findingRef(rule.resourceType, finding);
    if (ref === null) return null;
    let engine = this.engines.get(rule.id);
    if (engine === undefined) {
      engine = new Engine({
        rules: [rule],
        config: this.options.config,
        reader: this.options.reader,
        now: this.now,
        ...(this.options.baselines === undefined ? {} : { baselines: this.options.baselines }),
      });
      this.engines.set(rule.id, engine);
    }
    // A detector finding is judged again with the facts it named (kept in the signed record's finding).
    const threat = RuntimeThreatSchema.safeParse(finding.details.threat);
    const found = await engine.evaluateResource(ref, threat.success ? threat.data : undefined);
    return found.find((f) => f.id === finding.id) ?? null;
  }

  /** Writes the exemption of a Restore decision: the decider, until 30 days after the click, with its integrity tag. */
  private async exemptRestored(record: ApprovalRecord, decidedAt: number): Promise<void> {
    const { resource, ruleId } = record.finding;
    const until = new Date(decidedAt + DECISION_EXEMPTION_DAYS * 86_400_000).toISOString();
    const exemption = { resource, ruleId, until, by: record.decidedBy ?? '', recordId: record.id, decision: 'restored' as const, createdAt: this.now().toISOString() };
    await this.options.store.putExemption({ ...exemption, tag: await this.integrity.sign('exemption', exemptionFields(exemption)) });
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
