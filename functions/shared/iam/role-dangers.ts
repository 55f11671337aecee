/**
 * What makes a role dangerous to run a function as, judged as the execution-role rules judge it:
 * administrator-like access, privilege-escalation actions on every resource, a trust policy open
 * to principals outside the organization. Pure.
 */
import type { WardenConfig } from '../config/config';
import { findAdminAccess, findDangerousActions } from '../policy/iam-permissions';
import { analyzeTrustPolicy } from '../policy/iam-trust-policy';
import type { RoleSnapshot } from '../state/resources';
import { ADMIN_MANAGED_POLICY_NAMES, awsManagedPolicyName, rolePolicies } from './execution-role';

export interface RoleDangers {
  /** Sentences for a Slack reader, one per danger; empty when the role is not dangerous (or was not read). */
  readonly reasons: readonly string[];
  /** Structured facts: `adminAccess` (policy sources), `dangerousActions`, `openTrust` (principals); only those found. */
  readonly details: Readonly<Record<string, unknown>>;
}

/**
 * The dangers of a role snapshot; none when the role was not read or does not exist. `trust: false`
 * leaves the trust policy out (for callers that judge it their own way).
 */
export function roleDangers(role: RoleSnapshot | undefined, config: WardenConfig, options: { trust?: boolean } = {}): RoleDangers {
  if (role?.role === undefined || role.role === null) return { reasons: [], details: {} };
  const policies = rolePolicies(role);
  const documents = policies.map((p) => p.document);
  const reasons: string[] = [];
  const details: Record<string, unknown> = {};

  const admin = new Set<string>();
  for (const found of findAdminAccess(documents)) {
    const policy = policies[found.statement.document];
    if (policy !== undefined) admin.add(policy.source.type === 'inline' ? `inline:${policy.source.name}` : policy.source.arn);
  }
  for (const policy of policies) {
    const name = policy.source.type === 'managed' ? awsManagedPolicyName(policy.source.arn) : undefined;
    if (name !== undefined && ADMIN_MANAGED_POLICY_NAMES.includes(name) && policy.source.type === 'managed') admin.add(policy.source.arn);
  }
  if (admin.size > 0) {
    reasons.push(`it grants administrator-like access (${[...admin].join(', ')})`);
    details.adminAccess = [...admin];
  }

  const dangerous = findDangerousActions(documents).map((d) => d.action);
  if (dangerous.length > 0 && admin.size === 0) {
    reasons.push(`it grants ${dangerous.join(', ')} on every resource`);
    details.dangerousActions = dangerous;
  }

  if (options.trust === false) return { reasons, details };
  const open = analyzeTrustPolicy(role.role.AssumeRolePolicyDocument, {
    organizationId: config.organization.id,
    organizationAccounts: [...config.organization.accounts, ...config.allowList.accounts],
    ownAccount: role.ref.account,
  }).map((f) => f.principal);
  if (open.length > 0) {
    reasons.push(`its trust policy lets ${open.join(', ')} assume it`);
    details.openTrust = open;
  }
  return { reasons, details };
}
