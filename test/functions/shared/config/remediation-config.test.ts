import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseConfig } from '../../../../functions/shared/config/config';
import { DEFAULT_PROTECTED_ROLES } from '../../../../functions/shared/config/protected-role-entries';

describe('configuration: remediation', () => {
  it('defaults to today’s behaviour: IAM writes on, the administrative roles protected', () => {
    expect(DEFAULT_CONFIG.remediation).toEqual({ iamWrites: true, protectedRoles: [...DEFAULT_PROTECTED_ROLES] });
    expect(parseConfig({ remediation: {} }).remediation).toEqual(DEFAULT_CONFIG.remediation);
  });

  it('takes iamWrites false and a list of its own (which replaces the default)', () => {
    expect(parseConfig({ remediation: { iamWrites: false, protectedRoles: ['BreakGlass', 'platform/admin-*', 'ops-?'] } }).remediation).toEqual({
      iamWrites: false,
      protectedRoles: ['BreakGlass', 'platform/admin-*', 'ops-?'],
    });
    expect(parseConfig({ remediation: { protectedRoles: [] } }).remediation.protectedRoles).toEqual([]);
  });

  it.each([
    [{ iamWrites: 'no' }, /remediation\.iamWrites/],
    [{ protectedRoles: ['/aws-reserved/*'] }, /remediation\.protectedRoles\.0: must be a role name or a "path\/name" pattern/],
    [{ protectedRoles: ['admin/'] }, /remediation\.protectedRoles\.0/],
    [{ protectedRoles: ['arn:aws:iam::111122223333:role/Admin'] }, /remediation\.protectedRoles\.0/],
    [{ protectedRoles: [''] }, /remediation\.protectedRoles\.0/],
    [{ protectRoles: [] }, /Unrecognized key.*protectRoles/],
  ])('rejects %j naming the field', (remediation, message) => {
    expect(() => parseConfig({ remediation })).toThrow(message);
  });
});
