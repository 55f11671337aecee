import { roleNotApplicableReason, rolePolicies } from '../../functions/shared/iam/execution-role';
import { allowsLogging } from '../../functions/shared/policy/iam-permissions';
import { defineRule, nonCompliant, notApplicable } from '../rule';

const REMOVALS: ReadonlySet<string> = new Set(['DeleteRolePolicy', 'DetachRolePolicy']);

export const executionRoleLoggingRemoved = defineRule({
  id: 'execution-role-logging-removed',
  title: 'Lambda execution role no longer lets its functions write logs',
  severity: 'medium',
  defaultMode: 'alert',
  resourceType: 'iam-role',
  triggers: [
    {
      eventSource: 'iam.amazonaws.com',
      eventNames: ['DeleteRolePolicy', 'DetachRolePolicy', 'PutRolePolicy', 'CreatePolicyVersion', 'SetDefaultPolicyVersion'],
    },
  ],
  reads: [],
  rationale: 'Without logs:CreateLogStream and logs:PutLogEvents a function runs unobserved: errors, and whatever an intruder makes it do, leave no trace in CloudWatch Logs.',
  references: ['https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html', 'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaBasicExecutionRole.html'],
  falsePositives: [
    'Functions that log elsewhere on purpose (a telemetry extension) and whose role never had the permissions.',
    'A rewritten policy is only reported when the saved baseline’s inline policies allowed logging: a rewrite of a role never seen compliant is missed.',
  ],
  remediationAction: null,
  evaluate(state, context) {
    const reason = roleNotApplicableReason(state);
    if (reason !== null) return notApplicable(reason);
    const logging = allowsLogging(rolePolicies(state).map((p) => p.document));
    if (logging.allowed) return nonCompliant([]);
    // "Removed": by a removal, or by a rewrite of a role whose saved inline policies allowed logging.
    const baselineInline = Object.values(state.lastKnownGood?.inlinePolicies?.value ?? {});
    const hadLogging = baselineInline.length > 0 && allowsLogging(baselineInline).allowed;
    const removal = context.event === undefined || REMOVALS.has(context.event.eventName);
    if (!removal && !hadLogging) return nonCompliant([]);
    const hadBaseline = state.lastKnownGood?.inlinePolicies !== undefined;
    return nonCompliant([
      {
        key: 'logging',
        summary: `The execution role ${state.role?.RoleName ?? state.ref.roleName} no longer allows ${logging.missing.join(' and ')}: its functions cannot write their logs.`,
        details: { role: state.arn, missing: logging.missing, usedByFunctions: state.usedByFunctions ?? [], baselineSaved: hadBaseline },
        remediation: null,
      },
    ]);
  },
});
