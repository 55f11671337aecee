/**
 * A function's execution role was replaced, and the new role is shared with another function or
 * trusted by more than Lambda (or could not be checked).
 */
import { trustAllowsLambda } from '../../functions/shared/iam/execution-role';
import { changeOrigin, CONFIGURATION_TRIGGER } from '../../functions/shared/lambda/configuration-events';
import { principalsBesidesLambda } from '../../functions/shared/policy/iam-trust-policy';
import { functionArn, type RoleSnapshot } from '../../functions/shared/state/resources';
import { compliant, defineRule, nonCompliant, notApplicable } from '../rule';

/** Why a new execution role is a concern, as sentences and as details; empty when it is not. */
function concernsOf(role: RoleSnapshot | undefined, functionArnNow: string): { reasons: string[]; details: Record<string, unknown> } {
  if (role?.role === undefined) return { reasons: ['its trust policy and the functions using it could not be read'], details: { roleChecked: false } };
  if (role.role === null) return { reasons: ['the role no longer exists'], details: { roleExists: false } };
  const reasons: string[] = [];
  const details: Record<string, unknown> = {};
  const others = (role.usedByFunctions ?? []).filter((arn) => arn !== functionArnNow);
  if (others.length > 0) {
    reasons.push(`it is already the role of ${others.join(', ')}`);
    details.sharedWith = others;
  }
  const trust = role.role.AssumeRolePolicyDocument;
  const strangers = principalsBesidesLambda(trust);
  if (strangers.length > 0) {
    reasons.push(`its trust policy also lets ${strangers.join(', ')} assume it`);
    details.otherTrustedPrincipals = strangers;
  }
  if (!trustAllowsLambda(trust)) {
    reasons.push('its trust policy does not trust lambda.amazonaws.com');
    details.trustsLambda = false;
  }
  return { reasons, details };
}

export const functionExecutionRoleSwapped = defineRule({
  id: 'function-execution-role-swapped',
  title: "Function's execution role swapped for a shared or widely trusted role",
  severity: 'high',
  defaultMode: 'alert',
  resourceType: 'lambda-function',
  triggers: [CONFIGURATION_TRIGGER],
  reads: ['configuration', 'executionRole'],
  rationale:
    "Whoever can pass a more powerful role to a function they can change gets that role's permissions: the function becomes a way to escalate privileges. A role another function already uses, or one that other principals may assume, hands over permissions nobody reviewed for this function.",
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html',
  ],
  falsePositives: [
    'A planned move to a role shared by the functions of one application: acknowledge the alert; the new role becomes the baseline once all rules pass.',
    'A move to a new dedicated role trusted by Lambda only is not reported (the execution-role rules judge its permissions).',
  ],
  remediationAction: null,
  evaluate(state, context) {
    if (state.configuration === undefined) return notApplicable('configuration not read');
    if (state.configuration === null) return notApplicable('the function no longer exists');
    const previous = state.lastKnownGood?.role?.value;
    if (previous === undefined || previous === null) return notApplicable('no last-known-good role to compare with');
    const current = state.configuration.Role ?? null;
    if (current === null || current === previous) return compliant;
    const { reasons, details } = concernsOf(state.executionRole, functionArn({ ...state.ref, qualifier: undefined }));
    if (reasons.length === 0) return compliant;
    return nonCompliant([
      {
        key: `role:${current}`,
        summary: `${state.arn} now runs as ${current} instead of ${previous}, ${changeOrigin(context)}, and ${reasons.join('; ')}. Check what the new role may do and who else can use it.`,
        details: { previousRole: previous, role: current, ...details },
        remediation: null,
      },
    ]);
  },
});
