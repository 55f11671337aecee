import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/shared/config/config';
import { wardenFunctionChanged } from '../../rules/lambda/warden-function-changed';
import { ACCOUNT, ORG_ACCOUNT } from '../fixtures/accounts';
import { lambdaEvent } from '../fixtures/cloudtrail';
import { findingsOf, ruleContext, TEST_CONFIG } from '../fixtures/rule-context';
import { functionRef, functionSnapshot } from '../fixtures/snapshots';

/** The security account is ORG_ACCOUNT; the central stack is WardenCentral. */
const config = parseConfig({ ...TEST_CONFIG, selfProtection: { securityAccount: ORG_ACCOUNT, centralStack: 'WardenCentral' } });
const CENTRAL_RESPONDER = 'WardenCentral-ResponderFunction12AB-x1y2z3';

function judge(functionName: string, account: string) {
  const event = lambdaEvent('UpdateFunctionConfiguration', { functionName }, { account });
  return findingsOf(wardenFunctionChanged.evaluate(functionSnapshot({ ref: functionRef({ account, functionName }) }), ruleContext({ event, config })));
}

describe('warden-function-changed', () => {
  it("reports a change to the central stack's function in the security account", () => {
    const [finding] = judge(CENTRAL_RESPONDER, ORG_ACCOUNT);
    expect(finding?.summary).toContain(`function:${CENTRAL_RESPONDER}, one of Lambda Warden's own functions`);
  });

  it.each([
    ['a member account function named Warden*', 'WardenPayments', ACCOUNT],
    ['a member account function named like the central stack', CENTRAL_RESPONDER, ACCOUNT],
    ['an ordinary function of the security account', 'orders-api', ORG_ACCOUNT],
  ])('leaves %s to the other rules', (_label, functionName, account) => {
    expect(judge(functionName, account)).toEqual([]);
  });

  it('reports nothing for a scan', () => {
    expect(wardenFunctionChanged.evaluate(functionSnapshot({ ref: functionRef({ account: ORG_ACCOUNT, functionName: CENTRAL_RESPONDER }) }), ruleContext({ config })).status).toBe('not-applicable');
  });
});
