/** A function's reserved concurrency was set to 0 by someone other than the bot: every invocation is throttled. */
import { functionArn } from '../../functions/shared/state/resources';
import { compliant, defineRule, nonCompliant, notApplicable } from '../rule';

export const functionConcurrencyZeroed = defineRule({
  id: 'function-concurrency-zeroed',
  title: 'Reserved concurrency set to 0 (function throttled) by someone other than the bot',
  severity: 'high',
  defaultMode: 'alert',
  resourceType: 'lambda-function',
  triggers: [{ eventSource: 'lambda.amazonaws.com', eventNames: ['PutFunctionConcurrency'] }],
  reads: ['concurrency'],
  rationale:
    'With reserved concurrency 0, Lambda throttles every invocation: the function is switched off without being deleted, a quiet denial of service. The bot does the same to quarantine a function, but only its own calls do that.',
  references: ['https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html', 'https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionConcurrency.html'],
  falsePositives: [
    'An operator stopping a misbehaving function on purpose (an emergency brake): acknowledge the alert.',
    'In a scan (scan.readConcurrency), which has no record of who set 0: a function the bot quarantined or isolated is reported too, until that is lifted.',
  ],
  remediationAction: null,
  evaluate(state, context) {
    const event = context.event;
    if (state.reservedConcurrency === undefined) return notApplicable('reserved concurrency not read');
    // A scan (scan.readConcurrency) sees the state only: it cannot tell who set 0, and the bot's own quarantine looks the same.
    if (event === undefined) {
      if (state.reservedConcurrency !== 0) return compliant;
      return nonCompliant([
        {
          key: 'reserved-concurrency-0',
          summary: `The reserved concurrency of ${functionArn({ ...state.ref, qualifier: undefined })} is 0 (found by a scan): every invocation is throttled. A scan cannot tell who set it; the bot's own quarantine or isolation does this too.`,
          details: { principal: null, reservedConcurrentExecutions: 0 },
          remediation: null,
        },
      ]);
    }
    const requested = event.requestParameters.reservedConcurrentExecutions;
    // The event must be the one that set 0 (a later change by the bot or anyone else is judged on its own event).
    if (requested !== undefined && requested !== 0 && requested !== '0') return compliant;
    if (state.reservedConcurrency !== 0) return compliant;
    const who = event.actor.arn ?? event.actor.type;
    const role = event.actor.sessionIssuerArn;
    return nonCompliant([
      {
        key: 'reserved-concurrency-0',
        summary: `${who} (${event.actor.type}${role === undefined ? '' : `, role ${role}`}) set the reserved concurrency of ${functionArn({ ...state.ref, qualifier: undefined })} to 0 (${event.eventName}): every invocation is now throttled.`,
        details: { principal: who, principalType: event.actor.type, role: role ?? null, sourceIPAddress: event.actor.sourceIPAddress ?? null, reservedConcurrentExecutions: 0 },
        remediation: null,
      },
    ]);
  },
});
