import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MissingEnvironmentError, readResponderEnv } from '../../../functions/shared/env';
import type { ResponseRecord } from '../../../functions/shared/responder/responder';
import type { DecisionRecord } from '../../../functions/shared/responder/decision-runner';
import { DynamoDbStateStore } from '../../../functions/shared/store/dynamodb-state-store';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { InMemoryAccount } from '../../../sim/in-memory-account';
import { installLambdaMock } from '../../../sim/lambda-mock';
import { ACCOUNT, REGION } from '../../fixtures/accounts';
import { addPermissionEvent } from '../../fixtures/cloudtrail';
import { RESPONDER_ENV } from '../../fixtures/responder-env';
import { installDynamoDbFake } from '../shared/store/dynamodb-fake';

const ENV = {
  ...RESPONDER_ENV,
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
};

const account = new InMemoryAccount({ defaultAccount: ACCOUNT, defaultRegion: REGION });
const lambda = installLambdaMock(account, mockClient(LambdaClient));
const table = installDynamoDbFake();
const sts = mockClient(STSClient);
const eventBridge = mockClient(EventBridgeClient);
const secrets = mockClient(SecretsManagerClient);
const BASELINE_KEY = 'q8Vw3ZpL0tXk7Rj2Nc5Hs9Gm4Bd6Fy1QaE8uTo3Wi7Ky0';
const RECORD_KEY = 'Rk7Lm2Np9Qs4Tv6Wx1Yz3Ab8Cd5Ef0Gh2Ij4Kl6Mn8Op1';
const EXEMPTION_KEY = 'Ex3Mp9Ti0On5Ke7Yv2Al4Ue6Xy8Zw1Qr3St5Uv7Wx9Yz2';
const entries: PutEventsRequestEntry[] = [];
const saved = { ...process.env };

beforeAll(() => {
  Object.assign(process.env, ENV);
  secrets.on(GetSecretValueCommand, { SecretId: ENV.WARDEN_BASELINE_KEY_SECRET_ARN }).resolves({ SecretString: BASELINE_KEY });
  secrets.on(GetSecretValueCommand, { SecretId: ENV.WARDEN_RECORD_KEY_SECRET_ARN }).resolves({ SecretString: RECORD_KEY });
  secrets.on(GetSecretValueCommand, { SecretId: ENV.WARDEN_EXEMPTION_KEY_SECRET_ARN }).resolves({ SecretString: EXEMPTION_KEY });
  sts.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'ASIAFAKE', SecretAccessKey: 'fake', SessionToken: 't', Expiration: new Date(Date.now() + 3_600_000) } });
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries?: PutEventsRequestEntry[] }) => {
    entries.push(...(input.Entries ?? []));
    return { FailedEntryCount: 0 };
  });
});
afterAll(() => {
  process.env = saved;
  lambda.mock.restore();
  table.restore();
  sts.restore();
  eventBridge.restore();
  secrets.restore();
});

