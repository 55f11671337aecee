/**
 * A stateful stand-in for CloudWatch Logs log groups (issue #17): seeded from state files, changed by
 * replayed CloudTrail events (CreateLogGroup, DeleteLogGroup, PutRetentionPolicy, DeleteRetentionPolicy)
 * and answering `DescribeLogGroups` through aws-sdk-client-mock.
 */
import { CloudWatchLogsClient, DescribeLogGroupsCommand, InvalidParameterException, type LogGroup } from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import type { CloudTrailEvent } from '../functions/shared/event/cloudtrail-event';
import { LOG_GROUP_NAME, partitionOf } from '../functions/shared/state/resources';
import type { ApplyOutcome } from './lambda-cloudtrail';

export const LOGS_SOURCE = 'logs.amazonaws.com';

/** The retentions CloudWatch Logs accepts (`PutRetentionPolicy`). */
export const RETENTION_DAYS: ReadonlySet<number> = new Set([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]);

/** `DescribeLogGroups`' default (and largest) page. */
export const LOGS_PAGE_SIZE = 50;

export interface LogGroupKey {
  readonly account: string;
  readonly region: string;
  readonly logGroupName: string;
}

export interface InMemoryLogGroup extends LogGroupKey {
  /** Milliseconds since the epoch. */
  readonly creationTime: number;
  /** Null: never expire. */
  retentionInDays: number | null;
}

function keyOf(key: LogGroupKey): string {
  return `${key.account}\u0000${key.region}\u0000${key.logGroupName}`;
}

/** `arn:aws:logs:<region>:<account>:log-group:<name>:*`, as `DescribeLogGroups` returns `arn`. */
export function logGroupArn(key: LogGroupKey): string {
  return `arn:${partitionOf(key.region)}:logs:${key.region}:${key.account}:log-group:${key.logGroupName}:*`;
}

function retentionOf(value: unknown): number | undefined {
  const days = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
  return days !== undefined && RETENTION_DAYS.has(days) ? days : undefined;
}

/** Events that create the group they name: no group is made up for them. */
const CREATING_EVENTS: ReadonlySet<string> = new Set(['CreateLogGroup']);
const KNOWN_EVENTS: ReadonlySet<string> = new Set(['CreateLogGroup', 'DeleteLogGroup', 'PutRetentionPolicy', 'DeleteRetentionPolicy']);

export class InMemoryLogs {
  private readonly groups = new Map<string, InMemoryLogGroup>();

  constructor(private readonly clock: () => Date = () => new Date()) {}

  /** Adds (or replaces) a group: never expiring unless `retentionInDays` is given. */
  createLogGroup(key: LogGroupKey, options: { readonly retentionInDays?: number | null; readonly creationTime?: number } = {}): InMemoryLogGroup {
    const group: InMemoryLogGroup = { ...key, creationTime: options.creationTime ?? this.clock().getTime(), retentionInDays: options.retentionInDays ?? null };
    this.groups.set(keyOf(key), group);
    return group;
  }

  logGroup(key: LogGroupKey): InMemoryLogGroup | undefined {
    return this.groups.get(keyOf(key));
  }

  deleteLogGroup(key: LogGroupKey): boolean {
    return this.groups.delete(keyOf(key));
  }

  /** Every group held, in insertion order. */
  allLogGroups(): readonly InMemoryLogGroup[] {
    return [...this.groups.values()];
  }

  /** The groups of an account and region whose name starts with `prefix`, ASCII-sorted by name as CloudWatch Logs lists them. */
  describe(account: string, region: string, prefix = ''): InMemoryLogGroup[] {
    return [...this.groups.values()]
      .filter((g) => g.account === account && g.region === region && g.logGroupName.startsWith(prefix))
      .sort((a, b) => (a.logGroupName < b.logGroupName ? -1 : a.logGroupName > b.logGroupName ? 1 : 0));
  }

  /**
   * Creates the group a DeleteLogGroup / PutRetentionPolicy / DeleteRetentionPolicy names when it is not
   * held — created a minute before the event, as it must have existed for the call to succeed — so one event
   * can be replayed alone. Failed calls and CreateLogGroup create nothing.
   */
  ensureLogGroup(event: CloudTrailEvent): LogGroupKey[] {
    const { detail } = event;
    if (detail.eventSource !== LOGS_SOURCE || (detail.errorCode !== undefined && detail.errorCode !== '') || CREATING_EVENTS.has(detail.eventName) || !KNOWN_EVENTS.has(detail.eventName)) return [];
    const key = logGroupKeyOf(event);
    if (key === null || this.groups.has(keyOf(key))) return [];
    const at = Date.parse(detail.eventTime);
    this.createLogGroup(key, Number.isNaN(at) ? {} : { creationTime: at - 60_000 });
    return [key];
  }

