import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundEvent, MAX_DEPTH, MAX_EVENT_CHARS, MAX_FIELD_CHARS } from '../../../../functions/shared/event/event-size';
import { addPermissionEvent } from '../../../fixtures/cloudtrail';

describe('boundEvent', () => {
  it('passes an ordinary event through untouched (the same object)', () => {
    const event = addPermissionEvent({ statementId: 'open', principal: '*' });
    expect(boundEvent(event)).toEqual({ ok: true, event, truncated: [] });
    expect((boundEvent(event) as { event: unknown }).event).toBe(event);
  });

  it('truncates a string longer than 64 KiB, names its path, and leaves the input unchanged', () => {
    const event = addPermissionEvent({ statementId: 'open', principal: '*' }, { userAgent: 'a'.repeat(MAX_FIELD_CHARS + 10), detail: { requestParameters: { list: ['b'.repeat(MAX_FIELD_CHARS * 2)] } } });
    const bounded = boundEvent(event);
    if (!bounded.ok) throw new Error(bounded.refusal.text);
    expect([...bounded.truncated].sort()).toEqual(['detail.requestParameters.list[0]', 'detail.userAgent']);
    const detail = (bounded.event as typeof event).detail;
    expect(detail.userAgent?.length).toBe(MAX_FIELD_CHARS + '…[truncated]'.length);
    expect(((detail.requestParameters?.list as string[] | undefined) ?? [])[0]?.startsWith('b'.repeat(MAX_FIELD_CHARS))).toBe(true);
    expect(event.detail.userAgent?.length).toBe(MAX_FIELD_CHARS + 10);
  });

  it('refuses an event larger than EventBridge delivers, and one nested too deep, without throwing', () => {
    expect(boundEvent({ detail: { field: 'x'.repeat(5 * 1024 * 1024) } })).toMatchObject({ ok: false, refusal: { kind: 'oversized-event' } });
    expect(boundEvent({ detail: { many: Array.from({ length: MAX_EVENT_CHARS }, () => 0) } })).toMatchObject({ ok: false, refusal: { kind: 'oversized-event' } });
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i += 1) deep = { d: deep };
    expect(boundEvent(deep)).toMatchObject({ ok: false, refusal: { kind: 'oversized-event', text: expect.stringContaining(`deeper than ${String(MAX_DEPTH)} levels`) as unknown } });
  });

  it('never throws, and what it accepts holds no string longer than the limit', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const bounded = boundEvent(value);
        const kept = bounded.ok ? JSON.stringify(bounded.event).length : 0;
        expect(kept).toBeLessThanOrEqual(JSON.stringify(value).length);
      }),
      { numRuns: 300 },
    );
  });
});
