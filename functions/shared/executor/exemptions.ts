/**
 * Why a finding must not be remediated: the bot's own resources (self-protection), the config's
 * allow-list of ARN patterns, a `warden:exempt` tag (rule ids, optional `warden:exempt-until`), or
 * an exemption an approver decided in Slack ("Reject and exempt", "Restore"), kept in the state store.
 * A tag counts only when the function's last-known-good baseline holds it (`exemption/exemption-tags.ts`).
 */
import type { WardenConfig } from '../config/config';
import { exemptionFields, type Integrity } from '../store/integrity';
import type { IntegrityFailure } from '../contract/integrity-failure';
import type { StateStore } from '../store/state-store';
import { arnMatches, unqualifiedArn } from '../policy/arn-pattern';
import { tagExemption, type TagExemption } from '../exemption/exemption-tags';
import { isProtectedResource } from '../self/protected-resources';

export type Exemption =
  | { readonly kind: 'self-protection'; readonly reason: string }
  | { readonly kind: 'allow-list'; readonly reason: string }
  | TagExemption
  | { readonly kind: 'decision'; readonly reason: string; readonly until: string };

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
  if ('malformed' in stored) {
    // Not honoured and reported; the finding is handled as if there were none (a malformed item never stops a remediation).
    integrity.onIntegrityFailure({ family: 'exemption', itemId: `${input.resource} ${input.ruleId}`, check: 'malformed' });
    return null;
  }
  const verdict = await integrity.verifier.verify('exemption', exemptionFields(stored), stored.tag);
  if (!verdict.ok) {
    integrity.onIntegrityFailure({ family: 'exemption', itemId: `${input.resource} ${input.ruleId}`, check: verdict.check });
    return null;
  }
  const what = stored.decision === 'restored' ? 'restored' : 'rejected and exempted';
  return { kind: 'decision', reason: `${what} by ${stored.by} in Slack, exempt until ${stored.until}`, until: stored.until };
}
