/**
 * Issue #15, "done when": adding a rule that reuses existing state parts and actions touches exactly the
 * rule file, its test file and test events, `rules/index.ts`, and the regenerated docs. A test-only rule
 * (`example-rule/`) is put in the catalog the way `rules/index.ts` lists a real one (one more entry in the
 * list every consumer takes), and each list derived from the catalog picks it up with no other file
 * edited: the forwarding patterns, the engine's trigger index, the remediator's permissions (unchanged:
 * its action is registered already), the scan's state parts, `warden rules`, RULES.md and the rule-id module.
 */
import { describe, expect, it } from 'vitest';
import { normalizeEventName } from '../../functions/shared/event/event-names';
import { ACTIONS } from '../../functions/shared/remediation/actions';
import { SCAN_FUNCTION_PARTS } from '../../functions/shared/scan/scan-state-reader';
import { listRules, renderRuleIdsModule, renderRulesMarkdown } from '../../cli/rules-command';
import { forwardingPatterns } from '../../infra/event-patterns';
import { remediatorActions } from '../../infra/remediator-permissions';
import { RULES } from '../../rules';
import type { AnyRule } from '../../rules/rule';
import { configurationHarness } from '../fixtures/configuration-harness';
import { createFunctionEvent, updateFunctionConfigurationEvent } from '../fixtures/function-configuration';
import { EXAMPLE_VARIABLE, functionExampleDebugFlag } from './example-rule/function-example-debug-flag';

/** The catalog as `rules/index.ts` would make it with the example listed: the one edit outside the rule's own files. */
const CATALOG: readonly AnyRule[] = [...RULES, functionExampleDebugFlag];
const ID = functionExampleDebugFlag.id;

function lambdaPatternNames(rules: readonly AnyRule[]): string[] {
  const pattern = forwardingPatterns(rules, { global: false }).find((p) => p.detail.eventSource.includes('lambda.amazonaws.com'));
  return [...(pattern?.detail.eventName ?? [])];
}

describe('adding a rule that reuses existing state parts and actions', () => {
  it('is new: the real catalog has neither its id nor its PublishVersion trigger', () => {
    expect(RULES.map((r) => r.id)).not.toContain(ID);
    expect(lambdaPatternNames(RULES).map(normalizeEventName)).not.toContain('PublishVersion');
  });

  it('the member forwarding pattern gains its new trigger, in every spelling, from the catalog alone', () => {
    const before = lambdaPatternNames(RULES);
    const after = lambdaPatternNames(CATALOG);
    const added = after.filter((name) => !before.includes(name));
    expect(added.length).toBeGreaterThan(0);
    expect(added.map(normalizeEventName).every((name) => name === 'PublishVersion')).toBe(true);
    expect(after).toEqual(expect.arrayContaining(before));
  });

  it('the engine runs it on the events it triggers on, with the plan of an action already registered', async () => {
    const h = configurationHarness({ rules: CATALOG });
    expect(await h.run(createFunctionEvent(), ID)).toEqual([]);
    h.setVariables({ [EXAMPLE_VARIABLE]: 'true', KEEP: 'me' });
    const [finding, ...rest] = await h.run(updateFunctionConfigurationEvent({}), ID);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ ruleId: ID, severity: 'low', mode: 'alert', remediation: { action: 'remove-function-env-variables', params: { variableNames: EXAMPLE_VARIABLE } } });
    h.setVariables({ KEEP: 'me' });
    expect(await h.run(updateFunctionConfigurationEvent({}), ID)).toEqual([]);
  });

  it('needs no permission the remediator lacks: its action is registered and the role is the union of the registry', () => {
    const action = functionExampleDebugFlag.remediationAction;
    if (action === null) throw new Error('the example plans an action');
    expect(Object.keys(ACTIONS)).toContain(action);
    expect(remediatorActions()).toEqual(expect.arrayContaining([...ACTIONS[action].permissions]));
    expect(listRules(CATALOG).find((r) => r.id === ID)?.permissions).toEqual([...ACTIONS[action].permissions].sort());
  });

  it('is judged in a scan too: every part it reads is one the scan reads', () => {
    expect(functionExampleDebugFlag.reads.map((part) => SCAN_FUNCTION_PARTS[part].read)).toEqual(functionExampleDebugFlag.reads.map(() => 'listing'));
  });

  it('appears in the generated docs, `warden rules` and the rule-id module (the config schema enum)', () => {
    expect(renderRulesMarkdown(CATALOG)).toContain(`| \`${ID}\` | ${functionExampleDebugFlag.title} | low | alert |`);
    expect(renderRulesMarkdown(RULES)).not.toContain(ID);
    expect(renderRuleIdsModule(CATALOG)).toContain(`'${ID}'`);
    expect(listRules(CATALOG).map((r) => r.id)).toContain(ID);
  });
});
