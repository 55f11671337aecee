/**
 * One of Lambda Warden's own functions — the central stack's, in the security account, or one listed in
 * `selfProtection.resources` — was changed by someone other than the bot. A member account's `Warden*`
 * function is nobody's in particular: the other rules judge it.
 */
import { isProtectedResource } from '../../functions/shared/self/protected-resources';
import { defineRule, nonCompliant, notApplicable, compliant } from '../rule';

export const wardenFunctionChanged = defineRule({
  id: 'warden-function-changed',
  title: 'A Lambda Warden function was changed outside its deployment',
  severity: 'high',
  defaultMode: 'alert',
  resourceType: 'lambda-function',
  triggers: [
    {
      eventSource: 'lambda.amazonaws.com',
      eventNames: [
        'UpdateFunctionConfiguration',
        'UpdateFunctionCode',
        'DeleteFunction',
        'AddPermission',
        'RemovePermission',
        'PutFunctionConcurrency',
        'DeleteFunctionConcurrency',
        'UpdateAlias',
        'CreateFunctionUrlConfig',
        'UpdateFunctionUrlConfig',
        'DeleteFunctionUrlConfig',
        'TagResource',
        'UntagResource',
      ],
    },
  ],
  reads: [],
  rationale:
    'The bot guards the organization only while its own functions run unchanged: a changed responder, a zero concurrency or a removed permission silently disables every rule.',
  references: ['https://docs.aws.amazon.com/lambda/latest/dg/security-iam.html'],
  falsePositives: ['A deployment of the Warden central stack by its operators (CloudFormation, identity type AWSService or the deploy role).'],
  remediationAction: null,
  evaluate(state, context) {
    const event = context.event;
    if (event === undefined) return notApplicable('only changes are reported');
    if (!isProtectedResource(context.config, state.arn)) return compliant;
    return nonCompliant([
      {
        key: `${event.eventName}@${event.eventTime}`,
        summary: `${event.actor.arn ?? event.actor.type} called ${event.eventName} on ${state.arn}, one of Lambda Warden's own functions; the bot never reverts its own resources, check the change.`,
        details: { eventName: event.eventName },
        remediation: null,
      },
    ]);
  },
});
