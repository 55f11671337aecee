/**
 * The deployed `BaselineStore`: baselines as JSON text in the state table (`pk` `BASELINE#<arn>`,
 * `sk` `BASELINE`), each write conditional on the version last read, so two concurrent captures
 * of one resource never merge over each other.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { StateStoreError } from '../store/state-store';
import type { BaselineStore } from './baseline-keeper';

export const baselineKey = (resourceArn: string) => ({ pk: `BASELINE#${resourceArn}`, sk: 'BASELINE' });

function isConditionFailure(e: unknown): boolean {
  return e instanceof ConditionalCheckFailedException || (e instanceof Error && e.name === 'ConditionalCheckFailedException');
}

function failure(what: string, e: unknown): StateStoreError {
  return new StateStoreError(`${what} failed: ${e instanceof Error ? e.name : 'unknown error'}`, { cause: e });
}

/**
 * A keeper reads a baseline (`get`), merges what it judged and writes it back (`put`). The store
 * remembers the version each `get` saw; `put` succeeds only if the item is still at that version
 * (or still absent). When another responder wrote in between, the write is dropped: its baseline
 * is as recent, and the next compliant evaluation captures again. No TTL: a baseline is needed
 * for as long as the resource lives, however rarely it changes.
 *
 * @example
 * const store = new DynamoDbBaselineStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region })), env.tableName);
 * const keeper = new FunctionBaselineKeeper({ store, key: baselineKeyFromSecret(...) });
 */
export class DynamoDbBaselineStore implements BaselineStore {
  /** Version seen by the last `get` of each resource, until its `put`. */
  private readonly versions = new Map<string, number | null>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async get(resourceArn: string): Promise<unknown> {
    let item;
    try {
      item = (await this.client.send(new GetCommand({ TableName: this.tableName, Key: baselineKey(resourceArn), ConsistentRead: true }))).Item;
    } catch (e: unknown) {
      throw failure(`Reading the baseline of ${resourceArn}`, e);
    }
    const version = typeof item?.version === 'number' ? item.version : null;
    this.versions.set(resourceArn, version);
    if (typeof item?.baseline !== 'string') return null;
    try {
      return JSON.parse(item.baseline) as unknown;
    } catch {
      // Unreadable text is no baseline: the keeper replaces it at the next compliant evaluation.
      return null;
    }
  }

  async put(resourceArn: string, baseline: unknown): Promise<void> {
    const seen = this.versions.has(resourceArn) ? (this.versions.get(resourceArn) ?? null) : await this.currentVersion(resourceArn);
    this.versions.delete(resourceArn);
    const version = (seen ?? 0) + 1;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...baselineKey(resourceArn), resource: resourceArn, baseline: JSON.stringify(baseline), version, updatedAt: this.now().toISOString() },
          ...(seen === null
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: '#version = :seen', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':seen': seen } }),
        }),
      );
    } catch (e: unknown) {
      if (isConditionFailure(e)) return;
      throw failure(`Saving the baseline of ${resourceArn}`, e);
    }
  }

  private async currentVersion(resourceArn: string): Promise<number | null> {
    await this.get(resourceArn);
    return this.versions.get(resourceArn) ?? null;
  }
}
