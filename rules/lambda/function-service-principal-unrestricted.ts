/** A function policy lets an AWS service invoke the function on behalf of any account (confused deputy). */
import { allowedActions, callerRestriction, principalsOf, restrictsSource, statementsOf } from '../../functions/shared/policy/resource-policy';
import { compliant, defineRule, nonCompliant, notApplicable, type RuleFinding } from '../rule';
import { attribution, FUNCTION_ACTIONS, FUNCTION_POLICY_TRIGGERS, removeStatementPlan, statementLabel } from './function-policy';

const AWS_SERVICE = /\.amazonaws\.com(\.cn)?$/;

export const functionServicePrincipalUnrestricted = defineRule({
  id: 'function-service-principal-unrestricted',
  title: 'Function resource policy lets an AWS service invoke it for any account',
  severity: 'high',
  defaultMode: 'approve',
  resourceType: 'lambda-function',
  triggers: FUNCTION_POLICY_TRIGGERS,
  reads: ['policy'],
  rationale:
    'The grant names a service such as s3.amazonaws.com without aws:SourceAccount or an aws:SourceArn naming our account, so a bucket, topic or rule in any other AWS account can make that service invoke this function (the confused-deputy problem).',
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-services.html',
    'https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html',
  ],
  falsePositives: [
    'Statements written before the service supported aws:SourceArn: re-add them with --source-arn and --source-account rather than exempting them.',
    'An S3 trigger added with --source-arn only (a common tutorial form) is reported: bucket ARNs carry no account, so add --source-account as AWS’s AddPermission reference asks.',
  ],
  remediationAction: 'remove-function-permission',
  evaluate(state, context) {
    if (state.policy === undefined) return notApplicable('policy not read');
    if (state.policy === null) return compliant;
    const findings: RuleFinding[] = [];
    for (const statement of statementsOf(state.policy)) {
      const actions = allowedActions(statement, FUNCTION_ACTIONS);
      const services = principalsOf(statement).services.filter((s) => AWS_SERVICE.test(s));
      const restriction = callerRestriction(statement);
      if (actions.length === 0 || services.length === 0 || restrictsSource(restriction)) continue;
      const accountless = restriction?.accountlessSourceArn === true && restriction.keys.includes('aws:sourcearn');
      const why = accountless
        ? 'restricted by an aws:SourceArn that names no account (an S3 bucket name, which anyone can re-create once it is deleted) and no aws:SourceAccount'
        : 'with no aws:SourceArn or aws:SourceAccount condition';
      findings.push({
        key: statement.Sid ?? JSON.stringify(statement),
        summary: `${statementLabel(statement)} on ${state.arn} lets ${services.join(', ')} call ${actions.join(', ')} ${why}, so resources in any AWS account can trigger it; ${attribution(context, statement.Sid)}.`,
        details: { statement, services, actions, ...(accountless ? { accountlessSourceArn: true } : {}) },
        remediation: removeStatementPlan(state, statement),
      });
    }
    return nonCompliant(findings);
  },
});
