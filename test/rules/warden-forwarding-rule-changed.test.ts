import { describe, expect, it } from 'vitest';
import { forwardingRuleName, HEARTBEAT_RULE_NAME } from '../../functions/shared/self/member-resources';
import { eventRuleArn, type EventRuleSnapshot } from '../../functions/shared/state/resources';
import { wardenForwardingRuleChanged } from '../../rules/events/warden-forwarding-rule-changed';
import { ACCOUNT, REGION } from '../fixtures/accounts';
import { cloudTrailEvent, iamUser } from '../fixtures/cloudtrail';
import { findingsOf, ruleContext } from '../fixtures/rule-context';

function rule(ruleName: string, eventBusName = 'default'): EventRuleSnapshot {
  const ref = { kind: 'events-rule' as const, account: ACCOUNT, region: REGION, eventBusName, ruleName };
  return { kind: 'events-rule', ref, arn: eventRuleArn(ref) };
}

const judge = (snapshot: EventRuleSnapshot, eventName: string, request: Record<string, unknown>) =>
  wardenForwardingRuleChanged.evaluate(snapshot, ruleContext({ event: cloudTrailEvent('events.amazonaws.com', eventName, request, { identity: iamUser('mallory') }) }));

describe('warden-forwarding-rule-changed', () => {
  it.each([
    ['DisableRule', {}, 'disabled'],
    ['DeleteRule', {}, 'deleted'],
    ['RemoveTargets', { ids: ['WardenBus'] }, 'removed target(s) WardenBus from'],
    ['PutTargets', { targets: [] }, 'added or replaced targets of'],
    ['PutRule', { state: 'DISABLED' }, 'rewrote (state DISABLED)'],
    ['PutRule', { eventPattern: '{}' }, 'rewrote (pattern, schedule or state)'],
  ])('says who %s the rule', (eventName, request, what) => {
    for (const name of [forwardingRuleName('lambda'), HEARTBEAT_RULE_NAME]) {
      const found = findingsOf(judge(rule(name), eventName, request));
      expect(found.map((f) => f.summary)).toEqual([
        `arn:aws:iam::${ACCOUNT}:user/mallory ${what} ${eventRuleArn({ account: ACCOUNT, region: REGION, eventBusName: 'default', ruleName: name })}, a Lambda Warden forwarding rule: changes in account ${ACCOUNT}, ${REGION} may no longer reach the bot.`,
      ]);
    }
  });

  it.each([['WardenForwarder', 'default'], ['my-rule', 'default'], ['warden-forward-lambda', 'orders']])('finds nothing for %s on the %s bus', (name, bus) => {
    expect(judge(rule(name, bus), 'DisableRule', {})).toEqual({ status: 'compliant' });
  });

  it('is not applicable to a scan', () => {
    expect(wardenForwardingRuleChanged.evaluate(rule('warden-forward-lambda'), ruleContext()).status).toBe('not-applicable');
  });
});
