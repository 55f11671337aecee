/** Someone added, changed or removed a `warden:exempt*` tag: exemptions switch the bot off for a resource. */
import { EXEMPT_TAG, EXEMPT_UNTIL_TAG, exemptionTagKeysIn, isTagPrincipal } from '../../functions/shared/exemption/exemption-tags';
import { normalizeEventName } from '../../functions/shared/event/event-names';
import { defineRule, nonCompliant, notApplicable } from '../rule';

export const functionExemptionTagChanged = defineRule({
  id: 'function-exemption-tag-changed',
  title: 'A warden:exempt tag was added, changed or removed on a function',
  severity: 'medium',
  defaultMode: 'alert',
  resourceType: 'lambda-function',
  triggers: [{ eventSource: 'lambda.amazonaws.com', eventNames: ['TagResource', 'UntagResource'] }],
  reads: ['tags'],
  rationale:
    'A warden:exempt tag stops the bot from reverting changes to the listed rules on this function; whoever can tag the function can switch the guard off. A tag counts only once it was in place before the change it would excuse (a scan recorded it), or when a configured tag principal set it.',
  references: ['https://docs.aws.amazon.com/lambda/latest/dg/configuration-tags.html'],
  falsePositives: ['An owner exempting a function after a reviewed decision: the alert is the audit record.'],
  remediationAction: null,
  evaluate(state, context) {
    const event = context.event;
    if (event === undefined) return notApplicable('only tag changes are reported');
    const changed = exemptionTagKeysIn(event.requestParameters);
    if (changed.length === 0) return notApplicable('the event changes no exemption tag');
    const name = normalizeEventName(event.eventName);
    const exempt = state.tags?.[EXEMPT_TAG];
    const until = state.tags?.[EXEMPT_UNTIL_TAG];
    const byTagPrincipal = isTagPrincipal(context.config, event.actor);
    const now = exempt === undefined ? 'the function is no longer exempt' : `${EXEMPT_TAG} is now "${exempt}"${until === undefined ? '' : ` until ${until}`}`;
    const counts =
      exempt === undefined
        ? ''
        : byTagPrincipal
          ? ' It counts at once: the change was made by a configured tag principal (exemptions.tagPrincipals).'
          : ' It does not excuse any change made before the next scan records it: only tags already in place, or set by a configured tag principal (exemptions.tagPrincipals), count.';
    const verb = name === 'UntagResource' ? 'removed' : 'set';
    return nonCompliant([
      {
        key: `${name}@${event.eventTime}`,
        summary: `${event.actor.arn ?? event.actor.type} ${verb} ${changed.join(', ')} on ${state.arn}; ${now}.${counts}`,
        details: { changedTags: changed, exemptRules: exempt ?? null, exemptUntil: until ?? null, setByTagPrincipal: byTagPrincipal },
        remediation: null,
      },
    ]);
  },
});
