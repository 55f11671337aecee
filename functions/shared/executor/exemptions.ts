/**
 * Why a finding must not be remediated: the bot's own resources (self-protection), the config's
 * allow-list of ARN patterns, a `warden:exempt` tag (rule ids, optional `warden:exempt-until`), or
 * an exemption an approver decided in Slack ("Reject and exempt", "Restore"), kept in the state store.
 * A tag counts only when the function's last-known-good baseline holds it: it was in place before the
 * change it would excuse (a scan recorded it) or a configured tag principal set it.
 */
import type { Actor, RuleContext } from '../../../rules/rule';
import type { WardenConfig } from '../config/config';
import { exemptionFields, type Integrity, type IntegrityFailure } from '../store/integrity';
import { normalizeEventName } from '../event/event-names';
import type { StateStore } from '../store/state-store';
import { isCentralStackResource } from '../self/central-resources';
import { isMemberTemplateResource } from '../self/member-resources';
import { anyArnPattern, arnMatches, unqualifiedArn } from './arn-pattern';

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
export function exemptionTagAdoption(config: WardenConfig, event: RuleContext['event']): 'all' | readonly string[] {
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

/**
 * The configured ARN patterns of the bot's own resources (`selfProtection.resources`). The central stack's
 * resources and the member template's are recognised exactly, by {@link isProtectedResource}, not by pattern.
 */
export function protectedResourcePatterns(config: WardenConfig): readonly string[] {
  return config.selfProtection.resources;
}

/** The configured patterns as one expression, and the answers already given, per config (a rule asks for every function event). */
const protectedMatchers = new WeakMap<WardenConfig, { readonly matcher: RegExp; readonly answers: Map<string, boolean> }>();
/** Answers kept per config; past this the memo starts over (a container sees a bounded set of ARNs). */
const MAX_REMEMBERED_ARNS = 10_000;

/**
 * True when the resource is one of the bot's own: the central stack's in the security account, exactly what
 * the member template creates in any account, or one of `selfProtection.resources` (a qualified function
 * counts as its function). A member account's `WardenPayments` is an ordinary function.
 */
export function isProtectedResource(config: WardenConfig, arn: string): boolean {
  let entry = protectedMatchers.get(config);
  if (entry === undefined) {
    entry = { matcher: anyArnPattern(protectedResourcePatterns(config)), answers: new Map() };
    protectedMatchers.set(config, entry);
  }
  let answer = entry.answers.get(arn);
  if (answer === undefined) {
    answer = entry.matcher.test(arn) || entry.matcher.test(unqualifiedArn(arn)) || isCentralStackResource(config, arn) || isMemberTemplateResource(config, arn);
    if (entry.answers.size >= MAX_REMEMBERED_ARNS) entry.answers.clear();
    entry.answers.set(arn, answer);
  }
  return answer;
}

export type Exemption =
  | { readonly kind: 'self-protection'; readonly reason: string }
  | { readonly kind: 'allow-list'; readonly reason: string }
  | { readonly kind: 'tag'; readonly reason: string; readonly until: string | null }
  | { readonly kind: 'decision'; readonly reason: string; readonly until: string };

/** Parses `warden:exempt` (comma- or space-separated rule ids, `*` for all) with its optional expiry. */
export function tagExemption(tags: Readonly<Record<string, string>> | null | undefined, ruleId: string, now: Date): Exemption | null {
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

/** The first exemption that applies to a rule on a resource, or null. */
export function exemptionFor(
  config: WardenConfig,
  input: { readonly ruleId: string; readonly resource: string; readonly tags?: Readonly<Record<string, string>> | null | undefined },
  now: Date,
): Exemption | null {
  if (isProtectedResource(config, input.resource)) return { kind: 'self-protection', reason: 'the resource belongs to Lambda Warden itself' };
  const plain = unqualifiedArn(input.resource);
  const listed = config.exemptions.resources.find(
    (entry) => (arnMatches(entry.arn, input.resource) || arnMatches(entry.arn, plain)) && (entry.rules === undefined || entry.rules.includes(input.ruleId)),
  );
  if (listed !== undefined) return { kind: 'allow-list', reason: `allow-listed by ${listed.arn}${listed.reason === undefined ? '' : ` (${listed.reason})`}` };
  return tagExemption(input.tags, input.ruleId, now);
}

/**
 * The exemption an approver decided for this rule on this resource, still in force at `now`, or null.
 * A stored exemption whose integrity tag does not verify is not honoured (the finding is handled as
 * if there were none) and is reported through `onIntegrityFailure`.
 */
export async function decidedExemption(
  store: Pick<StateStore, 'getExemption'>,
  input: { readonly ruleId: string; readonly resource: string },
  now: Date,
  integrity: { readonly verifier: Integrity; readonly onIntegrityFailure: (failure: IntegrityFailure) => void },
): Promise<Exemption | null> {
  const stored = await store.getExemption({ resource: input.resource, ruleId: input.ruleId, now });
  if (stored === null) return null;
  const verdict = await integrity.verifier.verify('exemption', exemptionFields(stored), stored.tag);
  if (!verdict.ok) {
    integrity.onIntegrityFailure({ family: 'exemption', itemId: `${input.resource} ${input.ruleId}`, check: verdict.check });
    return null;
  }
  const what = stored.decision === 'restored' ? 'restored' : 'rejected and exempted';
  return { kind: 'decision', reason: `${what} by ${stored.by} in Slack, exempt until ${stored.until}`, until: stored.until };
}
