import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MissingEnvironmentError, readNotifierEnv } from '../../../functions/shared/env';
import { InvalidEventError } from '../../../functions/shared/errors';
import { InvalidSlackApiUrlError } from '../../../functions/shared/slack/slack-client';
import { installDynamoDbFake } from '../shared/store/dynamodb-fake';
import { catalogCases, findingEventOf } from '../shared/notifier/notifier-fixtures';
import { startSlackApiServer, type SlackApiServer } from '../shared/slack/slack-api-server';

const TOKEN = 'xoxb-1111-2222-handlertesttoken';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:999988887777:secret:warden/slack-bot-token-AbCdEf';
const TOPIC = 'arn:aws:sns:us-east-1:999988887777:warden';
const CASES = await catalogCases();

let server: SlackApiServer;
const table = installDynamoDbFake();
const secrets = mockClient(SecretsManagerClient);
const sns = mockClient(SNSClient);
const saved = { ...process.env };

beforeAll(async () => {
  server = await startSlackApiServer();
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    WARDEN_TABLE_NAME: 'WardenState',
    WARDEN_TOPIC_ARN: TOPIC,
    WARDEN_SLACK_TOKEN_SECRET_ARN: SECRET_ARN,
    WARDEN_CONFIG: JSON.stringify({ slack: { defaultChannel: 'C0DEFAULT' } }),
    WARDEN_SLACK_API_URL: server.url,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  secrets.on(GetSecretValueCommand).resolves({ SecretString: TOKEN });
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
});
afterAll(async () => {
  process.env = saved;
  table.restore();
  secrets.restore();
  sns.restore();
  await server.close();
});

describe('notifier handler', () => {
  it('runs the deployed wiring: token from Secrets Manager once, Slack post, DynamoDB records, SNS', async () => {
    const { handler } = await import('../../../functions/notifier/handler');
    const [a, b] = [CASES[0]!, CASES[1]!];
    expect(await handler(findingEventOf(a.finding, a.outcome))).toMatchObject({ kind: 'finding', action: 'posted', sns: true });
    expect(await handler(findingEventOf(b.finding, b.outcome))).toMatchObject({ action: 'posted' });
    expect(await handler(findingEventOf(b.finding, b.outcome))).toMatchObject({ action: 'duplicate' });

    expect(secrets.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.SecretId)).toEqual([SECRET_ARN]);
    expect(server.calls.map((c) => [c.method, c.body.channel, c.authorization])).toEqual([
      ['chat.postMessage', 'C0DEFAULT', `Bearer ${TOKEN}`],
      ['chat.postMessage', 'C0DEFAULT', `Bearer ${TOKEN}`],
    ]);
    // The token travels in the Authorization header only, never in a body.
    expect(server.calls.some((c) => c.raw.includes(TOKEN))).toBe(false);
    expect(sns.commandCalls(PublishCommand).map((c) => c.args[0].input.TopicArn)).toEqual([TOPIC, TOPIC]);
    const keys = [...table.items.values()].map((item) => String(item.pk).split('#')[0]);
    expect(keys.filter((k) => k === 'NOTIFY')).toHaveLength(2);
    expect(keys.filter((k) => k === 'MESSAGE')).toHaveLength(2);
    // Only GetItem, PutItem and UpdateItem (the notifier's grant): no DeleteItem.
    expect(new Set(table.calls.map((c) => c.command))).toEqual(new Set(['Get', 'Put', 'Update']));
  });

  it('throws a clear error on an unknown detail-type, and posts nothing', async () => {
    const { handler } = await import('../../../functions/notifier/handler');
    const before = server.calls.length;
    await expect(handler({ id: 'x', source: 'lambda-warden', 'detail-type': 'Something Else', detail: {} })).rejects.toThrow(InvalidEventError);
    expect(server.calls).toHaveLength(before);
  });
});

describe('readNotifierEnv', () => {
  const env = { AWS_REGION: 'eu-west-1', WARDEN_TABLE_NAME: 't', WARDEN_TOPIC_ARN: TOPIC, WARDEN_SLACK_TOKEN_SECRET_ARN: SECRET_ARN, WARDEN_CONFIG: '{}' };

  it('reads every variable and names the first one missing', () => {
    expect(readNotifierEnv(env)).toEqual({ region: 'eu-west-1', tableName: 't', topicArn: TOPIC, slackTokenSecretArn: SECRET_ARN, configJson: '{}' });
    expect(readNotifierEnv({ ...env, WARDEN_SLACK_API_URL: 'https://slack.example.com/api/' }).slackApiUrl).toBe('https://slack.example.com/api/');
    expect(() => readNotifierEnv({ ...env, WARDEN_TOPIC_ARN: '' })).toThrow(new MissingEnvironmentError('Environment variable WARDEN_TOPIC_ARN is not set'));
  });

  it('refuses to send the token to a plain-http host other than the loopback', async () => {
    const { createDeployedNotifier } = await import('../../../functions/shared/notifier/deployed-notifier');
    expect(() => createDeployedNotifier({ ...readNotifierEnv(env), slackApiUrl: 'http://slack.example.com/api/' })).toThrow(InvalidSlackApiUrlError);
  });
});
