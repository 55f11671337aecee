import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/shared/config/config';
import { functionLeftVpc } from '../../rules/lambda/function-left-vpc';
import { ACCOUNT, ORG_ACCOUNT } from '../fixtures/accounts';
import { configurationHarness } from '../fixtures/configuration-harness';
import { createFunctionEvent, updateFunctionConfigurationEvent } from '../fixtures/function-configuration';
import { TEST_CONFIG } from '../fixtures/rule-context';

const RULE = functionLeftVpc.id;
const VPC = { subnetIds: ['subnet-0a1b2c3d4e5f60718', 'subnet-0f1e2d3c4b5a69788'], securityGroupIds: ['sg-0123456789abcdef0'] };
const NO_VPC = { subnetIds: [], securityGroupIds: [] };
const config = parseConfig({ ...TEST_CONFIG, requireVpc: { accounts: [ACCOUNT] } });

describe('function-left-vpc', () => {
  it('alerts when an update detaches the function from its VPC', async () => {
    const h = configurationHarness({ config });
    expect(await h.run(createFunctionEvent({ vpcConfig: VPC }), RULE)).toEqual([]);
    const [finding] = await h.run(updateFunctionConfigurationEvent({ vpcConfig: NO_VPC }), RULE);
    expect(finding?.summary).toContain('runs outside a VPC (it ran in vpc-0a1b2c3d4e5f60718');
    expect(finding?.mode).toBe('alert');
  });

  it('alerts on a function created outside a VPC in such an account', async () => {
    expect(await configurationHarness({ config }).run(createFunctionEvent(), RULE)).toHaveLength(1);
  });

  it('ignores accounts that do not require a VPC', async () => {
    expect(await configurationHarness({ config }).run(createFunctionEvent({}, { account: ORG_ACCOUNT }), RULE)).toEqual([]);
    expect(await configurationHarness().run(createFunctionEvent(), RULE)).toEqual([]);
  });
});
