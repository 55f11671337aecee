/** A function's logs were redirected to another log group (`LoggingConfig.LogGroup`). */
import { changeOrigin } from './configuration-events';
import { compliant, defineRule, nonCompliant, notApplicable } from '../rule';

/** The log group an `UpdateFunctionConfiguration` request sets, if it sets one (CloudTrail: `loggingConfig.logGroup`). */
function requestedLogGroup(requestParameters: Readonly<Record<string, unknown>>): string | undefined {
  const logging = requestParameters.loggingConfig;
  if (typeof logging !== 'object' || logging === null) return undefined;
  const group = (logging as Record<string, unknown>).logGroup;
  return typeof group === 'string' && group !== '' ? group : undefined;
}

export const functionLogGroupRedirected = defineRule({
  id: 'function-log-group-redirected',
  title: "Function's logs redirected to another log group",
  severity: 'medium',
  defaultMode: 'alert',
  resourceType: 'lambda-function',
  triggers: [{ eventSource: 'lambda.amazonaws.com', eventNames: ['UpdateFunctionConfiguration'] }],
  reads: ['configuration'],
  rationale:
    "Logs sent to another group escape the retention, subscriptions and alarms set on the function's own group: an attacker hides what the function does, or reads its logs from a group they control.",
  references: ['https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-loggroups.html', 'https://docs.aws.amazon.com/lambda/latest/api/API_LoggingConfig.html'],
  falsePositives: ['Functions that log to a shared, centrally managed group by design: exempt them with the warden:exempt tag.'],
  remediationAction: null,
  evaluate(state, context) {
    const event = context.event;
    if (event === undefined) return notApplicable('only changes are judged');
    if (requestedLogGroup(event.requestParameters) === undefined) return compliant;
    if (state.configuration === undefined) return notApplicable('configuration not read');
    if (state.configuration === null) return notApplicable('the function no longer exists');
    const own = `/aws/lambda/${state.ref.functionName}`;
    const logging = state.configuration.LoggingConfig;
    const current = typeof logging === 'object' && logging !== null && typeof (logging as Record<string, unknown>).LogGroup === 'string' ? String((logging as Record<string, unknown>).LogGroup) : own;
    if (current === own) return compliant;
    return nonCompliant([
      {
        key: `log-group:${current}`,
        summary: `${state.arn} now sends its logs to log group ${current}, not its own ${own}, ${changeOrigin(context)}.`,
        details: { logGroup: current, ownLogGroup: own },
        remediation: null,
      },
    ]);
  },
});
