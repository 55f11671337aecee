/** `npm run docs`: writes what is generated from the catalog (docs/RULES.md, rules/rule-ids.ts), from the sources. */
import { writeFileSync } from 'node:fs';
import { RULES } from '../rules';
import { renderRuleIdsModule, renderRulesMarkdown } from './rules-command';

writeFileSync('docs/RULES.md', renderRulesMarkdown(RULES));
writeFileSync('rules/rule-ids.ts', renderRuleIdsModule(RULES));
console.log('wrote docs/RULES.md, rules/rule-ids.ts');
