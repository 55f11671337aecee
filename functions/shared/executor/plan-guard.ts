/**
 * Plans the bot will not run, found before any call: an IAM write while `remediation.iamWrites` is
 * false, or a write on a role the remediator role denies itself (administrative roles, the bot's own).
 * The member template's Denies and this check read the same lists, so a refusal here is what IAM
 * would answer, said cleanly and with the reason.
 */
import type { RemediationPlan, Finding } from '../contract/finding';
import type { WardenConfig } from '../config/config';
import { planNeedsIamWrite } from '../remediation/iam-writes';
import { describeProtectedRole, protectedRole, type ProtectedRole } from '../self/protected-roles';

/** Why a plan is not run by the bot. */
export type PlanBlock = { readonly kind: 'iam-writes-off' } | ProtectedRole;

/**
 * The ARN of the role a plan writes, or null when it writes no role. The finding's own resource gives
 * the role's path when it is that role; otherwise the role is taken at path `/`.
 */
export function planTargetRole(finding: Pick<Finding, 'resource' | 'account'>, plan: RemediationPlan): string | null {
  const roleName = plan.params.roleName;
  if (typeof roleName !== 'string') return null;
  const own = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(finding.resource);
  if (own?.[3] === roleName && own[2] === finding.account) return finding.resource;
  return `arn:${own?.[1] ?? /^arn:([^:]+):/.exec(finding.resource)?.[1] ?? 'aws'}:iam::${finding.account}:role/${roleName}`;
}

/** Why the bot must not run this plan itself, or null when it may. */
export function planBlock(config: Pick<WardenConfig, 'remediatorRoleName' | 'auditRoleName' | 'remediation'>, finding: Pick<Finding, 'resource' | 'account'>, plan: RemediationPlan): PlanBlock | null {
  const role = planTargetRole(finding, plan);
  const found = role === null ? null : protectedRole(config, role);
  if (found !== null) return found;
  if (!config.remediation.iamWrites && planNeedsIamWrite(plan)) return { kind: 'iam-writes-off' };
  return null;
}

/** One sentence for people: why the bot does not run the plan. */
export function describePlanBlock(block: PlanBlock): string {
  return block.kind === 'iam-writes-off' ? 'IAM writes are switched off (remediation.iamWrites: false): the bot changes no role or policy' : describeProtectedRole(block);
}
