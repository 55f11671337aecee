import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { lazySchema } from '../../../functions/shared/lazy-schema';

describe('lazySchema', () => {
  it('builds the schema only on first use, and only once', () => {
    let builds = 0;
    const schema = lazySchema(() => {
      builds += 1;
      return z.strictObject({ id: z.string().regex(/^\d{12}$/) });
    });
    expect(builds).toBe(0);
    expect(schema.safeParse({ id: '111122223333' }).success).toBe(true);
    expect(schema.safeParse({ id: '1111' }).success).toBe(false);
    expect(schema.parse({ id: '111122223333' })).toEqual({ id: '111122223333' });
    expect(builds).toBe(1);
  });

  it('validates exactly as the schema it builds: same results and the same issues', () => {
    const build = (): z.ZodType => z.strictObject({ a: z.number().int().min(1), b: z.enum(['x', 'y']).optional() });
    const lazy = lazySchema(build);
    const eager = build();
    for (const input of [{ a: 1 }, { a: 0 }, { a: 1.5, b: 'x' }, { a: 2, b: 'z' }, { a: 1, extra: true }, null, 'text']) {
      const l = lazy.safeParse(input);
      const e = eager.safeParse(input);
      expect(l.success).toBe(e.success);
      expect(l.error?.issues).toEqual(e.error?.issues);
      expect(l.data).toEqual(e.data);
    }
  });

  it('composes into other schemas, whose validation then includes it', () => {
    let builds = 0;
    const inner = lazySchema(() => {
      builds += 1;
      return z.strictObject({ n: z.number() });
    });
    const outer = z.strictObject({ inner, list: z.array(inner).min(1), maybe: inner.optional() });
    expect(outer.safeParse({ inner: { n: 1 }, list: [{ n: 2 }] }).success).toBe(true);
    expect(outer.safeParse({ inner: { n: 'no' }, list: [{ n: 2 }] }).success).toBe(false);
    expect(outer.safeParse({ inner: { n: 1 }, list: [{ n: 2, more: 1 }] }).success).toBe(false);
    expect(outer.safeParse({ inner: { n: 1 }, list: [] }).success).toBe(false);
    expect(builds).toBe(1);
  });

  it('is an instance of the schema class it builds', () => {
    const schema = lazySchema(() => z.looseObject({ n: z.number() }));
    expect(schema instanceof z.ZodObject).toBe(true);
    expect(Object.keys(schema.shape)).toEqual(['n']);
  });
});
