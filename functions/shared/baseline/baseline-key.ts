/**
 * The HMAC key of the keyed hashes of environment variable values in function baselines, read
 * from Secrets Manager on first use and kept for the container's life. The key is never logged.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { WardenError } from '../errors';
import { keyFromSecret } from '../aws/secret-key';

/** The baseline key could not be read, or is too short to be a key. The message names the secret, never its value. */
export class BaselineKeyError extends WardenError {}

/** Shorter key material would make the hashes of short values guessable offline. */
export const MIN_BASELINE_KEY_BYTES = 32;

export interface SecretBaselineKeyOptions {
  /** ARN of the secret (`WARDEN_BASELINE_KEY_SECRET_ARN`): a `SecretString` of at least 32 bytes, or a `SecretBinary`. */
  readonly secretArn: string;
  /** The client, created on first use (the Secrets Manager SDK is loaded only then). */
  readonly client: () => SecretsManagerClient | Promise<SecretsManagerClient>;
}

/**
 * A key source for `FunctionBaselineKeeper`: one `GetSecretValue` per container. A failed read is
 * not cached, so the next invocation tries again.
 *
 * @example
 * const key = baselineKeyFromSecret({ secretArn: env.baselineKeySecretArn, client: () => new SecretsManagerClient({ region }) });
 * const keeper = new FunctionBaselineKeeper({ store, key });
 */
export function baselineKeyFromSecret(options: SecretBaselineKeyOptions): () => Promise<Uint8Array> {
  return keyFromSecret({ ...options, what: 'baseline key', minBytes: MIN_BASELINE_KEY_BYTES, error: BaselineKeyError });
}
