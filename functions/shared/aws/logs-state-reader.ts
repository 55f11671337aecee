/**
 * Reads a function's log group with `@aws-sdk/client-cloudwatch-logs` (issue #17): whether it exists,
 * its retention and creation time. One `DescribeLogGroups` per group, by name prefix, exact match kept.
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { StateReadError } from '../errors';
import type { FunctionLogGroup } from '../state/resources';
import { loadCloudWatchLogs } from './sdk-module';

/** The IAM actions this reader calls: part of the remediator role (a test checks the commands it sends). */
export const LOGS_READ_PERMISSIONS = ['logs:DescribeLogGroups'] as const;

export type LogsClientProvider = (account: string, region: string) => CloudWatchLogsClient | Promise<CloudWatchLogsClient>;

/**
 * The state of one log group; `group` is null when the account and region hold no group of that name.
 * CloudWatch Logs lists groups ASCII-sorted by name, so the exact name, when it exists, is the first
 * of its prefix: one page is enough.
 * @throws StateReadError when CloudWatch Logs refuses or fails.
 * @example
 * const group = await readLogGroup(logs, '/aws/lambda/orders-api');
 * if (group.group === null) console.log('deleted');
 */
export async function readLogGroup(client: CloudWatchLogsClient, logGroupName: string): Promise<FunctionLogGroup> {
  try {
    const { DescribeLogGroupsCommand } = await loadCloudWatchLogs();
    const out = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: logGroupName }));
    const found = (out.logGroups ?? []).find((g) => g.logGroupName === logGroupName);
    return { logGroupName, group: found === undefined ? null : { retentionInDays: found.retentionInDays ?? null, creationTime: found.creationTime ?? null } };
  } catch (e: unknown) {
    throw new StateReadError(`Reading the log group ${logGroupName} failed: ${e instanceof Error ? e.name : 'unknown error'}`, { cause: e });
  }
}
