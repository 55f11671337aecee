import { roleNotApplicableReason } from '../../functions/shared/iam/execution-role';
import { defineRule, nonCompliant, notApplicable } from '../rule';

export const executionRoleShared = defineRule({
  id: 'execution-role-shared',
  title: 'Lambda execution role is used by more than one function',
  severity: 'low',
  defaultMode: 'alert',
  resourceType: 'iam-role',
  triggers: [
    // Sharing starts when a function is created with, or switched to, a role another function uses.
    { eventSource: 'lambda.amazonaws.com', eventNames: ['CreateFunction', 'UpdateFunctionConfiguration'] },
  ],
  reads: [],
  rationale: 'Functions sharing a role share every permission: each gets the union of what all of them need, and a compromise of one reaches the data of all.',
  references: ['https://docs.aws.amazon.com/lambda/latest/operatorguide/least-privilege.html'],
  falsePositives: ['Several small functions of one application that need exactly the same permissions.'],
  remediationAction: null,
  evaluate(state) {
    const reason = roleNotApplicableReason(state);
    if (reason !== null) return notApplicable(reason);
    if (state.usedByFunctions === undefined) return notApplicable('the functions using the role were not listed');
    const functions = [...state.usedByFunctions].sort();
    if (functions.length <= 1) return nonCompliant([]);
    return nonCompliant([
      {
        key: 'shared',
        summary: `The execution role ${state.role?.RoleName ?? state.ref.roleName} is used by ${String(functions.length)} functions: ${functions.join(', ')}.`,
        details: { role: state.arn, functions },
        remediation: null,
      },
    ]);
  },
});
