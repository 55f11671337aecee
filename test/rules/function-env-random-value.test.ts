import { describe, expect, it } from 'vitest';
import { functionEnvRandomValue } from '../../rules/lambda/function-env-random-value';
import { containsSecretFragment } from '../../functions/shared/secrets/secret-fragment';
import { configurationHarness } from '../fixtures/configuration-harness';
import { createFunctionEvent, updateFunctionConfigurationEvent } from '../fixtures/function-configuration';
import { findingsOf, ruleContext } from '../fixtures/rule-context';
import { functionSnapshot } from '../fixtures/snapshots';
import { LABELLED_ENV_VARS } from '../functions/shared/secrets/labelled-env-vars';

const RULE = functionEnvRandomValue.id;
const shaped = LABELLED_ENV_VARS.filter((v) => v.expected === 'random credential-shaped value');
const lookAlikes = Object.fromEntries(LABELLED_ENV_VARS.filter((v) => v.expected === null).map((v, i) => [`${v.name}_${String(i)}`, v.value]));

describe('function-env-random-value', () => {
  it('alerts, low and without a plan, on a random credential under a name that says nothing, naming the variable only', async () => {
    const h = configurationHarness();
    await h.run(createFunctionEvent({ setsEnvironment: true }), RULE);
    const value = shaped[0]?.value ?? '';
    h.setVariables({ LOG_LEVEL: 'info', UPSTREAM_CONFIG: value });
    const [finding, ...rest] = await h.run(updateFunctionConfigurationEvent({ setsEnvironment: true }, { eventTime: '2025-03-14T10:00:00Z' }), RULE);
    expect(rest).toEqual([]);
    expect(finding?.severity).toBe('low');
    expect(finding?.mode).toBe('alert');
    expect(finding?.remediation).toBeNull();
    expect(finding?.details).toEqual({ variables: [{ name: 'UPSTREAM_CONFIG', kind: 'random credential-shaped value', basis: 'shape' }] });
    expect(containsSecretFragment(JSON.stringify(finding), [value])).toBe(false);
    // Not the plaintext-secret rule's (high, approve): shape alone is never reverted.
    expect(await h.run(updateFunctionConfigurationEvent({ setsEnvironment: true }, { eventTime: '2025-03-14T10:01:00Z' }), 'function-env-plaintext-secret')).toEqual([]);
  });

  it('reports every labelled random value', () => {
    const variables = Object.fromEntries(shaped.map((v) => [v.name, v.value]));
    const [finding] = findingsOf(functionEnvRandomValue.evaluate(functionSnapshot({ configuration: { Environment: { Variables: variables } } }), ruleContext()));
    expect((finding?.details.variables as { name: string }[]).map((v) => v.name)).toEqual(Object.keys(variables));
  });

  it('stays quiet on the labelled look-alikes (digests, UUIDs, ARNs, base64 of text, generated names …)', () => {
    expect(functionEnvRandomValue.evaluate(functionSnapshot({ configuration: { Environment: { Variables: lookAlikes } } }), ruleContext())).toEqual({ status: 'compliant' });
  });

  it('leaves named credentials to function-env-plaintext-secret', () => {
    const named = LABELLED_ENV_VARS.find((v) => v.name === 'MAIL_PW');
    expect(functionEnvRandomValue.evaluate(functionSnapshot({ configuration: { Environment: { Variables: { MAIL_PW: named?.value ?? '' } } } }), ruleContext())).toEqual({ status: 'compliant' });
  });
});
