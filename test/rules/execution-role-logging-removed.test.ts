import { describe, expect, it } from 'vitest';
import { BASIC_EXECUTION_ARN, deleteRolePolicyEvent, detachRolePolicyEvent, evaluateRoleEvent, findingsOfRule, putRolePolicyEvent, documents } from '../fixtures/iam';

const RULE = 'execution-role-logging-removed';

describe('execution-role-logging-removed', () => {
  it('finds nothing while another policy still allows logging', async () => {
    const { findings } = await evaluateRoleEvent(deleteRolePolicyEvent('logging'));
    expect(findingsOfRule(findings, RULE)).toEqual([]);
  });

  it('alerts when the last logging permission is removed', async () => {
    const setup = [deleteRolePolicyEvent('logging')];
    const { findings } = await evaluateRoleEvent(detachRolePolicyEvent(BASIC_EXECUTION_ARN), { setup });
    const found = findingsOfRule(findings, RULE);
    expect(found).toHaveLength(1);
    expect(found[0]?.mode).toBe('alert');
    expect(found[0]?.remediation).toBeNull();
    expect(found[0]?.details.missing).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
  });

  it('alerts when a rewritten inline policy drops logs:PutLogEvents', async () => {
    const setup = [detachRolePolicyEvent(BASIC_EXECUTION_ARN)];
    const narrowed = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:CreateLogStream', Resource: '*' }] };
    const { findings } = await evaluateRoleEvent(putRolePolicyEvent('logging', narrowed), { setup });
    expect(findingsOfRule(findings, RULE)[0]?.details.missing).toEqual(['logs:PutLogEvents']);
  });

  it('finds nothing for a new role written without logging (nothing was removed)', async () => {
    const { findings } = await evaluateRoleEvent(putRolePolicyEvent('orders', documents.dynamoPutItem, { roleName: 'fresh-role' }));
    expect(findingsOfRule(findings, RULE)).toEqual([]);
  });

  it('finds nothing when a narrow policy is added beside the logging ones', async () => {
    const { findings } = await evaluateRoleEvent(putRolePolicyEvent('orders', documents.dynamoPutItem));
    expect(findingsOfRule(findings, RULE)).toEqual([]);
  });
});
