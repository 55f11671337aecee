/**
 * Every action in the registry has a scenario showing it sends only the commands its declared permissions
 * cover (an action run under the SDK mock, its calls checked against `permissions`). The scenarios live
 * with each action family's tests; this test finds them, so a new action without one fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ActionName } from '../../../../functions/shared/contract/finding';
import { ACTIONS } from '../../../../functions/shared/remediation/actions';

const TEST_DIR = fileURLToPath(new URL('../../..', import.meta.url));

function testSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testSources(path);
    return entry.name.endsWith('.test.ts') ? [readFileSync(path, 'utf8')] : [];
  });
}

/** A test file that records the commands sent (`calls`), compares them with an action's `permissions`, and names this action (by id or module). */
function hasScenario(sources: readonly string[], name: ActionName): boolean {
  return sources.some((source) => /\.calls\b/.test(source) && /\.permissions\b/.test(source) && (source.includes(`'${name}'`) || source.includes(`/actions/${name}'`)));
}

describe('the action registry', () => {
  const sources = testSources(TEST_DIR);

  it('has a "sends only the commands it declares" scenario for every action', () => {
    const missing = (Object.keys(ACTIONS) as ActionName[]).filter((name) => !hasScenario(sources, name));
    expect(missing).toEqual([]);
  });

  it('recognises a file without such a scenario', () => {
    expect(hasScenario(["it('x', () => { run('remove-function-permission'); })"], 'remove-function-permission')).toBe(false);
    expect(hasScenario(["const sent = mock.calls.map(name); expect(sent.filter((p) => !action.permissions.includes(p))).toEqual([]); 'remove-function-permission'"], 'remove-function-permission')).toBe(true);
  });
});
