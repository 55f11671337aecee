/** GuardDuty Lambda Protection saw a function behave like a compromised one (mining, command and control, known-bad hosts). */
import { GUARDDUTY_EVENT_SOURCE, GUARDDUTY_FINDING_DETAIL_TYPE } from '../../functions/shared/event/guardduty-finding';
import { isEnabledState, functionArn } from '../../functions/shared/state/resources';
import { defineRule, nonCompliant, notApplicable } from '../rule';

export const functionRuntimeThreat = defineRule({
  id: 'function-runtime-threat',
  title: 'GuardDuty reports a runtime threat in a function',
  // The finding's own severity replaces this one (GuardDuty: Low <4, Medium 4–6.9, High 7–8.9, Critical ≥9).
  severity: 'high',
  defaultMode: 'approve',
  resourceType: 'lambda-function',
  triggers: [{ eventSource: GUARDDUTY_EVENT_SOURCE, detailType: GUARDDUTY_FINDING_DETAIL_TYPE, eventNames: [GUARDDUTY_FINDING_DETAIL_TYPE] }],
  reads: ['configuration', 'concurrency', 'eventSourceMappings'],
  rationale:
    'GuardDuty saw the function talk to a threat (a mining pool, a command-and-control host, a known-bad address): its code or a dependency may be compromised and using its role now. Isolation stops every invocation until someone has looked.',
  references: [
    'https://docs.aws.amazon.com/guardduty/latest/ug/lambda-protection.html',
    'https://docs.aws.amazon.com/guardduty/latest/ug/findings-lambda-protection.html',
    'https://docs.aws.amazon.com/guardduty/latest/ug/remediate-lambda-protection-finding-types.html',
    'https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings_severity.html',
  ],
  falsePositives: [
    'Expected traffic (a function that really talks to a listed host): suppress the finding type in GuardDuty or exempt the function with the warden:exempt tag.',
    'Low and medium findings are reported only (mode alert); high and critical ones ask an approver before isolating.',
  ],
  remediationAction: 'isolate-function',
  evaluate(state, context) {
    const threat = context.threat;
    if (threat === undefined) return notApplicable('judged only on a GuardDuty finding');
    if (state.configuration === undefined || state.reservedConcurrency === undefined || state.eventSourceMappings === undefined) return notApplicable('function state not read');
    if (state.configuration === null) {
      return notApplicable(state.ref.qualifier === undefined ? 'the function no longer exists: the finding is closed, nothing is done' : `version ${state.ref.qualifier} is no longer deployed: the finding is closed, nothing is done`);
    }
    if (state.reservedConcurrency === null || state.eventSourceMappings === null) return notApplicable('the function no longer exists: the finding is closed, nothing is done');
    const enabled = state.eventSourceMappings.filter((m) => isEnabledState(m.State)).map((m) => m.UUID).sort();
    const unqualified = functionArn({ ...state.ref, qualifier: undefined });
    const isolated = state.reservedConcurrency === 0 && enabled.length === 0;
    const version = state.ref.qualifier === undefined ? '' : ` (version ${state.ref.qualifier})`;
    const what = isolated
      ? 'The function is already isolated (reserved concurrency 0, no enabled event-source mapping).'
      : `Isolating it sets reserved concurrency 0 (now ${String(state.reservedConcurrency)}) and disables its ${String(enabled.length)} enabled event-source mapping(s); Restore puts back exactly these.`;
    return nonCompliant([
      {
        key: threat.findingId,
        summary: `GuardDuty reports ${threat.findingType} (severity ${String(threat.score)}, ${threat.severity}) on ${unqualified}${version}. ${what}`,
        details: {
          threat,
          previousConcurrency: state.reservedConcurrency,
          mappingsToDisable: enabled,
        },
        remediation: isolated
          ? null
          : {
              action: 'isolate-function',
              params: {
                functionName: unqualified,
                ...(state.ref.qualifier === undefined ? {} : { qualifier: state.ref.qualifier }),
                previousConcurrency: state.reservedConcurrency,
                mappings: enabled.join(','),
              },
              description: `lambda:PutFunctionConcurrency 0 and lambda:UpdateEventSourceMapping Enabled=false on the ${String(enabled.length)} enabled mapping(s): every invocation stops; Restore puts back reserved concurrency ${String(state.reservedConcurrency)} and enables exactly these mappings again.`,
            },
        severityOverride: threat.severity,
        ...(threat.severity === 'high' || threat.severity === 'critical' ? {} : { modeOverride: 'alert' as const }),
      },
    ]);
  },
});
