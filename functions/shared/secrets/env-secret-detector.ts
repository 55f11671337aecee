/**
 * Finds Lambda environment variables that hold plaintext credentials. Pure and synchronous: the
 * result names the variable and the kind of credential, never any part of the value.
 */
import type { SecretFinding } from './secret-kinds';
import { matchSecretFormat } from './secret-patterns';
import { isIdentifierNamedVariable, nameWords, secretNameClass } from './secret-names';
import { characterClasses, isOrdinaryConfiguration, isPlaceholder, isSecretReference, looksLikeGeneratedSecret, shannonEntropy } from './value-shapes';

const AWS_ACCESS_KEY_ID = /(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/;
/** A 40-character AWS secret access key without `/` or `+`: needs its name or a companion key ID to tell. */
const AWS_SECRET_SHAPE = /^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)[A-Za-z0-9/+]{40}$/;
/** `user:password`, as in a `BASIC_AUTH` or `PROXY_CREDENTIALS` variable. */
const USER_AND_PASSWORD = /^[^\s:]{1,64}:[^\s:]{4,}$/;

/** Below this, a value in a password-named variable is too short to be taken for a password. */
const MIN_PASSWORD_LENGTH = 6;
/** A value in another secret-named variable must be this long and this random to be reported. */
const MIN_SECRET_LENGTH = 12;
const MIN_SECRET_ENTROPY = 3;

/**
 * The variables of `environment` that look like plaintext credentials, in the variables' order,
 * one finding per variable. References (Secrets Manager and SSM ARNs or names,
 * `{{resolve:…}}`, `${ssm:…}`), placeholders (`changeme`, `<password>`) and ordinary
 * configuration are not reported. A value whose name says nothing is also reported when it has the
 * shape of a generated credential (`basis: 'shape'`), unless the name says it is an identifier or
 * digest (`…_ID`, `…_HASH`). Never throws on any input.
 *
 * @example
 * detectPlaintextSecrets({ DB_URL: 'postgres://app:…@db:5432/app', LOG_LEVEL: 'info' })
 * // → [{ name: 'DB_URL', kind: 'connection string with password', basis: 'format' }]
 */
export function detectPlaintextSecrets(environment: Readonly<Record<string, string>>): readonly SecretFinding[] {
  const findings: SecretFinding[] = [];
  let companionKeyId: boolean | undefined;
  for (const [name, raw] of Object.entries(environment)) {
    if (typeof raw !== 'string') continue;
    const value = raw.trim();
    if (value.length === 0 || isSecretReference(value)) continue;
    const formatKind = matchSecretFormat(value);
    if (formatKind !== null) {
      findings.push({ name, kind: formatKind, basis: 'format' });
      continue;
    }
    if (isPlaceholder(value)) continue;
    const nameClass = secretNameClass(name);
    if (AWS_SECRET_SHAPE.test(value)) {
      companionKeyId ??= Object.values(environment).some((other) => typeof other === 'string' && AWS_ACCESS_KEY_ID.test(other));
      if (companionKeyId || nameClass !== null || nameWords(name).includes('AWS')) {
        findings.push({ name, kind: 'AWS secret access key', basis: 'context' });
        continue;
      }
    }
    if (nameClass === null) {
      if (looksLikeGeneratedSecret(value) && !isIdentifierNamedVariable(name)) findings.push({ name, kind: 'random credential-shaped value', basis: 'shape' });
      continue;
    }
    if ((nameClass === 'password' || USER_AND_PASSWORD.test(value)) && looksLikePassword(value)) {
      findings.push({ name, kind: 'password in a secret-named variable', basis: 'context' });
    } else if (nameClass === 'secret' && looksRandom(value)) {
      findings.push({ name, kind: 'high-entropy value in a secret-named variable', basis: 'context' });
    }
  }
  return findings;
}

function looksLikePassword(value: string): boolean {
  return value.length >= MIN_PASSWORD_LENGTH && !/\s/.test(value) && !isOrdinaryConfiguration(value, true);
}

function looksRandom(value: string): boolean {
  return (
    value.length >= MIN_SECRET_LENGTH &&
    characterClasses(value) >= 2 &&
    shannonEntropy(value) >= MIN_SECRET_ENTROPY &&
    !isOrdinaryConfiguration(value)
  );
}
