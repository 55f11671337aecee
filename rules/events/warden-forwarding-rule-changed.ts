/** The EventBridge rule that forwards a member account's CloudTrail events to Lambda Warden was disabled, deleted or changed. */
import { isProtectedResource } from '../../functions/shared/executor/exemptions';
import { compliant, defineRule, nonCompliant, notApplicable } from '../rule';

export const wardenForwardingRuleChanged = defineRule({
  id: 'warden-forwarding-rule-changed',
  title: "Lambda Warden's event forwarding rule was disabled, deleted or changed",
  severity: 'critical',
  defaultMode: 'alert',
  resourceType: 'events-rule',
  triggers: [{ eventSource: 'events.amazonaws.com', eventNames: ['DisableRule', 'DeleteRule', 'RemoveTargets', 'PutRule'] }],
  reads: [],
  rationale:
    'The forwarding rule is how an account’s changes reach the bot: disabled, deleted, retargeted or narrowed, the account is silently unguarded.',
  references: ['https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rules.html'],
  falsePositives: ['A deployment of the member StackSet by its operators updates the rule with PutRule.'],
  remediationAction: null,
  evaluate(state, context) {
    const event = context.event;
    if (event === undefined) return notApplicable('only changes are reported');
    if (!isProtectedResource(context.config, state.arn)) return compliant;
    const ruleState = event.requestParameters.state;
    const what = event.eventName === 'PutRule' ? `updated (state ${typeof ruleState === 'string' ? ruleState : 'unchanged'})` : event.eventName;
    return nonCompliant([
      {
        key: `${event.eventName}@${event.eventTime}`,
        summary: `${event.actor.arn ?? event.actor.type} ${what} on ${state.arn}, Lambda Warden's forwarding rule: events from this account and region may no longer reach the bot.`,
        details: { eventName: event.eventName, rule: state.arn },
        remediation: null,
      },
    ]);
  },
});
