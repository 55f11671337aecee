import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig, type WardenConfig } from '../../../../functions/shared/config/config';
import { DynamoDbHeartbeatStore, HEARTBEAT_PARTITION } from '../../../../functions/shared/heartbeat/dynamodb-heartbeat-store';
import { checkHeartbeats, recordHeartbeat, MAX_ALERTS_PER_CHECK } from '../../../../functions/shared/heartbeat/heartbeat';
import { InMemoryHeartbeatStore, type HeartbeatStore } from '../../../../functions/shared/heartbeat/heartbeat-store';
import { RecordingSink, type EventSink } from '../../../../functions/shared/bus/warden-events';
import { DETAIL_TYPES, type Alert, type WardenEvent } from '../../../../functions/shared/contract/warden-events';
import { heartbeatRuleArn } from '../../../../functions/shared/self/member-resources';
import { ACCOUNT, FOREIGN_ACCOUNT, ORG_ACCOUNT, ORG_ID } from '../../../fixtures/accounts';
import { installDynamoDbFake, type FakeTable } from '../store/dynamodb-fake';

/** The detail of a "Warden Alert" (the heartbeat emits nothing else; any other event fails the test). */
function alertOf(event: WardenEvent | undefined): Alert {
  if (event?.detailType !== DETAIL_TYPES.alert) throw new Error(`expected a Warden Alert, got ${String(event?.detailType)}`);
  return event.detail;
}

const CONFIG: WardenConfig = parseConfig({
  organization: { id: ORG_ID, accounts: [ACCOUNT, ORG_ACCOUNT] },
  deployment: { regions: ['us-east-1', 'eu-west-1'] },
  heartbeat: { rateMinutes: 5, silenceMinutes: 30 },
});
const T0 = Date.parse('2025-03-14T09:00:00Z');
const at = (minutes: number): Date => new Date(T0 + minutes * 60_000);

/** The scheduled event the member's heartbeat rule forwards. */
function beat(account: string, region: string, minutes: number, resources = [heartbeatRuleArn('aws', account, region)]): Record<string, unknown> {
  return { version: '0', id: `beat-${account}-${region}-${String(minutes)}`, 'detail-type': 'Scheduled Event', source: 'aws.events', account, time: at(minutes).toISOString(), region, resources, detail: {} };
}

let table: FakeTable | undefined;
afterEach(() => {
  table?.restore();
  table = undefined;
});

const STORES: [string, () => HeartbeatStore][] = [
  ['in memory', () => new InMemoryHeartbeatStore()],
  [
    'DynamoDB',
    () => {
      table = installDynamoDbFake();
      return new DynamoDbHeartbeatStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), 'warden-state');
    },
  ],
];

