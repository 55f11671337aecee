import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryAccount } from '../../sim/in-memory-account';
import { installLogsMock } from '../../sim/in-memory-logs';
import { parseStateFile } from '../../sim/state-file';
import { ACCOUNT, REGION } from '../fixtures/accounts';
import { DEFAULT_EVENT_TIME } from '../fixtures/cloudtrail';
import { deleteLogGroupEvent, logsEvent, OWN_LOG_GROUP, putRetentionPolicyEvent } from '../fixtures/log-groups';

const GROUP = { account: ACCOUNT, region: REGION, logGroupName: OWN_LOG_GROUP };

let mock: ReturnType<typeof installLogsMock> | undefined;
afterEach(() => mock?.mock.restore());

describe('in-memory CloudWatch Logs', () => {
  it('replays CreateLogGroup, PutRetentionPolicy, DeleteRetentionPolicy and DeleteLogGroup as CloudWatch Logs applies them', () => {
    const account = new InMemoryAccount({ defaultAccount: ACCOUNT });
    expect(account.replay(logsEvent('CreateLogGroup', { logGroupName: OWN_LOG_GROUP })).applied).toBe(true);
    expect(account.logs.logGroup(GROUP)).toMatchObject({ creationTime: Date.parse(DEFAULT_EVENT_TIME), retentionInDays: null });
    account.replay(putRetentionPolicyEvent(7));
    expect(account.logs.logGroup(GROUP)?.retentionInDays).toBe(7);
    // CloudWatch Logs refuses retentions it does not offer; a failed call changes nothing either.
    expect(account.replay(putRetentionPolicyEvent(2)).applied).toBe(false);
    expect(account.replay(putRetentionPolicyEvent(1, OWN_LOG_GROUP, { errorCode: 'AccessDeniedException' })).applied).toBe(false);
    expect(account.logs.logGroup(GROUP)?.retentionInDays).toBe(7);
    account.replay(logsEvent('DeleteRetentionPolicy', { logGroupName: OWN_LOG_GROUP }));
    expect(account.logs.logGroup(GROUP)?.retentionInDays).toBeNull();
    account.replay(deleteLogGroupEvent());
    expect(account.logs.logGroup(GROUP)).toBeUndefined();
  });

  it('makes up the group a lone event needs (created before it), but no function', () => {
    const account = new InMemoryAccount({ defaultAccount: ACCOUNT });
    expect(account.replay(putRetentionPolicyEvent(1)).applied).toBe(true);
    expect(account.logs.logGroup(GROUP)).toMatchObject({ retentionInDays: 1, creationTime: Date.parse(DEFAULT_EVENT_TIME) - 60_000 });
    expect(account.lambda.functionKeys()).toEqual([]);
    expect(account.replay(deleteLogGroupEvent('/aws/lambda/other')).applied).toBe(true);
    expect(account.logs.allLogGroups().map((g) => g.logGroupName)).toEqual([OWN_LOG_GROUP]);
  });

  it('seeds log groups from the state file and writes them back the same way', () => {
    const state = parseStateFile({
      logGroups: [
        { Account: ACCOUNT, Region: REGION, LogGroup: { logGroupName: OWN_LOG_GROUP, retentionInDays: 30, creationTime: 1_700_000_000_000, storedBytes: 1024, arn: 'ignored' } },
        { Account: ACCOUNT, Region: 'eu-west-1', LogGroup: { logGroupName: '/org/app', creationTime: 1_700_000_000_000 } },
      ],
    });
    const account = InMemoryAccount.fromStateFile(state);
    expect(account.logs.logGroup(GROUP)).toMatchObject({ retentionInDays: 30, creationTime: 1_700_000_000_000 });
    expect(account.toStateFile().logGroups).toEqual([
      { Account: ACCOUNT, Region: REGION, LogGroup: { logGroupName: OWN_LOG_GROUP, retentionInDays: 30, creationTime: 1_700_000_000_000 } },
      { Account: ACCOUNT, Region: 'eu-west-1', LogGroup: { logGroupName: '/org/app', creationTime: 1_700_000_000_000 } },
    ]);
    expect(InMemoryAccount.fromStateFile(account.toStateFile()).toStateFile()).toEqual(account.toStateFile());
  });

  it.each([
    ['a retention CloudWatch Logs does not offer', { logGroupName: OWN_LOG_GROUP, retentionInDays: 2 }, 'logGroups.0.LogGroup.retentionInDays'],
    ['an invalid group name', { logGroupName: '/aws/lambda/orders api' }, 'logGroups.0.LogGroup.logGroupName'],
    ['a misspelled key', { logGroupName: OWN_LOG_GROUP, retentionDays: 7 }, 'retentionDays'],
  ])('rejects %s, naming the field', (_what, group, field) => {
    expect(() => parseStateFile({ logGroups: [{ Account: ACCOUNT, Region: REGION, LogGroup: group }] })).toThrow(field);
  });

  it('rejects a group listed twice', () => {
    const entry = { Account: ACCOUNT, Region: REGION, LogGroup: { logGroupName: OWN_LOG_GROUP } };
    expect(() => parseStateFile({ logGroups: [entry, entry] })).toThrow('duplicate of logGroups.0');
  });

  it('answers DescribeLogGroups by prefix, ASCII-sorted, in pages, for the client’s account and region', async () => {
    const account = new InMemoryAccount({ defaultAccount: ACCOUNT });
    for (const name of ['/aws/lambda/b', '/aws/lambda/a-2', '/aws/lambda/a', '/aws/vpc/x']) account.logs.createLogGroup({ account: ACCOUNT, region: REGION, logGroupName: name }, { retentionInDays: 14 });
    account.logs.createLogGroup({ account: '222233334444', region: REGION, logGroupName: '/aws/lambda/a' });
    account.logs.createLogGroup({ account: ACCOUNT, region: 'eu-west-1', logGroupName: '/aws/lambda/a' });
    mock = installLogsMock(account.logs, ACCOUNT);
    const client = new CloudWatchLogsClient({ region: REGION });
    const first = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/', limit: 2 }));
    expect(first.logGroups?.map((g) => [g.logGroupName, g.retentionInDays])).toEqual([['/aws/lambda/a', 14], ['/aws/lambda/a-2', 14]]);
    const second = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/', limit: 2, nextToken: first.nextToken }));
    expect(second.logGroups?.map((g) => g.logGroupName)).toEqual(['/aws/lambda/b']);
    expect(second.nextToken).toBeUndefined();
    expect(first.logGroups?.[0]?.arn).toBe(`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/a:*`);
  });
});
