import { describe, expect, it } from 'vitest';
import { FUNCTION_ARN } from '../fixtures/accounts';
import { createFunctionWithRoleEvent, evaluateRoleEvent, findingsOfRule, ROLE_ARN } from '../fixtures/iam';

const RULE = 'execution-role-shared';

describe('execution-role-shared', () => {
  it('alerts with the list of functions when a second function runs as the role', async () => {
    const { findings } = await evaluateRoleEvent(createFunctionWithRoleEvent('orders-worker'));
    const found = findingsOfRule(findings, RULE);
    expect(found).toHaveLength(1);
    expect(found[0]?.mode).toBe('alert');
    expect(found[0]?.details.functions).toEqual([FUNCTION_ARN, 'arn:aws:lambda:us-east-1:111122223333:function:orders-worker']);
    // Events name roles without their path: the finding's resource is path-less, the details carry the real ARN.
    expect(found[0]?.resource).toBe('arn:aws:iam::111122223333:role/orders-api-role');
    expect(found[0]?.details.role).toBe(ROLE_ARN);
  });

  it('finds nothing for a function with a role of its own', async () => {
    const { findings } = await evaluateRoleEvent(createFunctionWithRoleEvent('billing', 'arn:aws:iam::111122223333:role/billing-role'));
    expect(findingsOfRule(findings, RULE)).toEqual([]);
  });
});
