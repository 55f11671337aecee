/** What the function resource-policy rules share: their triggers, the removal plan, attribution. */
import { functionArn, type FunctionSnapshot, type PolicyStatement } from '../../functions/shared/state/resources';
import { ACCESS_ANALYZER_EVENT_SOURCE, ACCESS_ANALYZER_FINDING_DETAIL_TYPE } from '../../functions/shared/event/access-analyzer-finding';
import type { RuleContext, Trigger } from '../rule';
import type { RemediationPlan } from '../../functions/shared/contract/finding';

/** Events after which a function's resource policy may have changed. */
export const FUNCTION_POLICY_TRIGGERS: readonly Trigger[] = [
  { eventSource: 'lambda.amazonaws.com', eventNames: ['AddPermission', 'CreateFunction', 'CreateFunctionUrlConfig', 'UpdateFunctionUrlConfig'] },
];

/**
 * An IAM Access Analyzer finding about a function or layer version (issue #18): the rule judges the
 * resource's current policy, so the plan is the same surgical removal as after a CloudTrail event, and a
 * grant removed since finds nothing. Findings from it are asked for approval at most.
 */
export const ACCESS_ANALYZER_TRIGGER: Trigger = {
  eventSource: ACCESS_ANALYZER_EVENT_SOURCE,
  detailType: ACCESS_ANALYZER_FINDING_DETAIL_TYPE,
  eventNames: [ACCESS_ANALYZER_FINDING_DETAIL_TYPE],
};

/** Lambda actions a function policy can grant that matter for exposure. */
export const FUNCTION_ACTIONS = ['lambda:InvokeFunction', 'lambda:InvokeFunctionUrl', 'lambda:GetFunction', 'lambda:UpdateFunctionCode'] as const;

/** The plan that removes exactly one statement (by `Sid`) from the function's policy. */
export function removeStatementPlan(state: FunctionSnapshot, statement: PolicyStatement): RemediationPlan | null {
  if (statement.Sid === undefined || statement.Sid === '') return null;
  const params: Record<string, string> = { functionName: functionArn({ ...state.ref, qualifier: undefined }), statementId: statement.Sid };
  if (state.ref.qualifier !== undefined) params.qualifier = state.ref.qualifier;
  if (state.policyRevisionId !== undefined) params.revisionId = state.policyRevisionId;
  return {
    action: 'remove-function-permission',
    params,
    description: `lambda:RemovePermission removes statement "${statement.Sid}" only; the rest of the policy stays. Re-add it with lambda:AddPermission if it was intended.`,
  };
}

/** "added by <arn> (AddPermission)" when the event added this statement, else who triggered the check. */
export function attribution(context: RuleContext, sid: string | undefined): string {
  const event = context.event;
  if (event === undefined) return context.detector?.service === 'access-analyzer' ? `reported by IAM Access Analyzer (finding ${context.detector.findingId})` : 'found by a scan';
  const who = event.actor.arn ?? event.actor.type;
  const addedHere = sid !== undefined && event.requestParameters.statementId === sid;
  return addedHere ? `added by ${who} (${event.eventName})` : `present after ${event.eventName} by ${who}`;
}

export function statementLabel(statement: PolicyStatement): string {
  return statement.Sid === undefined ? 'a statement without Sid' : `statement "${statement.Sid}"`;
}
