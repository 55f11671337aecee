import { describe, expect, it } from 'vitest';
import { functionEnvKmsKeyRemoved } from '../../rules/lambda/function-env-kms-key-removed';
import { configurationHarness } from '../fixtures/configuration-harness';
import { createFunctionEvent, updateFunctionCodeEvent, updateFunctionConfigurationEvent } from '../fixtures/function-configuration';
import { ruleContext } from '../fixtures/rule-context';
import { functionSnapshot } from '../fixtures/snapshots';

const RULE = functionEnvKmsKeyRemoved.id;
const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';

describe('function-env-kms-key-removed', () => {
  it('alerts when the key of the last-known-good configuration is gone while variables are set', async () => {
    const h = configurationHarness();
    await h.run(createFunctionEvent({ kMSKeyArn: KEY }), RULE);
    h.setVariables({ TABLE_NAME: 'orders' });
    expect(await h.run(updateFunctionCodeEvent(), RULE)).toEqual([]);
    const [finding] = await h.run(updateFunctionConfigurationEvent({ kMSKeyArn: '' }, { eventTime: '2025-03-14T10:00:00Z' }), RULE);
    expect(finding?.mode).toBe('alert');
    expect(finding?.details).toEqual({ previousKmsKeyArn: KEY, variableCount: 1 });
    expect(finding?.summary).toContain(KEY);
  });

  it('alerts without a baseline when the request itself removed the key', async () => {
    const h = configurationHarness();
    h.account.replay(createFunctionEvent({ kMSKeyArn: KEY }));
    h.setVariables({ TABLE_NAME: 'orders' });
    const findings = await h.run(updateFunctionConfigurationEvent({ kMSKeyArn: '' }), RULE);
    expect(findings.map((f) => f.details)).toEqual([{ previousKmsKeyArn: null, variableCount: 1 }]);
  });

  it('stays quiet when the function has no variables to protect', async () => {
    const h = configurationHarness();
    await h.run(createFunctionEvent({ kMSKeyArn: KEY }), RULE);
    expect(await h.run(updateFunctionConfigurationEvent({ kMSKeyArn: '' }), RULE)).toEqual([]);
  });

  it('stays quiet for a function that never had a customer-managed key', async () => {
    const h = configurationHarness();
    await h.run(createFunctionEvent(), RULE);
    h.setVariables({ TABLE_NAME: 'orders' });
    expect(await h.run(updateFunctionCodeEvent(), RULE)).toEqual([]);
    expect(await h.run(updateFunctionConfigurationEvent({ setsEnvironment: true }, { eventTime: '2025-03-14T10:00:00Z' }), RULE)).toEqual([]);
  });

  it('is not applicable to a function that no longer exists', () => {
    expect(functionEnvKmsKeyRemoved.evaluate(functionSnapshot({ configuration: null }), ruleContext()).status).toBe('not-applicable');
  });
});
