import { describe, expect, it } from 'vitest';
import { findingSubject, SNS_SUBJECT_MAX, subject } from '../../../../functions/shared/slack/warden-messages';
import { RULES } from '../../../../rules';
import { metadataCase } from '../notifier/notifier-fixtures';

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

describe('SNS subject', () => {
  it.each(RULES.map((rule) => [rule.id, rule] as const))('is printable ASCII under 100 characters for %s, live and in dry-run', (_id, rule) => {
    const c = metadataCase(rule);
    for (const dryRun of [false, true]) {
      const value = findingSubject(c.finding, { ...c.outcome, dryRun });
      expect(value).toMatch(PRINTABLE_ASCII);
      expect(value.length).toBeLessThanOrEqual(SNS_SUBJECT_MAX);
      expect(value).toMatch(/^\[Warden\] [A-Z]+ /);
    }
  });

  it('cuts a long subject with an ASCII mark, and drops characters SNS refuses', () => {
    const cut = subject(`[Warden] HIGH ${'Execution role grants privilege escalation '.repeat(4)}(dry-run) — é`);
    expect(cut.length).toBeLessThanOrEqual(SNS_SUBJECT_MAX);
    expect(cut.length).toBeGreaterThan(SNS_SUBJECT_MAX - 5);
    expect(cut.endsWith('...')).toBe(true);
    expect(cut).toMatch(PRINTABLE_ASCII);
    expect(subject('[Warden] LOW café\nline')).toBe('[Warden] LOW caf line');
  });
});
