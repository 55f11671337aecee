/** Someone added, changed or removed a `warden:exempt*` tag: exemptions switch the bot off for a resource. */
import { EXEMPT_TAG, EXEMPT_UNTIL_TAG } from '../../functions/shared/executor/exemptions';
import { normalizeEventName } from '../../functions/shared/event/event-names';
import { defineRule, nonCompliant, notApplicable } from '../rule';

function exemptionKeys(requestParameters: Readonly<Record<string, unknown>>): string[] {
  const tags = requestParameters.tags;
  const tagKeys = requestParameters.tagKeys;
  const keys = [
    ...(typeof tags === 'object' && tags !== null ? Object.keys(tags) : []),
    ...(Array.isArray(tagKeys) ? tagKeys.filter((k): k is string => typeof k === 'string') : []),
  ];
  return keys.filter((key) => key.startsWith(EXEMPT_TAG));
}

export const functionExemptionTagChanged = defineRule({
  id: 'function-exemption-tag-changed',
  title: 'A warden:exempt tag was added, changed or removed on a function',
  severity: 'medium',
  defaultMode: 'alert',
  resourceType: 'lambda-function',
  triggers: [{ eventSource: 'lambda.amazonaws.com', eventNames: ['TagResource', 'UntagResource'] }],
  reads: ['tags'],
  rationale:
    'A warden:exempt tag stops the bot from reverting changes to the listed rules on this function; whoever can tag the function can switch the guard off.',
  references: ['https://docs.aws.amazon.com/lambda/latest/dg/configuration-tags.html'],
  falsePositives: ['An owner exempting a function after a reviewed decision: the alert is the audit record.'],
  remediationAction: null,
  evaluate(state, context) {
    const event = context.event;
    if (event === undefined) return notApplicable('only tag changes are reported');
    const changed = exemptionKeys(event.requestParameters);
    if (changed.length === 0) return notApplicable('the event changes no exemption tag');
    const name = normalizeEventName(event.eventName);
    const exempt = state.tags?.[EXEMPT_TAG];
    const until = state.tags?.[EXEMPT_UNTIL_TAG];
    const now = exempt === undefined ? 'the function is no longer exempt' : `${EXEMPT_TAG} is now "${exempt}"${until === undefined ? '' : ` until ${until}`}`;
    const verb = name === 'UntagResource' ? 'removed' : 'set';
    return nonCompliant([
      {
        key: `${name}@${event.eventTime}`,
        summary: `${event.actor.arn ?? event.actor.type} ${verb} ${changed.join(', ')} on ${state.arn}; ${now}.`,
        details: { changedTags: changed, exemptRules: exempt ?? null, exemptUntil: until ?? null },
        remediation: null,
      },
    ]);
  },
});
