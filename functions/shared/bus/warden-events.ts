/**
 * Puts Warden events on the bus: every finding ("Warden Finding") and every attempted remediation
 * ("Warden Remediation") with PutEvents, plus decisions and critical "Warden Alert"s (circuit breaker,
 * integrity). The events' shapes are the bus contract (`contract/warden-events.ts`).
 */
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { DecisionDetail } from '../contract/decision';
import type { BaselineRefusal } from '../state/baselines';
import type { Finding } from '../contract/finding';
import { WardenError } from '../errors';
import { breakerScopeText, type ExecutionOutcome } from '../contract/outcome';
import type { IntegrityFailure } from '../contract/integrity-failure';
import { DETAIL_TYPES, EVENT_SOURCE, type WardenEvent } from '../contract/warden-events';


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
  return { detailType: DETAIL_TYPES.remediation, detail: outcome, resources: [outcome.resource] };
}

/** "Warden Decision": an approver's choice from Slack (or an expiry); approved plans are run by the responder. */
export function decisionEvent(detail: DecisionDetail): WardenEvent {
  return { detailType: DETAIL_TYPES.decision, detail, resources: [detail.resource] };
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

const INTEGRITY_ITEMS: Readonly<Record<IntegrityFailure['family'], string>> = { record: 'decision record', exemption: 'decided exemption' };
const INTEGRITY_CHECKS: Readonly<Record<IntegrityFailure['check'], string>> = {
  'tag-missing': 'it carries no integrity tag',
  'tag-mismatch': 'its integrity tag does not match its content (it was rewritten outside Lambda Warden)',
  'plan-target': "its plan does not target its finding's resource",
  'restore-plan': 'its plan is not the inverse of the revert it would undo',
  malformed: 'it does not have the shape Lambda Warden writes (it was written outside Lambda Warden, or damaged)',
};

/**
 * "Warden Alert" (critical): a stored item that can cause a change failed its integrity check, so
 * nothing was run on it. Names the item and the check, never a key or a tag.
 */
export function integrityAlertEvent(failure: IntegrityFailure, context: { readonly findingId: string; readonly ruleId: string; readonly resource: string }): WardenEvent {
  const what = INTEGRITY_ITEMS[failure.family];
  return {
    detailType: DETAIL_TYPES.alert,
    detail: {
      kind: 'integrity-failure',
      severity: 'critical',
      summary: `The stored ${what} ${failure.itemId} failed its integrity check: ${INTEGRITY_CHECKS[failure.check]}. Nothing was run on it; find who wrote to the state table.`,
      item: { family: failure.family, id: failure.itemId, check: failure.check },
      triggeredBy: { findingId: context.findingId, ruleId: context.ruleId, resource: context.resource },
    },
    resources: [context.resource],
  };
}

/**
 * "Warden Alert": a stored last-known-good baseline failed its integrity check (severity critical).
 * Same shape as {@link integrityAlertEvent} (`item.family` 'baseline', `item.id` the resource).
 * Names the resource and the check, never the key or the stored tag.
 */
export function baselineIntegrityEvent(refusal: BaselineRefusal): WardenEvent {
  const check = refusal.check === 'integrity-tag-missing' ? 'it carries no integrity tag' : 'its integrity tag does not match its content';
  return {
    detailType: DETAIL_TYPES.alert,
    detail: {
      kind: 'integrity-failure',
      severity: 'critical',
      summary: `The saved last-known-good baseline of ${refusal.resource} failed its integrity check (${check}): it is not used, so nothing is restored from it. Something other than Lambda Warden may have written to its state table.`,
      item: { family: 'baseline', id: refusal.resource, check: refusal.check },
    },
    resources: [refusal.resource],
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
