import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_DESCRIPTIONS, CONFIG_REFERENCE_FILE, configFields, configReference } from '../../infra/config-reference';

describe('configuration reference (docs/CONFIGURATION.md)', () => {
  it('is committed exactly as generated from the schema (run `npm run schema` after changing it)', () => {
    expect(readFileSync(CONFIG_REFERENCE_FILE, 'utf8')).toBe(configReference());
  });

  it('says what every field means, and nothing about fields that do not exist', () => {
    const paths = configFields().map((f) => f.path);
    expect(paths.filter((p) => CONFIG_DESCRIPTIONS[p] === undefined)).toEqual([]);
    expect(Object.keys(CONFIG_DESCRIPTIONS).filter((p) => !paths.includes(p))).toEqual([]);
  });

  it('covers the whole schema, with types, constraints and defaults', () => {
    const byPath = new Map(configFields().map((f) => [f.path, f]));
    for (const path of ['slack.defaultChannel', 'slack.channelsBySeverity', 'slack.approvers.userIds', 'slack.digest.maxFindings', 'layerAllowList.accounts', 'deployerRoles', 'requireVpc.accounts', 'runtimeDeprecationWarningDays', 'circuitBreaker.windowMinutes', 'exemptions.resources[].rules']) {
      expect(byPath.has(path)).toBe(true);
    }
    expect(byPath.get('runtimeDeprecationWarningDays')).toEqual({ path: 'runtimeDeprecationWarningDays', type: 'integer', constraint: '≥ 0, ≤ 3650', default: '`90`' });
    expect(byPath.get('rules')?.constraint).toBe('keys: an id of `warden rules`');
    expect(byPath.get('dryRun')?.default).toBe('`true`');
  });

  it('keeps a pipe inside a pattern from splitting the table cell', () => {
    const line = configReference().split('\n').find((l) => l.startsWith('| `deployment.memberOus`'));
    expect(line?.split(/(?<!\\)\|/)).toHaveLength(7);
  });
});
