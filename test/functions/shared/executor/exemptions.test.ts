import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../functions/shared/config/config';
import { anyArnPattern, arnMatches } from '../../../../functions/shared/executor/arn-pattern';
import { exemptionFor, isProtectedResource, tagExemption } from '../../../../functions/shared/executor/exemptions';

const NOW = new Date('2025-03-14T09:30:00Z');
const SECURITY = '999988887777';
const config = parseConfig({ selfProtection: { stackPrefix: 'Warden', resources: ['arn:aws:lambda:*:*:function:security-bot-*'], securityAccount: SECURITY, centralStack: 'WardenCentral' } });

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
    // The central stack's resources, in the security account only.
    [`arn:aws:lambda:us-east-1:${SECURITY}:function:WardenCentral-ResponderFunction12AB-x1y2z3`, true],
    [`arn:aws:lambda:us-east-1:${SECURITY}:function:WardenCentral-ResponderFunction12AB-x1y2z3:live`, true],
    [`arn:aws:iam::${SECURITY}:role/WardenCentral-ResponderRole34CD-a1b2c3`, true],
    [`arn:aws:iam::${SECURITY}:role/evil:iam::${SECURITY}:role/WardenCentral-x`, false],
    [`arn:aws:events:us-east-1:${SECURITY}:event-bus/warden`, true],
    [`arn:aws:events:us-east-1:${SECURITY}:rule/warden/WardenCentral-ToResponder5E6F-q1w2`, true],
    [`arn:aws:dynamodb:us-east-1:${SECURITY}:table/WardenCentral-State7A8B-z9y8`, true],
    [`arn:aws:lambda:us-east-1:${SECURITY}:function:WardenPayments`, false],
    [`arn:aws:lambda:us-east-1:${SECURITY}:function:orders-api`, false],
    // What the member template creates, in any account.
    ['arn:aws:iam::111122223333:role/WardenRemediator', true],
    ['arn:aws:iam::111122223333:role/WardenAuditor', true],
    ['arn:aws:iam::111122223333:role/warden-forwarder-eu-west-1', true],
    ['arn:aws:events:us-east-1:111122223333:rule/warden-forward-lambda', true],
    ['arn:aws:events:us-east-1:111122223333:rule/custom-bus/warden-forward-lambda', false],
    ['arn:aws:iam::111122223333:role/team/WardenRemediator', false],
    // A member account's resources named like the bot's are ordinary.
    ['arn:aws:lambda:us-east-1:111122223333:function:WardenResponder', false],
    ['arn:aws:lambda:us-east-1:111122223333:function:WardenCentral-ResponderFunction12AB-x1y2z3', false],
    ['arn:aws:iam::111122223333:role/WardenSomething', false],
    ['arn:aws:events:us-east-1:111122223333:rule/WardenForwarder', false],
    // selfProtection.resources.
    ['arn:aws:lambda:us-east-1:111122223333:function:security-bot-1', true],
    ['arn:aws:lambda:us-east-1:111122223333:function:orders-api', false],
    ['arn:aws:lambda:us-east-1:111122223333:function:MyWardenThing', false],
  ])('treats %s as the bot’s own: %s', (arn, expected) => {
    expect(isProtectedResource(config, arn)).toBe(expected);
  });

  it('without a security account, protects only the member template and the configured resources', () => {
    const local = parseConfig({});
    expect(isProtectedResource(local, `arn:aws:lambda:us-east-1:${SECURITY}:function:WardenCentral-ResponderFunction12AB-x1y2z3`)).toBe(false);
    expect(isProtectedResource(local, 'arn:aws:iam::111122223333:role/WardenRemediator')).toBe(true);
  });

  it('falls back to stackPrefix for the central stack when its name is not known', () => {
    const prefixOnly = parseConfig({ selfProtection: { stackPrefix: 'SecBot', securityAccount: SECURITY } });
    expect(isProtectedResource(prefixOnly, `arn:aws:lambda:us-east-1:${SECURITY}:function:SecBotCentral-Responder`)).toBe(true);
    expect(isProtectedResource(prefixOnly, 'arn:aws:lambda:us-east-1:111122223333:function:SecBotCentral-Responder')).toBe(false);
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
    const withList = parseConfig({ exemptions: { resources: [{ arn: 'arn:aws:lambda:*:*:function:*', rules: ['r'] }] }, selfProtection: { securityAccount: SECURITY, centralStack: 'WardenCentral' } });
    const tags = { 'warden:exempt': 'r' };
    expect(exemptionFor(withList, { ruleId: 'r', resource: `arn:aws:lambda:us-east-1:${SECURITY}:function:WardenCentral-X`, tags }, NOW)?.kind).toBe('self-protection');
    expect(exemptionFor(withList, { ruleId: 'r', resource: 'arn:aws:lambda:us-east-1:111122223333:function:f', tags }, NOW)?.kind).toBe('allow-list');
    expect(exemptionFor(withList, { ruleId: 'other', resource: 'arn:aws:lambda:us-east-1:111122223333:function:f', tags: { 'warden:exempt': 'other' } }, NOW)?.kind).toBe('tag');
  });
});
