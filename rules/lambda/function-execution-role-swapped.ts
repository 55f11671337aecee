/**
 * A function started running as a role that is dangerous (administrator access, privilege
 * escalation, an open trust policy) — created with it or switched to it — or its execution role
 * was replaced by one shared with another function or trusted by more than Lambda.
 */
import { trustAllowsLambda } from '../../functions/shared/iam/execution-role';
import { roleDangers } from '../../functions/shared/iam/role-dangers';
import { changeOrigin, CONFIGURATION_TRIGGER } from './configuration-events';
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
  title: 'Function runs as a new execution role that is over-privileged, shared or widely trusted',
  severity: 'high',
  defaultMode: 'alert',
  resourceType: 'lambda-function',
  triggers: [CONFIGURATION_TRIGGER],
  reads: ['configuration', 'executionRole'],
  rationale:
    "Whoever can pass a powerful role to a function they create or change gets that role's permissions: the function becomes a way to escalate privileges. A role with admin access, or one other functions or principals use, hands over permissions nobody reviewed.",
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html',
  ],
  falsePositives: [
    'A planned move to a role shared by the functions of one application: acknowledge the alert; the new role becomes the baseline once all rules pass.',
    'A move to a new dedicated role trusted by Lambda only is not reported, unless the role grants administrator access or privilege-escalation actions on every resource.',
    'A function created (or first seen) with an administrator or deployment role on purpose is reported each time it changes until it is exempted: the function never gets a baseline while it runs as that role.',
  ],
  remediationAction: null,
  evaluate(state, context) {
    if (state.configuration === undefined) return notApplicable('configuration not read');
    if (state.configuration === null) return notApplicable('the function no longer exists');
    const previous = state.lastKnownGood?.role?.value ?? null;
    const current = state.configuration.Role ?? null;
    if (current === null || current === previous) return compliant;
    // With a baseline, the trust policy is judged below (anything besides Lambda is a concern there).
    const dangers = roleDangers(state.executionRole, context.config, { trust: previous === null });
    if (previous === null) {
      // A new function, or one never seen compliant: nothing to compare with, so judge the role itself.
      if (dangers.reasons.length === 0) return compliant;
      return nonCompliant([
        {
          key: `role:${current}`,
          summary: `${state.arn} runs as ${current}, ${changeOrigin(context)}, and ${dangers.reasons.join('; ')}. Whoever can change the function's code gets these permissions.`,
          details: { previousRole: null, role: current, ...dangers.details },
          remediation: null,
        },
      ]);
    }
    const { reasons, details } = concernsOf(state.executionRole, functionArn({ ...state.ref, qualifier: undefined }));
    const all = [...dangers.reasons, ...reasons];
    if (all.length === 0) return compliant;
    return nonCompliant([
      {
        key: `role:${current}`,
        summary: `${state.arn} now runs as ${current} instead of ${previous}, ${changeOrigin(context)}, and ${all.join('; ')}. Check what the new role may do and who else can use it.`,
        details: { previousRole: previous, role: current, ...details, ...dangers.details },
        remediation: null,
      },
    ]);
  },
});
