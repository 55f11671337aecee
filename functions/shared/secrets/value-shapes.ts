/**
 * Shapes of environment-variable values that are not plaintext credentials — references to a
 * secret store, placeholders, ordinary configuration — and the entropy measure. Pure.
 */

const ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(?:\d{12})?:\S+$/;

/** `${ssm:/x}`, `${{ secrets.X }}`, `{{resolve:secretsmanager:x}}`, `$(cmd)`, `%NAME%`: resolved elsewhere. */
const TEMPLATE = /^(?:\$\{\{[^{}]*\}\}|\$\{[^{}]*\}|\{\{[^{}]*\}\}|\$\([^()]*\)|%[A-Za-z_][A-Za-z0-9_]*%|\$[A-Za-z_][A-Za-z0-9_]*)$/;

/** Secret-store URIs used by config loaders: `ssm:/prod/db`, `secretsmanager://name`, `op://vault/item/field`. */
const STORE_URI = /^(?:ssm|ssm-secure|secretsmanager|secrets-manager|aws-sm|awssm|sm|parameter-store|vault|op|kms):(?:\/\/?)?[A-Za-z0-9_.\-/+=@:]+$/i;

/**
 * Values that stand for "not filled in yet". Decided: these are not reported. They are not
 * credentials, and a template nobody filled in cannot be told from a weak real password by its
 * value; reporting them would bury the real leaks in noise.
 */
const PLACEHOLDER = new RegExp(
  '^(?:' +
    [
      'change[-_ .]?(?:me|it|this)',
      'replace[-_ .]?(?:me|this)',
      'fill[-_ .]?(?:me|in)',
      'to[-_ ]?do',
      'tbd',
      'fixme',
      'placeholder',
      'dummy',
      'example',
      'sample',
      'tests?',
      'testing',
      'none',
      'null',
      'nil',
      'undefined',
      'empty',
      'unset',
      'not[-_ ]?set',
      'n/?a',
      'redacted',
      '\\[redacted\\]',
      'masked',
      'hidden',
      'default',
      'pass(?:word|wd)?',
      'secret',
      'token',
      'api[-_ ]?key',
      'key',
      '(?:your|my|insert|enter|put)[-_ ]?(?:[a-z]+[-_ ]?)*?(?:pass(?:word|wd)?|pwd|secret|token|key|here|value)',
      '[A-Za-z0-9/+]{0,40}EXAMPLE(?:KEY)?',
      'x{3,}',
      '\\*{3,}',
      '\\.{3,}',
      '-+',
      '_+',
      '#+',
      '<[^<>]*>',
      '\\[[^\\[\\]]*\\]',
    ].join('|') +
    ')$',
  'i',
);

/** Whether a value stands for a secret without holding one: a secret-store reference or a resolved-later template. */
export function isSecretReference(value: string): boolean {
  if (value.startsWith('arn:')) return value.split(',').every((part) => ARN.test(part.trim()));
  if (value.includes('{{resolve:')) return /^\{\{resolve:(?:secretsmanager|ssm|ssm-secure):[^{}]+\}\}$/.test(value);
  return TEMPLATE.test(value) || STORE_URI.test(value);
}

/** Whether a value is a placeholder (`changeme`, `<password>`, `xxxx`, `${DB_PASSWORD}` …) rather than a secret. */
export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value) || TEMPLATE.test(value) || /^(.)\1*$/.test(value);
}

const BOOLEAN_OR_LEVEL = /^(?:true|false|yes|no|on|off|enabled?|disabled?|trace|debug|info|warn|warning|error|fatal|silent)$/i;
const NUMBER_OR_DURATION = /^[-+]?\d+(?:\.\d+)?(?:ms|s|m|h|d|w|kb|mb|gb|%)?$/i;
const PATH = /^(?:\/|\.{1,2}\/|~\/|[A-Za-z]:\\)/;
const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,24}$/;
const HOSTNAME = /^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24}\.?(?::\d{1,5})?$/;
const REGION = /^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const SCHEDULE = /^(?:cron|rate)\(.*\)$/;
/** Slash-separated names such as a Secrets Manager secret name `prod/payments/db`. */
const STORE_NAME = /^(?:[a-z0-9]+(?:[-_.][a-z0-9]+)*|[A-Z0-9]+(?:[-_.][A-Z0-9]+)*)(?:\/(?:[a-z0-9]+(?:[-_.][a-z0-9]+)*|[A-Z0-9]+(?:[-_.][A-Z0-9]+)*))+$/;
/** Lower-case words joined by separators, a version at most: `cognito`, `user-pool-v2`. */
const WORDY = /^[a-z]+(?:[-_. ][a-z]+)*(?:[-_.]?v?\d{1,3})?$/;

/**
 * Whether a value has the shape of ordinary configuration (boolean, number, path, URL without a
 * password, e-mail, host name, region, schedule, store name, JSON; lower-case words unless
 * `wordsMayBeSecret`, as they may in a password) — something a variable named like a secret may
 * still hold without holding a credential.
 */
