/**
 * Bounds an incoming event before it is parsed or anything of it is stored: an event larger than
 * EventBridge could ever deliver (256 KiB) or nested deeper than any CloudTrail record is refused; a
 * string field longer than 64 KiB is truncated (rules judge the resource's current state, read from
 * AWS, not the request's text). Iterative: no input can exhaust the stack.
 */
import type { Ignored } from './intake';

/** Longest string field kept whole (characters). */
export const MAX_FIELD_CHARS = 64 * 1024;
/** Largest event accepted (characters of keys and strings): EventBridge's own limit on an event is 256 KiB. */
export const MAX_EVENT_CHARS = 256 * 1024;
/** Deepest nesting accepted (CloudTrail records nest about ten levels). */
export const MAX_DEPTH = 64;

export type BoundedEvent = { readonly ok: true; readonly event: unknown; readonly truncated: readonly string[] } | { readonly ok: false; readonly refusal: Ignored };

const TRUNCATION_MARK = '…[truncated]';

function pathText(path: readonly (string | number)[]): string {
  return path.length === 0 ? '(event)' : path.map((p) => (typeof p === 'number' ? `[${String(p)}]` : p)).join('.').replace(/\.\[/g, '[');
}

/** Sizes the input in one pass; the paths of over-long strings, or a refusal. */
function measure(input: unknown): { readonly long: (string | number)[][] } | Ignored {
  let total = 0;
  const long: (string | number)[][] = [];
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: input, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop() ?? { value: undefined, path: [] };
    total += 1;
    if (typeof value === 'string') {
      total += value.length;
      if (value.length > MAX_FIELD_CHARS) long.push(path);
    } else if (typeof value === 'object' && value !== null) {
      if (path.length >= MAX_DEPTH) return { kind: 'oversized-event', text: `the event nests deeper than ${String(MAX_DEPTH)} levels at ${pathText(path)}: refused` };
      const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
      for (const [key, child] of entries) {
        if (typeof key === 'string') total += key.length;
        stack.push({ value: child, path: [...path, key] });
      }
    }
    if (total > MAX_EVENT_CHARS) return { kind: 'oversized-event', text: `the event is larger than ${String(MAX_EVENT_CHARS / 1024)} KiB (EventBridge delivers no larger event): refused` };
  }
  return { long };
}

/** A copy of `value` with the string at `path` cut to {@link MAX_FIELD_CHARS}. */
function truncatedAt(value: unknown, path: readonly (string | number)[]): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return typeof value === 'string' ? `${value.slice(0, MAX_FIELD_CHARS)}${TRUNCATION_MARK}` : value;
  if (Array.isArray(value)) return (value as unknown[]).map((v, i) => (i === head ? truncatedAt(v, rest) : v));
  if (typeof value === 'object' && value !== null) return { ...value, [head]: truncatedAt((value as Record<string | number, unknown>)[head], rest) };
  return value;
}

/**
 * @example
 * const bounded = boundEvent(input);
 * if (!bounded.ok) return refuse(bounded.refusal);
 * const event = parseCloudTrailEvent(bounded.event);
 */
export function boundEvent(input: unknown): BoundedEvent {
  const measured = measure(input);
  if ('kind' in measured) return { ok: false, refusal: measured };
  let event = input;
  for (const path of measured.long) event = truncatedAt(event, path);
  return { ok: true, event, truncated: measured.long.map(pathText) };
}
