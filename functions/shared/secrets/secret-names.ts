/**
 * Whether an environment variable's name says it holds a secret (`DB_PASSWORD`, `stripeApiKey`,
 * `SECRET_KEY_BASE`) rather than something about one (`DB_PASSWORD_SECRET_ARN`, `TOKEN_TTL`). Pure.
 */

/** How a name says "secret": a password, or any other secret. */
export type SecretNameClass = 'password' | 'secret';

const PASSWORD_WORDS = new Set(['PASSWORD', 'PASSWD', 'PWD', 'PW', 'PASS', 'PASSPHRASE', 'PASSCODE']);
const SECRET_WORDS = new Set([
  'SECRET', 'SECRETS', 'TOKEN', 'TOKENS', 'APIKEY', 'APITOKEN', 'AUTHTOKEN', 'ACCESSTOKEN', 'REFRESHTOKEN',
  'BEARERTOKEN', 'PRIVATEKEY', 'PRIVKEY', 'SECRETKEY', 'CLIENTSECRET', 'ACCESSKEY', 'CREDENTIALS', 'CREDENTIAL',
  'CREDS', 'AUTH', 'AUTHORIZATION', 'SALT', 'PEPPER', 'PSK',
]);
/** `KEY` is a secret only after one of these (`API_KEY`, `SIGNING_KEY`; not `CACHE_KEY`, `KMS_KEY`). */
const KEY_QUALIFIERS = new Set([
  'API', 'PRIVATE', 'SECRET', 'ACCESS', 'SIGNING', 'SIGN', 'ENCRYPTION', 'ENCRYPT', 'DECRYPTION', 'HMAC', 'MASTER',
  'CLIENT', 'APP', 'APPLICATION', 'LICENSE', 'AUTH', 'SESSION', 'JWT', 'WEBHOOK', 'CRYPTO', 'AES', 'SHARED', 'SERVICE',
  'SSH', 'RSA', 'PGP', 'GPG', 'INTEGRATION', 'ADMIN', 'ACCOUNT', 'STORAGE', 'COOKIE', 'CSRF',
]);
/**
 * `KEY` after one of these names something that is not a credential (`PUBLIC_KEY`, `CACHE_KEY`,
 * `KMS_KEY`, `PARTITION_KEY`); after any other word (`STRIPE_KEY`, `MAPS_KEY`) or alone it is taken
 * as an abbreviation of an API or secret key, and the value must still look like one.
 */
const NON_SECRET_KEY_QUALIFIERS = new Set([
  'PUBLIC', 'PUB', 'PUBLISHABLE', 'KMS', 'CMK', 'CACHE', 'PARTITION', 'SORT', 'HASH', 'RANGE', 'PRIMARY', 'FOREIGN', 'COMPOSITE',
  'OBJECT', 'S3', 'BUCKET', 'FILE', 'ROUTING', 'IDEMPOTENCY', 'DEDUP', 'DEDUPLICATION', 'LOOKUP', 'INDEX', 'TABLE', 'LOCK',
  'GROUP', 'MESSAGE', 'PARTITIONING', 'SHARD', 'SEARCH', 'SITE', 'RECAPTCHA', 'INSTRUMENTATION', 'TRACKING', 'ANALYTICS',
  'METRIC', 'METRICS', 'LABEL', 'TAG', 'CONFIG', 'SETTING', 'SETTINGS', 'FEATURE', 'FLAG', 'HOTKEY', 'SHORTCUT', 'MAP', 'JSON',
]);

/** Last words that say the variable holds an identifier, a digest or a name, not a credential (`S3_VERSION_ID`, `ASSET_HASH`). */
const IDENTIFIER_WORDS = new Set([
  'ID', 'IDS', 'SID', 'UID', 'GUID', 'UUID', 'ARN', 'ARNS', 'NAME', 'NAMES', 'HASH', 'DIGEST', 'SHA', 'SHA1', 'SHA256', 'SHA512', 'MD5',
  'CHECKSUM', 'ETAG', 'VERSION', 'REVISION', 'COMMIT', 'BUILD', 'RELEASE', 'CURSOR', 'GROUP', 'NAMESPACE', 'REGION', 'URL', 'URI',
  'ENDPOINT', 'HOST', 'DOMAIN', 'PATH', 'PREFIX', 'SUFFIX', 'BUCKET', 'TABLE', 'QUEUE', 'TOPIC', 'STREAM', 'IMAGE', 'TAG', 'LABEL',
  'TRACE', 'SPAN', 'CORRELATION', 'REQUEST', 'ACCOUNT', 'TENANT', 'POOL', 'DISTRIBUTION', 'ZONE', 'VPC', 'SUBNET', 'SG', 'AMI',
]);

