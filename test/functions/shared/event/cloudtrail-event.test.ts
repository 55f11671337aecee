import { describe, expect, it } from 'vitest';
import { isBareCloudTrailRecord, parseCloudTrailEvent, wrapCloudTrailRecord } from '../../../../functions/shared/event/cloudtrail-event';
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
