/** A function's log group now keeps its events for fewer days than the configured minimum (`PutRetentionPolicy`). */
import { changeOrigin } from './configuration-events';
import { compliant, defineRule, nonCompliant, notApplicable } from '../rule';

/** `retentionInDays` of a `PutRetentionPolicy` request (a number, or its digits). */
function requestedDays(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

export const functionLogRetentionShortened = defineRule({
  id: 'function-log-retention-shortened',
  title: "Function's log retention cut below the configured minimum",
  severity: 'medium',
  defaultMode: 'alert',
  resourceType: 'lambda-function',
  triggers: [{ eventSource: 'logs.amazonaws.com', eventNames: ['PutRetentionPolicy'] }],
  reads: ['logGroup'],
  rationale:
    "A short retention makes CloudWatch delete a function's log events soon after they are written: evidence of an attack expires before anyone investigates it, without the noise of deleting the group.",
  references: [
    'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html',
    'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/logs/Working-with-log-groups-and-streams.html#SettingLogRetention',
    'https://attack.mitre.org/techniques/T1070/',
  ],
  falsePositives: [
    'Teams that keep short retention on purpose (cost, logs shipped elsewhere): lower minimumLogRetentionDays, set it to 0 to turn the check off, or exempt the function with the warden:exempt tag.',
  ],
  remediationAction: null,
  evaluate(state, context) {
    const minimum = context.config.minimumLogRetentionDays;
    if (minimum === 0) return notApplicable('minimumLogRetentionDays is 0');
    if (state.logGroup === undefined) return notApplicable('log group not read');
    if (state.logGroup === null) return notApplicable('the function no longer exists');
    const group = state.logGroup.logGroupName;
    const event = context.event;
    if (event !== undefined) {
      // The function logs elsewhere now, or the request kept the minimum: not a cut (a later change has its own event).
      if (event.requestParameters.logGroupName !== group) return compliant;
      const requested = requestedDays(event.requestParameters.retentionInDays);
      if (requested !== undefined && requested >= minimum) return compliant;
    }
    const current = state.logGroup.group;
    if (current === null) return notApplicable('the log group does not exist');
    // Never expire (DeleteRetentionPolicy) always passes.
    if (current.retentionInDays === null || current.retentionInDays >= minimum) return compliant;
    return nonCompliant([
      {
        key: `retention:${group}`,
        summary: `Log group ${group} of ${state.arn} now keeps events for ${String(current.retentionInDays)} day(s), under the minimum of ${String(minimum)}, ${changeOrigin(context)}.`,
        details: { logGroup: group, retentionInDays: current.retentionInDays, minimumRetentionDays: minimum },
        remediation: null,
      },
    ]);
  },
});
