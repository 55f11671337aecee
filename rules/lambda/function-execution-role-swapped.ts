/** A function's execution role was replaced by another role than its last-known-good one. */
import { changeOrigin, CONFIGURATION_TRIGGER } from '../../functions/shared/lambda/configuration-events';
import { compliant, defineRule, nonCompliant, notApplicable } from '../rule';

export const functionExecutionRoleSwapped = defineRule({
  id: 'function-execution-role-swapped',
  title: "Function's execution role swapped for another role",
  severity: 'high',
  defaultMode: 'alert',
  resourceType: 'lambda-function',
  triggers: [CONFIGURATION_TRIGGER],
  reads: ['configuration'],
  rationale:
    "Whoever can pass a more powerful role to a function they can change gets that role's permissions: the function becomes a way to escalate privileges. One role per function keeps this visible.",
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html',
  ],
  falsePositives: ['A planned move to a new role in a deployment: acknowledge the alert; the new role becomes the baseline once all rules pass.'],
  remediationAction: null,
  evaluate(state, context) {
    if (state.configuration === undefined) return notApplicable('configuration not read');
    if (state.configuration === null) return notApplicable('the function no longer exists');
    const previous = state.lastKnownGood?.role?.value;
    if (previous === undefined || previous === null) return notApplicable('no last-known-good role to compare with');
    const current = state.configuration.Role ?? null;
    if (current === null || current === previous) return compliant;
    return nonCompliant([
      {
        key: `role:${current}`,
        summary: `${state.arn} now runs as ${current} instead of ${previous}, ${changeOrigin(context)}. Check what the new role may do and who else uses it.`,
        details: { previousRole: previous, role: current },
        remediation: null,
      },
    ]);
  },
});