export function isOrdinaryConfiguration(value: string, wordsMayBeSecret = false): boolean {
  return (
    (!wordsMayBeSecret && WORDY.test(value)) ||
    BOOLEAN_OR_LEVEL.test(value) ||
    NUMBER_OR_DURATION.test(value) ||
    PATH.test(value) ||
    value.includes('://') ||
    EMAIL.test(value) ||
    HOSTNAME.test(value) ||
    REGION.test(value) ||
    SCHEDULE.test(value) ||
    STORE_NAME.test(value) ||
    isJsonDocument(value)
  );
}

function isJsonDocument(value: string): boolean {
  const first = value[0];
  if (first !== '{' && first !== '[') return false;
  try {
    JSON.parse(value);
    return true;
  } catch (e: unknown) {
    if (e instanceof SyntaxError) return false;
    throw e;
  }
}

/** Counts of ASCII characters, reused: entropy is computed for many short values. */
const asciiCounts = new Uint16Array(128);

/** Shannon entropy of the value's characters, in bits per character. */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  let ascii = value.length <= 65_535;
  for (let i = 0; ascii && i < value.length; i += 1) if (value.charCodeAt(i) >= 128) ascii = false;
  if (ascii) {
    asciiCounts.fill(0);
    for (let i = 0; i < value.length; i += 1) asciiCounts[value.charCodeAt(i)] = (asciiCounts[value.charCodeAt(i)] ?? 0) + 1;
    let bits = 0;
    for (const count of asciiCounts) {
      if (count === 0) continue;
      const p = count / value.length;
      bits -= p * Math.log2(p);
    }
    return bits;
  }
  const counts = new Map<number, number>();
  for (let i = 0; i < value.length; i += 1) {
    const code = value.charCodeAt(i);
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** How many of lower case, upper case, digits and other characters the value uses. */
export function characterClasses(value: string): number {
  return (
    Number(/[a-z]/.test(value)) + Number(/[A-Z]/.test(value)) + Number(/\d/.test(value)) + Number(/[^A-Za-z0-9]/.test(value))
  );
}

/** Characters of generated tokens besides letters and digits: base64, base64url and a few separators. */
const TOKEN_PUNCTUATION: ReadonlySet<number> = new Set(['+', '/', '=', '_', '-', '.', '~'].map((c) => c.charCodeAt(0)));
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$|^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?$/;
/** Magic numbers of files that are base64-encoded as data (GIF, PNG, PDF, ZIP, JPEG, gzip). */
const FILE_MAGIC: readonly number[][] = [[0x47, 0x49, 0x46, 0x38], [0x89, 0x50, 0x4e, 0x47], [0x25, 0x50, 0x44, 0x46], [0x50, 0x4b, 0x03, 0x04], [0xff, 0xd8, 0xff], [0x1f, 0x8b]];
/** A capitalised or lower-case word of four letters or more inside a value. */
const WORD_RUN = /[A-Z]?[a-z]{4,}/g;
/** A word of a generated resource name (`Orders`, `stack`) between separators. */
const WORD_SEGMENT = /^(?:[A-Z]?[a-z]{3,}|[A-Z]{3,}[a-z]*)$/;

/** Whether base64 (or base64url) text decodes to readable text or a known file: configuration or data, not a key. */
function decodesToTextOrFile(value: string): boolean {
  if (value.length % 4 === 1 || !BASE64.test(value)) return false;
  const bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (bytes.length === 0) return false;
  if (FILE_MAGIC.some((magic) => magic.every((b, i) => bytes[i] === b))) return true;
  let printable = 0;
  for (const b of bytes) if ((b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d) printable += 1;
  return printable / bytes.length >= 0.9;
}

/**
 * Whether a value has the shape of a generated credential although nothing announces it: 20 to
 * 4,096 token characters mixing upper case, lower case and digits, close to the entropy of random
 * text of its length, not made of words (`OrdersStack-OrdersTable-1X2Y3Z`), not base64 of text or
 * of a file, not a documentation example. Hex digests, UUIDs and image digests fail the mix of cases.
 */
export function looksLikeGeneratedSecret(value: string): boolean {
  if (value.length < 20 || value.length > 4096) return false;
  // One pass: upper, lower and at least two digits, nothing outside the token alphabet.
  let upper = false;
  let lower = false;
  let digits = 0;
  for (let i = 0; i < value.length; i += 1) {
    const c = value.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) lower = true;
    else if (c >= 0x41 && c <= 0x5a) upper = true;
    else if (c >= 0x30 && c <= 0x39) digits += 1;
    else if (!TOKEN_PUNCTUATION.has(c)) return false;
  }
  if (!upper || !lower || digits < 2 || /example/i.test(value)) return false;
  // Random text over ~64 symbols has about log2(min(length, 64)) bits per character; ask for most of it.
  if (shannonEntropy(value) < 0.8 * Math.log2(Math.min(value.length, 64))) return false;
  const segments = value.split(/[-_./]/).filter((s) => s.length > 0);
  if (segments.length >= 2 && segments.some((s) => WORD_SEGMENT.test(s))) return false;
  // Made of words (`OrdersServiceHandler2024`, `OrdersStack-OrdersTable1A2B`): random text rarely has long lower-case runs.
  let wordy = 0;
  for (const match of value.matchAll(WORD_RUN)) wordy += match[0].length;
  if (wordy / value.length >= 0.4) return false;
  return !decodesToTextOrFile(value);
}
