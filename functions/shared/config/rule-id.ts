/**
 * A rule id in the configuration (`rules`, `accounts.*.rules`, `ous.*.rules`, `exemptions.resources[].rules`):
 * only the catalog's ids, so a typo cannot silently leave a rule in its default mode.
 */
import * as z from 'zod';
import { RULE_IDS } from '../../../rules/rule-ids';

const KNOWN: ReadonlySet<string> = new Set(RULE_IDS);

/** Edit distance (insertions, deletions, substitutions) between two strings. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The closest known id, when it is close enough to be a likely typo (at most a third of the id's length apart) or the input is its start. */
export function closestRuleId(input: string, known: readonly string[] = RULE_IDS): string | undefined {
  const completions = known.filter((id) => input.length >= 6 && id.startsWith(input));
  if (completions.length === 1) return completions[0];
  let best: { id: string; distance: number } | undefined;
  for (const id of known) {
    const distance = editDistance(input, id);
    if (best === undefined || distance < best.distance) best = { id, distance };
  }
  return best !== undefined && best.distance <= Math.max(2, Math.floor(best.id.length / 3)) ? best.id : undefined;
}

/** Why `input` is not a rule id, with a did-you-mean when one is close. */
export function unknownRuleIdMessage(input: unknown): string {
  const text = typeof input === 'string' ? input : JSON.stringify(input);
  const suggestion = typeof input === 'string' ? closestRuleId(input) : undefined;
  return `unknown rule id "${text}"${suggestion === undefined ? '' : `; did you mean "${suggestion}"?`} (\`warden rules\` lists the ids)`;
}

/** A catalog rule id; the JSON Schema lists the ids as an enum for editors. */
export const RuleIdSchema = z
  .string()
  .refine((id) => KNOWN.has(id), { error: (issue) => unknownRuleIdMessage(issue.input) })
  .meta({ enum: [...RULE_IDS] });
