/**
 * The responder's core, shared by the Lambda handler and `warden simulate`: parse → engine →
 * executor (once per event and finding) → events on the bus, reporting through `Telemetry`.
 */
import type { AnyRule } from '../../../rules/rule';
import type { WardenConfig } from '../config/config';
import { AccountNotInOrganizationError } from '../aws/credentials';
import { Engine, type EvaluationResult } from '../engine/engine';
import type { Finding } from '../contract/finding';
import { InvalidEventError } from '../errors';
import { parseCloudTrailEvent, type CloudTrailEvent } from '../event/cloudtrail-event';
import { boundEvent } from '../event/event-size';
import { isGuardDutyFindingEvent, parseGuardDutyFindingEvent, type GuardDutyFindingEvent } from '../event/guardduty-finding';
import { isInspectorFindingEvent, parseInspectorFindingEvent } from '../event/inspector-finding';
import { isAccessAnalyzerFindingEvent, parseAccessAnalyzerFindingEvent } from '../event/access-analyzer-finding';
import type { Ignored } from '../event/intake';
import type { Executor } from '../executor/executor';
import { actionAttempted, type ExecutionOutcome } from '../contract/outcome';
import { silentTelemetry, type Telemetry } from '../observability';
import type { StateReader } from '../state/state-reader';
import type { BaselineKeeper } from '../baseline/baseline-keeper';
import { DETECTOR_NAMES } from '../contract/detector-finding';
import { DetectorLifecycle, type DetectorLifecycleStore } from './detector-lifecycle';
import { baselineIntegrityEvent, circuitBreakerEvent, findingEvent, integrityAlertEvent, remediationEvent, type EventSink } from '../bus/warden-events';
import { type WardenEvent } from '../contract/warden-events';

export interface ResponderOptions {
  readonly rules: readonly AnyRule[];
  readonly config: WardenConfig;
  readonly reader: StateReader;
  readonly executor: Executor;
  readonly sink: EventSink;
  readonly telemetry?: Telemetry;
  readonly now?: () => Date;
  /** Last-known-good baselines, handed to the engine (see `EngineOptions.baselines`). */
  readonly baselines?: BaselineKeeper;
  /**
   * Where detector findings are linked to what they raised (issue #18): with it, an archived or resolved
   * GuardDuty or Access Analyzer finding closes the approvals it opened, an Inspector finding closed or
   * suppressed leaves its function's digest, and a finding reopened after a closing is judged again;
   * without it, nothing is closed.
   */
  readonly lifecycle?: DetectorLifecycleStore;
}

/** What the responder did with one event. */
export interface ResponseRecord {
  readonly eventId: string;
  readonly eventName: string;
  /** Why the event was not judged (code and sentence), or null. */
  readonly ignored: Ignored | null;
  readonly findings: readonly Finding[];
  /** One per finding, in the same order (`duplicate` when another delivery handled it). */
  readonly outcomes: readonly ExecutionOutcome[];
  /** A detector finding its service closed: the approval records closed now. */
  readonly closed?: readonly string[];
  /** Outcomes an earlier delivery of this event stored but could not publish, published now (nothing was run). */
  readonly republished?: readonly ExecutionOutcome[];
}

/** The events one handled finding puts on the bus. */
export function eventsFor(finding: Finding, outcome: ExecutionOutcome): WardenEvent[] {
  const events = [findingEvent(finding, outcome)];
  if (actionAttempted(outcome)) events.push(remediationEvent(outcome));
  if (outcome.circuitBreaker?.justTripped === true) events.push(circuitBreakerEvent(outcome));
  for (const failure of outcome.integrityFailures ?? []) events.push(integrityAlertEvent(failure, outcome));
  return events;
}

/**
 * @example
 * const responder = new Responder({ rules: RULES, config, reader, executor, sink });
 * const record = await responder.handle(eventBridgeEvent);
 * for (const outcome of record.outcomes) console.log(outcome.status, outcome.detail);
 */
