import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/heartbeat/handler';
import { HEARTBEAT_CHECK_INPUT } from '../../../functions/shared/heartbeat/heartbeat';
import { heartbeatRuleArn } from '../../../functions/shared/self/member-resources';
import { ACCOUNT, ORG_ID } from '../../fixtures/accounts';
import { installDynamoDbFake } from '../shared/store/dynamodb-fake';

const ENV = {
  AWS_REGION: 'us-east-1',
  WARDEN_EVENT_BUS_NAME: 'warden',
  WARDEN_TABLE_NAME: 'WardenState',
  WARDEN_CONFIG: JSON.stringify({ organization: { id: ORG_ID, accounts: [ACCOUNT] }, deployment: { regions: ['us-east-1'] }, heartbeat: { rateMinutes: 5, silenceMinutes: 30 } }),
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
};

const table = installDynamoDbFake();
const eventBridge = mockClient(EventBridgeClient);
const entries: PutEventsRequestEntry[] = [];
const saved = { ...process.env };

beforeAll(() => {
  Object.assign(process.env, ENV);
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries?: PutEventsRequestEntry[] }) => {
    entries.push(...(input.Entries ?? []));
    return { FailedEntryCount: 0 };
  });
});
afterAll(() => {
  process.env = saved;
  table.restore();
  eventBridge.restore();
});

describe('heartbeat handler (deployed wiring)', () => {
  it('records a forwarded heartbeat with one write, and the check alerts on the bus once the pair is silent', async () => {
    const sent = new Date(Date.now() - 45 * 60_000).toISOString();
    const beat = { version: '0', id: 'b-1', 'detail-type': 'Scheduled Event', source: 'aws.events', account: ACCOUNT, time: sent, region: 'us-east-1', resources: [heartbeatRuleArn('aws', ACCOUNT, 'us-east-1')], detail: {} };
    expect(await handler(beat)).toEqual({ kind: 'beat', outcome: { status: 'recorded', account: ACCOUNT, region: 'us-east-1', at: sent } });
    expect(table.calls.map((c) => c.command)).toEqual(['Update']);

    expect(await handler(HEARTBEAT_CHECK_INPUT)).toMatchObject({ kind: 'check', result: { newlySilent: [{ account: ACCOUNT, region: 'us-east-1' }] } });
    expect(await handler(HEARTBEAT_CHECK_INPUT)).toMatchObject({ kind: 'check', result: { newlySilent: [], stillSilent: 1 } });
    expect(entries.map((e) => [e.EventBusName, e.Source, e.DetailType, (JSON.parse(e.Detail ?? '{}') as { kind?: string }).kind])).toEqual([['warden', 'lambda-warden', 'Warden Alert', 'heartbeat-silent']]);
  });

  it('drops input that is neither a check request nor an event, without writing', async () => {
    const before = table.calls.length;
    expect(await handler({ check: 'everything' })).toEqual({ kind: 'invalid' });
    expect(table.calls.length).toBe(before);
  });
});
