/**
 * The responder's core, shared by the Lambda handler and `warden simulate`: parse → engine →
 * executor (once per event and finding) → events on the bus, reporting through `Telemetry`.
 */
import type { AnyRule } from '../../../rules/rule';
import type { WardenConfig } from '../config/config';
import { AccountNotInOrganizationError } from '../aws/credentials';
import { Engine, type Finding } from '../engine/engine';
import { InvalidEventError } from '../errors';
import { parseCloudTrailEvent, type CloudTrailEvent } from '../event/cloudtrail-event';
import type { Executor } from '../executor/executor';
import { actionAttempted, type ExecutionOutcome } from '../executor/outcome';
import { silentTelemetry, type Telemetry } from '../observability';
import type { StateReader } from '../state/state-reader';
import type { BaselineKeeper } from '../baseline/baseline-keeper';
import { baselineIntegrityEvent, circuitBreakerEvent, findingEvent, integrityAlertEvent, remediationEvent, type EventSink, type WardenEvent } from './warden-events';

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
}

/** What the responder did with one event. */
export interface ResponseRecord {
  readonly eventId: string;
  readonly eventName: string;
  readonly ignored: string | null;
  readonly findings: readonly Finding[];
  /** One per finding, in the same order (`duplicate` when another delivery handled it). */
  readonly outcomes: readonly ExecutionOutcome[];
}

/** A low-cardinality metric dimension for why an event was ignored. */
export function ignoredReasonCode(reason: string): string {
  if (reason.startsWith('failed call')) return 'failed-call';
  if (reason.startsWith("the bot's own")) return 'own-action';
  if (reason.startsWith('no rule')) return 'no-rule';
  if (reason.startsWith('the event names no resource')) return 'no-resource';
  if (reason.startsWith('account ')) return 'outside-organization';
  return 'other';
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

  constructor(private readonly options: ResponderOptions) {
    this.telemetry = options.telemetry ?? silentTelemetry;
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
   * Handles one EventBridge delivery.
   * @throws InvalidEventError for input that is not a CloudTrail event; any unexpected error (state
   * unreadable, store or bus unavailable) is rethrown so the invocation is retried, then dead-lettered.
   */
  async handle(input: unknown): Promise<ResponseRecord> {
    let event: CloudTrailEvent;
    try {
      event = parseCloudTrailEvent(input);
    } catch (e: unknown) {
      if (e instanceof InvalidEventError) {
        this.telemetry.count('IgnoredEvents', { name: 'Reason', value: 'invalid-event' });
        this.telemetry.warn('invalid event', { fields: e.fields });
      }
      throw e;
    }
    return this.handleParsed(event);
  }

  /** As {@link handle}, for an event already validated. */
  async handleParsed(event: CloudTrailEvent): Promise<ResponseRecord> {
    const { detail } = event;
    let result;
    try {
      result = await this.engine.evaluateParsed(event);
    } catch (e: unknown) {
      if (!(e instanceof AccountNotInOrganizationError)) throw e;
      const ignored = `account ${e.account} is not in the organization: refused`;
      this.telemetry.count('IgnoredEvents', { name: 'Reason', value: 'outside-organization' });
      this.telemetry.warn('event from an account outside the organization', { eventId: detail.eventID, eventName: detail.eventName, account: e.account });
      return { eventId: detail.eventID, eventName: detail.eventName, ignored, findings: [], outcomes: [] };
    }
    if (result.ignored !== null) {
      this.telemetry.count('IgnoredEvents', { name: 'Reason', value: ignoredReasonCode(result.ignored) });
      this.telemetry.info('event ignored', { eventId: result.eventId, eventName: result.eventName, reason: result.ignored });
      return { eventId: result.eventId, eventName: result.eventName, ignored: result.ignored, findings: [], outcomes: [] };
    }
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
      const outcome = await this.options.executor.handle(finding, context, (o) => this.options.sink.publish(eventsFor(finding, o)));
      this.report(finding, outcome);
      outcomes.push(outcome);
    }
    if (result.findings.length === 0) this.telemetry.info('no finding', { eventId: result.eventId, eventName: result.eventName, resources: result.resources });
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
