import { describePolicySource, policySourceKey, roleNotApplicableReason, rolePolicies } from '../../functions/shared/iam/execution-role';
import { findAdminAccess, findDangerousActions } from '../../functions/shared/policy/iam-permissions';
import { defineRule, nonCompliant, notApplicable, type RuleFinding } from '../rule';
import { planForRolePolicy } from './role-policy-plan';

const IAM = 'iam.amazonaws.com';

export const executionRolePrivilegeEscalation = defineRule({
  id: 'execution-role-privilege-escalation',
  title: 'Lambda execution role grants privilege-escalation or data-exfiltration actions on every resource',
  severity: 'high',
  defaultMode: 'approve',
  resourceType: 'iam-role',
  triggers: [
    { eventSource: IAM, eventNames: ['PutRolePolicy', 'AttachRolePolicy', 'CreatePolicyVersion', 'SetDefaultPolicyVersion'] },
    // A function created with, or switched to, a role: the role is judged when a function starts using it.
    { eventSource: 'lambda.amazonaws.com', eventNames: ['CreateFunction', 'UpdateFunctionConfiguration'] },
  ],
  reads: [],
  rationale:
    'Actions such as iam:PassRole, iam:PutRolePolicy or lambda:UpdateFunctionCode on "*" let the function’s code raise its own privileges; secretsmanager:GetSecretValue on "*" reads every secret.',
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html',
    'https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/',
  ],
  falsePositives: [
    'Deployment functions (pipelines, provisioning) that need these actions: scope them to named resources or add an iam:PassedToService condition, or exempt the function.',
  ],
  remediationAction: 'detach-role-policy',
  alternativeActions: ['delete-role-policy', 'restore-role-policy', 'set-default-policy-version'],
  evaluate(state) {
    const reason = roleNotApplicableReason(state);
    if (reason !== null) return notApplicable(reason);
    const policies = rolePolicies(state);
    const documents = policies.map((p) => p.document);
    // Statements with administrator access are the admin rule's findings; say the rest here.
    const adminStatements = new Set(findAdminAccess(documents).map((a) => `${String(a.statement.document)}/${String(a.statement.statement)}`));
    const dangerous = findDangerousActions(documents);
    const findings: RuleFinding[] = [];
    policies.forEach((policy, index) => {
      const granted = dangerous.filter((d) => d.grantedBy.some((s) => s.document === index && !adminStatements.has(`${String(s.document)}/${String(s.statement)}`)));
      if (granted.length === 0) return;
      const lines = granted.map((d) => `${d.action} (${d.category}): ${d.reason}`);
      findings.push({
        key: policySourceKey(policy.source),
        summary: `The execution role ${state.role?.RoleName ?? state.ref.roleName} is granted on every resource, by its ${describePolicySource(policy.source)}: ${lines.join(' ')}`,
        details: {
          role: state.arn,
          policy: policy.source,
          actions: granted.map((d) => ({
            action: d.action,
            category: d.category,
            reason: d.reason,
            together: d.together,
            statements: d.grantedBy.filter((s) => s.document === index).map((s) => ({ sid: s.sid, index: s.statement })),
          })),
          usedByFunctions: state.usedByFunctions ?? [],
        },
        remediation: planForRolePolicy(state, policy),
      });
    });
    return nonCompliant(findings);
  },
});
