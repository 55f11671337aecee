/**
 * The HMAC key of the keyed hashes of environment variable values in function baselines, read
 * from Secrets Manager on first use and kept for the container's life. The key is never logged.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { WardenError } from '../errors';

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
  let key: Promise<Uint8Array> | undefined;
  return () => {
    key ??= readKey(options).catch((e: unknown) => {
      key = undefined;
      throw e;
    });
    return key;
  };
}

async function readKey(options: SecretBaselineKeyOptions): Promise<Uint8Array> {
  const { GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  let out;
  try {
    out = await (await options.client()).send(new GetSecretValueCommand({ SecretId: options.secretArn }));
  } catch (e: unknown) {
    throw new BaselineKeyError(`Reading the baseline key from ${options.secretArn} failed: ${e instanceof Error ? e.name : 'unknown error'}`, { cause: e });
  }
  const bytes = out.SecretBinary ?? (out.SecretString === undefined ? undefined : new TextEncoder().encode(out.SecretString));
  if (bytes === undefined) throw new BaselineKeyError(`The secret ${options.secretArn} holds no value for the baseline key`);
  if (bytes.length < MIN_BASELINE_KEY_BYTES) {
    throw new BaselineKeyError(`The secret ${options.secretArn} is too short for the baseline key (at least ${String(MIN_BASELINE_KEY_BYTES)} bytes)`);
  }
  return bytes;
}
