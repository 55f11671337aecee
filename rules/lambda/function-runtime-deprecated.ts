/** A function was created with, or changed to, a deprecated or soon-deprecated runtime. */
import { changeOrigin, CONFIGURATION_TRIGGER } from './configuration-events';
import { normalizeEventName } from '../../functions/shared/event/event-names';
import { RUNTIME_DEPRECATION_SOURCE, runtimeStatus } from './runtimes';
import { compliant, defineRule, nonCompliant, notApplicable, type RuleContext } from '../rule';

/** True when the event chose the runtime: a create, or a configuration update whose request names it (CloudTrail logs `runtime` then). */
function runtimeChosenNow(context: RuleContext): boolean {
  const event = context.event;
  if (event === undefined) return true;
  const name = normalizeEventName(event.eventName);
  if (name === 'CreateFunction') return true;
  return name === 'UpdateFunctionConfiguration' && typeof event.requestParameters.runtime === 'string';
}

export const functionRuntimeDeprecated = defineRule({
  id: 'function-runtime-deprecated',
  title: 'Function uses a deprecated or soon-deprecated runtime',
  severity: 'medium',
  defaultMode: 'alert',
  resourceType: 'lambda-function',
  triggers: [CONFIGURATION_TRIGGER],
  reads: ['configuration'],
  rationale:
    'A deprecated runtime gets no security patches, and Lambda later blocks updates to functions on it, so a fix cannot be deployed when it is needed.',
  references: [RUNTIME_DEPRECATION_SOURCE, 'https://docs.aws.amazon.com/lambda/latest/dg/runtime-support-policy.html'],
  falsePositives: [
    'A function kept on its runtime on purpose until a planned migration: exempt it with the warden:exempt tag and an expiry.',
    'Code and configuration updates that do not set the runtime are not reported (no alert on every deploy); a scan reports every function.',
  ],
  remediationAction: null,
  evaluate(state, context) {
    if (state.configuration === undefined) return notApplicable('configuration not read');
    if (state.configuration === null) return notApplicable('the function no longer exists');
    const runtime = state.configuration.Runtime;
    if (runtime === undefined || runtime === '') return notApplicable('container image function: the runtime is in the image');
    const status = runtimeStatus(runtime, context.now, context.config.runtimeDeprecationWarningDays);
    if (status.status === 'supported' || status.status === 'unknown') return compliant;
    if (!runtimeChosenNow(context)) return compliant;
    const when =
      status.status === 'deprecated'
        ? `has been deprecated since ${status.deprecationDate}`
        : `will be deprecated on ${status.deprecationDate} (in ${String(status.daysLeft)} day(s))`;
    return nonCompliant([
      {
        key: `runtime:${runtime}`,
        summary: `${state.arn} runs on ${runtime}, which ${when}, ${changeOrigin(context)}. Move it to a supported runtime.`,
        details: { runtime, status: status.status, deprecationDate: status.deprecationDate },
        remediation: null,
      },
    ]);
  },
});
