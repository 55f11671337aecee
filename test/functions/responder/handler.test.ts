import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MissingEnvironmentError, readResponderEnv } from '../../../functions/shared/env';
import { InMemoryAccount } from '../../../sim/in-memory-account';
import { installLambdaMock } from '../../../sim/lambda-mock';
import { ACCOUNT, ORG_ACCOUNT, REGION } from '../../fixtures/accounts';
import { addPermissionEvent } from '../../fixtures/cloudtrail';
import { installDynamoDbFake } from '../shared/store/dynamodb-fake';

const ENV = {
  AWS_REGION: REGION,
  WARDEN_EVENT_BUS_NAME: 'WardenBus',
  WARDEN_TABLE_NAME: 'WardenState',
  WARDEN_CONFIG: JSON.stringify({ organization: { accounts: [ACCOUNT, ORG_ACCOUNT] }, dryRun: false }),
  WARDEN_BASELINE_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:999988887777:secret:warden/baseline-key-AbCdEf',
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
const entries: PutEventsRequestEntry[] = [];
const saved = { ...process.env };

beforeAll(() => {
  Object.assign(process.env, ENV);
  secrets.on(GetSecretValueCommand, { SecretId: ENV.WARDEN_BASELINE_KEY_SECRET_ARN }).resolves({ SecretString: BASELINE_KEY });
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
    const record = await handler(JSON.parse(JSON.stringify(event)));
    expect(record.outcomes.map((o) => o.status)).toEqual(['remediated']);
    expect(account.lambda.policyDocument({ kind: 'lambda-function', account: ACCOUNT, region: REGION, functionName: 'orders-api' })).toBeNull();
    expect(entries.map((e) => [e.EventBusName, e.Source, e.DetailType])).toEqual([
      ['WardenBus', 'lambda-warden', 'Warden Finding'],
      ['WardenBus', 'lambda-warden', 'Warden Remediation'],
    ]);
    expect([...table.items.values()].map((item) => [item.pk, item.status ?? item.count])).toEqual([
      [`FINDING#${record.findings[0]?.id ?? ''}`, 'done'],
      ['COUNTER#auto-remediations', 1],
    ]);
    expect(counted.mock.calls.map((call) => call[0])).toEqual(expect.arrayContaining(['Findings', 'Remediations']));

    // A redelivery after the fix finds a compliant function: rules judge the current state.
    const again = await handler(JSON.parse(JSON.stringify(event)));
    expect(again.findings).toEqual([]);
    expect(entries).toHaveLength(2);
    // …and saves it as the function's baseline in the same table, keyed with the secret's key (read once).
    const baseline = table.items.get(`BASELINE#arn:aws:lambda:${REGION}:${ACCOUNT}:function:orders-api\u0000BASELINE`);
    expect(JSON.parse(String(baseline?.baseline))).toMatchObject({ policy: { value: null } });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(JSON.stringify([...table.items.values()])).not.toContain(BASELINE_KEY);
  });

  it('throws on an invalid event so the invocation is retried, then dead-lettered', async () => {
    const { handler } = await import('../../../functions/responder/handler');
    await expect(handler({ 'detail-type': 'AWS API Call via CloudTrail' })).rejects.toThrow(/Invalid CloudTrail event/);
  });

  it.each(['AWS_REGION', 'WARDEN_EVENT_BUS_NAME', 'WARDEN_TABLE_NAME', 'WARDEN_CONFIG', 'WARDEN_BASELINE_KEY_SECRET_ARN'])('refuses to start without %s', (name) => {
    const env = { ...ENV, [name]: '' };
    expect(() => readResponderEnv(env)).toThrow(MissingEnvironmentError);
    expect(() => readResponderEnv(env)).toThrow(name);
  });
});
