import { describe, expect, it } from 'vitest';
import { forwarderRoleName } from '../../functions/shared/self/member-resources';
import { roleArn, type RoleSnapshot } from '../../functions/shared/state/resources';
import { wardenMemberRoleChanged } from '../../rules/iam/warden-member-role-changed';
import { ACCOUNT } from '../fixtures/accounts';
import { cloudTrailEvent, iamUser } from '../fixtures/cloudtrail';
import { findingsOf, ruleContext, TEST_CONFIG } from '../fixtures/rule-context';

function role(roleName: string, path?: string): RoleSnapshot {
  const ref = { kind: 'iam-role' as const, account: ACCOUNT, region: 'us-east-1', roleName };
  const arn = roleArn({ ...ref, path: path ?? '/' });
  return path === undefined ? { kind: 'iam-role', ref, arn, role: null } : { kind: 'iam-role', ref, arn, role: { RoleName: roleName, Arn: arn, Path: path, AssumeRolePolicyDocument: { Statement: [] } } };
}

const event = (eventName: string, roleName: string) => cloudTrailEvent('iam.amazonaws.com', eventName, { roleName }, { identity: iamUser('mallory') });

describe('warden-member-role-changed', () => {
  it.each([
    [TEST_CONFIG.remediatorRoleName, 'remediator'],
    [TEST_CONFIG.auditRoleName, 'auditor'],
    [forwarderRoleName('eu-west-1'), 'forwarder'],
  ])('alerts on a write on %s (the %s role), even once the role is deleted', (roleName, memberRole) => {
    for (const snapshot of [role(roleName, '/'), role(roleName)]) {
      const found = findingsOf(wardenMemberRoleChanged.evaluate(snapshot, ruleContext({ event: event('DeleteRolePolicy', roleName) })));
      expect(found.map((f) => [f.details.memberRole, f.remediation])).toEqual([[memberRole, null]]);
      expect(found[0]?.summary).toMatch(new RegExp(`^arn:aws:iam::${ACCOUNT}:user/mallory called iam:DeleteRolePolicy on ${roleName}`));
    }
  });

  it.each([['WardenPayments'], ['WardenRemediator-dev'], ['orders-api-role']])('finds nothing for %s', (roleName) => {
    expect(wardenMemberRoleChanged.evaluate(role(roleName, '/'), ruleContext({ event: event('PutRolePolicy', roleName) }))).toEqual({ status: 'compliant' });
  });

  it('finds nothing for a namesake under another path, and is not applicable to a scan', () => {
    expect(wardenMemberRoleChanged.evaluate(role(TEST_CONFIG.remediatorRoleName, '/team/'), ruleContext({ event: event('TagRole', TEST_CONFIG.remediatorRoleName) }))).toEqual({ status: 'compliant' });
    expect(wardenMemberRoleChanged.evaluate(role(TEST_CONFIG.remediatorRoleName, '/'), ruleContext()).status).toBe('not-applicable');
  });
});
