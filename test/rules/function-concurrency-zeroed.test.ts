import { describe, expect, it } from 'vitest';
import { intakeRefusal } from '../../functions/shared/event/intake';
import { functionConcurrencyZeroed } from '../../rules/lambda/function-concurrency-zeroed';
import { ACCOUNT, FUNCTION_ARN, FUNCTION_NAME, REGION } from '../fixtures/accounts';
import { assumedRole, identities, lambdaEvent, type EventOverrides } from '../fixtures/cloudtrail';
import { configurationHarness } from '../fixtures/configuration-harness';
import { ruleContext, TEST_CONFIG } from '../fixtures/rule-context';
import { functionSnapshot } from '../fixtures/snapshots';

const RULE = functionConcurrencyZeroed.id;
const KEY = { account: ACCOUNT, region: REGION, functionName: FUNCTION_NAME };

/** `PutFunctionConcurrency20171031` as CloudTrail logs it. */
function putConcurrency(reserved: number, overrides: EventOverrides = {}, functionName: string = FUNCTION_NAME) {
  return lambdaEvent('PutFunctionConcurrency', { functionName, reservedConcurrentExecutions: reserved }, { responseElements: { reservedConcurrentExecutions: reserved }, ...overrides });
}

describe('function-concurrency-zeroed', () => {
  it.each([
    ['0 by an IAM user, by name', 1, putConcurrency(0)],
    ['0 by a role session, by ARN', 1, putConcurrency(0, { identity: assumedRole('ops-automation', 'i-0abc') }, FUNCTION_ARN)],
    ['0 by a look-alike of the bot’s role (another session name, no source identity)', 1, putConcurrency(0, { identity: assumedRole(TEST_CONFIG.remediatorRoleName, 'warden-fake') })],
    ['50 (a normal reservation)', 0, putConcurrency(50)],
    ['1 (throttled hard, but running)', 0, putConcurrency(1)],
  ])('PutFunctionConcurrency %s gives %i finding(s)', async (_what, count, event) => {
    const h = configurationHarness();
    expect(await h.run(event, RULE)).toHaveLength(count);
  });

  it('alerts only and names the principal and its role', async () => {
    const h = configurationHarness();
    const [finding] = await h.run(putConcurrency(0, { identity: assumedRole('ops-automation', 'i-0abc') }), RULE);
    expect(finding?.mode).toBe('alert');
    expect(finding?.remediation).toBeNull();
    expect(finding?.summary).toContain('arn:aws:sts::111122223333:assumed-role/ops-automation/i-0abc (AssumedRole, role arn:aws:iam::111122223333:role/ops-automation) set the reserved concurrency');
    expect(finding?.details).toMatchObject({ principal: 'arn:aws:sts::111122223333:assumed-role/ops-automation/i-0abc', role: 'arn:aws:iam::111122223333:role/ops-automation' });
  });

  it('judges the current state: a 0 lifted since (DeleteFunctionConcurrency) is not reported', () => {
    const h = configurationHarness();
    h.account.replay(putConcurrency(0));
    h.account.lambda.deleteFunctionConcurrency(KEY);
    const result = functionConcurrencyZeroed.evaluate({ ...functionSnapshot(), reservedConcurrency: h.account.lambda.getReservedConcurrency(KEY) ?? null }, ruleContext({ event: putConcurrency(0) }));
    expect(result.status).toBe('compliant');
  });

  it('does not blame a reservation of 50 for a 0 set later by somebody else', () => {
    expect(functionConcurrencyZeroed.evaluate({ ...functionSnapshot(), reservedConcurrency: 0 }, ruleContext({ event: putConcurrency(50) })).status).toBe('compliant');
  });

  it('never fires on the bot’s own quarantine: intake drops it before any rule runs', () => {
    const quarantine = putConcurrency(0, { identity: identities.remediator(TEST_CONFIG.remediatorRoleName) }, FUNCTION_ARN);
    expect(intakeRefusal(quarantine, TEST_CONFIG)?.kind).toBe('own-action');
  });

  it('changes nothing on a failed call', async () => {
    const h = configurationHarness();
    h.account.lambda.createFunction(KEY);
    expect(await h.run(putConcurrency(0, { errorCode: 'AccessDeniedException' }), RULE)).toEqual([]);
    expect(h.account.lambda.getReservedConcurrency(KEY)).toBeUndefined();
  });

  // Changed deliberately (issue #17 scan coverage, scan.readConcurrency): a scan reports reserved concurrency 0, saying it cannot tell who set it.
  it('reports reserved concurrency 0 in a scan without naming a principal, and nothing for another value or when unread', () => {
    const found = functionConcurrencyZeroed.evaluate({ ...functionSnapshot(), reservedConcurrency: 0 }, ruleContext());
    expect(found.status).toBe('non-compliant');
    const finding = found.status === 'non-compliant' ? found.findings[0] : undefined;
    expect(finding?.summary).toContain('A scan cannot tell who set it');
    expect(finding?.details.principal).toBeNull();
    expect(finding?.remediation).toBeNull();
    expect(functionConcurrencyZeroed.evaluate({ ...functionSnapshot(), reservedConcurrency: 5 }, ruleContext()).status).toBe('compliant');
    expect(functionConcurrencyZeroed.evaluate({ ...functionSnapshot(), reservedConcurrency: 'none' }, ruleContext()).status).toBe('compliant');
    expect(functionConcurrencyZeroed.evaluate(functionSnapshot(), ruleContext()).status).toBe('not-applicable');
    expect(functionConcurrencyZeroed.evaluate(functionSnapshot(), ruleContext({ event: putConcurrency(0) })).status).toBe('not-applicable');
  });
});
