/** Environment variables, read once; a missing one throws at cold start instead of failing later. */
import { WardenError } from './errors';

/** A required environment variable is missing or empty. */
export class MissingEnvironmentError extends WardenError {}

/** The value of a required variable. @throws MissingEnvironmentError */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') throw new MissingEnvironmentError(`Environment variable ${name} is not set`);
  return value;
}

export interface ResponderEnv {
  readonly region: string;
  /** Name (or ARN) of the Warden event bus. */
  readonly eventBusName: string;
  readonly tableName: string;
  /** The Warden configuration as JSON (validated by `parseConfig`). */
  readonly configJson: string;
  /** ARN of the secret holding the HMAC key of function baselines (the key itself is read at run time, never from the environment). */
  readonly baselineKeySecretArn: string;
}

/** The responder's environment. @throws MissingEnvironmentError naming the first missing variable. */
export function readResponderEnv(env: NodeJS.ProcessEnv = process.env): ResponderEnv {
  return {
    region: requireEnv('AWS_REGION', env),
    eventBusName: requireEnv('WARDEN_EVENT_BUS_NAME', env),
    tableName: requireEnv('WARDEN_TABLE_NAME', env),
    configJson: requireEnv('WARDEN_CONFIG', env),
    baselineKeySecretArn: requireEnv('WARDEN_BASELINE_KEY_SECRET_ARN', env),
  };
}
