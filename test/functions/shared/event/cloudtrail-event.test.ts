import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { CloudTrailDetailSchema, CloudTrailEventSchema, isBareCloudTrailRecord, parseCloudTrailEvent, wrapCloudTrailRecord } from '../../../../functions/shared/event/cloudtrail-event';
import { InvalidEventError } from '../../../../functions/shared/errors';
import { addPermissionEvent } from '../../../fixtures/cloudtrail';

const valid = (): Record<string, unknown> => structuredClone(addPermissionEvent({ statementId: 'public', principal: '*' }));

function without(event: Record<string, unknown>, path: string): Record<string, unknown> {
  const keys = path.split('.');
  let node = event;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = keys[keys.length - 1] ?? '';
  Reflect.deleteProperty(node, last);
  return event;
}

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e: unknown) {
    return e;
  }
  return undefined;
}

describe('parseCloudTrailEvent', () => {
  it('accepts a real-shaped event and keeps unknown fields', () => {
    const event = { ...valid(), extraEnvelopeField: 'kept' };
    const parsed = parseCloudTrailEvent(event);
    expect(parsed.detail.eventName).toBe('AddPermission20150331v2');
    expect((parsed as Record<string, unknown>).extraEnvelopeField).toBe('kept');
    expect((parsed.detail as Record<string, unknown>).eventCategory).toBe('Management');
  });

  it.each(['id', 'account', 'region', 'detail', 'detail.eventName', 'detail.eventSource', 'detail.eventID', 'detail.userIdentity', 'detail.userIdentity.type', 'detail.awsRegion'])(
    'names the missing field %s',
    (path) => {
      const error = errorOf(() => parseCloudTrailEvent(without(valid(), path)));
      expect(error).toBeInstanceOf(InvalidEventError);
      expect((error as InvalidEventError).fields).toContain(path);
      expect((error as InvalidEventError).message).toContain(path);
    },
  );

  it('rejects another detail-type', () => {
    expect(() => parseCloudTrailEvent({ ...valid(), 'detail-type': 'Scheduled Event' })).toThrow(/detail-type/);
  });

  it('rejects an account that is not 12 digits', () => {
    expect(() => parseCloudTrailEvent({ ...valid(), account: '1234' })).toThrow(/account: must be a 12-digit/);
  });

  it.each([null, undefined, 42, 'text', [], {}])('rejects %j with InvalidEventError', (input) => {
    expect(() => parseCloudTrailEvent(input)).toThrow(InvalidEventError);
  });
});

describe('requestParameters and responseElements', () => {
  /** The schema the event used before its records were checked without a schema per entry. */
  const reference = CloudTrailEventSchema.extend({
    detail: CloudTrailDetailSchema.extend({ requestParameters: z.record(z.string(), z.unknown()).nullish(), responseElements: z.record(z.string(), z.unknown()).nullish() }),
  });
  const withRecords = (value: unknown): Record<string, unknown> => {
    const event = valid();
    return { ...event, detail: { ...(event.detail as Record<string, unknown>), requestParameters: value, responseElements: value } };
  };
  const expectSameAsReference = (value: unknown): void => {
    const ours = CloudTrailEventSchema.safeParse(withRecords(value));
    const theirs = reference.safeParse(withRecords(value));
    expect(ours.success).toBe(theirs.success);
    if (ours.success && theirs.success) {
      expect(ours.data).toEqual(theirs.data);
      expect(Object.keys(ours.data.detail.requestParameters ?? {})).toEqual(Object.keys(theirs.data.detail.requestParameters ?? {}));
    } else {
      // Both name the field; z.record also named the offending key inside it.
      expect(ours.error?.issues.map((issue) => issue.path.slice(0, 2))).toEqual(theirs.error?.issues.map((issue) => issue.path.slice(0, 2)));
    }
  };

  class Request {
    functionName = 'f';
  }
  const enumerableSymbol = { functionName: 'f', [Symbol('s')]: 1 };
  const hiddenSymbol = Object.defineProperty({ functionName: 'f' }, Symbol('s'), { value: 1, enumerable: false });

  it.each([
    ['a plain object', { functionName: 'f', nested: { a: [1, 2] } }],
    ['an empty object', {}],
    ['null', null],
    ['a string', 'text'],
    ['an array', ['a']],
    ['a number', 42],
    ['a class instance', new Request()],
    ['a date', new Date(0)],
    ['a map', new Map([['a', 1]])],
    ['an object without prototype', Object.assign(Object.create(null) as object, { a: 1 })],
    ['a "constructor" key that is not a function', { constructor: 'x', a: 1 }],
    ['a "constructor" key holding an object', { constructor: { prototype: {} } }],
    ['an own __proto__ key (JSON.parse makes one)', JSON.parse('{"__proto__": {"polluted": true}, "functionName": "f"}') as unknown],
    ['an enumerable symbol key', enumerableSymbol],
    ['a non-enumerable symbol key', hiddenSymbol],
  ])('accepts and returns what z.record accepts and returns: %s', (_name, value) => {
    expectSameAsReference(value);
  });

  it('matches z.record on random values', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withObjectString: true, withDate: true, withMap: true, withSet: true, withBoxedValues: true, withTypedArray: true }), (value) => {
        expectSameAsReference(value);
      }),
      { numRuns: 1_000 },
    );
  });

  it('names the field and what it expected', () => {
    expect(() => parseCloudTrailEvent(withRecords('text'))).toThrow(/detail\.requestParameters: Invalid input: expected record, received string/);
  });

  it('never lets an own __proto__ key reach the parsed event', () => {
    const parsed = parseCloudTrailEvent(withRecords(JSON.parse('{"__proto__": {"polluted": true}, "functionName": "f"}')));
    expect(Object.hasOwn(parsed.detail.requestParameters ?? {}, '__proto__')).toBe(false);
    expect(parsed.detail.requestParameters).toEqual({ functionName: 'f' });
  });
});

describe('wrapCloudTrailRecord', () => {
  it('wraps a bare CloudTrail record into the envelope EventBridge delivers', () => {
    const record = valid().detail as Record<string, unknown>;
    expect(isBareCloudTrailRecord(record)).toBe(true);
    expect(isBareCloudTrailRecord(valid())).toBe(false);
    const parsed = parseCloudTrailEvent(wrapCloudTrailRecord(record));
    expect(parsed.source).toBe('aws.lambda');
    expect(parsed.account).toBe('111122223333');
    expect(parsed.id).toBe(record.eventID);
  });
});
