/**
 * The `remediation.protectedRoles` setting's entries and its default: the organization's
 * administrative roles, which the remediator never writes (see `self/protected-roles.ts`).
 */

/**
 * Roles that administer accounts: what Organizations, Control Tower, IAM Identity Center and StackSets
 * create in every member account, and service-linked roles. A role name matches at any path; an entry
 * with a `/` is a `path/name` pattern (IAM Identity Center's `AWSReservedSSO_*` roles live under
 * `/aws-reserved/sso.amazonaws.com/`, service-linked roles under `/aws-service-role/`).
 */
export const DEFAULT_PROTECTED_ROLES: readonly string[] = [
  'OrganizationAccountAccessRole',
  'AWSControlTowerExecution',
  'aws-reserved/sso.amazonaws.com/*',
  'stacksets-exec-*',
  'AWSCloudFormationStackSetExecutionRole',
  'aws-service-role/*',
];

/** A protected-role entry: a role name pattern, or a `path/name` pattern (no leading or trailing `/`). */
export const PROTECTED_ROLE_ENTRY = /^[\w+=,.@*?-]+(\/[\w+=,.@*?-]+)*$/;
