import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../functions/shared/config/config';
import { anyArnPattern, arnMatches } from '../../../../functions/shared/policy/arn-pattern';
import { exemptionFor } from '../../../../functions/shared/executor/exemptions';
import { tagExemption } from '../../../../functions/shared/exemption/exemption-tags';
import { exemptionTagAdoption, honouredExemptionTags, keptExemptionTags } from '../../../../functions/shared/exemption/exemption-tags';
import { isProtectedResource } from '../../../../functions/shared/self/protected-resources';
import { assumedRole, iamUser } from '../../../fixtures/cloudtrail';
import { actorOf } from '../../../../functions/shared/event/intake';

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
    const withList = parseConfig({ exemptions: { resources: [{ arn: 'arn:aws:lambda:*:*:function:*', rules: ['function-public-access'] }] }, selfProtection: { securityAccount: SECURITY, centralStack: 'WardenCentral' } });
    const tags = { 'warden:exempt': 'function-public-access' };
    expect(exemptionFor(withList, { ruleId: 'function-public-access', resource: `arn:aws:lambda:us-east-1:${SECURITY}:function:WardenCentral-X`, tags }, NOW)?.kind).toBe('self-protection');
    expect(exemptionFor(withList, { ruleId: 'function-public-access', resource: 'arn:aws:lambda:us-east-1:111122223333:function:f', tags }, NOW)?.kind).toBe('allow-list');
    expect(exemptionFor(withList, { ruleId: 'function-url-public', resource: 'arn:aws:lambda:us-east-1:111122223333:function:f', tags: { 'warden:exempt': 'function-url-public' } }, NOW)?.kind).toBe('tag');
  });

  const E = 'warden:exempt';
  const U = 'warden:exempt-until';
  it.each<[string, Record<string, string> | undefined, Record<string, string>, 'all' | string[], Record<string, string>]>([
    ['a scan adopts what is there', undefined, { [E]: 'r', [U]: '2025-04-01T00:00:00Z', team: 'x' }, 'all', { [E]: 'r', [U]: '2025-04-01T00:00:00Z' }],
    ['an event keeps an unchanged exemption', { [E]: 'r' }, { [E]: 'r', team: 'x' }, [], { [E]: 'r' }],
    ['an event never adopts a new tag', undefined, { [E]: 'r' }, [], {}],
    ['an event drops a changed rule list', { [E]: 'r' }, { [E]: '*' }, [], {}],
    ['an event drops the exemption when the expiry is removed', { [E]: 'r', [U]: '2025-04-01T00:00:00Z' }, { [E]: 'r' }, [], {}],
    ['a tag principal sets the key it tagged', { [E]: 'r' }, { [E]: '*' }, [E], { [E]: '*' }],
    ['a tag principal removes the key it untagged', { [E]: 'r' }, {}, [E], {}],
    ['a tag principal’s change does not carry a tag set by someone else', undefined, { [E]: 'r', [U]: '2030-01-01T00:00:00Z' }, [E], {}],
  ])('keptExemptionTags: %s', (_label, stored, current, adopt, expected) => {
    expect(keptExemptionTags(stored, current, adopt)).toEqual(expected);
  });

  it.each<[Record<string, string> | null, Record<string, string> | null, Record<string, string> | null]>([
    [{ [E]: 'r' }, { [E]: 'r' }, { [E]: 'r' }],
    [{ [E]: 'r', other: 'x' }, { [E]: 'r' }, { [E]: 'r' }],
    [{ [E]: 'r' }, null, null],
    [{ [E]: 'r' }, {}, null],
    [{ [E]: '*' }, { [E]: 'r' }, null],
    [{ [E]: 'r' }, { [E]: 'r', [U]: '2025-04-01T00:00:00Z' }, null],
    [{}, { [E]: 'r' }, null],
  ])('honouredExemptionTags(%j, baseline %j) = %j', (current, baseline, expected) => {
    expect(honouredExemptionTags(current, baseline)).toEqual(expected);
  });

  it('adopts exemption tags from a scan, or from a tag event of a configured tag principal only', () => {
    const withPrincipals = parseConfig({ exemptions: { tagPrincipals: ['platform-*', 'arn:aws:iam::111122223333:role/ops/tagger'] } });
    const event = (actor: ReturnType<typeof actorOf>, eventName = 'TagResource20170331v2') => ({ eventName, eventTime: '2025-03-14T09:00:00Z', actor, requestParameters: { tags: { [E]: 'r', team: 'x' } } });
    const actor = (identity: Parameters<typeof actorOf>[0]['userIdentity']) => actorOf({ userIdentity: identity } as Parameters<typeof actorOf>[0]);
    expect(exemptionTagAdoption(withPrincipals, undefined)).toBe('all');
    expect(exemptionTagAdoption(withPrincipals, event(actor(assumedRole('platform-deployer', 's'))))).toEqual([E]);
    expect(exemptionTagAdoption(withPrincipals, event(actor(assumedRole('tagger', 's', { path: '/ops/' }))))).toEqual([E]);
    expect(exemptionTagAdoption(withPrincipals, event(actor(assumedRole('tagger', 's', { account: '222233334444', path: '/ops/' }))))).toEqual([]);
    expect(exemptionTagAdoption(withPrincipals, event(actor(assumedRole('developer', 's'))))).toEqual([]);
    expect(exemptionTagAdoption(withPrincipals, event(actor(iamUser('platform-admin'))))).toEqual([]);
    expect(exemptionTagAdoption(withPrincipals, event(actor(assumedRole('platform-deployer', 's')), 'AddPermission20150331v2'))).toEqual([]);
  });
});
