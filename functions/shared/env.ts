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
  /** ARN of the secret holding the integrity key of approval and restore records (responder only). */
  readonly recordKeySecretArn: string;
  /** ARN of the secret holding the integrity key of decided exemptions (responder and approval endpoint). */
  readonly exemptionKeySecretArn: string;
  /** The security account, where the central stack is (`WARDEN_SECURITY_ACCOUNT`): its resources are the bot's own. */
  readonly securityAccount: string;
  /** The central stack's name (`WARDEN_STACK_NAME`): its resources are named `<name>-…`. */
  readonly centralStackName: string;
}

/** The responder's environment. @throws MissingEnvironmentError naming the first missing variable. */
export function readResponderEnv(env: NodeJS.ProcessEnv = process.env): ResponderEnv {
  return {
    ...readScannerEnv(env),
    recordKeySecretArn: requireEnv('WARDEN_RECORD_KEY_SECRET_ARN', env),
    exemptionKeySecretArn: requireEnv('WARDEN_EXEMPTION_KEY_SECRET_ARN', env),
  };
}

export interface NotifierEnv {
  readonly region: string;
  readonly tableName: string;
  readonly topicArn: string;
  /** ARN of the Secrets Manager secret holding the Slack bot token (the token itself is never in the environment). */
  readonly slackTokenSecretArn: string;
  /** The Warden configuration as JSON (validated by `parseConfig`). */
  readonly configJson: string;
  /** Optional override of `https://slack.com/api/` (`WARDEN_SLACK_API_URL`, checked by `parseSlackApiUrl`). */
  readonly slackApiUrl?: string;
}

/** The notifier's environment. @throws MissingEnvironmentError naming the first missing variable. */
export function readNotifierEnv(env: NodeJS.ProcessEnv = process.env): NotifierEnv {
  const slackApiUrl = env.WARDEN_SLACK_API_URL?.trim();
  return {
    region: requireEnv('AWS_REGION', env),
    tableName: requireEnv('WARDEN_TABLE_NAME', env),
    topicArn: requireEnv('WARDEN_TOPIC_ARN', env),
    slackTokenSecretArn: requireEnv('WARDEN_SLACK_TOKEN_SECRET_ARN', env),
    configJson: requireEnv('WARDEN_CONFIG', env),
    ...(slackApiUrl === undefined || slackApiUrl === '' ? {} : { slackApiUrl }),
  };
}

export interface ApprovalEnv {
  readonly region: string;
  readonly tableName: string;
  /** Name (or ARN) of the Warden event bus the "Warden Decision" events go to. */
  readonly eventBusName: string;
  /** ARN of the Secrets Manager secret holding the Slack bot token (the value is read at run time, never logged). */
  readonly slackTokenSecretArn: string;
  /** ARN of the Secrets Manager secret holding the Slack signing secret. */
  readonly slackSigningSecretArn: string;
  /** The Warden configuration as JSON (validated by `parseConfig`). */
  readonly configJson: string;
  /** ARN of the secret holding the integrity key of decided exemptions ("Reject and exempt" signs them). */
  readonly exemptionKeySecretArn: string;
}

/** The approval endpoint's environment. @throws MissingEnvironmentError naming the first missing variable. */
export function readApprovalEnv(env: NodeJS.ProcessEnv = process.env): ApprovalEnv {
  return {
    region: requireEnv('AWS_REGION', env),
    tableName: requireEnv('WARDEN_TABLE_NAME', env),
    eventBusName: requireEnv('WARDEN_EVENT_BUS_NAME', env),
    slackTokenSecretArn: requireEnv('WARDEN_SLACK_TOKEN_SECRET_ARN', env),
    slackSigningSecretArn: requireEnv('WARDEN_SLACK_SIGNING_SECRET_ARN', env),
    configJson: requireEnv('WARDEN_CONFIG', env),
    exemptionKeySecretArn: requireEnv('WARDEN_EXEMPTION_KEY_SECRET_ARN', env),
  };
}

/** The scheduled scanner reads the responder's variables but the integrity keys (it writes no record or exemption). */
export type ScannerEnv = Omit<ResponderEnv, 'recordKeySecretArn' | 'exemptionKeySecretArn'>;

/** The scanner's environment. @throws MissingEnvironmentError naming the first missing variable. */
export function readScannerEnv(env: NodeJS.ProcessEnv = process.env): ScannerEnv {
  return {
    region: requireEnv('AWS_REGION', env),
    eventBusName: requireEnv('WARDEN_EVENT_BUS_NAME', env),
    tableName: requireEnv('WARDEN_TABLE_NAME', env),
    configJson: requireEnv('WARDEN_CONFIG', env),
    baselineKeySecretArn: requireEnv('WARDEN_BASELINE_KEY_SECRET_ARN', env),
    securityAccount: requireEnv('WARDEN_SECURITY_ACCOUNT', env),
    centralStackName: requireEnv('WARDEN_STACK_NAME', env),
  };
}

export interface HeartbeatEnv {
  readonly region: string;
  /** Name (or ARN) of the Warden event bus the heartbeat alerts go to. */
  readonly eventBusName: string;
  readonly tableName: string;
  /** The Warden configuration as JSON (accounts, regions and `heartbeat` are read). */
  readonly configJson: string;
}

/** The heartbeat function's environment. @throws MissingEnvironmentError naming the first missing variable. */
export function readHeartbeatEnv(env: NodeJS.ProcessEnv = process.env): HeartbeatEnv {
  return {
    region: requireEnv('AWS_REGION', env),
    eventBusName: requireEnv('WARDEN_EVENT_BUS_NAME', env),
    tableName: requireEnv('WARDEN_TABLE_NAME', env),
    configJson: requireEnv('WARDEN_CONFIG', env),
  };
}