  /** Applies a successful CloudWatch Logs event as AWS did; failed calls and unknown events change nothing. */
  applyEvent(event: CloudTrailEvent): ApplyOutcome {
    const { detail } = event;
    const eventName = detail.eventName;
    if (detail.errorCode !== undefined && detail.errorCode !== '') return { applied: false, eventName, detail: `failed call (${detail.errorCode}): nothing changed` };
    const key = logGroupKeyOf(event);
    if (key === null) return { applied: false, eventName, detail: 'no valid logGroupName in the request' };
    const group = this.groups.get(keyOf(key));
    const at = Date.parse(detail.eventTime);
    switch (eventName) {
      case 'CreateLogGroup':
        if (group !== undefined) return { applied: false, eventName, detail: `log group ${key.logGroupName} already exists` };
        this.createLogGroup(key, Number.isNaN(at) ? {} : { creationTime: at });
        return { applied: true, eventName, detail: `created log group ${key.logGroupName}` };
      case 'DeleteLogGroup':
        if (group === undefined) return { applied: false, eventName, detail: `no log group ${key.logGroupName}` };
        this.groups.delete(keyOf(key));
        return { applied: true, eventName, detail: `deleted log group ${key.logGroupName}` };
      case 'PutRetentionPolicy': {
        const days = retentionOf(detail.requestParameters?.retentionInDays);
        if (group === undefined || days === undefined) return { applied: false, eventName, detail: group === undefined ? `no log group ${key.logGroupName}` : 'retentionInDays is not a retention CloudWatch Logs accepts' };
        group.retentionInDays = days;
        return { applied: true, eventName, detail: `log group ${key.logGroupName} keeps events for ${String(days)} day(s)` };
      }
      case 'DeleteRetentionPolicy':
        if (group === undefined) return { applied: false, eventName, detail: `no log group ${key.logGroupName}` };
        group.retentionInDays = null;
        return { applied: true, eventName, detail: `log group ${key.logGroupName} never expires` };
      default:
        return { applied: false, eventName, detail: `${eventName} is not replayed` };
    }
  }
}

/** The group a CloudWatch Logs event names (`logGroupName`), in the event's account and region. */
function logGroupKeyOf(event: CloudTrailEvent): LogGroupKey | null {
  const { detail } = event;
  const name = detail.requestParameters?.logGroupName;
  return typeof name === 'string' && LOG_GROUP_NAME.test(name) ? { account: detail.recipientAccountId ?? event.account, region: detail.awsRegion, logGroupName: name } : null;
}

/** One `DescribeLogGroups` entry. */
function describeEntry(group: InMemoryLogGroup): LogGroup {
  return {
    logGroupName: group.logGroupName,
    creationTime: group.creationTime,
    ...(group.retentionInDays === null ? {} : { retentionInDays: group.retentionInDays }),
    metricFilterCount: 0,
    arn: logGroupArn(group),
    logGroupArn: logGroupArn(group).replace(/:\*$/, ''),
    storedBytes: 0,
    logGroupClass: 'STANDARD',
  };
}

export interface LogsMockOptions {
  /** The account a client acts in (default: `defaultAccount`). */
  readonly accountOf?: (client: CloudWatchLogsClient) => string | undefined;
  readonly onCommand?: (command: string) => void;
}

export interface LogsCall {
  readonly command: string;
  readonly input: Readonly<Record<string, unknown>>;
}

/**
 * Answers CloudWatch Logs commands from `logs`: `DescribeLogGroups` (prefix, pages of `limit` ≤ 50 with an
 * opaque `nextToken`), for the client's account and region.
 * @example
 * const { mock, calls } = installLogsMock(account.logs, account.defaultAccount);
 */
export function installLogsMock(logs: InMemoryLogs, defaultAccount: string, options: LogsMockOptions = {}) {
  const mock = mockClient(CloudWatchLogsClient);
  const calls: LogsCall[] = [];
  mock.on(DescribeLogGroupsCommand).callsFake(async (input: { logGroupNamePrefix?: string; nextToken?: string; limit?: number }, getClient: () => CloudWatchLogsClient) => {
    const client = getClient();
    calls.push({ command: 'DescribeLogGroups', input: structuredClone(input) });
    options.onCommand?.('DescribeLogGroups');
    const region = await client.config.region();
    const account = options.accountOf?.(client) ?? defaultAccount;
    const start = input.nextToken === undefined ? 0 : Number.parseInt(Buffer.from(input.nextToken, 'base64url').toString('utf8'), 10);
    const size = input.limit ?? LOGS_PAGE_SIZE;
    if (!Number.isInteger(start) || start < 0 || size < 1 || size > LOGS_PAGE_SIZE) throw new InvalidParameterException({ message: 'Invalid nextToken or limit', $metadata: {} });
    const all = logs.describe(account, region, input.logGroupNamePrefix ?? '');
    const end = start + size;
    return { logGroups: all.slice(start, end).map(describeEntry), ...(end < all.length ? { nextToken: Buffer.from(String(end), 'utf8').toString('base64url') } : {}) };
  });
  return { mock, calls };
}
