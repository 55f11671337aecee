import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BaselineSeal, canonicalJson, INTEGRITY_KEY_LABEL } from '../../../../functions/shared/baseline/baseline-integrity';
import { createBaselineKey } from '../../../../functions/shared/baseline/function-baseline';
import { FUNCTION_ARN } from '../../../fixtures/accounts';

const CONTENT = { runtime: { value: 'nodejs22.x', capturedAt: '2025-03-14T09:00:00.000Z' }, layers: { value: ['arn:aws:lambda:us-east-1:111122223333:layer:x:1'], capturedAt: '2025-03-14T09:00:00.000Z' } };
const OTHER_ARN = 'arn:aws:lambda:us-east-1:111122223333:function:other';

describe('BaselineSeal', () => {
  it('opens what it sealed, also after a JSON round trip with the keys in another order', async () => {
    const seal = new BaselineSeal(createBaselineKey());
    const sealed = await seal.seal(FUNCTION_ARN, CONTENT);
    expect(sealed.integrity).toMatch(/^hmac-sha256:v1:[\w-]{43}$/);
    const reordered = { integrity: sealed.integrity, content: { layers: CONTENT.layers, runtime: { capturedAt: CONTENT.runtime.capturedAt, value: CONTENT.runtime.value } } };
    expect(await seal.open(FUNCTION_ARN, JSON.parse(JSON.stringify(reordered)))).toEqual({ status: 'verified', content: reordered.content });
    expect(await seal.open(FUNCTION_ARN, null)).toEqual({ status: 'absent' });
  });

  it.each([
    ['edited content', async (seal: BaselineSeal) => ({ ...(await seal.seal(FUNCTION_ARN, CONTENT)), content: { ...CONTENT, runtime: { ...CONTENT.runtime, value: 'nodejs14.x' } } }), 'integrity-tag-mismatch'],
    ['a baseline moved from another function', (seal: BaselineSeal) => seal.seal(OTHER_ARN, CONTENT), 'integrity-tag-mismatch'],
    ['a tag made with another key', () => new BaselineSeal(createBaselineKey()).seal(FUNCTION_ARN, CONTENT), 'integrity-tag-mismatch'],
    ['a truncated tag', async (seal: BaselineSeal) => ({ ...(await seal.seal(FUNCTION_ARN, CONTENT)), integrity: 'hmac-sha256:v1:abc' }), 'integrity-tag-mismatch'],
    ['no tag (a bare baseline)', () => Promise.resolve(CONTENT), 'integrity-tag-missing'],
    ['an envelope without content', () => Promise.resolve({ integrity: 'hmac-sha256:v1:x' }), 'integrity-tag-missing'],
  ])('refuses %s', async (_label, stored, check) => {
    const seal = new BaselineSeal(createBaselineKey());
    expect(await seal.open(FUNCTION_ARN, await stored(seal))).toEqual({ status: 'refused', check });
  });

  it('tags with a sub-key derived from the baseline key, never with the key itself', async () => {
    const key = createBaselineKey();
    const sealed = await new BaselineSeal(key).seal(FUNCTION_ARN, CONTENT);
    const underKey = createHmac('sha256', key).update(canonicalJson({ resource: FUNCTION_ARN, content: CONTENT })).digest('base64url');
    const subKey = createHmac('sha256', key).update(INTEGRITY_KEY_LABEL).digest();
    const underSubKey = createHmac('sha256', subKey).update(canonicalJson({ resource: FUNCTION_ARN, content: CONTENT })).digest('base64url');
    expect(sealed.integrity).toBe(`hmac-sha256:v1:${underSubKey}`);
    expect(sealed.integrity).not.toContain(underKey);
  });

  it('reads the key once from its source', async () => {
    let reads = 0;
    const key = createBaselineKey();
    const seal = new BaselineSeal(() => {
      reads += 1;
      return Promise.resolve(key);
    });
    await seal.open(FUNCTION_ARN, await seal.seal(FUNCTION_ARN, CONTENT));
    expect(reads).toBe(1);
  });
});

describe('canonicalJson', () => {
  it('gives one text for equal JSON values whatever the key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const reversed = JSON.parse(JSON.stringify(value), (_k, v: unknown) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v)) as unknown;
        expect(canonicalJson(reversed)).toBe(canonicalJson(JSON.parse(JSON.stringify(value))));
      }),
    );
  });
});
