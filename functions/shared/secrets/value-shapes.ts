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

/** Shannon entropy of the value's characters, in bits per character. */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
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