describe('responder handler', () => {
  it('runs the deployed wiring: DynamoDB claim, remediation, events on the bus, metrics', async () => {
    const { handler } = await import('../../../functions/responder/handler');
    const { metrics } = await import('../../../functions/shared/observability');
    const counted = vi.spyOn(metrics, 'addMetric');
    const event = addPermissionEvent({ statementId: 'open', principal: '*' });
    account.replay(event);
    const record = (await handler(JSON.parse(JSON.stringify(event)))) as ResponseRecord;
    expect(record.outcomes.map((o) => o.status)).toEqual(['remediated']);
    expect(account.lambda.policyDocument({ kind: 'lambda-function', account: ACCOUNT, region: REGION, functionName: 'orders-api' })).toBeNull();
    expect(entries.map((e) => [e.EventBusName, e.Source, e.DetailType])).toEqual([
      ['WardenBus', 'lambda-warden', 'Warden Finding'],
      ['WardenBus', 'lambda-warden', 'Warden Remediation'],
    ]);
    expect([...table.items.values()].map((item) => [item.pk, item.status ?? item.count])).toEqual([
      [`FINDING#${record.findings[0]?.id ?? ''}`, 'done'],
      // The circuit breaker's counters: the principal whose change was reverted, its account, the organization.
      [`COUNTER#auto-remediations#principal#arn:aws:iam::${ACCOUNT}:user/alice`, 1],
      [`COUNTER#auto-remediations#account#${ACCOUNT}`, 1],
      ['COUNTER#auto-remediations#global', 1],
      // The record behind Slack's "Restore" button (issue #6): the inverse plan, pending.
      [`APPROVAL#${record.outcomes[0]?.restore?.id ?? 'none'}`, 'pending'],
    ]);
    expect(record.outcomes[0]?.restore?.id).toMatch(/^wr-[0-9a-f]{24}$/);
    expect(counted.mock.calls.map((call) => call[0])).toEqual(expect.arrayContaining(['Findings', 'Remediations']));

    // A redelivery after the fix finds a compliant function: rules judge the current state.
    const again = (await handler(JSON.parse(JSON.stringify(event)))) as ResponseRecord;
    expect(again.findings).toEqual([]);
    expect(entries).toHaveLength(2);
    // …and saves it as the function's baseline in the same table, keyed with the secret's key (read once).
    const baseline = table.items.get(`BASELINE#arn:aws:lambda:${REGION}:${ACCOUNT}:function:orders-api\u0000BASELINE`);
    expect(JSON.parse(String(baseline?.baseline))).toMatchObject({ content: { policy: { value: null } }, integrity: expect.stringMatching(/^hmac-sha256:v1:[\w-]{43}$/) as unknown });
    // The baseline key and the record integrity key (the Restore record is signed), each read once.
    expect(secrets.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input.SecretId).sort()).toEqual([ENV.WARDEN_BASELINE_KEY_SECRET_ARN, ENV.WARDEN_RECORD_KEY_SECRET_ARN].sort());
    const restore = table.items.get(`APPROVAL#${record.outcomes[0]?.restore?.id ?? 'none'}\u0000APPROVAL`);
    expect(restore?.tag).toMatch(/^v1:[A-Za-z0-9_-]{43}$/);
    for (const key of [BASELINE_KEY, RECORD_KEY, EXEMPTION_KEY]) expect(JSON.stringify([...table.items.values()])).not.toContain(key);
  });

  it('runs a "Restore" decision once through the deployed wiring: the statement is back, duplicates do nothing', async () => {
    const { handler } = await import('../../../functions/responder/handler');
    const event = addPermissionEvent({ statementId: 'webhook', principal: '*' });
    account.replay(event);
    const reverted = (await handler(JSON.parse(JSON.stringify(event)))) as ResponseRecord;
    const restoreId = reverted.outcomes[0]?.restore?.id ?? '';
    const finding = reverted.findings[0];
    if (finding === undefined) throw new Error('no finding');
    const store = new DynamoDbStateStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: REGION })), ENV.WARDEN_TABLE_NAME);
    expect((await store.decideApproval({ id: restoreId, decision: 'restored', by: 'U0APPROVER', now: new Date() })).ok).toBe(true);
    entries.length = 0;
    const decision = {
      version: '0',
      id: 'd-1',
      source: 'lambda-warden',
      'detail-type': 'Warden Decision',
      account: ACCOUNT,
      region: REGION,
      time: new Date().toISOString(),
      resources: [finding.resource],
      detail: {
        recordId: restoreId,
        findingId: finding.id,
        eventId: event.detail.eventID,
        ruleId: finding.ruleId,
        resource: finding.resource,
        account: ACCOUNT,
        region: REGION,
        decision: 'restored',
        by: { userId: 'U0APPROVER' },
        at: new Date().toISOString(),
        plan: { action: 'remove-function-permission', call: 'forged: ignored', description: 'the store is the authority' },
      },
    };
    const records = (await Promise.all([handler(structuredClone(decision)), handler(structuredClone(decision))])) as DecisionRecord[];
    expect(records.map((r) => r.status).sort()).toEqual(['duplicate', 'ran']);
    const sids = (account.lambda.policyDocument({ kind: 'lambda-function', account: ACCOUNT, region: REGION, functionName: 'orders-api' })?.Statement as { Sid?: string }[]).map((st) => st.Sid);
    expect(sids).toContain('webhook');
    expect(lambda.callsOf('AddPermission')).toHaveLength(1);
    expect(entries.map((e) => e.DetailType)).toEqual(['Warden Remediation']);
    expect(JSON.parse(entries[0]?.Detail ?? '{}')).toMatchObject({ recordId: restoreId, decision: 'restored', status: 'remediated', restore: { id: restoreId }, plan: { action: 'add-function-permission' } });
    // The Restore's exemption is signed with the exemption key; the record key and the exemption key are read once each.
    expect(table.items.get(`EXEMPTION#${finding.resource}\u0000RULE#${finding.ruleId}`)?.tag).toMatch(/^v1:/);
    expect(secrets.commandCalls(GetSecretValueCommand).filter((call) => call.args[0].input.SecretId === ENV.WARDEN_EXEMPTION_KEY_SECRET_ARN)).toHaveLength(1);
    expect(secrets.commandCalls(GetSecretValueCommand).filter((call) => call.args[0].input.SecretId === ENV.WARDEN_RECORD_KEY_SECRET_ARN)).toHaveLength(1);
  });

  it('throws on an invalid event so the invocation is retried, then dead-lettered', async () => {
    const { handler } = await import('../../../functions/responder/handler');
    await expect(handler({ 'detail-type': 'AWS API Call via CloudTrail' })).rejects.toThrow(/Invalid CloudTrail event/);
  });

  it.each(['AWS_REGION', 'WARDEN_EVENT_BUS_NAME', 'WARDEN_TABLE_NAME', 'WARDEN_CONFIG', 'WARDEN_BASELINE_KEY_SECRET_ARN', 'WARDEN_RECORD_KEY_SECRET_ARN', 'WARDEN_EXEMPTION_KEY_SECRET_ARN', 'WARDEN_SECURITY_ACCOUNT', 'WARDEN_STACK_NAME'])('refuses to start without %s', (name) => {
    const env = { ...ENV, [name]: '' };
    expect(() => readResponderEnv(env)).toThrow(MissingEnvironmentError);
    expect(() => readResponderEnv(env)).toThrow(name);
  });
});