/** Words that say the value is public by design (a public key, a publishable key). */
const PUBLIC_WORDS = new Set(['PUBLIC', 'PUB', 'PUBLISHABLE']);

/** Whether a variable's name says it holds an identifier, digest or name (its last word), so a random-looking value is expected. */
export function isIdentifierNamedVariable(name: string): boolean {
  const words = nameWords(name);
  let last = words.length - 1;
  while (last > 0 && VERSION_WORD.test(words[last] ?? '')) last -= 1;
  return IDENTIFIER_WORDS.has(words[last] ?? '') || words.some((word) => PUBLIC_WORDS.has(word));
}

/**
 * Words that may follow the secret word without changing what the variable holds
 * (`DB_PASSWORD_PROD`, `SECRET_KEY_BASE`, `API_KEY_B64`). Any other trailing word (`ARN`, `NAME`,
 * `TTL`, `URL`, `ID` …) means the variable describes a secret instead of holding it.
 */
const HARMLESS_TRAILERS = new Set([
  'VALUE', 'PLAIN', 'PLAINTEXT', 'RAW', 'B64', 'BASE64', 'ENCODED', 'HEX', 'JSON', 'STRING', 'STR', 'KEY', 'KEYS',
  'BASE', 'DATA', 'CONTENT', 'PEM', 'DER', 'TEXT', 'PROD', 'PRODUCTION', 'DEV', 'DEVELOPMENT', 'STAGING', 'STAGE',
  'QA', 'TEST', 'LIVE', 'SANDBOX', 'PRIMARY', 'SECONDARY', 'OLD', 'NEW', 'CURRENT', 'PREVIOUS', 'NEXT', 'BACKUP',
  'ROTATED', 'ENV',
]);
const VERSION_WORD = /^V?\d+$/;

/** Splits `stripeApiKey`, `STRIPE_API_KEY`, `stripe.api-key` into upper-case words. */
export function nameWords(name: string): readonly string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word.length > 0)
    .map((word) => word.toUpperCase());
}

function classOfWord(words: readonly string[], index: number): SecretNameClass | null {
  const word = words[index] ?? '';
  if (PASSWORD_WORDS.has(word)) return 'password';
  if (SECRET_WORDS.has(word)) return 'secret';
  if (word === 'KEY' && index > 0 && KEY_QUALIFIERS.has(words[index - 1] ?? '')) return 'secret';
  if (word === 'KEY' && index > 0 && !NON_SECRET_KEY_QUALIFIERS.has(words[index - 1] ?? '')) return 'secret';
  if (word.length > 8 && (word.endsWith('PASSWORD') || word.endsWith('PASSWD'))) return 'password';
  if (word.length > 6 && (word.endsWith('SECRET') || word.endsWith('TOKEN') || word.endsWith('APIKEY'))) return 'secret';
  return null;
}

/**
 * The class of secret a variable's name announces, or null. The last secret word counts, and only
 * harmless words (environment, encoding, version) may follow it.
 */
export function secretNameClass(name: string): SecretNameClass | null {
  const words = nameWords(name);
  for (let index = words.length - 1; index >= 0; index -= 1) {
    const found = classOfWord(words, index);
    if (found !== null) return found;
    const word = words[index] ?? '';
    if (!HARMLESS_TRAILERS.has(word) && !VERSION_WORD.test(word)) return null;
  }
  return null;
}

/** Whether a variable's name says it holds a secret. */
export function isSecretNamedVariable(name: string): boolean {
  return secretNameClass(name) !== null;
}
