import { describe, expect, it } from 'vitest';
import { InMemoryAccount } from '../../sim/in-memory-account';
import { ACCOUNT, REGION } from '../fixtures/accounts';
import { cloudTrailEvent, iamUser } from '../fixtures/cloudtrail';

const RULE = { account: ACCOUNT, region: REGION, eventBusName: 'default', ruleName: 'warden-forward-lambda' };
const BUS = 'arn:aws:events:us-east-1:999988887777:event-bus/warden';
const SEEDED = {
  eventRules: [
    {
      Account: ACCOUNT,
      Region: REGION,
      Name: 'warden-forward-lambda',
      EventPattern: '{"source":["aws.lambda"]}',
      Targets: [{ Id: 'WardenBus', Arn: BUS, RoleArn: `arn:aws:iam::${ACCOUNT}:role/warden-forwarder-us-east-1` }],
    },
  ],
};

const call = (eventName: string, request: Record<string, unknown>, errorCode?: string) =>
  cloudTrailEvent('events.amazonaws.com', eventName, request, { identity: iamUser('mallory'), ...(errorCode === undefined ? {} : { errorCode }) });

describe('in-memory EventBridge rules', () => {
  it('seeds rules from the state file and writes them back unchanged', () => {
    const account = InMemoryAccount.fromStateFile(SEEDED);
    expect(account.events.rule(RULE)).toMatchObject({ state: 'ENABLED', eventPattern: '{"source":["aws.lambda"]}' });
    const state = account.toStateFile();
    expect(state.eventRules).toEqual([{ ...SEEDED.eventRules[0], EventBusName: 'default', State: 'ENABLED' }]);
    expect(InMemoryAccount.fromStateFile(state).toStateFile()).toEqual(state);
  });

  it('replays DisableRule, EnableRule, RemoveTargets, PutTargets and PutRule as EventBridge applies them', () => {
    const account = InMemoryAccount.fromStateFile(SEEDED);
    expect(account.replay(call('DisableRule', { name: 'warden-forward-lambda' })).applied).toBe(true);
    expect(account.events.rule(RULE).state).toBe('DISABLED');
    account.replay(call('EnableRule', { name: 'warden-forward-lambda', eventBusName: 'arn:aws:events:us-east-1:111122223333:event-bus/default' }));
    expect(account.events.rule(RULE).state).toBe('ENABLED');
    account.replay(call('PutTargets', { rule: 'warden-forward-lambda', targets: [{ id: 'Copy', arn: 'arn:aws:sqs:us-east-1:444455556666:loot' }] }));
    account.replay(call('RemoveTargets', { rule: 'warden-forward-lambda', ids: ['WardenBus'] }));
    expect([...account.events.rule(RULE).targets.keys()]).toEqual(['Copy']);
    // PutRule replaces the rule: an omitted pattern is not kept, the targets are.
    account.replay(call('PutRule', { name: 'warden-forward-lambda', state: 'DISABLED', scheduleExpression: 'rate(1 day)' }));
    expect(account.events.rule(RULE)).toMatchObject({ state: 'DISABLED', scheduleExpression: 'rate(1 day)' });
    expect(account.events.rule(RULE).eventPattern).toBeUndefined();
    expect([...account.events.rule(RULE).targets.keys()]).toEqual(['Copy']);
  });

  it('refuses DeleteRule while targets remain, as EventBridge does, and deletes it after RemoveTargets', () => {
    const account = InMemoryAccount.fromStateFile(SEEDED);
    expect(account.replay(call('DeleteRule', { name: 'warden-forward-lambda' }))).toMatchObject({ applied: false, detail: "ValidationException: Rule can't be deleted since it has targets." });
    account.replay(call('RemoveTargets', { rule: 'warden-forward-lambda', ids: ['WardenBus'] }));
    expect(account.replay(call('DeleteRule', { name: 'warden-forward-lambda' })).applied).toBe(true);
    expect(account.events.hasRule(RULE)).toBe(false);
  });

  it('creates a rule it does not hold before changing it, and ignores failed calls and other buses’ namesakes', () => {
    const account = new InMemoryAccount();
    expect(account.replay(call('DisableRule', { name: 'warden-forward-iam' })).created).toEqual([{ kind: 'events-rule', ...RULE, ruleName: 'warden-forward-iam' }]);
    expect(account.events.rule({ ...RULE, ruleName: 'warden-forward-iam' }).state).toBe('DISABLED');
    expect(account.replay(call('EnableRule', { name: 'warden-forward-iam' }, 'AccessDeniedException')).applied).toBe(false);
    expect(account.events.rule({ ...RULE, ruleName: 'warden-forward-iam' }).state).toBe('DISABLED');
    account.replay(call('DisableRule', { name: 'warden-forward-iam', eventBusName: 'orders' }));
    expect(account.events.rule({ ...RULE, ruleName: 'warden-forward-iam', eventBusName: 'orders' }).state).toBe('DISABLED');
    expect(account.events.rule({ ...RULE, ruleName: 'warden-forward-iam' }).state).toBe('DISABLED');
  });
});
