/**
 * Slack's Block Kit limits and the two ways text is made to fit them: plain text is cut with a
 * marker, JSON is pruned (whole array items and fields left out, long strings shortened) so what
 * is shown always parses, with a note saying how much was left out.
 */

export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  header: 150,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  contextText: 2000,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  /** `text` of chat.postMessage is truncated by Slack after 40,000 characters; we stay well below. */
  messageText: 3000,
} as const;

const CUT_MARK = '… (truncated)';

/** The text, or its start and a marker when longer than `max` characters (code points are never split). */
export function fitText(text: string, max: number): string {
  if (text.length <= max) return text;
  const mark = max > CUT_MARK.length + 1 ? CUT_MARK : '…';
  const chars = Array.from(text.slice(0, Math.max(0, max - mark.length)));
  let out = chars.join('');
  while (out.length > max - mark.length) out = out.slice(0, -1);
  return out + mark;
}

export interface FittedJson {
  /** Pretty-printed JSON that parses. */
  readonly json: string;
  /** Null when nothing was left out; otherwise says what was (for example "3 of 12 statements left out"). */
  readonly note: string | null;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function toJsonValue(value: unknown): Json {
  // JSON.stringify returns undefined for undefined and functions, whatever its declared type says.
  const text = JSON.stringify(value) as string | undefined;
  return text === undefined ? null : (JSON.parse(text) as Json);
}

function size(value: Json): number {
  return JSON.stringify(value, null, 2).length;
}

interface Omissions {
  statements: number;
  totalStatements: number;
  items: number;
  fields: number;
  strings: number;
}

const LONG_STRING = 120;

/**
 * Removes the largest part of the largest container: descends while one child holds most of the
 * node, then drops that child (or shortens it when it is a long string). Returns false when
 * nothing is left to remove.
 */
function prune(node: Json, omissions: Omissions, parentKey: string | null): boolean {
  if (node === null || typeof node !== 'object') return false;
  const entries: [string | number, Json][] = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
  if (entries.length === 0) return false;
  let biggest = entries[0];
  let biggestSize = -1;
  for (const entry of entries) {
    const s = size(entry[1]);
    if (s > biggestSize) {
      biggest = entry;
      biggestSize = s;
    }
  }
  if (biggest === undefined) return false;
  const [key, child] = biggest;
  const childIsContainer = child !== null && typeof child === 'object' && (Array.isArray(child) ? child.length > 0 : Object.keys(child).length > 0);
  if (childIsContainer && (entries.length === 1 || biggestSize * 2 > size(node))) {
    if (prune(child, omissions, typeof key === 'string' ? key : parentKey)) return true;
  }
  if (typeof child === 'string' && child.length > LONG_STRING) {
    const shortened = `${child.slice(0, LONG_STRING / 2)}… (${String(child.length - LONG_STRING / 2)} characters left out)`;
    if (Array.isArray(node)) node[key as number] = shortened;
    else node[key as string] = shortened;
    omissions.strings += 1;
    return true;
  }
  if (Array.isArray(node)) {
    node.splice(key as number, 1);
    if (parentKey === 'Statement') omissions.statements += 1;
    else omissions.items += 1;
  } else {
    Reflect.deleteProperty(node, key);
    omissions.fields += 1;
  }
  return true;
}

function plural(n: number, word: string): string {
  return `${String(n)} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Pretty-prints a JSON value in at most `max` characters. When it does not fit, whole statements
 * (of a `Statement` array), array items and fields are left out, largest first, and long strings
 * are shortened; the result always parses.
 */
export function fitJson(value: unknown, max: number): FittedJson {
  const root = toJsonValue(value);
  const full = JSON.stringify(root, null, 2);
  if (full.length <= max) return { json: full, note: null };
  const statements = root !== null && typeof root === 'object' && !Array.isArray(root) && Array.isArray(root.Statement) ? root.Statement.length : 0;
  const omissions: Omissions = { statements: 0, totalStatements: statements, items: 0, fields: 0, strings: 0 };
  let current = root;
  while (size(current) > max) {
    if (!prune(current, omissions, null)) {
      current = null;
      break;
    }
  }
  let json = JSON.stringify(current, null, 2);
  if (json.length > max) json = 'null';
  const parts = [
    omissions.statements > 0 ? `${String(omissions.statements)} of ${plural(omissions.totalStatements, 'statement')}` : null,
    omissions.items > 0 ? plural(omissions.items, 'item') : null,
    omissions.fields > 0 ? plural(omissions.fields, 'field') : null,
  ].filter((p): p is string => p !== null);
  const left = parts.length > 0 ? `${parts.join(', ')} left out` : '';
  const shortened = omissions.strings > 0 ? plural(omissions.strings, 'long string') + ' shortened' : '';
  const note = [left, shortened].filter(Boolean).join('; ') || 'too long to show';
  return { json, note: `truncated to fit Slack: ${note}` };
}
