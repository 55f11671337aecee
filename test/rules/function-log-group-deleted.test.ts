import { describe, expect, it } from 'vitest';
import { functionLogGroupDeleted } from '../../rules/lambda/function-log-group-deleted';
import { ACCOUNT, FUNCTION_ARN, FUNCTION_NAME, REGION } from '../fixtures/accounts';
import { DEFAULT_EVENT_TIME, identities } from '../fixtures/cloudtrail';
import { configurationHarness } from '../fixtures/configuration-harness';
import { deleteLogGroupEvent, functionWithLogGroup, LOG_GROUP_CREATED, OWN_LOG_GROUP } from '../fixtures/log-groups';
import { findingsOf, ruleContext } from '../fixtures/rule-context';
import { functionSnapshot } from '../fixtures/snapshots';

const RULE = functionLogGroupDeleted.id;

describe('function-log-group-deleted', () => {
  it('alerts when the group a function writes to is deleted, naming the group and who deleted it', async () => {
    const h = configurationHarness();
    functionWithLogGroup(h.account);
    const [finding, ...rest] = await h.run(deleteLogGroupEvent(), RULE);
    expect(rest).toEqual([]);
    expect(finding?.mode).toBe('alert');
    expect(finding?.severity).toBe('high');
    expect(finding?.resource).toBe(FUNCTION_ARN);
    expect(finding?.remediation).toBeNull();
    expect(finding?.summary).toBe(`Log group ${OWN_LOG_GROUP} of ${FUNCTION_ARN} was deleted after DeleteLogGroup by arn:aws:iam::${ACCOUNT}:user/alice: every log event it held is gone.`);
    expect(h.account.logs.logGroup({ account: ACCOUNT, region: REGION, logGroupName: OWN_LOG_GROUP })).toBeUndefined();
  });

  it.each([
    ['a custom group the function names in LoggingConfig', 1, { logGroup: '/org/orders/app' }, '/org/orders/app'],
    ['the default group of a function that logs to a custom group', 0, { logGroup: '/org/orders/app' }, OWN_LOG_GROUP],
    ['the group of a function the account does not hold', 0, {}, '/aws/lambda/orders-worker'],
    ['a group no function names', 0, {}, '/aws/vpc/flow-logs'],
    ['a Lambda@Edge replica group (not a function of this region)', 0, {}, `/aws/lambda/us-east-1.${FUNCTION_NAME}`],
  ])('DeleteLogGroup of %s gives %i finding(s)', async (_what, count, setup, group) => {
    const h = configurationHarness();
    functionWithLogGroup(h.account, setup);
    h.account.logs.createLogGroup({ account: ACCOUNT, region: REGION, logGroupName: group }, { creationTime: LOG_GROUP_CREATED });
    expect(await h.run(deleteLogGroupEvent(group), RULE)).toHaveLength(count);
  });

  it('reports a group Lambda recreated since (created in or after the deletion’s second): the events before are gone', async () => {
    const h = configurationHarness();
    functionWithLogGroup(h.account);
    h.account.replay(deleteLogGroupEvent());
    const recreated = Date.parse(DEFAULT_EVENT_TIME) + 400;
    h.account.logs.createLogGroup({ account: ACCOUNT, region: REGION, logGroupName: OWN_LOG_GROUP }, { creationTime: recreated });
    const snapshot = await h.account.reader().readFunction({ kind: 'lambda-function', account: ACCOUNT, region: REGION, functionName: FUNCTION_NAME }, ['logGroup']);
    expect(snapshot.logGroup).toEqual({ logGroupName: OWN_LOG_GROUP, group: { retentionInDays: null, creationTime: recreated } });
    const [finding] = findingsOf(functionLogGroupDeleted.evaluate(snapshot, ruleContext({ event: deleteLogGroupEvent() })));
    expect(finding?.summary).toContain(`has been recreated empty since (${new Date(recreated).toISOString()})`);
    expect(finding?.details).toEqual({ logGroup: OWN_LOG_GROUP, recreatedAt: new Date(recreated).toISOString() });
  });

  it('judges the current state: a group older than the event still exists, so the deletion did not hold', () => {
    const snapshot = { ...functionSnapshot(), logGroup: { logGroupName: OWN_LOG_GROUP, group: { retentionInDays: null, creationTime: LOG_GROUP_CREATED } } };
    expect(functionLogGroupDeleted.evaluate(snapshot, ruleContext({ event: deleteLogGroupEvent() })).status).toBe('compliant');
  });

  it('changes nothing on a failed call, ignores the bot’s own call, and is not applicable in a scan or for a function gone', async () => {
    const h = configurationHarness();
    functionWithLogGroup(h.account);
    expect(await h.run(deleteLogGroupEvent(OWN_LOG_GROUP, { errorCode: 'AccessDeniedException' }), RULE)).toEqual([]);
    expect(h.account.logs.logGroup({ account: ACCOUNT, region: REGION, logGroupName: OWN_LOG_GROUP })).toBeDefined();
    expect(await h.run(deleteLogGroupEvent(OWN_LOG_GROUP, { identity: identities.remediator() }), RULE)).toEqual([]);
    expect(functionLogGroupDeleted.evaluate({ ...functionSnapshot(), logGroup: { logGroupName: OWN_LOG_GROUP, group: null } }, ruleContext()).status).toBe('not-applicable');
    expect(functionLogGroupDeleted.evaluate({ ...functionSnapshot(), logGroup: null }, ruleContext({ event: deleteLogGroupEvent() })).status).toBe('not-applicable');
  });
});
