/** A function's code was changed by a principal that is not one of the configured deployer roles. */
import { arnMatches } from '../../functions/shared/policy/arn-pattern';
import { compliant, defineRule, nonCompliant, notApplicable } from '../rule';
import type { Actor } from '../../functions/shared/contract/finding';

/** True when the actor is a session of a role that a `deployerRoles` entry (a role name or role ARN pattern) names. */
function isDeployer(patterns: readonly string[], actor: Actor): boolean {
  const issuer = actor.sessionIssuerArn;
  if (actor.type !== 'AssumedRole' || issuer === undefined) return false;
  const roleName = issuer.slice(issuer.lastIndexOf('/') + 1);
  return patterns.some((pattern) => (pattern.startsWith('arn:') ? arnMatches(pattern, issuer) : arnMatches(pattern, roleName)));
}

export const functionCodeChangedByUnexpectedPrincipal = defineRule({
  id: 'function-code-changed-by-unexpected-principal',
  title: 'Function code changed by a principal that is not a deployer role',
  severity: 'high',
  defaultMode: 'alert',
  resourceType: 'lambda-function',
  triggers: [{ eventSource: 'lambda.amazonaws.com', eventNames: ['UpdateFunctionCode'] }],
  reads: [],
  rationale:
    "Code deployed outside the pipeline bypasses review and runs with the function's role and secrets: a typical step after stolen credentials. The bot does not revert code; check who deployed what.",
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/logging-using-cloudtrail.html',
    'https://docs.aws.amazon.com/lambda/latest/dg/configuration-codesigning.html',
  ],
  falsePositives: ['A hotfix deployed by hand by an operator: acknowledge it, or add their deploy role to deployerRoles.'],
  remediationAction: null,
  evaluate(state, context) {
    const event = context.event;
    if (event === undefined) return notApplicable('only changes are judged');
    if (context.config.deployerRoles.length === 0) return notApplicable('no deployer roles configured (deployerRoles)');
    if (isDeployer(context.config.deployerRoles, event.actor)) return compliant;
    const who = event.actor.sessionIssuerArn ?? event.actor.arn ?? event.actor.type;
    return nonCompliant([
      {
        key: `code@${event.eventTime}`,
        summary: `${who} (${event.actor.type}) changed the code of ${state.arn} (${event.eventName}); it is not one of the deployer roles.`,
        details: { principal: who, principalType: event.actor.type, sourceIPAddress: event.actor.sourceIPAddress ?? null },
        remediation: null,
      },
    ]);
  },
});
