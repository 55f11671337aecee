import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/shared/config/config';
import { functionLayerOutsideOrg } from '../../rules/lambda/function-layer-outside-org';
import { FOREIGN_ACCOUNT, FUNCTION_ARN, ORG_ACCOUNT } from '../fixtures/accounts';
import { configurationHarness } from '../fixtures/configuration-harness';
import { createFunctionEvent, updateFunctionConfigurationEvent } from '../fixtures/function-configuration';
import { TEST_CONFIG } from '../fixtures/rule-context';

const RULE = functionLayerOutsideOrg.id;
const OWN = 'arn:aws:lambda:us-east-1:111122223333:layer:orders-common:3';
const ORG = `arn:aws:lambda:us-east-1:${ORG_ACCOUNT}:layer:shared-otel:12`;
const FOREIGN = `arn:aws:lambda:us-east-1:${FOREIGN_ACCOUNT}:layer:perf-monitor:1`;
/** AWS Lambda Insights, published by an AWS account. */
const INSIGHTS = 'arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:53';

describe('function-layer-outside-org', () => {
  it('plans to restore the last-known-good layers when a foreign layer is added', async () => {
    const h = configurationHarness();
    expect(await h.run(createFunctionEvent({ layers: [OWN, ORG] }), RULE)).toEqual([]);
    const [finding] = await h.run(updateFunctionConfigurationEvent({ layers: [OWN, FOREIGN, ORG] }), RULE);
    expect(finding?.mode).toBe('approve');
    expect(finding?.remediation?.params).toEqual({ functionName: FUNCTION_ARN, layers: `${OWN},${ORG}`, foreignLayers: FOREIGN });
    expect(finding?.details).toMatchObject({ restoreFrom: 'last-known-good' });
  });

  it('falls back to removing the foreign layer when no baseline exists (create path)', async () => {
    const h = configurationHarness();
    const [finding] = await h.run(createFunctionEvent({ layers: [FOREIGN, OWN] }), RULE);
    expect(finding?.remediation?.params).toEqual({ functionName: FUNCTION_ARN, layers: OWN, foreignLayers: FOREIGN });
    expect(finding?.remediation?.description).toContain('no last-known-good layers saved');
  });

  it('accepts layers of allow-listed publishers such as AWS', async () => {
    const config = parseConfig({ ...TEST_CONFIG, layerAllowList: { accounts: ['580247275435'] } });
    const h = configurationHarness({ config });
    expect(await h.run(createFunctionEvent({ layers: [INSIGHTS, OWN] }), RULE)).toEqual([]);
    expect(await configurationHarness().run(createFunctionEvent({ layers: [INSIGHTS] }), RULE)).toHaveLength(1);
  });

  it('finds nothing for a function without layers', async () => {
    expect(await configurationHarness().run(createFunctionEvent(), RULE)).toEqual([]);
  });
});
