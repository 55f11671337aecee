/** The Slack bot token and signing secret from Secrets Manager, read once per container (`GetSecretValue`). */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { WardenError } from '../errors';

/** A secret could not be read, or is empty. The message names the secret's role and ARN, never its value. */
export class SecretUnavailableError extends WardenError {}

/**
 * @example
 * const secrets = new SecretCache(new SecretsManagerClient(clientConfig(region)));
 * const signingSecret = await secrets.get(env.signingSecretArn, 'Slack signing secret');
 */
export class SecretCache {
  private readonly values = new Map<string, Promise<string>>();

  constructor(private readonly client: SecretsManagerClient) {}

  /** The secret's string value (trimmed); concurrent callers share one read, a failed read is retried next time. */
  get(secretId: string, what: string): Promise<string> {
    const cached = this.values.get(secretId);
    if (cached !== undefined) return cached;
    const read = this.read(secretId, what);
    this.values.set(secretId, read);
    read.catch(() => this.values.delete(secretId));
    return read;
  }

  private async read(secretId: string, what: string): Promise<string> {
    let value: string | undefined;
    try {
      value = (await this.client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
    } catch (e: unknown) {
      throw new SecretUnavailableError(`Reading the ${what} (${secretId}) failed: ${e instanceof Error ? e.name : 'unknown error'}`, { cause: e });
    }
    const trimmed = value?.trim() ?? '';
    if (trimmed === '') throw new SecretUnavailableError(`The ${what} (${secretId}) has no string value: set it after deploying`);
    return trimmed;
  }
}
