import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { intakeRefusal } from '../../functions/shared/event/intake';
import { setFunctionRecursionTerminate } from '../../functions/shared/remediation/actions/set-function-recursion-terminate';
import { functionRecursiveLoopAllowed } from '../../rules/lambda/function-recursive-loop-allowed';
import { installLambdaMock, type LambdaMockHandle } from '../../sim/lambda-mock';
import { ACCOUNT, FUNCTION_ARN, FUNCTION_NAME, REGION } from '../fixtures/accounts';
import { identities, lambdaEvent, type EventOverrides } from '../fixtures/cloudtrail';
import { configurationHarness } from '../fixtures/configuration-harness';
import { ruleContext, TEST_CONFIG } from '../fixtures/rule-context';
import { functionSnapshot } from '../fixtures/snapshots';

const RULE = functionRecursiveLoopAllowed.id;
const KEY = { account: ACCOUNT, region: REGION, functionName: FUNCTION_NAME };

/** `PutFunctionRecursionConfig` as CloudTrail logs it: the request echoed in the response. */
function putRecursion(recursiveLoop: string, overrides: EventOverrides = {}, functionName: string = FUNCTION_ARN) {
  return lambdaEvent('PutFunctionRecursionConfig', { functionName, recursiveLoop }, { responseElements: { recursiveLoop }, ...overrides });
}

let lambda: LambdaMockHandle | undefined;
afterEach(() => lambda?.mock.restore());

describe('function-recursive-loop-allowed', () => {
  it.each([
    ['Allow by the function ARN', 1, putRecursion('Allow')],
    ['Allow by the bare function name', 1, putRecursion('Allow', {}, FUNCTION_NAME)],
    ['Allow with the API-version spelling', 1, { ...putRecursion('Allow'), detail: { ...putRecursion('Allow').detail, eventName: 'PutFunctionRecursionConfig20240831' } }],
    ['Terminate (switching detection on)', 0, putRecursion('Terminate')],
  ])('PutFunctionRecursionConfig %s gives %i finding(s)', async (_what, count, event) => {
    const h = configurationHarness();
    expect(await h.run(event, RULE)).toHaveLength(count);
  });

  it('alerts by default, naming who switched it off, with a plan that sets Terminate', async () => {
    const h = configurationHarness();
    const [finding] = await h.run(putRecursion('Allow'), RULE);
    expect(finding?.mode).toBe('alert');
    expect(finding?.summary).toContain('by arn:aws:iam::111122223333:user/alice');
    expect(finding?.remediation).toMatchObject({ action: 'set-function-recursion-terminate', params: { functionName: FUNCTION_ARN } });
  });

  it('judges the current state: a later Terminate leaves nothing to report for the earlier Allow', () => {
    const h = configurationHarness();
    h.account.replay(putRecursion('Allow'));
    h.account.lambda.putFunctionRecursionConfig(KEY, 'Terminate');
    const result = functionRecursiveLoopAllowed.evaluate(
      { ...functionSnapshot(), recursiveLoop: h.account.lambda.getRecursiveLoop(KEY) },
      ruleContext({ event: putRecursion('Allow') }),
    );
    expect(result.status).toBe('compliant');
  });

  it('changes nothing on a failed call, and the bot’s own call never reaches the rules', async () => {
    const h = configurationHarness();
    h.account.lambda.createFunction(KEY);
    const denied = putRecursion('Allow', { errorCode: 'AccessDeniedException' });
    expect(await h.run(denied, RULE)).toEqual([]);
    expect(h.account.lambda.getRecursiveLoop(KEY)).toBe('Terminate');
    expect(intakeRefusal(denied, TEST_CONFIG)?.kind).toBe('failed-call');
    expect(intakeRefusal(putRecursion('Terminate', { identity: identities.remediator(TEST_CONFIG.remediatorRoleName) }), TEST_CONFIG)?.kind).toBe('own-action');
  });

  it('is not applicable when the setting was not read (a scan) or the function is gone', () => {
    expect(functionRecursiveLoopAllowed.evaluate(functionSnapshot(), ruleContext()).status).toBe('not-applicable');
    expect(functionRecursiveLoopAllowed.evaluate({ ...functionSnapshot(), recursiveLoop: null }, ruleContext()).status).toBe('not-applicable');
  });

  it('approved, its plan sets Terminate in the account, verifies it, and is idempotent', async () => {
    const h = configurationHarness();
    const [finding] = await h.run(putRecursion('Allow'), RULE);
    lambda = installLambdaMock(h.account, mockClient(LambdaClient));
    const client = new LambdaClient({ region: REGION });
    const params = setFunctionRecursionTerminate.paramsSchema.parse(finding?.remediation?.params);
    expect(await setFunctionRecursionTerminate.execute({ lambda: client }, params)).toMatchObject({ status: 'remediated', verified: true });
    expect(h.account.lambda.getRecursiveLoop(KEY)).toBe('Terminate');
    expect((await setFunctionRecursionTerminate.execute({ lambda: client }, params)).status).toBe('already-compliant');
    expect([...new Set(lambda.calls.map((c) => `lambda:${c.command}`))].sort()).toEqual([...setFunctionRecursionTerminate.permissions].sort());
    expect(setFunctionRecursionTerminate.paramsSchema.safeParse({ functionName: `${FUNCTION_ARN}:live` }).success).toBe(false);
  });
});
