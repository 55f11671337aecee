import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../functions/shared/config/config';
import { anyArnPattern, arnMatches } from '../../../../functions/shared/executor/arn-pattern';
import { exemptionFor, isProtectedResource, tagExemption } from '../../../../functions/shared/executor/exemptions';

const NOW = new Date('2025-03-14T09:30:00Z');
const config = parseConfig({ selfProtection: { stackPrefix: 'Warden', resources: ['arn:aws:lambda:*:*:function:security-bot-*'] } });

describe('exemptions', () => {
  it.each([
    ['arn:aws:lambda:*:111122223333:function:orders-*', 'arn:aws:lambda:us-east-1:111122223333:function:orders-api', true],
    ['arn:aws:lambda:*:111122223333:function:orders-*', 'arn:aws:lambda:us-east-1:222233334444:function:orders-api', false],
    ['arn:aws:lambda:us-east-1:111122223333:function:f?', 'arn:aws:lambda:us-east-1:111122223333:function:f1', true],
    ['arn:aws:lambda:us-east-1:111122223333:function:f.x', 'arn:aws:lambda:us-east-1:111122223333:function:fyx', false],
  ])('matches %s against %s: %s', (pattern, arn, expected) => {
    expect(arnMatches(pattern, arn)).toBe(expected);
  });

  it('matches with one expression exactly what the patterns match one by one', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', ':', '/', '*', '?', '.', '+', '(', ')', '[', ']', '|', '\\', '$', '^', '{', '}'), maxLength: 8 });
    fc.assert(
      fc.property(fc.array(text, { maxLength: 5 }), text, (patterns, arn) => {
        expect(anyArnPattern(patterns).test(arn)).toBe(patterns.some((pattern) => arnMatches(pattern, arn)));
      }),
      { numRuns: 2_000 },
    );
  });

  it.each([
    ['arn:aws:lambda:us-east-1:111122223333:function:WardenResponder', true],
    ['arn:aws:lambda:us-east-1:111122223333:function:WardenResponder:live', true],
    ['arn:aws:iam::111122223333:role/WardenRemediator', true],
    ['arn:aws:events:us-east-1:111122223333:rule/WardenForwarder', true],
    ['arn:aws:lambda:us-east-1:111122223333:function:security-bot-1', true],
    ['arn:aws:lambda:us-east-1:111122223333:function:orders-api', false],
    ['arn:aws:lambda:us-east-1:111122223333:function:MyWardenThing', false],
  ])('treats %s as the bot’s own: %s', (arn, expected) => {
    expect(isProtectedResource(config, arn)).toBe(expected);
  });

  it('protects the remediator and audit roles by their configured names, whatever the stack prefix', () => {
    const custom = parseConfig({ remediatorRoleName: 'OrgFixer', auditRoleName: 'OrgReader' });
    expect(isProtectedResource(custom, 'arn:aws:iam::111122223333:role/OrgFixer')).toBe(true);
    expect(isProtectedResource(custom, 'arn:aws:iam::111122223333:role/OrgReader')).toBe(true);
    expect(isProtectedResource(custom, 'arn:aws:iam::111122223333:role/OrgOther')).toBe(false);
  });

  it.each([
    [{ 'warden:exempt': 'a, b' }, 'b', true],
    [{ 'warden:exempt': 'a b' }, 'b', true],
    [{ 'warden:exempt': 'a' }, 'b', false],
    [{ 'warden:exempt': 'b', 'warden:exempt-until': '2025-03-14T09:30:01Z' }, 'b', true],
    [{ 'warden:exempt': 'b', 'warden:exempt-until': '2025-03-14T09:30:00Z' }, 'b', false],
    [{ 'warden:exempt': 'b', 'warden:exempt-until': 'next week' }, 'b', false],
    [{}, 'b', false],
  ])('reads tags %j for rule %s: exempt %s', (tags, ruleId, expected) => {
    expect(tagExemption(tags, ruleId, NOW) !== null).toBe(expected);
  });

  it('puts self-protection first, then the allow-list, then tags', () => {
    const withList = parseConfig({ exemptions: { resources: [{ arn: 'arn:aws:lambda:*:*:function:*', rules: ['function-public-access'] }] } });
    const tags = { 'warden:exempt': 'function-public-access' };
    expect(exemptionFor(withList, { ruleId: 'function-public-access', resource: 'arn:aws:lambda:us-east-1:111122223333:function:WardenX', tags }, NOW)?.kind).toBe('self-protection');
    expect(exemptionFor(withList, { ruleId: 'function-public-access', resource: 'arn:aws:lambda:us-east-1:111122223333:function:f', tags }, NOW)?.kind).toBe('allow-list');
    expect(exemptionFor(withList, { ruleId: 'function-url-public', resource: 'arn:aws:lambda:us-east-1:111122223333:function:f', tags: { 'warden:exempt': 'function-url-public' } }, NOW)?.kind).toBe('tag');
  });
});
