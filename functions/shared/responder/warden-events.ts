/**
 * The Warden event bus contract: every finding ("Warden Finding") and every attempted remediation
 * ("Warden Remediation") is put on the bus with PutEvents, plus critical "Warden Alert"s (circuit
 * breaker). Details are findings and outcomes, which carry no secret value by construction.
 */
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { DecisionDetail } from '../approval/decision';
import type { Finding } from '../engine/engine';
import { WardenError } from '../errors';
import { breakerScopeText, type ExecutionOutcome } from '../executor/outcome';

export const EVENT_SOURCE = 'lambda-warden';
export const DETAIL_TYPES = { finding: 'Warden Finding', remediation: 'Warden Remediation', alert: 'Warden Alert', decision: 'Warden Decision' } as const;
export type DetailType = (typeof DETAIL_TYPES)[keyof typeof DETAIL_TYPES];

export interface WardenEvent {
  readonly detailType: DetailType;
  readonly detail: Readonly<Record<string, unknown>>;
  /** ARNs of the resources concerned. */
  readonly resources: readonly string[];
}

/** PutEvents accepted the call but rejected entries (or failed): the caller must not lose them. */
export class EventPublishError extends WardenError {}

export interface EventSink {
  publish(events: readonly WardenEvent[]): Promise<void>;
}

/** "Warden Finding": the finding and what the bot did or proposes. */
export function findingEvent(finding: Finding, outcome: ExecutionOutcome): WardenEvent {
  return { detailType: DETAIL_TYPES.finding, detail: { finding, outcome }, resources: [finding.resource] };
}

/** "Warden Remediation": the outcome of an API call attempted on a resource. */
export function remediationEvent(outcome: ExecutionOutcome): WardenEvent {
  return { detailType: DETAIL_TYPES.remediation, detail: { ...outcome }, resources: [outcome.resource] };
}

/** "Warden Decision": an approver's choice from Slack (or an expiry); approved plans are run by the responder. */
export function decisionEvent(detail: DecisionDetail): WardenEvent {
  return { detailType: DETAIL_TYPES.decision, detail: { ...detail }, resources: [detail.resource] };
}

/**
 * "Warden Remediation" for a plan run on a decision from Slack: the outcome plus the record the
 * decision was taken on (so the notifier finds the message) and who decided what.
 */
export function decidedRemediationEvent(outcome: ExecutionOutcome, decision: Pick<DecisionDetail, 'recordId' | 'decision' | 'by' | 'message'>): WardenEvent {
  return { detailType: DETAIL_TYPES.remediation, detail: { ...outcome, ...decision }, resources: [outcome.resource] };
}

/** "Warden Alert": the circuit breaker opened (severity critical). */
export function circuitBreakerEvent(outcome: ExecutionOutcome): WardenEvent {
  const breaker = outcome.circuitBreaker;
  return {
    detailType: DETAIL_TYPES.alert,
    detail: {
      kind: 'circuit-breaker-open',
      severity: 'critical',
      summary:
        breaker === undefined
          ? 'Circuit breaker open: auto is switched to approve until the window ends.'
          : `More than ${String(breaker.limit)} automatic remediations ${breakerScopeText(breaker)} within ${String(breaker.windowMinutes)} minutes: auto is switched to approve there until the window ends.`,
      scope: breaker?.scope,
      key: breaker?.key,
      windowStart: breaker?.windowStart,
      triggeredBy: { findingId: outcome.findingId, ruleId: outcome.ruleId, resource: outcome.resource },
    },
    resources: [outcome.resource],
  };
}

/**
 * @example
 * const sink = new EventBridgeSink(new EventBridgeClient({ region }), env.eventBusName);
 * await sink.publish([findingEvent(finding, outcome)]);
 */
export class EventBridgeSink implements EventSink {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(events: readonly WardenEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += 10) {
      const batch = events.slice(i, i + 10);
      const out = await this.client.send(
        new PutEventsCommand({
          Entries: batch.map((e) => ({ EventBusName: this.busName, Source: EVENT_SOURCE, DetailType: e.detailType, Detail: JSON.stringify(e.detail), Resources: [...e.resources] })),
        }),
      );
      if ((out.FailedEntryCount ?? 0) > 0) {
        const codes = (out.Entries ?? []).flatMap((entry) => (entry.ErrorCode === undefined ? [] : [entry.ErrorCode]));
        throw new EventPublishError(`PutEvents rejected ${String(out.FailedEntryCount)} of ${String(batch.length)} events (${[...new Set(codes)].join(', ')})`);
      }
    }
  }
}

/** Keeps the events in memory (tests and `warden simulate`). */
export class RecordingSink implements EventSink {
  readonly events: WardenEvent[] = [];

  publish(events: readonly WardenEvent[]): Promise<void> {
    this.events.push(...events);
    return Promise.resolve();
  }
}
