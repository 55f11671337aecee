import { describe, expect, it } from 'vitest';
import { functionExecutionRoleSwapped } from '../../rules/lambda/function-execution-role-swapped';
import { configurationHarness } from '../fixtures/configuration-harness';
import { createFunctionEvent, updateFunctionCodeEvent, updateFunctionConfigurationEvent } from '../fixtures/function-configuration';

const RULE = functionExecutionRoleSwapped.id;
const OWN_ROLE = 'arn:aws:iam::111122223333:role/orders-api-role';
const ADMIN_ROLE = 'arn:aws:iam::111122223333:role/ci-admin';

describe('function-execution-role-swapped', () => {
  it('alerts when the role differs from the last-known-good one', async () => {
    const h = configurationHarness();
    await h.run(createFunctionEvent({ role: OWN_ROLE }), RULE);
    const [finding] = await h.run(updateFunctionConfigurationEvent({ role: ADMIN_ROLE }), RULE);
    expect(finding?.details).toEqual({ previousRole: OWN_ROLE, role: ADMIN_ROLE });
    expect(finding?.mode).toBe('alert');
  });

  it('stays quiet when the role is unchanged', async () => {
    const h = configurationHarness();
    await h.run(createFunctionEvent({ role: OWN_ROLE }), RULE);
    expect(await h.run(updateFunctionCodeEvent(), RULE)).toEqual([]);
    expect(await h.run(updateFunctionConfigurationEvent({ role: OWN_ROLE }, { eventTime: '2025-03-14T10:00:00Z' }), RULE)).toEqual([]);
  });

  it('cannot judge a swap without a baseline', async () => {
    const h = configurationHarness();
    h.account.replay(createFunctionEvent({ role: OWN_ROLE }));
    expect(await h.run(updateFunctionConfigurationEvent({ role: ADMIN_ROLE }), RULE)).toEqual([]);
  });
});
