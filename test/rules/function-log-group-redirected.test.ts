import { describe, expect, it } from 'vitest';
import { functionLogGroupRedirected } from '../../rules/lambda/function-log-group-redirected';
import { ACCOUNT, FUNCTION_ARN, FUNCTION_NAME, REGION } from '../fixtures/accounts';
import { lambdaEvent, type EventOverrides } from '../fixtures/cloudtrail';
import { configurationHarness } from '../fixtures/configuration-harness';
import { updateFunctionConfigurationEvent } from '../fixtures/function-configuration';
import { ruleContext } from '../fixtures/rule-context';
import { functionSnapshot } from '../fixtures/snapshots';

const RULE = functionLogGroupRedirected.id;
const KEY = { account: ACCOUNT, region: REGION, functionName: FUNCTION_NAME };

/** `UpdateFunctionConfiguration20150331v2` changing only the logging config, the new one echoed in the response. */
function updateLogging(loggingConfig: Record<string, unknown>, overrides: EventOverrides = {}) {
  return lambdaEvent('UpdateFunctionConfiguration20150331v2', { functionName: FUNCTION_ARN, loggingConfig }, {
    responseElements: { functionName: FUNCTION_NAME, functionArn: FUNCTION_ARN, loggingConfig: { logFormat: 'Text', logGroup: `/aws/lambda/${FUNCTION_NAME}`, ...loggingConfig } },
    ...overrides,
  });
}

describe('function-log-group-redirected', () => {
  it.each([
    ['to a group an attacker reads', 1, updateLogging({ logGroup: '/tmp/exfil' })],
    ['to a group of another function', 1, updateLogging({ logGroup: '/aws/lambda/orders-worker', logFormat: 'JSON' })],
    ['back to the function’s own group', 0, updateLogging({ logGroup: `/aws/lambda/${FUNCTION_NAME}` })],
    ['only the log format (JSON)', 0, updateLogging({ logFormat: 'JSON', applicationLogLevel: 'INFO', systemLogLevel: 'WARN' })],
    ['without a logging config (timeout only)', 0, updateFunctionConfigurationEvent({})],
  ])('UpdateFunctionConfiguration %s gives %i finding(s)', async (_what, count, event) => {
    const h = configurationHarness();
    expect(await h.run(event, RULE)).toHaveLength(count);
  });

  it('alerts, naming the group and who redirected it', async () => {
    const h = configurationHarness();
    const [finding] = await h.run(updateLogging({ logGroup: '/tmp/exfil' }), RULE);
    expect(finding?.mode).toBe('alert');
    expect(finding?.remediation).toBeNull();
    expect(finding?.summary).toBe(`${FUNCTION_ARN} now sends its logs to log group /tmp/exfil, not its own /aws/lambda/${FUNCTION_NAME}, after UpdateFunctionConfiguration20150331v2 by arn:aws:iam::${ACCOUNT}:user/alice.`);
  });

  it('judges the current state: a redirect undone since is not reported', () => {
    const h = configurationHarness();
    h.account.replay(updateLogging({ logGroup: '/tmp/exfil' }));
    h.account.lambda.updateFunctionConfiguration(KEY, { LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${FUNCTION_NAME}` } });
    const configuration = h.account.lambda.getFunctionConfiguration({ kind: 'lambda-function', ...KEY });
    expect(functionLogGroupRedirected.evaluate({ ...functionSnapshot(), configuration }, ruleContext({ event: updateLogging({ logGroup: '/tmp/exfil' }) })).status).toBe('compliant');
  });

  it('changes nothing on a failed call, and is not applicable in a scan', async () => {
    const h = configurationHarness();
    h.account.lambda.createFunction(KEY);
    expect(await h.run(updateLogging({ logGroup: '/tmp/exfil' }, { errorCode: 'AccessDeniedException' }), RULE)).toEqual([]);
    expect(functionLogGroupRedirected.evaluate(functionSnapshot(), ruleContext()).status).toBe('not-applicable');
  });
});
