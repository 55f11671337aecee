/** A function's log group was deleted (CloudWatch Logs `DeleteLogGroup`): every log event it held is gone. */
import { changeOrigin } from './configuration-events';
import { compliant, defineRule, nonCompliant, notApplicable } from '../rule';

export const functionLogGroupDeleted = defineRule({
  id: 'function-log-group-deleted',
  title: "Function's log group deleted",
  severity: 'high',
  defaultMode: 'alert',
  resourceType: 'lambda-function',
  triggers: [{ eventSource: 'logs.amazonaws.com', eventNames: ['DeleteLogGroup'] }],
  reads: ['logGroup'],
  rationale:
    "Deleting a function's log group destroys every log event it held: what the function did, and what an attacker made it do, can no longer be investigated. Lambda recreates an empty group on the next invocation, so the deletion is easy to miss.",
  references: [
    'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeleteLogGroup.html',
    'https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html',
    'https://attack.mitre.org/techniques/T1070/',
  ],
  falsePositives: [
    'Cleaning up after a function that is being retired (delete the function first: a group of a function that no longer exists is not reported).',
    'Custom log groups are matched through the functions that name them in LoggingConfig; functions redirected into another function\'s /aws/lambda/ group are not matched (function-log-group-redirected reports the redirect).',
  ],
  remediationAction: null,
  evaluate(state, context) {
    const event = context.event;
    // A scan cannot tell a deleted group from one never created (Lambda creates it on the first invocation).
    if (event === undefined) return notApplicable('only deletions are judged');
    const named = event.requestParameters.logGroupName;
    if (typeof named !== 'string' || named === '') return notApplicable('the event names no log group');
    if (state.logGroup === undefined) return notApplicable('log group not read');
    if (state.logGroup === null) return notApplicable('the function no longer exists');
    // The function logs elsewhere now: the deleted group was not (or no longer) its own.
    if (state.logGroup.logGroupName !== named) return compliant;
    const current = state.logGroup.group;
    // CloudTrail's eventTime has whole seconds: a group created in that second or later came after the deletion.
    const deletedAt = Date.parse(event.eventTime);
    const recreatedAt = current?.creationTime ?? null;
    if (current !== null && (recreatedAt === null || Number.isNaN(deletedAt) || recreatedAt < deletedAt)) return compliant;
    const summary =
      recreatedAt === null
        ? `Log group ${named} of ${state.arn} was deleted ${changeOrigin(context)}: every log event it held is gone.`
        : `Log group ${named} of ${state.arn} was deleted ${changeOrigin(context)} and has been recreated empty since (${new Date(recreatedAt).toISOString()}): the log events before are gone.`;
    return nonCompliant([
      {
        key: `deleted:${named}`,
        summary,
        details: { logGroup: named, recreatedAt: recreatedAt === null ? null : new Date(recreatedAt).toISOString() },
        remediation: null,
      },
    ]);
  },
});
