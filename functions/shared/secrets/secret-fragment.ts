/**
 * A check for tests and output guards: does a text contain any fragment of a secret value? Pure;
 * it answers yes or no and never returns the fragment.
 */
import { WardenError } from '../errors';

/** The fragment length asked for is not a positive whole number. */
export class InvalidFragmentLengthError extends WardenError {}

/**
 * Whether `text` contains a substring of length `minLength` of any of `secrets`. Secrets shorter
 * than `minLength` have no such substring and are not looked for. Runs in time linear in the total
 * length of text and secrets.
 *
 * @example
 * containsSecretFragment(slackMessageJson, Object.values(environment)) // false when nothing leaked
 */
export function containsSecretFragment(text: string, secrets: Iterable<string>, minLength = 8): boolean {
  if (!Number.isInteger(minLength) || minLength < 1) {
    throw new InvalidFragmentLengthError('containsSecretFragment: minLength must be a positive integer');
  }
  let windows: Set<string> | undefined;
  for (const secret of secrets) {
    if (secret.length < minLength) continue;
    windows ??= windowsOf(text, minLength);
    if (windows.size === 0) return false;
    for (let start = 0; start + minLength <= secret.length; start += 1) {
      if (windows.has(secret.slice(start, start + minLength))) return true;
    }
  }
  return false;
}

function windowsOf(text: string, length: number): Set<string> {
  const windows = new Set<string>();
  for (let start = 0; start + length <= text.length; start += 1) windows.add(text.slice(start, start + length));
  return windows;
}
