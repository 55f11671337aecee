import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listRules, renderRuleIdsModule, renderRulesMarkdown, renderRulesText } from '../../cli/rules-command';
import { RULE_IDS } from '../../rules/rule-ids';
import { RULES } from '../../rules';

describe('warden rules', () => {
  it('lists every rule with its versioned trigger spellings and declared permissions', () => {
    const listing = listRules(RULES);
    expect(listing.map((r) => r.id)).toEqual(RULES.map((r) => r.id));
    const publicAccess = listing.find((r) => r.id === 'function-public-access');
    expect(publicAccess?.triggers[0]?.eventNames).toContain('AddPermission20150331v2');
    expect(publicAccess?.triggers[0]?.eventNames).toContain('AddPermission20150331');
    expect(publicAccess?.permissions).toEqual(['lambda:GetPolicy', 'lambda:RemovePermission']);
  });

  it('renders text naming each rule, its severity and mode', () => {
    const text = renderRulesText(RULES);
    for (const rule of RULES) expect(text).toContain(`${rule.id}  [${rule.severity}, ${rule.defaultMode}]`);
  });

  it('matches the committed docs/RULES.md (run `npm run docs` after changing a rule)', () => {
    expect(readFileSync('docs/RULES.md', 'utf8')).toBe(renderRulesMarkdown(RULES));
  });

  it('matches the committed rules/rule-ids.ts the configuration validates against (run `npm run docs` after adding a rule)', () => {
    expect(readFileSync('rules/rule-ids.ts', 'utf8')).toBe(renderRuleIdsModule(RULES));
    expect(RULE_IDS).toEqual(RULES.map((rule) => rule.id));
  });
});
