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
  falsePositives: [
    'A planned trail migration (create the new trail first, then exempt the old one in the config allow-list).',
    'UpdateTrail that turns off global service events or multi-region recording is reported (alert only) even when another trail still records them, such as an organization trail.',
  ],
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
    // UpdateTrail that narrows what the trail records: IAM's events (global, us-east-1 only) or other regions stop reaching it.
    const request = context.event?.eventName === 'UpdateTrail' ? context.event.requestParameters : undefined;
    if (request?.includeGlobalServiceEvents === false && state.trail.includeGlobalServiceEvents === false) {
      findings.push({
        key: 'no-global-service-events',
        summary: `Trail ${state.arn} no longer records global services' events (IAM, STS) after ${by}: role and policy changes go unseen unless another trail records them.`,
        details: { trail: state.arn },
        remediation: null,
      });
    }
    if (request?.isMultiRegionTrail === false && !state.trail.isMultiRegionTrail) {
      findings.push({
        key: 'single-region',
        summary: `Trail ${state.arn} now records ${state.trail.homeRegion} only after ${by}: changes in every other region go unseen unless another trail records them.`,
        details: { trail: state.arn, homeRegion: state.trail.homeRegion },
        remediation: null,
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
