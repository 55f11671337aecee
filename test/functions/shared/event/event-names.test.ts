import { describe, expect, it } from 'vitest';
import { eventNameSpellings, LAMBDA_EVENT_NAME_SPELLINGS, normalizeEventName } from '../../../../functions/shared/event/event-names';

describe('normalizeEventName', () => {
  it.each([
    ['AddPermission20150331v2', 'AddPermission'],
    ['AddPermission20150331', 'AddPermission'],
    ['CreateFunction20150331', 'CreateFunction'],
    ['UpdateFunctionConfiguration20150331v2', 'UpdateFunctionConfiguration'],
    ['CreateFunctionUrlConfig20211031', 'CreateFunctionUrlConfig'],
    ['CreateFunctionUrlConfig', 'CreateFunctionUrlConfig'],
    ['AddLayerVersionPermission20181031', 'AddLayerVersionPermission'],
    ['PutRolePolicy', 'PutRolePolicy'],
  ])('normalises %s to %s', (logged, bare) => {
    expect(normalizeEventName(logged)).toBe(bare);
  });

  it('keeps CreateFunctionUrlConfig distinct from CreateFunction (no prefix match)', () => {
    expect(normalizeEventName('CreateFunctionUrlConfig20211031')).not.toBe('CreateFunction');
  });

  it('strips only a trailing 8-digit date with an optional vN', () => {
    expect(normalizeEventName('Foo2015033')).toBe('Foo2015033');
    expect(normalizeEventName('Foo20150331v')).toBe('Foo20150331v');
  });
});

describe('eventNameSpellings', () => {
  it('lists every versioned spelling plus the bare name for Lambda', () => {
    expect(eventNameSpellings('lambda.amazonaws.com', 'AddPermission')).toEqual(['AddPermission', 'AddPermission20150331', 'AddPermission20150331v2']);
    expect(eventNameSpellings('lambda.amazonaws.com', 'CreateFunctionUrlConfig')).toEqual(['CreateFunctionUrlConfig', 'CreateFunctionUrlConfig20211031']);
  });

  it('normalises every known spelling back to its key', () => {
    for (const [bare, spellings] of Object.entries(LAMBDA_EVENT_NAME_SPELLINGS)) {
      for (const spelling of spellings) expect(normalizeEventName(spelling)).toBe(bare);
    }
  });

  it('refuses an unknown Lambda name rather than guessing its spellings', () => {
    expect(() => eventNameSpellings('lambda.amazonaws.com', 'MadeUpCall')).toThrow(/Unknown Lambda event name/);
  });

  it('returns the bare name for other services', () => {
    expect(eventNameSpellings('iam.amazonaws.com', 'PutRolePolicy')).toEqual(['PutRolePolicy']);
  });
});
