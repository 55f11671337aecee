/**
 * Why a finding must not be remediated: the bot's own resources (self-protection), the config's
 * allow-list of ARN patterns, a `warden:exempt` tag (rule ids, optional `warden:exempt-until`), or
 * an exemption an approver decided in Slack ("Reject and exempt", "Restore"), kept in the state store.
 */
import type { WardenConfig } from '../config/config';
import type { StateStore } from '../store/state-store';
import { isCentralStackResource } from '../self/central-resources';
import { isMemberTemplateResource } from '../self/member-resources';
import { anyArnPattern, arnMatches, unqualifiedArn } from './arn-pattern';

export const EXEMPT_TAG = 'warden:exempt';
export const EXEMPT_UNTIL_TAG = 'warden:exempt-until';

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

/** The exemption an approver decided for this rule on this resource, still in force at `now`, or null. */
export async function decidedExemption(store: Pick<StateStore, 'getExemption'>, input: { readonly ruleId: string; readonly resource: string }, now: Date): Promise<Exemption | null> {
  const stored = await store.getExemption({ resource: input.resource, ruleId: input.ruleId, now });
  if (stored === null) return null;
  const what = stored.decision === 'restored' ? 'restored' : 'rejected and exempted';
  return { kind: 'decision', reason: `${what} by ${stored.by} in Slack, exempt until ${stored.until}`, until: stored.until };
}