export class Responder {
  private readonly engine: Engine;
  private readonly telemetry: Telemetry;
  private readonly lifecycle: DetectorLifecycle | null;

  constructor(private readonly options: ResponderOptions) {
    this.telemetry = options.telemetry ?? silentTelemetry;
    this.lifecycle =
      options.lifecycle === undefined
        ? null
        : new DetectorLifecycle({ store: options.lifecycle, integrity: options.executor.integrity, telemetry: this.telemetry, now: options.now ?? (() => new Date()), dryRun: options.config.dryRun });
    // Tags are read by the executor only for findings that plan a change (see `ExecutorOptions.tagsOf`).
    this.engine = new Engine({
      rules: options.rules,
      config: options.config,
      reader: options.reader,
      ...(options.now ? { now: options.now } : {}),
      ...(options.baselines ? { baselines: options.baselines } : {}),
    });
  }

  /**
   * Handles one EventBridge delivery. An event too large to have come from EventBridge is refused (a
   * reported, typed refusal, nothing stored); an over-long string field is truncated first.
   * @throws InvalidEventError for input that is not a CloudTrail event; any unexpected error (state
   * unreadable, store or bus unavailable) is rethrown so the invocation is retried, then dead-lettered.
   */
  async handle(input: unknown): Promise<ResponseRecord> {
    const bounded = boundEvent(input);
    if (!bounded.ok) return this.refuse({ eventId: textField(input, 'eventID'), eventName: textField(input, 'eventName') }, bounded.refusal);
    if (bounded.truncated.length > 0) {
      this.telemetry.count('TruncatedFields');
      this.telemetry.warn('over-long fields truncated', { eventId: textField(input, 'eventID'), fields: bounded.truncated });
    }
    if (isGuardDutyFindingEvent(bounded.event)) return this.handleGuardDutyFinding(bounded.event);
    if (isInspectorFindingEvent(bounded.event)) return this.handleDetectorFinding(bounded.event, parseInspectorFindingEvent, (e) => this.engine.evaluateInspectorFinding(e));
    if (isAccessAnalyzerFindingEvent(bounded.event)) return this.handleDetectorFinding(bounded.event, parseAccessAnalyzerFindingEvent, (e) => this.engine.evaluateAccessAnalyzerFinding(e));
    let event: CloudTrailEvent;
    try {
      event = parseCloudTrailEvent(bounded.event);
    } catch (e: unknown) {
      if (e instanceof InvalidEventError) {
        this.telemetry.count('IgnoredEvents', { name: 'Reason', value: 'invalid-event' });
        this.telemetry.warn('invalid event', { fields: e.fields });
      }
      throw e;
    }
    return this.handleParsed(event);
  }

  /**
   * A GuardDuty finding (`source: aws.guardduty`, `detail-type: GuardDuty Finding`): judged on the
   * current state of the function it names, then handled like any finding.
   * @throws InvalidEventError for a malformed one.
   */
  private async handleGuardDutyFinding(input: unknown): Promise<ResponseRecord> {
    let event: GuardDutyFindingEvent;
    try {
      event = parseGuardDutyFindingEvent(input);
    } catch (e: unknown) {
      if (e instanceof InvalidEventError) {
        this.telemetry.count('IgnoredEvents', { name: 'Reason', value: 'invalid-event' });
        this.telemetry.warn('invalid event', { fields: e.fields });
      }
      throw e;
    }
    return this.handleResult(await this.engine.evaluateGuardDutyFinding(event));
  }

