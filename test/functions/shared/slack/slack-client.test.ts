import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { clearSlackTokenCache, createSlackClient, InvalidSlackApiUrlError, parseSlackApiUrl, slackBotToken, slackClientOptions, SlackTokenError } from '../../../../functions/shared/slack/slack-client';
import { startSlackApiServer } from './slack-api-server';

const ARN = 'arn:aws:secretsmanager:us-east-1:999988887777:secret:warden/slack-bot-token-AbCdEf';
const secrets = mockClient(SecretsManagerClient);
const client = new SecretsManagerClient({ region: 'us-east-1' });

beforeEach(() => {
  secrets.reset();
  clearSlackTokenCache();
});
afterAll(() => {
  secrets.restore();
});

describe('slackBotToken', () => {
  it('reads the token once per container', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: ' xoxb-1-2-abc \n' });
    expect(await Promise.all([slackBotToken(client, ARN), slackBotToken(client, ARN)])).toEqual(['xoxb-1-2-abc', 'xoxb-1-2-abc']);
    expect(await slackBotToken(client, ARN)).toBe('xoxb-1-2-abc');
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('does not cache a failed read, and names the secret but never its value', async () => {
    secrets.on(GetSecretValueCommand).rejectsOnce(Object.assign(new Error('denied'), { name: 'AccessDeniedException' })).resolvesOnce({ SecretString: 'hunter2-not-a-token' });
    await expect(slackBotToken(client, ARN)).rejects.toThrow(new SlackTokenError(`Reading the Slack bot token from ${ARN} failed: AccessDeniedException`));
    const error = await slackBotToken(client, ARN).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackTokenError);
    expect(String(error)).toContain(ARN);
    expect(String(error)).not.toContain('hunter2');
  });
});

describe('the WebClient', () => {
  it('retries little, times out, rejects rate-limited calls and never follows absolute URLs', () => {
    expect(slackClientOptions()).toMatchObject({ slackApiUrl: 'https://slack.com/api/', retryConfig: { retries: 2 }, timeout: 5000, rejectRateLimitedCalls: true, allowAbsoluteUrls: false });
  });

  it('retries a 5xx twice, then fails', async () => {
    const server = await startSlackApiServer();
    try {
      secrets.on(GetSecretValueCommand).resolves({ SecretString: 'xoxb-1-2-abc' });
      server.script('chat.postMessage', ...Array.from({ length: 3 }, () => ({ status: 503, body: { ok: false } })));
      const slack = await createSlackClient({ secrets: client, tokenSecretArn: ARN, slackApiUrl: server.url });
      await expect(slack.chat.postMessage({ channel: 'C0X', text: 'hi' })).rejects.toThrow();
      expect(server.calls).toHaveLength(3);
    } finally {
      await server.close();
    }
  });
});

describe('parseSlackApiUrl', () => {
  it.each([
    ['https://slack.example.com/api', 'https://slack.example.com/api/'],
    ['http://127.0.0.1:8080/api/', 'http://127.0.0.1:8080/api/'],
    ['http://localhost:1/', 'http://localhost:1/'],
  ])('accepts %s', (input, expected) => {
    expect(parseSlackApiUrl(input)).toBe(expected);
  });

  it.each(['http://slack.example.com/api/', 'ftp://127.0.0.1/', 'not a url'])('refuses %s', (input) => {
    expect(() => parseSlackApiUrl(input)).toThrow(InvalidSlackApiUrlError);
  });
});
