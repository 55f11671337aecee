import { ADMIN_MANAGED_POLICY_NAMES, awsManagedPolicyName, describePolicySource, policySourceKey, roleNotApplicableReason, rolePolicies } from '../../functions/shared/iam/execution-role';
import { findAdminAccess } from '../../functions/shared/policy/iam-permissions';
import { defineRule, nonCompliant, notApplicable, type RuleFinding } from '../rule';
import { planForRolePolicy } from './role-policy-plan';

const IAM = 'iam.amazonaws.com';

export const executionRoleAdminAccess = defineRule({
  id: 'execution-role-admin-access',
  title: 'Lambda execution role grants administrator or whole-service access',
  severity: 'critical',
  defaultMode: 'approve',
  resourceType: 'iam-role',
  triggers: [
    { eventSource: IAM, eventNames: ['PutRolePolicy', 'AttachRolePolicy', 'CreatePolicyVersion', 'SetDefaultPolicyVersion'] },
    // A function created with, or switched to, a role: the role is judged when a function starts using it.
    { eventSource: 'lambda.amazonaws.com', eventNames: ['CreateFunction', 'UpdateFunctionConfiguration'] },
  ],
  reads: [],
  rationale:
    'Code running in the function gets every permission of its role: with "*", "service:*", NotAction or AdministratorAccess, a bug or a compromised dependency becomes control of the account.',
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege',
  ],
  falsePositives: [
    'Break-glass or platform functions that administer the account on purpose: exempt them by tag or ARN.',
    'Judged when a function is created with, or switched to, the role too: a function started on an existing admin role is reported, and the plan acts on the role (which other principals may use): approve with care.',
  ],
  remediationAction: 'detach-role-policy',
  alternativeActions: ['delete-role-policy', 'restore-role-policy', 'set-default-policy-version'],
  evaluate(state) {
    const reason = roleNotApplicableReason(state);
    if (reason !== null) return notApplicable(reason);
    const policies = rolePolicies(state);
    const admin = findAdminAccess(policies.map((p) => p.document));
    const findings: RuleFinding[] = [];
    policies.forEach((policy, index) => {
      const reasons = admin.filter((a) => a.statement.document === index).map((a) => a.reason);
      const managedName = policy.source.type === 'managed' ? awsManagedPolicyName(policy.source.arn) : undefined;
      if (managedName !== undefined && ADMIN_MANAGED_POLICY_NAMES.includes(managedName)) reasons.unshift(`The AWS managed policy ${managedName} is attached.`);
      if (reasons.length === 0) return;
      findings.push({
        key: policySourceKey(policy.source),
        summary: `The execution role ${state.role?.RoleName ?? state.ref.roleName} gets administrator-like access from its ${describePolicySource(policy.source)}: ${reasons.join(' ')}`,
        details: {
          role: state.arn,
          policy: policy.source,
          statements: admin.filter((a) => a.statement.document === index).map((a) => ({ kind: a.kind, sid: a.statement.sid, index: a.statement.statement, actions: a.actions, resources: a.resources })),
          usedByFunctions: state.usedByFunctions ?? [],
        },
        remediation: planForRolePolicy(state, policy),
      });
    });
    return nonCompliant(findings);
  },
});
