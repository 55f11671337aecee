/**
 * The Slack Web API client as the functions use it: the bot token read from Secrets Manager once
 * per container, few retries and a short timeout (a Lambda cannot wait the library's default 30
 * minutes), and rate-limited calls rejected at once so the invocation fails and is retried later.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { LogLevel, WebClient, type WebClientOptions } from '@slack/web-api';
import { WardenError } from '../errors';

/** The bot token could not be read, or the secret does not hold one. The message names the secret, never its value. */
export class SlackTokenError extends WardenError {}

/** The Slack API URL given in the environment is not one the bot may send its token to. */
export class InvalidSlackApiUrlError extends WardenError {}

export const SLACK_API_URL = 'https://slack.com/api/';

/** Two quick retries on network errors and 5xx; 429 is not retried here (see `rejectRateLimitedCalls`). */
export const SLACK_RETRY_CONFIG = { retries: 2, factor: 2, minTimeout: 300, maxTimeout: 1500, randomize: true } as const;
/** Per request, in milliseconds. */
export const SLACK_TIMEOUT_MS = 5000;

const tokens = new Map<string, Promise<string>>();

/** Forgets the cached tokens (tests; a rotated secret is picked up by new containers). */
export function clearSlackTokenCache(): void {
  tokens.clear();
}

async function fetchToken(secrets: SecretsManagerClient, secretArn: string): Promise<string> {
  let value: string | undefined;
  try {
    value = (await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString;
  } catch (e: unknown) {
    throw new SlackTokenError(`Reading the Slack bot token from ${secretArn} failed: ${e instanceof Error ? e.name : 'unknown error'}`, { cause: e });
  }
  const token = value?.trim() ?? '';
  if (!/^xox[a-z]-[A-Za-z0-9-]+$/.test(token)) throw new SlackTokenError(`The secret ${secretArn} does not hold a Slack bot token (expected a string starting with "xoxb-")`);
  return token;
}

/** The bot token, read once per container (a failed read is not cached). */
export function slackBotToken(secrets: SecretsManagerClient, secretArn: string): Promise<string> {
  let token = tokens.get(secretArn);
  if (token === undefined) {
    token = fetchToken(secrets, secretArn);
    tokens.set(secretArn, token);
    token.catch(() => tokens.delete(secretArn));
  }
  return token;
}

/**
 * Checks a Slack API URL override (`WARDEN_SLACK_API_URL`): https, or http to the loopback only, and
 * ending with a slash (method names are appended).
 */
export function parseSlackApiUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch (e: unknown) {
    throw new InvalidSlackApiUrlError('WARDEN_SLACK_API_URL is not a URL', { cause: e });
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
  if (!(url.protocol === 'https:' || (url.protocol === 'http:' && loopback))) throw new InvalidSlackApiUrlError('WARDEN_SLACK_API_URL must be an https URL (or http on the loopback interface)');
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}

export interface SlackClientOptions {
  readonly secrets: SecretsManagerClient;
  readonly tokenSecretArn: string;
  /** Default `https://slack.com/api/`; tests point it at a local server. */
  readonly slackApiUrl?: string;
  readonly timeoutMs?: number;
}

/** The options every Warden WebClient gets. */
export function slackClientOptions(slackApiUrl: string = SLACK_API_URL, timeoutMs: number = SLACK_TIMEOUT_MS): WebClientOptions {
  return {
    slackApiUrl,
    retryConfig: { ...SLACK_RETRY_CONFIG },
    timeout: timeoutMs,
    rejectRateLimitedCalls: true,
    // Method names never redirect the token to another host.
    allowAbsoluteUrls: false,
    logLevel: LogLevel.WARN,
  };
}

/**
 * @example
 * const slack = await createSlackClient({ secrets: new SecretsManagerClient({ region }), tokenSecretArn: env.slackTokenSecretArn });
 * await slack.chat.postMessage({ channel, text, blocks });
 */
export async function createSlackClient(options: SlackClientOptions): Promise<WebClient> {
  const token = await slackBotToken(options.secrets, options.tokenSecretArn);
  return new WebClient(token, slackClientOptions(options.slackApiUrl, options.timeoutMs));
}