  /**
   * A detector finding other than GuardDuty's (Amazon Inspector, IAM Access Analyzer): validated, judged on the current
   * state of the resource it names, then handled like any finding.
   * @throws InvalidEventError for a malformed one.
   */
  private async handleDetectorFinding<E>(input: unknown, parse: (input: unknown) => E, evaluate: (event: E) => Promise<EvaluationResult>): Promise<ResponseRecord> {
    let event: E;
    try {
      event = parse(input);
    } catch (e: unknown) {
      if (e instanceof InvalidEventError) {
        this.telemetry.count('IgnoredEvents', { name: 'Reason', value: 'invalid-event' });
        this.telemetry.warn('invalid event', { fields: e.fields });
      }
      throw e;
    }
    return this.handleResult(await evaluate(event));
  }

  /** Reports an event that is not judged, and the record saying why. */
  private refuse(base: { readonly eventId: string; readonly eventName: string }, why: Ignored): ResponseRecord {
    this.telemetry.count('IgnoredEvents', { name: 'Reason', value: why.kind });
    const attributes = { ...base, code: why.kind, reason: why.text };
    // Routine skips are information; a refusal (outside the organization, bogus region, oversized) is a warning.
    if (why.kind === 'own-action' || why.kind === 'failed-call' || why.kind === 'no-rule' || why.kind === 'no-resource' || why.kind === 'finding-closed') this.telemetry.info('event ignored', attributes);
    else this.telemetry.warn('event refused', attributes);
    return { ...base, ignored: why, findings: [], outcomes: [] };
  }

  /** As {@link handle}, for an event already validated. */
  async handleParsed(event: CloudTrailEvent): Promise<ResponseRecord> {
    const { detail } = event;
    const base = { eventId: detail.eventID, eventName: detail.eventName };
    let result;
    try {
      result = await this.engine.evaluateParsed(event);
    } catch (e: unknown) {
      if (!(e instanceof AccountNotInOrganizationError)) throw e;
      return this.refuse(base, { kind: 'outside-organization', text: `account ${e.account} is not in the organization: refused` });
    }
    return this.handleResult(result);
  }

  /** Findings of an evaluation → the executor, once each; refusals reported. */
  private async handleResult(result: EvaluationResult): Promise<ResponseRecord> {
    const base = { eventId: result.eventId, eventName: result.eventName };
    if (result.ignored?.kind === 'finding-closed' && result.detector !== undefined && this.lifecycle !== null) {
      const closing = await this.lifecycle.close(result.detector);
      await this.options.sink.publish(closing.events);
      return { ...this.refuse(base, result.ignored), closed: closing.closed };
    }
    if (result.ignored !== null) return this.refuse(base, result.ignored);
    const judged = await this.afterClosing(result);
    if ('kind' in judged) return this.refuse(base, judged);
    return this.handleFindings(judged);
  }

  /**
   * An active detector finding its service had closed before (issue #18): a version after the closing
   * (`afterClosing`: later `updatedAt`, or a higher GuardDuty `service.count`) is judged again under its
   * own claim id — never taken for a duplicate of the version judged before the closing, even with the
   * same `updatedAt` — and says it was reopened; a version from before the closing is stale and not judged.
   */
  private async afterClosing(result: EvaluationResult): Promise<EvaluationResult | Ignored> {
    const detector = result.detector;
    if (detector?.state !== 'active' || this.lifecycle === null) return result;
    const reopening = await this.lifecycle.reopening(detector);
    if (reopening === null) return result;
    const { closing } = reopening;
    if (reopening.verdict === 'stale') {
      const seen = (count: number | undefined): string => (count === undefined ? '' : `, seen ${String(count)} times`);
      return {
        kind: 'finding-closed',
        text: `${DETECTOR_NAMES[detector.service]} marked finding ${detector.findingId} ${closing.state} (updated ${closing.updatedAt}${seen(closing.count)}); this delivery is of a version before that (updated ${detector.updatedAt}${seen(detector.count)}): superseded, nothing is judged`,
      };
    }
    const eventId = `${result.eventId}#reopened@${closing.updatedAt}`;
    const reopened = { ...detector, reopenedAfter: closing.updatedAt };
    return { ...result, eventId, detector: reopened, findings: result.findings.map((f) => ({ ...f, eventId, detector: reopened })) };
  }

