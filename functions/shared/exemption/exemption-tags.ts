/**
 * The `warden:exempt` and `warden:exempt-until` tags: which of a resource's tags they are, which a tag
 * event names, and which of them the last-known-good baseline keeps and honours. A tag counts only when
 * the baseline holds it: it was in place before the change it would excuse (a scan recorded it) or a
 * configured tag principal set it. Pure: rules, the engine, the baseline keeper and the executor use it.
 */
import type { WardenConfig } from '../config/config';
import type { Actor } from '../contract/finding';
import { normalizeEventName } from '../event/event-names';
import { arnMatches } from '../policy/arn-pattern';

/** The parts of a triggering event a tag adoption looks at (a rule context's `event`; absent in a scan). */
export interface TagEventContext {
  readonly eventName: string;
  readonly actor: Actor;
  readonly requestParameters: Readonly<Record<string, unknown>>;
}

export const EXEMPT_TAG = 'warden:exempt';
export const EXEMPT_UNTIL_TAG = 'warden:exempt-until';
/** The tags an exemption is made of, compared together: a changed expiry is a changed exemption. */
export const EXEMPTION_TAG_KEYS: readonly string[] = [EXEMPT_TAG, EXEMPT_UNTIL_TAG];

type Tags = Readonly<Record<string, string>>;

/** The `warden:exempt*` tags among a resource's tags. */
export function exemptionTagsOf(tags: Tags | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of EXEMPTION_TAG_KEYS) {
    const value = tags?.[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function sameExemptionTags(a: Tags, b: Tags): boolean {
  return EXEMPTION_TAG_KEYS.every((key) => a[key] === b[key]);
}

/** The `warden:exempt*` keys a Lambda tag event names (`tags` of TagResource, `tagKeys` of UntagResource). */
export function exemptionTagKeysIn(requestParameters: Readonly<Record<string, unknown>>): string[] {
  const tags = requestParameters.tags;
  const tagKeys = requestParameters.tagKeys;
  const keys = [
    ...(typeof tags === 'object' && tags !== null ? Object.keys(tags) : []),
    ...(Array.isArray(tagKeys) ? tagKeys.filter((k): k is string => typeof k === 'string') : []),
  ];
  return keys.filter((key) => key.startsWith(EXEMPT_TAG));
}

/** True when the actor is a session of a role that `exemptions.tagPrincipals` names (a role name or role ARN pattern). */
export function isTagPrincipal(config: WardenConfig, actor: Actor): boolean {
  const issuer = actor.sessionIssuerArn;
  if (actor.type !== 'AssumedRole' || issuer === undefined) return false;
  const roleName = issuer.slice(issuer.lastIndexOf('/') + 1);
  return config.exemptions.tagPrincipals.some((pattern) => (pattern.startsWith('arn:') ? arnMatches(pattern, issuer) : arnMatches(pattern, roleName)));
}

const TAG_EVENTS: ReadonlySet<string> = new Set(['TagResource', 'UntagResource']);

/**
 * Which exemption tags read in an evaluation may enter the baseline: all of them in a scan (no
 * event: they were in place before any later change), the keys a configured tag principal's tag
 * event set or removed, else none (the stored ones are only narrowed).
 */
export function exemptionTagAdoption(config: WardenConfig, event: TagEventContext | undefined): 'all' | readonly string[] {
  if (event === undefined) return 'all';
  if (!TAG_EVENTS.has(normalizeEventName(event.eventName)) || !isTagPrincipal(config, event.actor)) return [];
  return exemptionTagKeysIn(event.requestParameters).filter((key) => EXEMPTION_TAG_KEYS.includes(key));
}

/**
 * The exemption tags a baseline keeps after an evaluation: the stored ones with the adopted keys
 * set to their current values, as long as that is exactly what the function carries now; else none
 * (a tag changed or added by anyone else is not trusted until a scan records it).
 */
export function keptExemptionTags(stored: Tags | undefined, current: Tags | null | undefined, adopt: 'all' | readonly string[]): Record<string, string> {
  const now = exemptionTagsOf(current);
  if (adopt === 'all') return now;
  const kept: Record<string, string> = { ...(stored ?? {}) };
  for (const key of adopt) {
    const value = now[key];
    if (value === undefined) Reflect.deleteProperty(kept, key);
    else kept[key] = value;
  }
  return sameExemptionTags(kept, now) ? exemptionTagsOf(kept) : {};
}

/**
 * The exemption tags that count for a resource: its current ones when the last-known-good baseline
 * holds exactly them, else null (no baseline, none saved, or added or changed since).
 */
export function honouredExemptionTags(current: Tags | null | undefined, baseline: Tags | null | undefined): Record<string, string> | null {
  if (baseline === null || baseline === undefined || baseline[EXEMPT_TAG] === undefined) return null;
  const now = exemptionTagsOf(current);
  return sameExemptionTags(now, baseline) ? now : null;
}

/** A `warden:exempt` tag that exempts a rule's finding on a resource (until its `warden:exempt-until`, if any). */
export interface TagExemption {
  readonly kind: 'tag';
  readonly reason: string;
  readonly until: string | null;
}

/** Parses `warden:exempt` (comma- or space-separated rule ids, `*` for all) with its optional expiry. */
export function tagExemption(tags: Readonly<Record<string, string>> | null | undefined, ruleId: string, now: Date): TagExemption | null {
  const value = tags?.[EXEMPT_TAG];
  if (value === undefined) return null;
  const rules = value.split(/[\s,]+/).filter((r) => r !== '');
  if (!rules.includes(ruleId) && !rules.includes('*')) return null;
  const untilText = tags?.[EXEMPT_UNTIL_TAG];
  if (untilText === undefined || untilText.trim() === '') return { kind: 'tag', reason: `tag ${EXEMPT_TAG}=${value}`, until: null };
  const until = Date.parse(untilText);
  // An unparsable date exempts nothing: a typo must not silently exempt a resource forever.
  if (Number.isNaN(until) || until <= now.getTime()) return null;
  return { kind: 'tag', reason: `tag ${EXEMPT_TAG}=${value} until ${new Date(until).toISOString()}`, until: new Date(until).toISOString() };
}
