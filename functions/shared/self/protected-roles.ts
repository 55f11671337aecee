/**
 * The roles the remediator never writes, in one place: the organization's administrative roles
 * (`remediation.protectedRoles`, defaulting to `DEFAULT_PROTECTED_ROLES` in `config/protected-role-entries.ts`) and the bot's own member
 * roles. The member template turns them into explicit Denies; the executor refuses the same plans first.
 */
import type { WardenConfig } from '../config/config';
import { FORWARDER_ROLE_PREFIX, type MemberRole } from './member-resources';

/**
 * The IAM resource suffixes (`role/…`, after `arn:<partition>:iam::<account>:`) an entry covers: a name
 * at any path (`role/<name>`, `role/*\/<name>`), or a path pattern as written (`*` spans `/`, as in IAM).
 */
export function protectedRoleResources(entry: string): string[] {
  return entry.includes('/') ? [`role/${entry}`] : [`role/${entry}`, `role/*/${entry}`];
}

/** The bot's own member roles as IAM resource suffixes (path `/`): the remediator, the audit role, the forwarder role of every region. */
export function ownMemberRoleResources(config: Pick<WardenConfig, 'remediatorRoleName' | 'auditRoleName'>): Record<MemberRole, string> {
  return { remediator: `role/${config.remediatorRoleName}`, auditor: `role/${config.auditRoleName}`, forwarder: `role/${FORWARDER_ROLE_PREFIX}*` };
}

const MEMBER_ROLES: readonly MemberRole[] = ['remediator', 'auditor', 'forwarder'];

function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/** Why the bot never writes a role: one of the organization's administrative roles, or one of its own. */
export type ProtectedRole =
  | { readonly kind: 'administrative-role'; readonly role: string; readonly entry: string }
  | { readonly kind: 'own-role'; readonly role: string; readonly memberRole: MemberRole };

/**
 * Whether a role (its ARN, with its path) is one the bot never writes, and why; null for any other role.
 * @example
 * protectedRole(config, 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123')
 * // { kind: 'administrative-role', entry: 'aws-reserved/sso.amazonaws.com/*', … }
 */
export function protectedRole(config: Pick<WardenConfig, 'remediatorRoleName' | 'auditRoleName' | 'remediation'>, roleArn: string): ProtectedRole | null {
  const match = /^arn:[^:]+:iam::[^:]*:role\/(.+)$/.exec(roleArn);
  const pathAndName = match?.[1];
  if (pathAndName === undefined) return null;
  const resource = `role/${pathAndName}`;
  const own = ownMemberRoleResources(config);
  const memberRole = MEMBER_ROLES.find((kind) => wildcard(own[kind]).test(resource));
  if (memberRole !== undefined) return { kind: 'own-role', role: roleArn, memberRole };
  const entry = config.remediation.protectedRoles.find((e) => protectedRoleResources(e).some((r) => wildcard(r).test(resource)));
  return entry === undefined ? null : { kind: 'administrative-role', role: roleArn, entry };
}

/** One sentence for people: why the bot leaves this role alone. */
export function describeProtectedRole(protectedRoleFound: ProtectedRole): string {
  return protectedRoleFound.kind === 'own-role'
    ? `${protectedRoleFound.role} is Lambda Warden's own ${protectedRoleFound.memberRole} role: the bot never writes it`
    : `${protectedRoleFound.role} is an administrative role (remediation.protectedRoles: ${protectedRoleFound.entry}): the bot never writes it`;
}
