/**
 * Replays EventBridge rule events (`events.amazonaws.com`) into the in-memory rules, with the
 * request parameters CloudTrail logs: `name` (PutRule, DisableRule, EnableRule, DeleteRule) or `rule`
 * (PutTargets, RemoveTargets), `eventBusName` (a name or ARN), `state`, `eventPattern`,
 * `scheduleExpression`, `targets` (`[{ id, arn, roleArn }]`), `ids`.
 */
import { EventBridgeServiceException } from '@aws-sdk/client-eventbridge';
import type { CloudTrailEvent } from '../functions/shared/event/cloudtrail-event';
import { parseEventRuleName, type EventRuleRef, type ResourceRef } from '../functions/shared/state/resources';
import type { InMemoryEvents, StoredEventTarget } from './in-memory-events';
import type { ApplyOutcome } from './lambda-cloudtrail';

export const EVENTS_SOURCE = 'events.amazonaws.com';

type Params = Readonly<Record<string, unknown>> | null | undefined;

function str(params: Params, name: string): string | undefined {
  const value = params?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

const done = (eventName: string, detail: string): ApplyOutcome => ({ applied: true, eventName, detail });
const skipped = (eventName: string, detail: string): ApplyOutcome => ({ applied: false, eventName, detail });

/** The rule an event names, in the event's account and region unless an ARN says otherwise. */
function ruleOf(event: CloudTrailEvent): EventRuleRef | null {
  const request = event.detail.requestParameters;
  const named = str(request, 'name') ?? str(request, 'rule');
  if (named === undefined) return null;
  return parseEventRuleName(named, str(request, 'eventBusName') ?? 'default', event.detail.recipientAccountId ?? event.account, event.detail.awsRegion);
}

function targetsParam(params: Params): StoredEventTarget[] | undefined {
  const value = params?.targets;
  if (!Array.isArray(value)) return undefined;
  const targets: StoredEventTarget[] = [];
  for (const entry of value as unknown[]) {
    if (typeof entry !== 'object' || entry === null) return undefined;
    const record = entry as Record<string, unknown>;
    const id = record.id ?? record.Id;
    const arn = record.arn ?? record.Arn;
    const roleArn = record.roleArn ?? record.RoleArn;
    if (typeof id !== 'string' || typeof arn !== 'string') return undefined;
    targets.push({ id, arn, ...(typeof roleArn === 'string' ? { roleArn } : {}) });
  }
  return targets;
}

function idsParam(params: Params): string[] | undefined {
  const value = params?.ids;
  return Array.isArray(value) && value.every((v): v is string => typeof v === 'string') ? value : undefined;
}

/** Events that change an existing rule (created first, enabled, when unknown; `RemoveTargets` with the targets it removes). */
const RULE_EVENTS: ReadonlySet<string> = new Set(['DisableRule', 'EnableRule', 'DeleteRule', 'PutTargets', 'RemoveTargets']);

/** Creates the rule an EventBridge event changes when the account does not hold it. Returns what it created. */
export function ensureEventsResources(events: InMemoryEvents, event: CloudTrailEvent): ResourceRef[] {
  const { detail } = event;
  if (detail.eventSource !== EVENTS_SOURCE || (detail.errorCode !== undefined && detail.errorCode !== '') || !RULE_EVENTS.has(detail.eventName)) return [];
  const ref = ruleOf(event);
  if (ref === null || events.hasRule(ref)) return [];
  events.putRule(ref, { state: 'ENABLED' });
  if (detail.eventName === 'RemoveTargets') events.putTargets(ref, (idsParam(detail.requestParameters) ?? []).map((id) => ({ id, arn: 'arn:aws:events:unknown' })));
  return [ref];
}

/** Applies one EventBridge rule event; failed calls, unknown events and unknown rules change nothing. */
export function applyEventsEvent(events: InMemoryEvents, event: CloudTrailEvent): ApplyOutcome {
  const { detail } = event;
  const name = detail.eventName;
  if (detail.eventSource !== EVENTS_SOURCE) return skipped(name, `not an EventBridge event (${detail.eventSource})`);
  if (detail.errorCode !== undefined && detail.errorCode !== '') return skipped(name, `failed call (${detail.errorCode}): nothing changed`);
  const ref = ruleOf(event);
  if (ref === null) return skipped(name, 'no rule named in requestParameters');
  const request = detail.requestParameters;
  try {
    switch (name) {
      case 'PutRule': {
        const eventPattern = str(request, 'eventPattern');
        const scheduleExpression = str(request, 'scheduleExpression');
        const rule = events.putRule(ref, { ...(str(request, 'state') === undefined ? {} : { state: str(request, 'state') }), ...(eventPattern === undefined ? {} : { eventPattern }), ...(scheduleExpression === undefined ? {} : { scheduleExpression }) });
        return done(name, `put rule ${ref.ruleName} (${rule.state})`);
      }
      case 'DisableRule':
        events.setState(ref, 'DISABLED');
        return done(name, `disabled rule ${ref.ruleName}`);
      case 'EnableRule':
        events.setState(ref, 'ENABLED');
        return done(name, `enabled rule ${ref.ruleName}`);
      case 'DeleteRule':
        events.deleteRule(ref);
        return done(name, `deleted rule ${ref.ruleName}`);
      case 'PutTargets': {
        const targets = targetsParam(request);
        if (targets === undefined) return skipped(name, 'targets missing from requestParameters');
        events.putTargets(ref, targets);
        return done(name, `put targets ${targets.map((t) => t.id).join(', ')} on ${ref.ruleName}`);
      }
      case 'RemoveTargets': {
        const ids = idsParam(request);
        if (ids === undefined) return skipped(name, 'ids missing from requestParameters');
        events.removeTargets(ref, ids);
        return done(name, `removed targets ${ids.join(', ')} from ${ref.ruleName}`);
      }
      default:
        return skipped(name, 'not a change the simulator models');
    }
  } catch (e: unknown) {
    if (e instanceof EventBridgeServiceException) return skipped(name, `${e.name}: ${e.message}`);
    throw e;
  }
}
