/**
 * Key material read from Secrets Manager on first use and kept for the container's life: the
 * baseline key and the integrity keys. The key is never logged; errors name the secret only.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadSecretsManager } from './sdk-module';

export interface SecretKeyOptions {
  /** ARN of the secret: a `SecretString` of at least `minBytes` bytes, or a `SecretBinary`. */
  readonly secretArn: string;
  /** What the key is for, in error messages ("baseline key", "record integrity key"). */
  readonly what: string;
  /** Shorter key material is refused (it would make keyed hashes guessable offline). */
  readonly minBytes: number;
  /** The client, created on first use (the Secrets Manager SDK is loaded only then). */
  readonly client: () => SecretsManagerClient | Promise<SecretsManagerClient>;
  /** The error thrown when the key cannot be read or is too short (its message names the secret, never its value). */
  readonly error: new (message: string, options?: { cause?: unknown }) => Error;
}

/**
 * A key source: one `GetSecretValue` per container; a failed read is not cached, so the next use tries again.
 * @example
 * const key = keyFromSecret({ secretArn, what: 'baseline key', minBytes: 32, client: () => new SecretsManagerClient({ region }), error: BaselineKeyError });
 */
export function keyFromSecret(options: SecretKeyOptions): () => Promise<Uint8Array> {
  let key: Promise<Uint8Array> | undefined;
  return () => {
    key ??= readKey(options).catch((e: unknown) => {
      key = undefined;
      throw e;
    });
    return key;
  };
}

async function readKey(options: SecretKeyOptions): Promise<Uint8Array> {
  const { GetSecretValueCommand } = await loadSecretsManager();
  let out;
  try {
    out = await (await options.client()).send(new GetSecretValueCommand({ SecretId: options.secretArn }));
  } catch (e: unknown) {
    throw new options.error(`Reading the ${options.what} from ${options.secretArn} failed: ${e instanceof Error ? e.name : 'unknown error'}`, { cause: e });
  }
  const bytes = out.SecretBinary ?? (out.SecretString === undefined ? undefined : new TextEncoder().encode(out.SecretString));
  if (bytes === undefined) throw new options.error(`The secret ${options.secretArn} holds no value for the ${options.what}`);
  if (bytes.length < options.minBytes) throw new options.error(`The secret ${options.secretArn} is too short for the ${options.what} (at least ${String(options.minBytes)} bytes)`);
  return bytes;
}
