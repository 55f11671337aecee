import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../../../functions/shared/engine/engine';
import { InvalidEventError } from '../../../../functions/shared/errors';
import { CloudTrailEventSchema } from '../../../../functions/shared/event/cloudtrail-event';
import { RULES } from '../../../../rules';
import { InMemoryAccount } from '../../../../sim/in-memory-account';
import { addLayerVersionPermissionEvent, addPermissionEvent, createFunctionUrlConfigEvent } from '../../../fixtures/cloudtrail';
import { TEST_CONFIG, TEST_NOW } from '../../../fixtures/rule-context';

const SEEDS = [
  addPermissionEvent({ statementId: 'open', principal: '*' }),
  addPermissionEvent({ statementId: 's3', principal: 's3.amazonaws.com', sourceAccount: '111122223333' }),
  createFunctionUrlConfigEvent({ authType: 'NONE' }),
  addLayerVersionPermissionEvent({ statementId: 'world', principal: '*' }),
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Replaces, deletes or retypes the value at a random path of a JSON value. */
function mutate(value: Json, path: readonly number[], replacement: Json, remove: boolean): Json {
  if (path.length === 0 || value === null || typeof value !== 'object') return replacement;
  const [head = 0, ...rest] = path;
  if (Array.isArray(value)) {
    if (value.length === 0) return replacement;
    const index = head % value.length;
    const copy = [...value];
    if (rest.length === 0 && remove) copy.splice(index, 1);
    else copy[index] = mutate(copy[index] ?? null, rest, replacement, remove);
    return copy;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return replacement;
  const key = keys[head % keys.length] ?? '';
  const copy: { [key: string]: Json } = { ...value };
  if (rest.length === 0 && remove) Reflect.deleteProperty(copy, key);
  else copy[key] = mutate(copy[key] ?? null, rest, replacement, remove);
  return copy;
}

async function check(engine: Engine, account: InMemoryAccount, input: unknown): Promise<void> {
  const valid = CloudTrailEventSchema.safeParse(input);
  if (valid.success) {
    account.replay(valid.data);
    const result = await engine.evaluateEvent(input);
    expect(Array.isArray(result.findings)).toBe(true);
  } else {
    await expect(engine.evaluateEvent(input)).rejects.toBeInstanceOf(InvalidEventError);
  }
}

describe('intake and engine under random input', () => {
  const account = new InMemoryAccount({ defaultAccount: '111122223333' });
  const engine = new Engine({ rules: RULES, config: TEST_CONFIG, reader: account.reader(), now: () => TEST_NOW });

  it('never crash on arbitrary JSON, and reject it as InvalidEventError when it is not an event', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (input) => {
        await check(engine, account, input);
      }),
      { numRuns: 300 },
    );
  });

  it('never crash on mutated real events; an invalid mutation yields an error and no finding', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SEEDS),
        fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
        fc.jsonValue(),
        fc.boolean(),
        async (seed, path, replacement, remove) => {
          const mutated = mutate(structuredClone(seed) as unknown as Json, path, replacement as Json, remove);
          await check(engine, account, mutated);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('never crash on events whose request parameters are random', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SEEDS), fc.dictionary(fc.constantFrom('functionName', 'statementId', 'principal', 'qualifier', 'layerName', 'versionNumber', 'authType', 'action', 'sourceArn'), fc.jsonValue()), async (seed, params) => {
        const event = structuredClone(seed);
        const input = { ...event, detail: { ...event.detail, requestParameters: params } };
        await check(engine, account, input);
      }),
      { numRuns: 500 },
    );
  });
});