describe.each(STORES)('heartbeats (%s store)', (_name, createStore) => {
  /** Every pair beats at `minutes`, except those listed as silent. */
  async function allBeat(store: HeartbeatStore, minutes: number, silent: readonly string[] = []): Promise<void> {
    for (const account of CONFIG.organization.accounts) {
      for (const region of CONFIG.deployment.regions) {
        if (!silent.includes(`${account}#${region}`)) expect(await recordHeartbeat(beat(account, region, minutes), { config: CONFIG, store, now: at(minutes) })).toMatchObject({ status: 'recorded' });
      }
    }
  }

  function alerts(sink: RecordingSink): { kind: unknown; account: unknown; region: unknown; severity: unknown }[] {
    return sink.events.map(alertOf).map((a) => ({ kind: a.kind, account: a.account, region: a.region, severity: a.severity }));
  }

  it('alerts once when a pair stops sending, not at every check, and says so when it resumes', async () => {
    const store = createStore();
    const sink = new RecordingSink();
    const check = (minutes: number) => checkHeartbeats({ config: CONFIG, store, sink, now: at(minutes) });
    await check(0);
    for (let m = 0; m <= 20; m += 5) await allBeat(store, m);
    // ACCOUNT × eu-west-1 falls silent after minute 20 (its forwarding rule disabled, say).
    for (let m = 25; m <= 60; m += 5) {
      await allBeat(store, m, [`${ACCOUNT}#eu-west-1`]);
      await check(m);
    }
    expect(alerts(sink)).toEqual([{ kind: 'heartbeat-silent', account: ACCOUNT, region: 'eu-west-1', severity: 'critical' }]);
    expect(alertOf(sink.events[0]).summary).toMatch(/^No heartbeat from account 111122223333 in eu-west-1 for 35 minutes \(last heartbeat at 2025-03-14T09:20:00.000Z; limit 30\)/);
    expect(sink.events[0]?.resources).toEqual([`arn:aws:events:eu-west-1:${ACCOUNT}:rule/warden-forward-heartbeat`]);

    await allBeat(store, 65);
    await check(65);
    await check(70);
    expect(alerts(sink).slice(1)).toEqual([{ kind: 'heartbeat-resumed', account: ACCOUNT, region: 'eu-west-1', severity: 'critical' }]);
    expect(sink.events[1]?.detail).toMatchObject({ silentSince: '2025-03-14T09:20:00.000Z', resumedAt: at(65).toISOString() });

    // A second silence is a second alert.
    for (let m = 70; m <= 100; m += 5) await check(m);
    expect(alerts(sink).map((a) => a.kind)).toEqual(['heartbeat-silent', 'heartbeat-resumed', 'heartbeat-silent', 'heartbeat-silent', 'heartbeat-silent', 'heartbeat-silent']);
    expect(new Set(alerts(sink).slice(2).map((a) => `${String(a.account)}#${String(a.region)}`)).size).toBe(4);
  });

  it('reports a quiet but healthy account as nothing: heartbeats, not changes, are what counts', async () => {
    const store = createStore();
    const sink = new RecordingSink();
    for (let m = 0; m <= 240; m += 5) {
      await allBeat(store, m);
      await checkHeartbeats({ config: CONFIG, store, sink, now: at(m + 2) });
    }
    expect(sink.events).toEqual([]);
  });

  it('watches a configured pair that never sent a heartbeat from the first check, and alerts after the silence limit', async () => {
    const store = createStore();
    const sink = new RecordingSink();
    const first = await checkHeartbeats({ config: CONFIG, store, sink, now: at(0) });
    expect(first).toMatchObject({ watched: 4, startedWatching: 4, newlySilent: [] });
    await allBeat(store, 10, [`${ORG_ACCOUNT}#us-east-1`]);
    await checkHeartbeats({ config: CONFIG, store, sink, now: at(29) });
    expect(sink.events).toEqual([]);
    const late = await checkHeartbeats({ config: CONFIG, store, sink, now: at(31) });
    expect(late.newlySilent).toEqual([{ account: ORG_ACCOUNT, region: 'us-east-1' }]);
    expect(alertOf(sink.events[0]).summary).toMatch(/no heartbeat since it was first watched at 2025-03-14T09:00:00.000Z/);
  });

  it('ignores pairs that are not in the configuration: their heartbeats are refused and nothing is reported', async () => {
    const store = createStore();
    const sink = new RecordingSink();
    expect(await recordHeartbeat(beat(FOREIGN_ACCOUNT, 'us-east-1', 0), { config: CONFIG, store, now: at(0) })).toEqual({
      status: 'refused',
      reason: `${FOREIGN_ACCOUNT} × us-east-1 is not a configured account × region`,
    });
    expect(await recordHeartbeat(beat(ACCOUNT, 'ap-south-1', 0), { config: CONFIG, store, now: at(0) })).toMatchObject({ status: 'refused' });
    expect(await store.listBeats()).toEqual([]);
    // A record left by an older configuration is never reported.
    await store.recordBeat({ account: FOREIGN_ACCOUNT, region: 'us-east-1' }, at(0).toISOString());
    await checkHeartbeats({ config: CONFIG, store, sink, now: at(0) });
    await allBeat(store, 60);
    await checkHeartbeats({ config: CONFIG, store, sink, now: at(61) });
    expect(sink.events).toEqual([]);
  });

  it('refuses a scheduled event of any other rule, and never moves the last heartbeat back', async () => {
    const store = createStore();
    const own = { config: CONFIG, store, now: at(10) };
    expect(await recordHeartbeat(beat(ACCOUNT, 'us-east-1', 10, [`arn:aws:events:us-east-1:${ACCOUNT}:rule/keep-alive`]), own)).toEqual({
      status: 'refused',
      reason: 'not sent by the heartbeat rule of its account and region',
    });
    expect(await recordHeartbeat(beat(ACCOUNT, 'us-east-1', 10, [heartbeatRuleArn('aws', ORG_ACCOUNT, 'us-east-1')]), own)).toMatchObject({ status: 'refused' });
    expect(await recordHeartbeat({ source: 'aws.lambda' }, own)).toEqual({ status: 'refused', reason: 'not a scheduled event' });
    expect(await store.listBeats()).toEqual([]);

    await recordHeartbeat(beat(ACCOUNT, 'us-east-1', 10), own);
    await recordHeartbeat(beat(ACCOUNT, 'us-east-1', 5), own);
    // A heartbeat stamped in the future counts from now.
    await recordHeartbeat(beat(ACCOUNT, 'eu-west-1', 90), own);
    const records = Object.fromEntries((await store.listBeats()).map((r) => [r.region, r.lastSeen]));
    expect(records).toEqual({ 'us-east-1': at(10).toISOString(), 'eu-west-1': at(10).toISOString() });
  });

  it('gives a transition back when its alert cannot be published, so the next check reports it', async () => {
    const store = createStore();
    const failing: EventSink = { publish: () => Promise.reject(new Error('PutEvents throttled')) };
    await checkHeartbeats({ config: CONFIG, store, sink: failing, now: at(0) });
    await expect(checkHeartbeats({ config: CONFIG, store, sink: failing, now: at(31) })).rejects.toThrow('PutEvents throttled');
    const sink = new RecordingSink();
    const retried = await checkHeartbeats({ config: CONFIG, store, sink, now: at(32) });
    expect(retried.newlySilent).toHaveLength(4);
    expect(sink.events.map((e) => alertOf(e).kind)).toEqual(['heartbeat-silent', 'heartbeat-silent', 'heartbeat-silent', 'heartbeat-silent']);
  });

  it('folds more than the per-check limit of newly silent pairs into one alert', async () => {
    const accounts = Array.from({ length: 6 }, (_, i) => String(100000000000 + i));
    const config = parseConfig({ organization: { id: ORG_ID, accounts }, deployment: { regions: ['us-east-1', 'eu-west-1'] } });
    const store = createStore();
    const sink = new RecordingSink();
    await checkHeartbeats({ config, store, sink, now: at(0) });
    const result = await checkHeartbeats({ config, store, sink, now: at(31) });
    expect(result.newlySilent.length).toBeGreaterThan(MAX_ALERTS_PER_CHECK);
    expect(sink.events).toHaveLength(1);
    const detail = alertOf(sink.events[0]);
    expect(detail).toMatchObject({ kind: 'heartbeat-silent', severity: 'critical', silentSince: at(0).toISOString() });
    expect(detail.silentPairs).toHaveLength(12);
    expect(detail.summary).toMatch(/^No heartbeat for more than 30 minutes from 12 account × region pairs at once/);
  });
});

describe('the DynamoDB heartbeat store', () => {
  it('writes only items under its own partition key, and a heartbeat is one update', async () => {
    const store = STORES[1]?.[1]();
    if (store === undefined || table === undefined) throw new Error('no store');
    await recordHeartbeat(beat(ACCOUNT, 'us-east-1', 0), { config: CONFIG, store, now: at(0) });
    expect(table.calls.map((c) => c.command)).toEqual(['Update']);
    await checkHeartbeats({ config: CONFIG, store, sink: new RecordingSink(), now: at(40) });
    expect([...table.items.values()].map((item) => item.pk)).toEqual(Array.from({ length: 4 }, () => HEARTBEAT_PARTITION));
    expect(new Set(table.calls.map((c) => (c.input.Key as { pk?: string } | undefined)?.pk ?? (c.input.ExpressionAttributeValues as { ':pk'?: string })[':pk']))).toEqual(new Set([HEARTBEAT_PARTITION]));
  });
});
