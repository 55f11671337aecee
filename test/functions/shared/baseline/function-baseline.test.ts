import { describe, expect, it } from 'vitest';
import { BaselineSeal } from '../../../../functions/shared/baseline/baseline-integrity';
import { InMemoryBaselineStore } from '../../../../functions/shared/baseline/baseline-keeper';
import { createBaselineKey, FunctionBaselineKeeper, hashVariable } from '../../../../functions/shared/baseline/function-baseline';
import { containsSecretFragment } from '../../../../functions/shared/secrets/secret-fragment';
import { FUNCTION_ARN } from '../../../fixtures/accounts';
import { functionSnapshot } from '../../../fixtures/snapshots';

const SECRET = 'postgres://orders:Zq8#tLw2vN5pRm@db.internal:5432/orders';
const T1 = new Date('2025-03-14T09:00:00Z');
const T2 = new Date('2025-03-14T10:00:00Z');

function keeper() {
  const store = new InMemoryBaselineStore();
  return { store, keeper: new FunctionBaselineKeeper({ store, key: createBaselineKey() }) };
}

describe('FunctionBaselineKeeper', () => {
  it('keeps variable names with keyed hashes, never a value', async () => {
    const { store, keeper: k } = keeper();
    await k.capture(functionSnapshot({ configuration: { Role: 'arn:aws:iam::111122223333:role/r', Environment: { Variables: { DATABASE_URL: SECRET } } } }), T1);
    expect(containsSecretFragment(store.dump(), [SECRET])).toBe(false);
    const stored = (await store.get(FUNCTION_ARN)) as { content: { environment: { value: Record<string, string> } } };
    expect(Object.keys(stored.content.environment.value)).toEqual(['DATABASE_URL']);
    expect(stored.content.environment.value.DATABASE_URL).toMatch(/^hmac-sha256:[\w-]{43}$/);
  });

  it('merges only the parts that were read, each with its capture time', async () => {
    const { store, keeper: k } = keeper();
    await k.capture(functionSnapshot({ configuration: { Runtime: 'nodejs22.x', Layers: [{ Arn: 'arn:aws:lambda:us-east-1:111122223333:layer:x:1' }] } }), T1);
    await k.capture(functionSnapshot({ policy: null, urlConfig: { AuthType: 'AWS_IAM' } }), T2);
    expect(await store.get(FUNCTION_ARN)).toMatchObject({ content: {
      runtime: { value: 'nodejs22.x', capturedAt: T1.toISOString() },
      layers: { value: ['arn:aws:lambda:us-east-1:111122223333:layer:x:1'], capturedAt: T1.toISOString() },
      vpcConfig: { value: null, capturedAt: T1.toISOString() },
      policy: { value: null, capturedAt: T2.toISOString() },
      urlAuthType: { value: 'AWS_IAM', capturedAt: T2.toISOString() },
    } });
  });

  it('attaches null when nothing is saved and tells which variables are unchanged', async () => {
    const { keeper: k } = keeper();
    const first = functionSnapshot({ configuration: { Environment: { Variables: { A: 'one-value', B: 'two-value' } } } });
    expect((await k.attach(first)).lastKnownGood).toBeNull();
    await k.capture(first, T1);
    const later = await k.attach(functionSnapshot({ configuration: { Environment: { Variables: { A: 'one-value', B: 'changed!', C: 'new' } } } }));
    expect(later.lastKnownGood?.unchangedVariables).toEqual(['A']);
  });

  it('writes again only when a part it read changed', async () => {
    const { store, keeper: k } = keeper();
    const puts: string[] = [];
    const put = store.put.bind(store);
    store.put = (arn, baseline) => {
      puts.push(arn);
      return put(arn, baseline);
    };
    const configuration = { Runtime: 'nodejs22.x', Environment: { Variables: { A: 'one-value', B: 'two-value' } }, Layers: [{ Arn: 'arn:aws:lambda:us-east-1:111122223333:layer:x:1' }] };
    const judged = async (snapshot: ReturnType<typeof functionSnapshot>, at: Date): Promise<void> => {
      await k.capture(await k.attach(snapshot), at);
    };
    await judged(functionSnapshot({ configuration, policy: null }), T1);
    await judged(functionSnapshot({ configuration: { ...configuration, Environment: { Variables: { B: 'two-value', A: 'one-value' } } }, policy: null }), T2);
    await judged(functionSnapshot({ urlConfig: null }), T2);
    expect(puts).toHaveLength(2);
    await judged(functionSnapshot({ urlConfig: null }), T2);
    await judged(functionSnapshot({ configuration: { ...configuration, Layers: [{ Arn: 'arn:aws:lambda:us-east-1:111122223333:layer:x:2' }] } }), T2);
    expect(puts).toHaveLength(3);
    expect(await store.get(FUNCTION_ARN)).toMatchObject({ content: {
      runtime: { value: 'nodejs22.x', capturedAt: T2.toISOString() },
      layers: { value: ['arn:aws:lambda:us-east-1:111122223333:layer:x:2'], capturedAt: T2.toISOString() },
      policy: { value: null, capturedAt: T1.toISOString() },
      urlAuthType: { value: null, capturedAt: T2.toISOString() },
    } });
  });

  it('validates a baseline a store hands out as a new object each time (as DynamoDB does)', async () => {
    const items = new Map<string, unknown>();
    const store = { get: (arn: string) => Promise.resolve(structuredClone(items.get(arn)) ?? null), put: (arn: string, baseline: unknown) => Promise.resolve(void items.set(arn, baseline)) };
    const key = createBaselineKey();
    const k = new FunctionBaselineKeeper({ store, key });
    await k.capture(functionSnapshot({ configuration: { Runtime: 'nodejs22.x' } }), T1);
    expect((await k.attach(functionSnapshot({}))).lastKnownGood?.runtime?.value).toBe('nodejs22.x');
    // Sealed under the right key, but not a baseline of today's format: treated as none, without an alert.
    items.set(FUNCTION_ARN, await new BaselineSeal(key).seal(FUNCTION_ARN, { runtime: { value: 42, capturedAt: T1.toISOString() } }));
    const attached = await k.attach(functionSnapshot({}));
    expect(attached.lastKnownGood).toBeNull();
    expect(attached.baselineRefused).toBeUndefined();
  });

  it('does not capture a function that no longer exists', async () => {
    const { store, keeper: k } = keeper();
    await k.capture(functionSnapshot({ configuration: null }), T1);
    expect(store.dump()).toBe('[]');
  });

  it('hashes with the key and binds the name', () => {
    const key = createBaselineKey();
    expect(hashVariable(key, 'A', 'v')).not.toBe(hashVariable(createBaselineKey(), 'A', 'v'));
    expect(hashVariable(key, 'A', 'v')).not.toBe(hashVariable(key, 'B', 'v'));
    expect(hashVariable(key, 'A', 'v')).toBe(hashVariable(key, 'A', 'v'));
  });
});
