import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BUTTON_ACTIONS } from '../../../functions/shared/contract/decision';
import { MissingEnvironmentError, readApprovalEnv } from '../../../functions/shared/env';
import type { Finding } from '../../../functions/shared/contract/finding';
import { slackSignature } from '../../../functions/shared/slack/signature';
import { DynamoDbStateStore } from '../../../functions/shared/store/dynamodb-state-store';
import { ACCOUNT, FUNCTION_ARN, REGION } from '../../fixtures/accounts';
import { installDynamoDbFake } from '../shared/store/dynamodb-fake';

const TOKEN_ARN = 'arn:aws:secretsmanager:us-east-1:999988887777:secret:SlackBotToken-AbCdEf';
const SIGNING_ARN = 'arn:aws:secretsmanager:us-east-1:999988887777:secret:SlackSigningSecret-GhIjKl';
const EXEMPTION_KEY_ARN = 'arn:aws:secretsmanager:us-east-1:999988887777:secret:ExemptionIntegrityKey-MnOpQr';
const SIGNING_SECRET = 'handler-test-signing-secret-4f1c';
const EXEMPTION_KEY = 'Ex3Mp9Ti0On5Ke7Yv2Al4Ue6Xy8Zw1Qr3St5Uv7Wx9Yz2';
const BOT_TOKEN = 'xoxb-handler-test-token';
const APPROVER = 'U0APPROVER1';
const RECORD_ID = 'wa-0123456789abcdef01234567';

const ENV = {
  AWS_REGION: REGION,
  WARDEN_TABLE_NAME: 'WardenState',
  WARDEN_EVENT_BUS_NAME: 'WardenBus',
  WARDEN_SLACK_TOKEN_SECRET_ARN: TOKEN_ARN,
  WARDEN_SLACK_SIGNING_SECRET_ARN: SIGNING_ARN,
  WARDEN_EXEMPTION_KEY_SECRET_ARN: EXEMPTION_KEY_ARN,
  WARDEN_CONFIG: JSON.stringify({ organization: { accounts: [ACCOUNT] }, dryRun: false, slack: { approvers: { userIds: [APPROVER] } } }),
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};

const FINDING: Finding = {
  id: 'wf-0123456789abcdef0123',
  ruleId: 'function-public-access',
  title: 'Function resource policy lets any principal invoke it',
  severity: 'critical',
  mode: 'approve',
  resource: FUNCTION_ARN,
  account: ACCOUNT,
  region: REGION,
  summary: 'public',
  rationale: 'why',
  details: {},
  remediation: { action: 'remove-function-permission', params: { functionName: FUNCTION_ARN, statementId: 'open' }, description: 'removes it' },
};

const table = installDynamoDbFake();
const secrets = mockClient(SecretsManagerClient);
const eventBridge = mockClient(EventBridgeClient);
const entries: PutEventsRequestEntry[] = [];
const secretReads: string[] = [];
const saved = { ...process.env };

beforeAll(() => {
  Object.assign(process.env, ENV);
  secrets.on(GetSecretValueCommand).callsFake((input: { SecretId?: string }) => {
    secretReads.push(input.SecretId ?? '');
    if (input.SecretId === EXEMPTION_KEY_ARN) return { SecretString: EXEMPTION_KEY };
    return { SecretString: input.SecretId === SIGNING_ARN ? `${SIGNING_SECRET}\n` : BOT_TOKEN };
  });
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries?: PutEventsRequestEntry[] }) => {
    entries.push(...(input.Entries ?? []));
    return { FailedEntryCount: 0 };
  });
});
afterAll(() => {
  process.env = saved;
  table.restore();
  secrets.restore();
  eventBridge.restore();
});
beforeEach(async () => {
  table.items.clear();
  entries.length = 0;
  const store = new DynamoDbStateStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: REGION })), ENV.WARDEN_TABLE_NAME);
  const now = new Date();
  await store.createApproval({ id: RECORD_ID, findingId: FINDING.id, eventId: 'e-1', finding: FINDING, plan: FINDING.remediation!, createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + 3_600_000).toISOString() });
  table.calls.length = 0;
});

