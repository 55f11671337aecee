/**
 * The EventBridge patterns of the member accounts' forwarding rules, generated from the rule
 * catalog: adding a rule file is the whole change. IAM's events reach EventBridge in us-east-1 only.
 */
import { CLOUDTRAIL_DETAIL_TYPE } from '../functions/shared/event/cloudtrail-event';
import { eventNameSpellings } from '../functions/shared/event/event-names';
import type { AnyRule } from '../rules/rule';
import { FORWARDING_RULE_PREFIX } from '../functions/shared/self/member-resources';
import { GUARDDUTY_FINDING_DETAIL_TYPE, GUARDDUTY_LAMBDA_RESOURCE_TYPE } from '../functions/shared/event/guardduty-finding';
import { INSPECTOR_FINDING_DETAIL_TYPE, INSPECTOR_LAMBDA_RESOURCE_TYPE } from '../functions/shared/event/inspector-finding';
import { ACCESS_ANALYZER_FINDING_DETAIL_TYPE, ACCESS_ANALYZER_LAMBDA_RESOURCE_TYPES } from '../functions/shared/event/access-analyzer-finding';

/** Global services whose CloudTrail events EventBridge delivers in us-east-1 only. */
export const GLOBAL_EVENT_SOURCES: ReadonlySet<string> = new Set(['iam.amazonaws.com', 'sts.amazonaws.com', 'organizations.amazonaws.com']);

export interface ForwardingPattern {
  readonly source: readonly string[];
  readonly 'detail-type': readonly string[];
  readonly detail: { readonly eventSource: readonly string[]; readonly eventName: readonly string[] };
}

/** `lambda.amazonaws.com` → `aws.lambda`. */
export function eventBridgeSource(eventSource: string): string {
  return `aws.${eventSource.replace(/\.amazonaws\.com$/, '')}`;
}

/** Every (event source → event names, all spellings) of CloudTrail calls the catalog triggers on. */
export function triggerIndex(rules: readonly AnyRule[]): ReadonlyMap<string, readonly string[]> {
  const index = new Map<string, Set<string>>();
  for (const rule of rules) {
    for (const trigger of rule.triggers) {
      if (trigger.detailType !== undefined) continue;
      const names = index.get(trigger.eventSource) ?? new Set<string>();
      for (const name of trigger.eventNames) for (const spelling of eventNameSpellings(trigger.eventSource, name)) names.add(spelling);
      index.set(trigger.eventSource, names);
    }
  }
  return new Map([...index.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([source, names]) => [source, [...names].sort()]));
}

/**
 * One pattern per event source: regional sources for every region, global ones (IAM) only where
 * `global` is true (us-east-1).
 */
export function forwardingPatterns(rules: readonly AnyRule[], options: { readonly global: boolean }): ForwardingPattern[] {
  return [...triggerIndex(rules).entries()]
    .filter(([eventSource]) => GLOBAL_EVENT_SOURCES.has(eventSource) === options.global)
    .map(([eventSource, eventNames]) => ({
      source: [eventBridgeSource(eventSource)],
      'detail-type': [CLOUDTRAIL_DETAIL_TYPE],
      detail: { eventSource: [eventSource], eventName: eventNames },
    }));
}

/**
 * The CloudTrail events of changes to the member template's own rules (the catalog's EventBridge
 * triggers on a rule named `warden-forward-*`, by `name` or by `rule`), or null when the catalog
 * watches no EventBridge call. The heartbeat rule forwards these too, so the forwarding rule of
 * EventBridge events cannot be disabled unseen first: each of the two rules reports the other.
 */
export function forwardingRuleChangesPattern(rules: readonly AnyRule[]): Record<string, unknown> | null {
  const eventSource = 'events.amazonaws.com';
  const eventNames = triggerIndex(rules).get(eventSource);
  if (eventNames === undefined) return null;
  const named = [{ prefix: FORWARDING_RULE_PREFIX }];
  return {
    source: [eventBridgeSource(eventSource)],
    'detail-type': [CLOUDTRAIL_DETAIL_TYPE],
    detail: { eventSource: [eventSource], eventName: eventNames, $or: [{ requestParameters: { name: named } }, { requestParameters: { rule: named } }] },
  };
}

/** A forwarding pattern of detector findings (`GuardDuty Finding`), narrowed to the resources the catalog judges. */
export interface FindingPattern {
  readonly source: readonly string[];
  readonly 'detail-type': readonly string[];
  readonly detail: Readonly<Record<string, unknown>>;
}

/** What a finding's detail must hold to concern a Lambda function, per detail-type. */
const FINDING_RESOURCE_FILTERS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  [GUARDDUTY_FINDING_DETAIL_TYPE]: { resource: { resourceType: [GUARDDUTY_LAMBDA_RESOURCE_TYPE] } },
  // Only in the organization analyzer's account (management or delegated administrator) do these events occur.
  [ACCESS_ANALYZER_FINDING_DETAIL_TYPE]: { resourceType: [...ACCESS_ANALYZER_LAMBDA_RESOURCE_TYPES] },
  [INSPECTOR_FINDING_DETAIL_TYPE]: { resources: { type: [INSPECTOR_LAMBDA_RESOURCE_TYPE] } },
};

/** The detail field naming the account a finding is about, per detail-type (GuardDuty and Access Analyzer `accountId`, Inspector `awsAccountId`). */
export const FINDING_ACCOUNT_FIELDS: Readonly<Record<string, string>> = {
  [GUARDDUTY_FINDING_DETAIL_TYPE]: 'accountId',
  [INSPECTOR_FINDING_DETAIL_TYPE]: 'awsAccountId',
  [ACCESS_ANALYZER_FINDING_DETAIL_TYPE]: 'accountId',
};

/** Every (EventBridge source → detail-types) of detector findings the catalog triggers on (`aws.guardduty` → `GuardDuty Finding`). */
export function findingTriggerIndex(rules: readonly AnyRule[]): ReadonlyMap<string, readonly string[]> {
  const index = new Map<string, Set<string>>();
  for (const rule of rules) {
    for (const trigger of rule.triggers) {
      if (trigger.detailType === undefined) continue;
      const source = eventBridgeSource(trigger.eventSource);
      index.set(source, (index.get(source) ?? new Set<string>()).add(trigger.detailType));
    }
  }
  return new Map([...index.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([source, types]) => [source, [...types].sort()]));
}

/**
 * One pattern per detector source, in every region (GuardDuty is regional): its findings about the
 * resources the catalog judges. Deployed in every account, it also forwards, from the delegated
 * administrator account, the member findings GuardDuty aggregates there (the responder handles the two
 * copies of one finding once).
 */
export function findingPatterns(rules: readonly AnyRule[]): FindingPattern[] {
  return [...findingTriggerIndex(rules).entries()].map(([source, detailTypes]) => {
    const filters = detailTypes.map((type) => FINDING_RESOURCE_FILTERS[type]).filter((f) => f !== undefined);
    return { source: [source], 'detail-type': detailTypes, detail: filters.length === 1 && filters[0] !== undefined ? filters[0] : {} };
  });
}
