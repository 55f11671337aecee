import { describe, expect, it } from 'vitest';
import { RULES } from '../../../../rules';
import type { AnyRule, Rule } from '../../../../rules/rule';
import { ruleContext } from '../../../fixtures/rule-context';
import { functionSnapshot } from '../../../fixtures/snapshots';

// The scan reads no tags for the rules (only for exemptions of findings): that is sound only while
// every rule that reads tags judges tag changes, i.e. is not applicable without an event.
describe('rules reading tags in a scan', () => {
  const isFunctionRule = (rule: AnyRule): rule is Rule<'lambda-function'> => rule.resourceType === 'lambda-function';
  const readers = RULES.filter(isFunctionRule).filter((rule) => rule.reads.includes('tags'));

  it('exist (or this test guards nothing)', () => {
    expect(readers.map((r) => r.id)).toEqual(['function-exemption-tag-changed']);
  });

  it.each(readers.map((r) => [r.id, r] as const))('%s is not applicable without an event, whatever the tags', (_id, rule) => {
    const variants: (Readonly<Record<string, string>> | undefined)[] = [undefined, {}, { 'warden:exempt': '*' }];
    for (const tags of variants) {
      const snapshot = functionSnapshot(tags === undefined ? {} : { tags });
      expect(rule.evaluate(snapshot, ruleContext()).status).toBe('not-applicable');
    }
  });
});
