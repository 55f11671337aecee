import { allowedActions, callerRestriction, principalsOf, statementsOf } from '../../functions/shared/policy/resource-policy';
import { compliant, defineRule, nonCompliant, notApplicable, type RuleFinding } from '../rule';
import { ACCESS_ANALYZER_TRIGGER, attribution, FUNCTION_ACTIONS, FUNCTION_POLICY_TRIGGERS, removeStatementPlan, statementLabel } from './function-policy';

export const functionPublicAccess = defineRule({
  id: 'function-public-access',
  title: 'Function resource policy lets any principal invoke it',
  severity: 'critical',
  defaultMode: 'auto',
  resourceType: 'lambda-function',
  triggers: [...FUNCTION_POLICY_TRIGGERS, ACCESS_ANALYZER_TRIGGER],
  reads: ['policy'],
  rationale:
    'Anyone on the internet, in any AWS account, can call this function: it runs with its execution role’s permissions on attacker-chosen input and runs up your bill. A condition on lambda:FunctionUrlAuthType does not restrict who calls.',
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html',
    'https://docs.aws.amazon.com/securityhub/latest/userguide/lambda-controls.html#lambda-1',
  ],
  falsePositives: ['A deliberately public webhook: exempt it with the warden:exempt tag, and prefer a function URL with AWS_IAM behind API Gateway or CloudFront.'],
  remediationAction: 'remove-function-permission',
  evaluate(state, context) {
    if (state.policy === undefined) return notApplicable('policy not read');
    if (state.policy === null) return compliant;
    const findings: RuleFinding[] = [];
    for (const statement of statementsOf(state.policy)) {
      const actions = allowedActions(statement, FUNCTION_ACTIONS);
      if (actions.length === 0 || !principalsOf(statement).anyone || callerRestriction(statement) !== null) continue;
      findings.push({
        key: statement.Sid ?? JSON.stringify(statement),
        summary: `${statementLabel(statement)} on ${state.arn} lets any principal call ${actions.join(', ')} with no condition restricting the caller; ${attribution(context, statement.Sid)}.`,
        details: { statement, actions },
        remediation: removeStatementPlan(state, statement),
      });
    }
    return nonCompliant(findings);
  },
});
