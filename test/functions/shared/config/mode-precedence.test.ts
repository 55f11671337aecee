import { describe, expect, it } from 'vitest';
import { ouOf, parseConfig, resolveMode } from '../../../../functions/shared/config/config';

const config = parseConfig({
  organization: { accounts: ['111122223333', '222233334444', '333344445555'] },
  rules: { 'function-url-public': { mode: 'alert' } },
  ous: { 'ou-ab12-cd34ef56': { accounts: ['222233334444'], rules: { 'function-url-public': { mode: 'auto' }, 'layer-version-public': { mode: 'approve' } } } },
  accounts: {
    '222233334444': { rules: { 'layer-version-public': { mode: 'alert' } } },
    '333344445555': { ou: 'ou-ab12-cd34ef56', rules: {} },
  },
});

describe('resolveMode', () => {
  it.each([
    ['the rule default without overrides', 'function-public-access', '111122223333', 'auto'],
    ['the rule override', 'function-url-public', '111122223333', 'alert'],
    ['the OU override over the rule override', 'function-url-public', '222233334444', 'auto'],
    ['the account override over the OU override', 'layer-version-public', '222233334444', 'alert'],
    ['the OU named by the account entry', 'layer-version-public', '333344445555', 'approve'],
    ['the rule override when no account is given', 'function-url-public', undefined, 'alert'],
  ] as const)('applies %s', (_label, ruleId, account, mode) => {
    expect(resolveMode(config, ruleId, 'auto', account)).toBe(mode);
  });

  it('finds the OU of an account from either side', () => {
    expect([ouOf(config, '222233334444'), ouOf(config, '333344445555'), ouOf(config, '111122223333')]).toEqual(['ou-ab12-cd34ef56', 'ou-ab12-cd34ef56', undefined]);
  });

  it('keeps defaults for the new fields', () => {
    const defaults = parseConfig({});
    expect([defaults.approvalExpiryHours, defaults.circuitBreaker, defaults.selfProtection, defaults.exemptions]).toEqual([
      24,
      { maxRemediations: 10, windowMinutes: 15, maxPerPrincipal: 5, maxGlobal: 100 },
      { stackPrefix: 'Warden', resources: [] },
      { resources: [], tagPrincipals: [] },
    ]);
  });

  it('names the field of an invalid OU id', () => {
    expect(() => parseConfig({ accounts: { '111122223333': { ou: 'engineering' } } })).toThrow(/accounts\.111122223333\.ou/);
  });
});
