/** A rule the member template creates on the default bus (`warden-forward-<service>`, the heartbeat) was disabled, deleted, retargeted or rewritten. */
import { isForwardingRuleName } from '../../functions/shared/self/member-resources';
import { compliant, defineRule, nonCompliant, notApplicable } from '../rule';

/** What each call does to a forwarding rule, for the Slack reader. */
function whatWasDone(eventName: string, request: Readonly<Record<string, unknown>>): string {
  switch (eventName) {
    case 'DisableRule':
      return 'disabled';
    case 'DeleteRule':
      return 'deleted';
    case 'RemoveTargets':
      return `removed target(s) ${Array.isArray(request.ids) ? request.ids.filter((id): id is string => typeof id === 'string').join(', ') : '(unnamed)'} from`;
    case 'PutTargets':
      return 'added or replaced targets of';
    case 'PutRule':
      return request.state === 'DISABLED' ? 'rewrote (state DISABLED)' : 'rewrote (pattern, schedule or state)';
    default:
      return `called ${eventName} on`;
  }
}

export const wardenForwardingRuleChanged = defineRule({
  id: 'warden-forwarding-rule-changed',
  title: "Lambda Warden's event forwarding rule was disabled, deleted or changed",
  severity: 'critical',
  defaultMode: 'alert',
  resourceType: 'events-rule',
  triggers: [{ eventSource: 'events.amazonaws.com', eventNames: ['DisableRule', 'DeleteRule', 'RemoveTargets', 'PutTargets', 'PutRule'] }],
  reads: [],
  rationale:
    'The forwarding rules are how an account’s changes reach the bot: disabled, deleted, retargeted or narrowed, the account and region are silently unguarded.',
  references: ['https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rules.html', 'https://attack.mitre.org/techniques/T1562/'],
  falsePositives: ['A deployment or update of the member StackSet by its operators (CloudFormation calls PutRule and PutTargets).'],
  remediationAction: null,
  evaluate(state, context) {
    const event = context.event;
    if (event === undefined) return notApplicable('only changes are reported');
    // The member template puts its rules on the default bus only; a namesake on another bus is somebody else's.
    if (state.ref.eventBusName !== 'default' || !isForwardingRuleName(state.ref.ruleName)) return compliant;
    const who = event.actor.arn ?? event.actor.type;
    return nonCompliant([
      {
        key: `${event.eventName}@${event.eventTime}`,
        summary: `${who} ${whatWasDone(event.eventName, event.requestParameters)} ${state.arn}, a Lambda Warden forwarding rule: changes in account ${state.ref.account}, ${state.ref.region} may no longer reach the bot.`,
        details: { eventName: event.eventName, rule: state.arn, ruleName: state.ref.ruleName, by: who },
        remediation: null,
      },
    ]);
  },
});
