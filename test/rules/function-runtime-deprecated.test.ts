import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/shared/config/config';
import { functionRuntimeDeprecated } from '../../rules/lambda/function-runtime-deprecated';
import { configurationHarness } from '../fixtures/configuration-harness';
import { createFunctionEvent, updateFunctionCodeEvent, updateFunctionConfigurationEvent } from '../fixtures/function-configuration';
import { ruleContext, TEST_CONFIG } from '../fixtures/rule-context';
import { functionSnapshot } from '../fixtures/snapshots';

const RULE = functionRuntimeDeprecated.id;

describe('function-runtime-deprecated', () => {
  it.each([
    ['python3.8', '2025-03-14', 'deprecated'],
    ['go1.x', '2025-03-14', 'deprecated'],
    ['nodejs18.x', '2025-06-15', 'deprecation-soon'],
    ['nodejs18.x', '2025-09-01', 'deprecated'],
    ['python3.9', '2025-10-01', 'deprecation-soon'],
    ['nodejs20.x', '2026-02-01', 'deprecation-soon'],
    ['nodejs18.x', '2025-03-14', null],
    ['nodejs22.x', '2025-03-14', null],
    ['python3.13', '2025-03-14', null],
    ['nodejs99.x', '2025-03-14', null],
  ])('a function created on %s on %s is reported as %s', async (runtime, day, status) => {
    const h = configurationHarness({ now: new Date(`${day}T12:00:00Z`) });
    const findings = await h.run(createFunctionEvent({ runtime }), RULE);
    expect(findings.map((f) => (f.details as { status: string }).status)).toEqual(status === null ? [] : [status]);
  });

  it('reports an update that changes the runtime to a deprecated one, and not later code updates', async () => {
    const h = configurationHarness();
    await h.run(createFunctionEvent({ runtime: 'python3.12' }), RULE);
    const [finding] = await h.run(updateFunctionConfigurationEvent({ runtime: 'python3.8' }), RULE);
    expect(finding?.summary).toContain('python3.8, which has been deprecated since 2024-10-14');
    expect(await h.run(updateFunctionCodeEvent(), RULE)).toHaveLength(0);
  });

  it('does not report code updates of a function already on a deprecated runtime', async () => {
    const h = configurationHarness();
    h.account.replay(createFunctionEvent({ runtime: 'python3.8' }));
    expect(await h.run(updateFunctionCodeEvent(), RULE)).toEqual([]);
  });

  it('takes "soon" from runtimeDeprecationWarningDays', () => {
    const state = functionSnapshot({ configuration: { Runtime: 'nodejs18.x' } });
    const now = new Date('2025-03-14T00:00:00Z');
    expect(functionRuntimeDeprecated.evaluate(state, ruleContext({ now })).status).toBe('compliant');
    const config = parseConfig({ ...TEST_CONFIG, runtimeDeprecationWarningDays: 180 });
    expect(functionRuntimeDeprecated.evaluate(state, ruleContext({ now, config })).status).toBe('non-compliant');
  });

  it.each([
    ['configuration not read', functionSnapshot()],
    ['the function no longer exists', functionSnapshot({ configuration: null })],
    ['container image function: the runtime is in the image', functionSnapshot({ configuration: { PackageType: 'Image' } })],
  ])('is not applicable when %s', (reason, state) => {
    expect(functionRuntimeDeprecated.evaluate(state, ruleContext())).toEqual({ status: 'not-applicable', reason });
  });
});
