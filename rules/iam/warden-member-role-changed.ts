/** An IAM write on one of the bot's member roles (remediator, audit, forwarder) by anyone but the bot. */
import { memberRoleOf, type MemberRole } from '../../functions/shared/self/member-resources';
import { IAM_ROLE_WRITE_EVENTS } from '../../functions/shared/event/event-names';
import { compliant, defineRule, nonCompliant, notApplicable } from '../rule';

const WHAT_THE_ROLE_DOES: Readonly<Record<MemberRole, string>> = {
  remediator: 'the remediator role (reads and reverts changes in this account)',
  auditor: 'the audit role (the scans read this account through it)',
  forwarder: 'the forwarder role (EventBridge forwards this account’s events to the bot with it)',
};

/**
 * Every IAM write on a role (`IAM_ROLE_WRITE_EVENTS`). Tags count: a session carries its role's tags as
 * `aws:PrincipalTag`, so a tag can satisfy ABAC conditions elsewhere or step around an SCP written on tags.
 */
const ROLE_WRITES = IAM_ROLE_WRITE_EVENTS;

export const wardenMemberRoleChanged = defineRule({
  id: 'warden-member-role-changed',
  title: "One of Lambda Warden's member roles was changed outside its deployment",
  severity: 'critical',
  defaultMode: 'alert',
  resourceType: 'iam-role',
  triggers: [{ eventSource: 'iam.amazonaws.com', eventNames: ROLE_WRITES }],
  reads: [],
  rationale:
    'The remediator, audit and forwarder roles are the bot’s hands, eyes and ears in the account: a changed trust or policy hands its power to someone else or blinds it. The bot never changes its own roles.',
  references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage_modify.html', 'https://attack.mitre.org/techniques/T1098/'],
  falsePositives: ['A deployment or update of the member StackSet by its operators (CloudFormation writes these roles).'],
  remediationAction: null,
  evaluate(state, context) {
    const event = context.event;
    if (event === undefined) return notApplicable('only changes are reported');
    const role = memberRoleOf(context.config, state.ref.roleName, state.role?.Path ?? state.ref.path ?? '/');
    if (role === null) return compliant;
    const who = event.actor.arn ?? event.actor.type;
    return nonCompliant([
      {
        key: `${event.eventName}@${event.eventTime}`,
        summary: `${who} called iam:${event.eventName} on ${state.ref.roleName} in account ${state.ref.account}, ${WHAT_THE_ROLE_DOES[role]}: check who did it and redeploy the member stack if it was not a deployment.`,
        details: { eventName: event.eventName, role: state.arn, memberRole: role, by: who },
        remediation: null,
      },
    ]);
  },
});