  /** The findings of an evaluation that goes on → the executor, once each. */
  private async handleFindings(result: EvaluationResult): Promise<ResponseRecord> {
    const refusals = result.baselineRefusals ?? [];
    if (refusals.length > 0) {
      // Read in memory from the items the evaluation read anyway; the alert names resource and check only.
      for (const refusal of refusals) this.telemetry.error('baseline integrity check failed', { eventId: result.eventId, resource: refusal.resource, check: refusal.check });
      await this.options.sink.publish(refusals.map(baselineIntegrityEvent));
    }
    const outcomes: ExecutionOutcome[] = [];
    for (const finding of result.findings) {
      const tags = result.resourceTags?.[finding.resource];
      const baselineTags = result.baselineExemptionTags?.[finding.resource];
      const context = { eventId: result.eventId, ...(tags === undefined ? {} : { tags }), ...(baselineTags === undefined ? {} : { baselineExemptionTags: baselineTags }) };
      const outcome = await this.options.executor.handle(finding, context, async (o, kind) => {
        // A verification follow-up (issue #16) is one "Warden Remediation": the finding's own events went out already.
        if (kind === 'follow-up') return this.options.sink.publish([remediationEvent(o)]);
        await this.lifecycle?.link(finding, o);
        await this.options.sink.publish(eventsFor(finding, o));
      });
      this.report(finding, outcome);
      outcomes.push(outcome);
    }
    if (result.findings.length === 0) {
      this.telemetry.info('no finding', { eventId: result.eventId, eventName: result.eventName, resources: result.resources });
      // A retried delivery of an event whose revert worked finds nothing to revert: the outcome it stored is published now (#16).
      const republished = await this.options.executor.republishEvent(result.eventId, async (finding, o) => {
        await this.lifecycle?.link(finding, o);
        await this.options.sink.publish(eventsFor(finding, o));
      });
      if (republished.length > 0) {
        this.telemetry.info('stored outcomes published', { eventId: result.eventId, findings: republished.map((o) => o.findingId) });
        return { eventId: result.eventId, eventName: result.eventName, ignored: null, findings: [], outcomes: [], republished };
      }
    }
    return { eventId: result.eventId, eventName: result.eventName, ignored: null, findings: result.findings, outcomes };
  }

  private report(finding: Finding, outcome: ExecutionOutcome): void {
    const attributes = {
      eventId: outcome.eventId,
      findingId: finding.id,
      ruleId: finding.ruleId,
      severity: finding.severity,
      resource: finding.resource,
      mode: outcome.mode,
      effectiveMode: outcome.effectiveMode,
      status: outcome.status,
      plan: outcome.plan?.call,
      detail: outcome.detail,
    };
    if (outcome.status === 'duplicate') {
      this.telemetry.count('DuplicateDeliveries');
      this.telemetry.info('duplicate delivery', attributes);
      return;
    }
    this.telemetry.count('Findings');
    if (outcome.status === 'remediated') this.telemetry.count('Remediations');
    if (outcome.status === 'pending-approval') this.telemetry.count('PendingApprovals');
    if (outcome.circuitBreaker?.justTripped === true) this.telemetry.count('CircuitBreakerOpen');
    if (outcome.status === 'failed' || outcome.status === 'refused') {
      this.telemetry.count('RemediationFailures');
      this.telemetry.error('remediation failed', { ...attributes, error: outcome.error });
    } else {
      this.telemetry.info('finding handled', attributes);
    }
  }
}

/** A short string field of the event's detail (for reports about an event that is not parsed), or `(unknown)`. */
function textField(input: unknown, name: 'eventID' | 'eventName'): string {
  const detail = typeof input === 'object' && input !== null ? (input as { detail?: unknown }).detail : undefined;
  const value = typeof detail === 'object' && detail !== null ? (detail as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' && value.length <= 128 ? value : '(unknown)';
}
