/**
 * The deployed `HeartbeatStore`: items `pk = HEARTBEAT`, `sk = <account>#<region>` of the state
 * table. One partition, so a check reads every pair with one paged Query; the heartbeat function's
 * role is the only one that may touch this key (`dynamodb:LeadingKeys` = `HEARTBEAT`).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { lazySchema } from '../lazy-schema';
import { WardenError } from '../errors';
import { heartbeatKey, type HeartbeatPair, type HeartbeatRecord, type HeartbeatStore } from './heartbeat-store';

/** The partition key of every heartbeat item. */
export const HEARTBEAT_PARTITION = 'HEARTBEAT';

/** A heartbeat item could not be read or written (other than a failed condition). */
export class HeartbeatStoreError extends WardenError {}

const ItemSchema = lazySchema(() => z.looseObject({
  account: z.string().regex(/^\d{12}$/),
  region: z.string().min(1),
  watchedSince: z.string().min(1),
  lastSeen: z.string().min(1).optional(),
  silentSince: z.string().min(1).optional(),
}));

function isConditionFailure(e: unknown): boolean {
  return e instanceof ConditionalCheckFailedException || (e instanceof Error && e.name === 'ConditionalCheckFailedException');
}

const NAMES = { '#account': 'account', '#region': 'region', '#watched': 'watchedSince', '#seen': 'lastSeen', '#silent': 'silentSince' } as const;

export class DynamoDbHeartbeatStore implements HeartbeatStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private key(pair: HeartbeatPair): { pk: string; sk: string } {
    return { pk: HEARTBEAT_PARTITION, sk: heartbeatKey(pair) };
  }

  /** A conditional update: true when written, false when its condition failed. */
  private async update(pair: HeartbeatPair, input: { update: string; condition: string; names: Record<string, string>; values: Record<string, unknown> }): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(pair),
          UpdateExpression: input.update,
          ConditionExpression: input.condition,
          ExpressionAttributeNames: input.names,
          ...(Object.keys(input.values).length === 0 ? {} : { ExpressionAttributeValues: input.values }),
        }),
      );
      return true;
    } catch (e: unknown) {
      if (isConditionFailure(e)) return false;
      throw new HeartbeatStoreError(`Writing the heartbeat of ${heartbeatKey(pair)} failed: ${e instanceof Error ? e.name : 'unknown error'}`, { cause: e });
    }
  }

  async recordBeat(pair: HeartbeatPair, at: string): Promise<void> {
    await this.update(pair, {
      update: 'SET #seen = :at, #account = :account, #region = :region, #watched = if_not_exists(#watched, :at)',
      condition: 'attribute_not_exists(#seen) OR #seen < :at',
      names: { '#seen': NAMES['#seen'], '#account': NAMES['#account'], '#region': NAMES['#region'], '#watched': NAMES['#watched'] },
      values: { ':at': at, ':account': pair.account, ':region': pair.region },
    });
  }

  async listBeats(): Promise<HeartbeatRecord[]> {
    const records: HeartbeatRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      let out;
      try {
        out = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': 'pk' },
            ExpressionAttributeValues: { ':pk': HEARTBEAT_PARTITION },
            ConsistentRead: true,
            ...(start === undefined ? {} : { ExclusiveStartKey: start }),
          }),
        );
      } catch (e: unknown) {
        throw new HeartbeatStoreError(`Reading the heartbeats failed: ${e instanceof Error ? e.name : 'unknown error'}`, { cause: e });
      }
      for (const item of out.Items ?? []) {
        // An item that is not a heartbeat record is skipped: its pair then counts as never seen.
        const parsed = ItemSchema.safeParse(item);
        if (parsed.success) records.push(parsed.data);
      }
      start = out.LastEvaluatedKey;
    } while (start !== undefined);
    return records;
  }

  startWatching(pair: HeartbeatPair, at: string): Promise<boolean> {
    return this.update(pair, {
      update: 'SET #account = :account, #region = :region, #watched = :at',
      condition: 'attribute_not_exists(#watched)',
      names: { '#account': NAMES['#account'], '#region': NAMES['#region'], '#watched': NAMES['#watched'] },
      values: { ':at': at, ':account': pair.account, ':region': pair.region },
    });
  }

  markSilent(pair: HeartbeatPair, silentSince: string, judgedLastSeen: string | undefined): Promise<boolean> {
    return this.update(pair, {
      update: 'SET #silent = :since',
      condition: judgedLastSeen === undefined ? 'attribute_exists(#watched) AND attribute_not_exists(#silent) AND attribute_not_exists(#seen)' : 'attribute_not_exists(#silent) AND #seen = :seen',
      names: { '#silent': NAMES['#silent'], '#seen': NAMES['#seen'], ...(judgedLastSeen === undefined ? { '#watched': NAMES['#watched'] } : {}) },
      values: { ':since': silentSince, ...(judgedLastSeen === undefined ? {} : { ':seen': judgedLastSeen }) },
    });
  }

  clearSilent(pair: HeartbeatPair, silentSince: string): Promise<boolean> {
    return this.update(pair, { update: 'REMOVE #silent', condition: '#silent = :since', names: { '#silent': NAMES['#silent'] }, values: { ':since': silentSince } });
  }

  restoreSilent(pair: HeartbeatPair, silentSince: string): Promise<boolean> {
    return this.update(pair, {
      update: 'SET #silent = :since',
      condition: 'attribute_exists(#watched) AND attribute_not_exists(#silent)',
      names: { '#silent': NAMES['#silent'], '#watched': NAMES['#watched'] },
      values: { ':since': silentSince },
    });
  }
}
