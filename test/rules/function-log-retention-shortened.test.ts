import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/shared/config/config';
import { functionLogRetentionShortened } from '../../rules/lambda/function-log-retention-shortened';
import { ACCOUNT, FUNCTION_ARN, REGION } from '../fixtures/accounts';
import { identities } from '../fixtures/cloudtrail';
import { configurationHarness } from '../fixtures/configuration-harness';
import { functionWithLogGroup, LOG_GROUP_CREATED, logsEvent, OWN_LOG_GROUP, putRetentionPolicyEvent } from '../fixtures/log-groups';
import { ruleContext, TEST_CONFIG } from '../fixtures/rule-context';
import { functionSnapshot } from '../fixtures/snapshots';

const RULE = functionLogRetentionShortened.id;
const GROUP = { account: ACCOUNT, region: REGION, logGroupName: OWN_LOG_GROUP };

describe('function-log-retention-shortened', () => {
  it('alerts when the function’s group is set to keep events for fewer days than the minimum (default 30)', async () => {
    const h = configurationHarness();
    functionWithLogGroup(h.account, { retentionInDays: 365 });
    const [finding, ...rest] = await h.run(putRetentionPolicyEvent(1), RULE);
    expect(rest).toEqual([]);
    expect(h.account.logs.logGroup(GROUP)?.retentionInDays).toBe(1);
    expect(finding?.mode).toBe('alert');
    expect(finding?.summary).toBe(`Log group ${OWN_LOG_GROUP} of ${FUNCTION_ARN} now keeps events for 1 day(s), under the minimum of 30, after PutRetentionPolicy by arn:aws:iam::${ACCOUNT}:user/alice.`);
    expect(finding?.details).toEqual({ logGroup: OWN_LOG_GROUP, retentionInDays: 1, minimumRetentionDays: 30 });
  });

  it.each([
    ['14 days', 1, putRetentionPolicyEvent(14)],
    ['the minimum itself (30 days)', 0, putRetentionPolicyEvent(30)],
    ['raised to a year', 0, putRetentionPolicyEvent(365)],
    ['1 day, as a string', 1, putRetentionPolicyEvent(1, OWN_LOG_GROUP, { detail: { requestParameters: { logGroupName: OWN_LOG_GROUP, retentionInDays: '1' } } })],
    ['1 day on a group of no function', 0, putRetentionPolicyEvent(1, '/aws/codebuild/orders')],
    ['1 day by a failed call', 0, putRetentionPolicyEvent(1, OWN_LOG_GROUP, { errorCode: 'AccessDeniedException' })],
    ['1 day by the bot’s own session', 0, putRetentionPolicyEvent(1, OWN_LOG_GROUP, { identity: identities.remediator() })],
  ])('PutRetentionPolicy %s gives %i finding(s)', async (_what, count, event) => {
    const h = configurationHarness();
    functionWithLogGroup(h.account);
    expect(await h.run(event, RULE)).toHaveLength(count);
  });

  it('judges a custom group through the functions that name it, and not the function’s unused default group', async () => {
    const h = configurationHarness();
    functionWithLogGroup(h.account, { logGroup: '/org/orders/app' });
    h.account.logs.createLogGroup(GROUP, { creationTime: LOG_GROUP_CREATED });
    expect(await h.run(putRetentionPolicyEvent(3, '/org/orders/app'), RULE)).toHaveLength(1);
    expect(await h.run(putRetentionPolicyEvent(3, OWN_LOG_GROUP), RULE)).toEqual([]);
  });

  it('takes the minimum from minimumLogRetentionDays, and 0 turns the check off', async () => {
    const strict = configurationHarness({ config: parseConfig({ ...TEST_CONFIG, minimumLogRetentionDays: 365 }) });
    functionWithLogGroup(strict.account);
    expect(await strict.run(putRetentionPolicyEvent(180), RULE)).toHaveLength(1);
    const off = configurationHarness({ config: parseConfig({ ...TEST_CONFIG, minimumLogRetentionDays: 0 }) });
    functionWithLogGroup(off.account);
    expect(await off.run(putRetentionPolicyEvent(1), RULE)).toEqual([]);
  });

  it('judges the current state: a retention raised (or removed) since the event is not reported; DeleteRetentionPolicy is no trigger', async () => {
    const event = putRetentionPolicyEvent(1);
    const at = (retentionInDays: number | null) => ({ ...functionSnapshot(), logGroup: { logGroupName: OWN_LOG_GROUP, group: { retentionInDays, creationTime: LOG_GROUP_CREATED } } });
    expect(functionLogRetentionShortened.evaluate(at(90), ruleContext({ event })).status).toBe('compliant');
    expect(functionLogRetentionShortened.evaluate(at(null), ruleContext({ event })).status).toBe('compliant');
    expect(functionLogRetentionShortened.evaluate(at(1), ruleContext({ event })).status).toBe('non-compliant');
    const h = configurationHarness();
    functionWithLogGroup(h.account, { retentionInDays: 1 });
    expect(await h.run(logsEvent('DeleteRetentionPolicy', { logGroupName: OWN_LOG_GROUP }), RULE)).toEqual([]);
    expect(h.account.logs.logGroup(GROUP)?.retentionInDays).toBeNull();
  });

  it('judges the retention a scan reads (no event), and nothing when the group was not read or does not exist', () => {
    const snapshot = { ...functionSnapshot(), logGroup: { logGroupName: OWN_LOG_GROUP, group: { retentionInDays: 7, creationTime: LOG_GROUP_CREATED } } };
    expect(functionLogRetentionShortened.evaluate(snapshot, ruleContext()).status).toBe('non-compliant');
    expect(functionLogRetentionShortened.evaluate(functionSnapshot(), ruleContext()).status).toBe('not-applicable');
    expect(functionLogRetentionShortened.evaluate({ ...functionSnapshot(), logGroup: { logGroupName: OWN_LOG_GROUP, group: null } }, ruleContext()).status).toBe('not-applicable');
  });
});
