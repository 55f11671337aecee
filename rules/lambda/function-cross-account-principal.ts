/** A function policy lets an account or organization outside ours invoke or read the function. */
import { isAllowListedAccount, isOrganizationAccount } from '../../functions/shared/config/config';
import { allowedActions, callerRestriction, principalsOf, statementsOf } from '../../functions/shared/policy/resource-policy';
import { compliant, defineRule, nonCompliant, notApplicable, type RuleFinding } from '../rule';
import { ACCESS_ANALYZER_TRIGGER, attribution, FUNCTION_ACTIONS, FUNCTION_POLICY_TRIGGERS, removeStatementPlan, statementLabel } from './function-policy';

export const functionCrossAccountPrincipal = defineRule({
  id: 'function-cross-account-principal',
  title: 'Function resource policy grants access to an account outside the organization',
  severity: 'high',
  defaultMode: 'approve',
  resourceType: 'lambda-function',
  triggers: [...FUNCTION_POLICY_TRIGGERS, ACCESS_ANALYZER_TRIGGER],
  reads: ['policy'],
  rationale:
    'An AWS account that is neither in the organization nor allow-listed can call this function with its execution role’s permissions; a foreign account added this way is a common persistence backdoor.',
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-cross-account.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html#access-analyzer-lambda',
  ],
  falsePositives: ['A partner or vendor account that really must call the function: add it to allowList.accounts in the Warden configuration.'],
  remediationAction: 'remove-function-permission',
  evaluate(state, context) {
    if (state.policy === undefined) return notApplicable('policy not read');
    if (state.policy === null) return compliant;
    const { config } = context;
    const ours = (account: string): boolean =>
      account === state.ref.account || isOrganizationAccount(config, account) || isAllowListedAccount(config, account);
    const findings: RuleFinding[] = [];
    for (const statement of statementsOf(state.policy)) {
      const actions = allowedActions(statement, FUNCTION_ACTIONS);
      if (actions.length === 0) continue;
      const principals = principalsOf(statement);
      const restriction = callerRestriction(statement);
      const accounts = principals.accounts.filter((a) => !ours(a));
      // A wildcard or service principal tied by its condition to someone else's account or organization.
      const conditioned = (principals.anyone || principals.services.length > 0) && restriction !== null;
      const conditionAccounts = conditioned ? restriction.accounts.filter((a) => !ours(a)) : [];
      const orgIds = conditioned ? restriction.orgIds.filter((o) => o !== config.organization.id) : [];
      const foreign = [...new Set([...accounts, ...conditionAccounts])];
      if (foreign.length === 0 && orgIds.length === 0) continue;
      const whom = [...foreign.map((a) => `account ${a}`), ...orgIds.map((o) => `organization ${o}`)].join(', ');
      findings.push({
        key: statement.Sid ?? JSON.stringify(statement),
        summary: `${statementLabel(statement)} on ${state.arn} lets ${whom}, outside the organization and the allow-list, call ${actions.join(', ')}; ${attribution(context, statement.Sid)}.`,
        details: { statement, actions, accounts: foreign, organizations: orgIds },
        remediation: removeStatementPlan(state, statement),
      });
    }
    return nonCompliant(findings);
  },
});