function request(options: { secret?: string; timestamp?: number; userId?: string } = {}) {
  const payload = {
    type: 'block_actions',
    user: { id: options.userId ?? APPROVER, username: 'alice' },
    actions: [{ action_id: BUTTON_ACTIONS.approve, value: RECORD_ID }],
    response_url: 'https://hooks.slack.com/actions/T0/1/abc',
    container: { message_ts: '1710408653.000100' },
    channel: { id: 'C0ALERTS01' },
  };
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  return {
    version: '2.0',
    headers: { 'x-slack-signature': slackSignature(options.secret ?? SIGNING_SECRET, timestamp, Buffer.from(body)), 'x-slack-request-timestamp': timestamp },
    body: Buffer.from(body).toString('base64'),
    isBase64Encoded: true,
  };
}

describe('approval handler (deployed wiring: Secrets Manager, DynamoDB, EventBridge)', () => {
  it.each([
    ['a wrong signing secret', { secret: 'not-the-secret' }],
    ['a timestamp ten minutes old', { timestamp: Math.floor(Date.now() / 1000) - 600 }],
  ])('answers 401 to %s and leaves the table and the bus untouched', async (_label, options) => {
    const { handler } = await import('../../../functions/approval/handler');
    const response = await handler(request(options));
    expect(response.statusCode).toBe(401);
    expect(table.calls).toEqual([]);
    expect(entries).toEqual([]);
    expect([...table.items.values()].map((item) => item.status)).toEqual(['pending']);
  });

  it('answers 401 to a request with the signature header removed', async () => {
    const { handler } = await import('../../../functions/approval/handler');
    const unsigned = request();
    const response = await handler({ ...unsigned, headers: { 'x-slack-request-timestamp': unsigned.headers['x-slack-request-timestamp'] } });
    expect(response.statusCode).toBe(401);
    expect(table.calls).toEqual([]);
  });

  it('records an approver’s decision with one conditional write and puts a Warden Decision on the bus', async () => {
    const { handler } = await import('../../../functions/approval/handler');
    const response = await handler(request());
    expect(response).toMatchObject({ statusCode: 200, body: '' });
    expect([...table.items.values()][0]).toMatchObject({ status: 'approved', decidedBy: APPROVER });
    expect(table.calls.filter((c) => c.command !== 'Get').map((c) => [c.command, typeof c.input.ConditionExpression])).toEqual([['Update', 'string']]);
    expect(entries.map((e) => [e.EventBusName, e.Source, e.DetailType])).toEqual([['WardenBus', 'lambda-warden', 'Warden Decision']]);
    expect(JSON.parse(entries[0]?.Detail ?? '{}')).toMatchObject({ recordId: RECORD_ID, decision: 'approved', by: { userId: APPROVER, userName: 'alice' }, message: { channel: 'C0ALERTS01' } });
    // Secrets are read once per container (only the signing secret: no user group needs the token).
    expect((await handler(request({ secret: 'forged' }))).statusCode).toBe(401);
    expect(secretReads).toEqual([SIGNING_ARN]);
    expect(JSON.stringify([entries, response])).not.toContain(SIGNING_SECRET);
  });

  it('reads every variable it needs, naming the missing one', () => {
    expect(readApprovalEnv(ENV)).toEqual({
      region: REGION,
      tableName: 'WardenState',
      eventBusName: 'WardenBus',
      slackTokenSecretArn: TOKEN_ARN,
      slackSigningSecretArn: SIGNING_ARN,
      configJson: ENV.WARDEN_CONFIG,
      exemptionKeySecretArn: EXEMPTION_KEY_ARN,
    });
    for (const name of Object.keys(ENV).filter((n) => n.startsWith('WARDEN_') || n === 'AWS_REGION')) {
      const env = { ...ENV, [name]: '' };
      expect(() => readApprovalEnv(env)).toThrow(MissingEnvironmentError);
      expect(() => readApprovalEnv(env)).toThrow(name);
    }
  });
});
