import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbBaselineStore } from '../../../../functions/shared/baseline/dynamodb-baseline-store';
import { createBaselineKey, FunctionBaselineKeeper } from '../../../../functions/shared/baseline/function-baseline';
import { containsSecretFragment } from '../../../../functions/shared/secrets/secret-fragment';
import { StateStoreError } from '../../../../functions/shared/store/state-store';
import { FUNCTION_ARN } from '../../../fixtures/accounts';
import { functionSnapshot } from '../../../fixtures/snapshots';
import { installDynamoDbFake, type FakeTable } from '../store/dynamodb-fake';

const NOW = new Date('2025-03-14T09:30:00Z');
const SECRET = 'postgres://orders:Zq8#tLw2vN5pRm@db.internal:5432/orders';
const KEY = `BASELINE#${FUNCTION_ARN}\u0000BASELINE`;

let table: FakeTable;
beforeEach(() => {
  table = installDynamoDbFake();
});
afterEach(() => {
  table.restore();
});

/** A store as one responder container holds it. */
const container = (): DynamoDbBaselineStore => new DynamoDbBaselineStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), 'warden-state', () => NOW);

describe('DynamoDbBaselineStore', () => {
  it('keeps a baseline as JSON text under its own key prefix in the state table', async () => {
    const store = container();
    expect(await store.get(FUNCTION_ARN)).toBeNull();
    await store.put(FUNCTION_ARN, { runtime: { value: 'nodejs22.x', capturedAt: NOW.toISOString() }, vpcConfig: { value: null, capturedAt: NOW.toISOString() } });
    expect(table.items.get(KEY)).toEqual({
      pk: `BASELINE#${FUNCTION_ARN}`,
      sk: 'BASELINE',
      resource: FUNCTION_ARN,
      baseline: JSON.stringify({ runtime: { value: 'nodejs22.x', capturedAt: NOW.toISOString() }, vpcConfig: { value: null, capturedAt: NOW.toISOString() } }),
      version: 1,
      updatedAt: NOW.toISOString(),
    });
    expect(await container().get(FUNCTION_ARN)).toEqual({ runtime: { value: 'nodejs22.x', capturedAt: NOW.toISOString() }, vpcConfig: { value: null, capturedAt: NOW.toISOString() } });
    expect(table.calls.filter((c) => c.command === 'Put').map((c) => c.input.ConditionExpression)).toEqual(['attribute_not_exists(pk)']);
  });

  it('drops the write of a container whose read was overtaken by another (no lost merge)', async () => {
    const [a, b] = [container(), container()];
    await a.put(FUNCTION_ARN, { runtime: { value: 'nodejs20.x', capturedAt: NOW.toISOString() } });
    await a.get(FUNCTION_ARN);
    await b.get(FUNCTION_ARN);
    await b.put(FUNCTION_ARN, { runtime: { value: 'nodejs20.x', capturedAt: NOW.toISOString() }, layers: { value: [], capturedAt: NOW.toISOString() } });
    await a.put(FUNCTION_ARN, { runtime: { value: 'nodejs22.x', capturedAt: NOW.toISOString() } });
    expect(await container().get(FUNCTION_ARN)).toEqual({ runtime: { value: 'nodejs20.x', capturedAt: NOW.toISOString() }, layers: { value: [], capturedAt: NOW.toISOString() } });
    expect(table.items.get(KEY)?.version).toBe(2);
    // The next capture of the slower container reads again and wins.
    await a.get(FUNCTION_ARN);
    await a.put(FUNCTION_ARN, { runtime: { value: 'nodejs22.x', capturedAt: NOW.toISOString() } });
    expect(table.items.get(KEY)?.version).toBe(3);
  });

  it('reads the current version before a write it did not read for', async () => {
    await container().put(FUNCTION_ARN, { runtime: { value: 'nodejs20.x', capturedAt: NOW.toISOString() } });
    await container().put(FUNCTION_ARN, { runtime: { value: 'nodejs22.x', capturedAt: NOW.toISOString() } });
    expect(await container().get(FUNCTION_ARN)).toEqual({ runtime: { value: 'nodejs22.x', capturedAt: NOW.toISOString() } });
  });

  it('treats unreadable text as no baseline', async () => {
    table.items.set(KEY, { pk: `BASELINE#${FUNCTION_ARN}`, sk: 'BASELINE', baseline: '{not json', version: 4 });
    const store = container();
    expect(await store.get(FUNCTION_ARN)).toBeNull();
    await store.put(FUNCTION_ARN, { runtime: { value: 'nodejs22.x', capturedAt: NOW.toISOString() } });
    expect(table.items.get(KEY)?.version).toBe(5);
  });

  it('raises a StateStoreError naming the resource when DynamoDB fails', async () => {
    const failing = { send: () => Promise.reject(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' })) } as unknown as DynamoDBDocumentClient;
    const store = new DynamoDbBaselineStore(failing, 'warden-state');
    await expect(store.get(FUNCTION_ARN)).rejects.toThrow(StateStoreError);
    await expect(store.put(FUNCTION_ARN, {})).rejects.toThrow(`baseline of ${FUNCTION_ARN} failed: ProvisionedThroughputExceededException`);
  });

  it('serves the function keeper: names and keyed hashes in the table, never a value', async () => {
    const keeper = new FunctionBaselineKeeper({ store: container(), key: createBaselineKey() });
    const configuration = { Role: 'arn:aws:iam::111122223333:role/orders-api-role', Environment: { Variables: { DATABASE_URL: SECRET, LOG_LEVEL: 'info' } } };
    await keeper.capture(await keeper.attach(functionSnapshot({ configuration })), NOW);
    expect(containsSecretFragment(JSON.stringify([...table.items.values()]), [SECRET])).toBe(false);
    const later = await keeper.attach(functionSnapshot({ configuration: { ...configuration, Environment: { Variables: { DATABASE_URL: SECRET, LOG_LEVEL: 'debug' } } } }));
    expect(later.lastKnownGood?.unchangedVariables).toEqual(['DATABASE_URL']);
    expect(later.lastKnownGood?.role?.value).toBe(configuration.Role);
  });
});
