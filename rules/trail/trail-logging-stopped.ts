/** A CloudTrail trail stopped recording management events: the bot (and every investigator) goes blind. */
import { defineRule, nonCompliant, notApplicable, compliant, type RuleContext } from '../rule';

function who(context: RuleContext): string {
  const event = context.event;
  return event === undefined ? 'found by a scan' : `${event.actor.arn ?? event.actor.type} (${event.eventName})`;
}

export const trailLoggingStopped = defineRule({
  id: 'trail-logging-stopped',
  title: 'CloudTrail trail stopped, deleted or no longer records management events',
  severity: 'critical',
  defaultMode: 'auto',
  resourceType: 'cloudtrail-trail',
  triggers: [{ eventSource: 'cloudtrail.amazonaws.com', eventNames: ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors'] }],
  reads: [],
  rationale:
    'Without a trail recording management events, EventBridge receives no CloudTrail events: Lambda Warden and every audit stop seeing changes, a classic first step of an attack.',
  references: ['https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html', 'https://attack.mitre.org/techniques/T1562/008/'],
  falsePositives: ['A planned trail migration (create the new trail first, then exempt the old one in the config allow-list).'],
  remediationAction: 'start-trail-logging',
  evaluate(state, context) {
    if (state.trail === undefined) return notApplicable('trail state not read');
    const by = who(context);
    if (state.trail === null) {
      return nonCompliant([
        { key: 'deleted', summary: `Trail ${state.arn} was deleted by ${by}; recreate it (the bot cannot restore a deleted trail).`, details: { trail: state.arn }, remediation: null },
      ]);
    }
    const findings = [];
    if (state.isLogging === false) {
      // An organization trail is a read-only shadow outside its home account: only an alert there.
      const shadow = state.trail.isOrganizationTrail && context.event !== undefined && context.event.actor.accountId !== state.ref.account;
      findings.push({
        key: 'not-logging',
        summary: `Trail ${state.arn} is not logging: stopped by ${by}.`,
        details: { trail: state.arn, homeRegion: state.trail.homeRegion, organizationTrail: state.trail.isOrganizationTrail },
        remediation: shadow
          ? null
          : {
              action: 'start-trail-logging' as const,
              params: { trailArn: state.arn, judgedStatus: 'not-logging' },
              description: 'cloudtrail:StartLogging turns the trail back on in its home region; stop it again with StopLogging if that was intended.',
            },
      });
    }
    if (state.recordsManagementEvents === false) {
      findings.push({
        key: 'no-management-events',
        summary: `Trail ${state.arn} no longer records management write events after ${by}; restore its event selectors.`,
        details: { trail: state.arn },
        remediation: null,
      });
    }
    return findings.length === 0 ? compliant : nonCompliant(findings);
  },
});
