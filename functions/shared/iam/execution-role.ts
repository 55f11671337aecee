/**
 * What makes an IAM role a Lambda execution role, and the identity policies of a role snapshot as
 * one list the analysis can judge together (each tagged with where it comes from). Pure.
 */
import { createHash } from 'node:crypto';
import type { IamPolicyDocument } from '../policy/iam-policy';
import { statementCoversAction } from '../policy/iam-permissions';
import { LAMBDA_SERVICE_PRINCIPALS } from '../policy/iam-trust-policy';
import type { RoleDescription, RoleSnapshot } from '../state/resources';

/** Where an identity policy of a role comes from. */
export type RolePolicySource =
  | { readonly type: 'inline'; readonly name: string }
  | { readonly type: 'managed'; readonly arn: string; readonly defaultVersionId: string };

export interface RolePolicy {
  readonly source: RolePolicySource;
  readonly document: IamPolicyDocument;
}

/** AWS managed policies that grant administrator-like access by themselves. */
export const ADMIN_MANAGED_POLICY_NAMES: readonly string[] = ['AdministratorAccess', 'PowerUserAccess', 'IAMFullAccess'];

const AWS_MANAGED_POLICY = /^arn:aws[a-z-]*:iam::aws:policy\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;

/** The name of an AWS managed policy ARN (`arn:aws:iam::aws:policy/AdministratorAccess`), else undefined. */
export function awsManagedPolicyName(arn: string): string | undefined {
  return AWS_MANAGED_POLICY.exec(arn)?.[1];
}

/** Does the trust policy let the Lambda service (`lambda`/`edgelambda.amazonaws.com`) assume the role? */
export function trustAllowsLambda(trust: IamPolicyDocument): boolean {
  const services = new Set(LAMBDA_SERVICE_PRINCIPALS);
  return trust.Statement.some(
    (s) => s.Effect === 'Allow' && statementCoversAction(s, 'sts:AssumeRole') && (s.Principal?.Service ?? []).some((p) => services.has(p.toLowerCase())),
  );
}

/** A role is a Lambda execution role when Lambda may assume it or a function of the account runs as it. */
export function isLambdaExecutionRole(role: RoleDescription, usedByFunctions: readonly string[] | undefined): boolean {
  return trustAllowsLambda(role.AssumeRolePolicyDocument) || (usedByFunctions ?? []).length > 0;
}

/**
 * Why the role rules do not apply to a snapshot (not read, gone, not a Lambda execution role),
 * or null when they do.
 */
export function roleNotApplicableReason(snapshot: RoleSnapshot): string | null {
  if (snapshot.role === undefined) return 'the role was not read (no IAM reader)';
  if (snapshot.role === null) return `the role ${snapshot.ref.roleName} no longer exists`;
  if (!isLambdaExecutionRole(snapshot.role, snapshot.usedByFunctions)) return `${snapshot.role.RoleName} is not a Lambda execution role`;
  return null;
}

/** The role's identity policies: inline ones (by name), then attached managed ones (in order). */
export function rolePolicies(snapshot: RoleSnapshot): readonly RolePolicy[] {
  const inline = Object.entries(snapshot.inlinePolicies ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, document]): RolePolicy => ({ source: { type: 'inline', name }, document }));
  const managed = (snapshot.attachedPolicies ?? []).map(
    (p): RolePolicy => ({ source: { type: 'managed', arn: p.arn, defaultVersionId: p.defaultVersionId }, document: p.document }),
  );
  return [...inline, ...managed];
}

/** How a finding names a policy: `inline policy "x"` / `managed policy arn:…`. */
export function describePolicySource(source: RolePolicySource): string {
  return source.type === 'inline' ? `inline policy "${source.name}"` : `managed policy ${source.arn} (version ${source.defaultVersionId})`;
}

/** A stable key for a policy source: `inline:<name>` / `managed:<arn>`. */
export function policySourceKey(source: RolePolicySource): string {
  return source.type === 'inline' ? `inline:${source.name}` : `managed:${source.arn}`;
}

/**
 * SHA-256 (hex) of a document in canonical form: a remediation guarded by it acts only when the
 * document is still the one that was judged.
 */
export function documentDigest(document: IamPolicyDocument): string {
  return createHash('sha256').update(JSON.stringify(document)).digest('hex');
}
