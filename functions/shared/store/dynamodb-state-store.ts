/**
 * The deployed `StateStore`: one DynamoDB table (`pk`, `sk` strings; TTL attribute `ttl`) written
 * through `@aws-sdk/lib-dynamodb`, every transition guarded by a `ConditionExpression`.
 */
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DeleteCommandInput,
  type DynamoDBDocumentClient,
  type PutCommandInput,
  type TransactWriteCommandInput,
  type UpdateCommandInput,
  type UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod';
import type { Finding } from '../contract/finding';
import { FindingRecordSchema, issuePaths, MalformedItemError, NotifiedMessageSchema, refusalReason, StateStoreError, StoredExemptionSchema, toJson, type CheckedClaimInput, type CheckedClaimResult, type ClaimResult, type CounterIncrement, type CounterResult, type DecisionResult, type DigestWindow, type ExecutionClaim, type ExemptionRead, type FindingRecord, type NewRecord, type NotificationClaim, type NotifiedMessage, type OpenApprovalResult, type StateStore, type StoredExemption } from './state-store';
import { ApprovalRecordSchema, type ApprovalDecision, type ApprovalRecord } from '../contract/approval-record';
import type { DecisionDetail } from '../contract/decision';
import { KEY_PREFIXES } from './table-access';
import type { ExecutionOutcome } from '../contract/outcome';
import { DIGEST_ENTRIES_MAX, validEntries, type DigestAddition, type DigestEntry, type FunctionDigest } from '../contract/function-digest';

const DAY = 24 * 3600;
/** Finding records are kept 90 days; approvals 30 days past their expiry (the audit trail lives on the bus). */
const FINDING_RETENTION_SECONDS = 90 * DAY;
const APPROVAL_RETENTION_SECONDS = 30 * DAY;
/** Notification claims and message locations are kept as long as findings (follow-ups can come days later). */
const NOTIFICATION_RETENTION_SECONDS = 90 * DAY;

function isConditionFailure(e: unknown): boolean {
  return e instanceof ConditionalCheckFailedException || (e instanceof Error && e.name === 'ConditionalCheckFailedException');
}

/** An item read back, in its schema's shape; else a `MalformedItemError` naming the fields that do not fit (never a value). */
function parseItem<T>(schema: z.ZodType<T>, item: Record<string, unknown>, what: string): T {
  const parsed = schema.safeParse(item);
  if (!parsed.success) throw new MalformedItemError(`Stored ${what} is malformed (${issuePaths(parsed.error).join(', ')}): not used`);
  return parsed.data;
}

/** The item without the table's own attributes. */
function withoutKeys(item: Record<string, unknown>, drop: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([key]) => !drop.includes(key)));
}

function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** When a lease taken at `now` for `leaseSeconds` runs out (ISO time). */
function leaseEnd(input: { now: Date; leaseSeconds: number }): string {
  return new Date(input.now.getTime() + input.leaseSeconds * 1000).toISOString();
}

export const keys = {
  finding: (findingId: string, eventId: string) => ({ pk: `${KEY_PREFIXES.finding}${findingId}`, sk: `EVENT#${eventId}` }),
  /** An event's findings whose outcome is not yet on the bus (`FINDING#UNPUBLISHED#…` never meets a finding id, `wf-…`). */
  unpublished: (eventId: string) => ({ pk: `${KEY_PREFIXES.finding}UNPUBLISHED#${eventId}`, sk: 'UNPUBLISHED' }),
  approval: (id: string) => ({ pk: `${KEY_PREFIXES.approval}${id}`, sk: 'APPROVAL' }),
  openApproval: (findingId: string) => ({ pk: `${KEY_PREFIXES.openApproval}${findingId}`, sk: 'OPEN' }),
  counter: (name: string, windowStart: Date) => ({ pk: `${KEY_PREFIXES.counter}${name}`, sk: `WINDOW#${windowStart.toISOString()}` }),
  notification: (key: string) => ({ pk: `${KEY_PREFIXES.notification}${key}`, sk: 'NOTIFY' }),
  message: (findingId: string, eventId: string) => ({ pk: `${KEY_PREFIXES.message}${findingId}`, sk: `EVENT#${eventId}` }),
  messageByRecord: (recordId: string) => ({ pk: `${KEY_PREFIXES.messageByRecord}${recordId}`, sk: 'MESSAGEREF' }),
  /** The first message of a Warden finding raised from a detector finding (the notifier's, in its MESSAGEREF# family). */
  detectorMessage: (detectorKey: string, findingId: string) => ({ pk: `${KEY_PREFIXES.messageByRecord}detector#${detectorKey}`, sk: `FINDING#${findingId}` }),
  detector: (detectorKey: string) => ({ pk: `${KEY_PREFIXES.detector}${detectorKey}`, sk: 'LINKS' }),
  digest: (principal: string, channel: string, windowStart: Date) => ({ pk: `${KEY_PREFIXES.digest}${principal}#${channel}`, sk: `WINDOW#${windowStart.toISOString()}` }),
  /** A function's vulnerability digest (issue #18): `DIGEST#FUNCTION#…` never meets a principal's `DIGEST#arn:…`. */
  functionDigest: (digestKey: string, channel: string) => ({ pk: `${KEY_PREFIXES.digest}FUNCTION#${digestKey}#${channel}`, sk: 'FUNCTION' }),

  exemption: (resource: string, ruleId: string) => ({ pk: `${KEY_PREFIXES.exemption}${resource}`, sk: `RULE#${ruleId}` }),
};

/** How often `openApproval` tries again when DynamoDB cancels its transaction for a conflict with another one. */
const TRANSACTION_CONFLICT_ATTEMPTS = 3;

/** A string attribute of an item in a cancellation reason (the document client does not unmarshall errors). */
function stringAttribute(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { S?: unknown }).S === 'string') return (value as { S: string }).S;
  return null;
}

function stringSet(value: unknown): string[] {
  return value instanceof Set ? [...(value as Set<unknown>)].filter((v): v is string => typeof v === 'string').sort() : [];
}

/** Attributes of an approval item that belong to the execution claim, not to the record. */
const EXECUTION_ATTRIBUTES = ['executionState', 'executionOwner', 'executionLeaseUntil', 'executionOutcome', 'executionCompletedAt', 'executionPublished'];

/**
 * @example
 * const store = new DynamoDbStateStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region })), env.tableName);
 * const claim = await store.claimFinding({ finding, eventId, now: new Date(), leaseSeconds: 900 });
 */
export class DynamoDbStateStore implements StateStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Sends a conditional write: false when its condition does not hold, a `StateStoreError` naming `what` on any other failure. */
  private async conditional(what: string, write: () => Promise<unknown>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (e: unknown) {
      if (isConditionFailure(e)) return false;
      throw new StateStoreError(`${what} failed: ${e instanceof Error ? e.name : 'unknown error'}`, { cause: e });
    }
  }

  private put(what: string, input: Omit<PutCommandInput, 'TableName'>): Promise<boolean> {
    return this.conditional(what, () => this.client.send(new PutCommand({ TableName: this.tableName, ...input })));
  }

  private update(what: string, input: Omit<UpdateCommandInput, 'TableName'>): Promise<boolean> {
    return this.conditional(what, () => this.client.send(new UpdateCommand({ TableName: this.tableName, ...input })));
  }

  private delete(what: string, input: Omit<DeleteCommandInput, 'TableName'>): Promise<boolean> {
    return this.conditional(what, () => this.client.send(new DeleteCommand({ TableName: this.tableName, ...input })));
  }

  /**
   * Puts `item` as `in-progress`, leased to a new owner for `leaseSeconds`, unless an item is there
   * whose lease has not run out (claimed by another run, or done): the new owner, or null with the item
   * that holds the claim as DynamoDB returned it with the refusal (`ReturnValuesOnConditionCheckFailure`;
   * undefined when the endpoint did not return it).
   */
  private async claimLease(what: string, item: Record<string, unknown>, input: { now: Date; leaseSeconds: number }): Promise<{ owner: string | null; held?: Record<string, unknown> }> {
    const owner = randomUUID();
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...item, status: 'in-progress', owner, leaseUntil: leaseEnd(input) },
          ConditionExpression: 'attribute_not_exists(pk) OR (#status = :inProgress AND #leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status', '#leaseUntil': 'leaseUntil' },
          ExpressionAttributeValues: { ':inProgress': 'in-progress', ':now': input.now.toISOString() },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { owner };
    } catch (e: unknown) {
      if (!isConditionFailure(e)) throw new StateStoreError(`${what} failed: ${e instanceof Error ? e.name : 'unknown error'}`, { cause: e });
      const held = (e as { Item?: unknown }).Item;
      return typeof held === 'object' && held !== null ? { owner: null, held: held as Record<string, unknown> } : { owner: null };
    }
  }

  private async get(key: { pk: string; sk: string }): Promise<Record<string, unknown> | null> {
    try {
      const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
      return out.Item ?? null;
    } catch (e: unknown) {
      throw new StateStoreError(`Reading ${key.pk} failed: ${e instanceof Error ? e.name : 'unknown error'}`, { cause: e });
    }
  }

  async claimFinding(input: { finding: Finding; eventId: string; now: Date; leaseSeconds: number }): Promise<ClaimResult> {
    const claim = await this.claimLease(`Claiming finding ${input.finding.id}`, this.findingItem(input), input);
    if (claim.owner !== null) return { claimed: true, owner: claim.owner };
    // The record that holds the claim came back with the refusal (issue #16: no second round trip); else it is read.
    return this.refusedClaim(input, claim.held ?? null);
  }

  /** The claim item of `claimFinding` (status, owner and lease added by the write). */
  private findingItem(input: { finding: Finding; eventId: string; now: Date }): Record<string, unknown> {
    return {
      ...keys.finding(input.finding.id, input.eventId),
      findingId: input.finding.id,
      eventId: input.eventId,
      createdAt: input.now.toISOString(),
      finding: toJson(input.finding),
      ttl: epochSeconds(input.now) + FINDING_RETENTION_SECONDS,
    };
  }

  /** A refused claim, from the item that holds it (null: the item was not returned, so it is read). */
  private async refusedClaim(input: { finding: Finding; eventId: string }, held: Record<string, unknown> | null): Promise<ClaimResult> {
    const item = held ?? (await this.get(keys.finding(input.finding.id, input.eventId)));
    const status = item === null ? null : stringAttribute(item.status);
    const unpublished = status === 'done' && item !== null && stringAttribute(item.publish) === 'pending';
    return { claimed: false, status: status === 'done' || status === 'in-progress' ? status : null, ...(unpublished ? { unpublished: true as const } : {}) };
  }

  /**
   * One TransactWriteItems: the claim's Put, a ConditionCheck that the exemption item is absent or ended, and with an
   * approval its record and pointer Puts (as `openApproval`, replacing none). The claim's refusal decides first; any
   * other cancellation (a stored exemption, the record or another open one, a conflict) writes nothing and says so.
   */
  async claimFindingChecked(input: CheckedClaimInput): Promise<CheckedClaimResult> {
    const owner = randomUUID();
    const { approval } = input;
    const counters = input.counters ?? [];
    const exemptionKey = keys.exemption(input.finding.resource, input.finding.ruleId);
    const items: NonNullable<TransactWriteCommandInput['TransactItems']> = [
      {
        Put: {
          TableName: this.tableName,
          Item: { ...this.findingItem(input), status: 'in-progress', owner, leaseUntil: leaseEnd(input) },
          ConditionExpression: 'attribute_not_exists(pk) OR (#status = :inProgress AND #leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status', '#leaseUntil': 'leaseUntil' },
          ExpressionAttributeValues: { ':inProgress': 'in-progress', ':now': input.now.toISOString() },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      {
        ConditionCheck: {
          TableName: this.tableName,
          Key: exemptionKey,
          // getExemption's "in force": an `until` after now.
          ConditionExpression: 'attribute_not_exists(pk) OR #until <= :now',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':now': input.now.toISOString() },
        },
      },
      ...(approval === undefined ? [] : this.openApprovalItems(approval, null)),
      // The circuit breaker's counts (issue #16): `incrementCounter`'s update and condition, one item each.
      ...counters.map((counter) => ({ Update: { TableName: this.tableName, ...this.counterIncrement(counter) } })),
    ];
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
      return { claimed: true, owner };
    } catch (e: unknown) {
      const canceled = e instanceof TransactionCanceledException || (e instanceof Error && e.name === 'TransactionCanceledException');
      if (!canceled) throw new StateStoreError(`Claiming finding ${input.finding.id} failed: ${e instanceof Error ? e.name : 'unknown error'}`, { cause: e });
      const reasons = (e as TransactionCanceledException).CancellationReasons ?? [];
      const codes = reasons.map((r) => r.Code ?? 'None');
      const claimReason = reasons[0];
      if (claimReason?.Code === 'ConditionalCheckFailed') return this.refusedClaim(input, (claimReason.Item as Record<string, unknown> | undefined) ?? null);
      if (counters.length > 0) {
        // Only the exemption check failed: as without counts. Anything else (a counter at its limit, a conflict on the
        // organization's counter, throttling): the caller takes the claim and the counts one by one, as before #16.
        const onlyExemption = codes[1] === 'ConditionalCheckFailed' && codes.every((c, i) => i === 1 || c === 'None');
        return { claimed: null, why: onlyExemption ? 'exemption' : 'budget' };
      }
      if (codes.includes('TransactionConflict')) return { claimed: null, why: 'conflict' };
      if (codes.length > 0 && codes.every((c) => c === 'None' || c === 'ConditionalCheckFailed')) return { claimed: null, why: codes[1] === 'ConditionalCheckFailed' ? 'exemption' : 'approval' };
      throw new StateStoreError(`Claiming finding ${input.finding.id} failed: ${e.name} (${codes.join(', ')})`, { cause: e });
    }
  }

  async markFindingUnpublished(input: { findingId: string; eventId: string; owner: string; outcome?: unknown }): Promise<boolean> {
    const outcome = input.outcome === undefined ? null : toJson(input.outcome);
    return this.update(`Marking the outcome of finding ${input.findingId} unpublished`, {
      Key: keys.finding(input.findingId, input.eventId),
      UpdateExpression: outcome === null ? 'SET #publish = :pending' : 'SET #publish = :pending, #outcome = :outcome',
      ConditionExpression: '#status = :done AND #owner = :owner',
      ExpressionAttributeNames: { '#publish': 'publish', '#status': 'status', '#owner': 'owner', ...(outcome === null ? {} : { '#outcome': 'outcome' }) },
      ExpressionAttributeValues: { ':pending': 'pending', ':done': 'done', ':owner': input.owner, ...(outcome === null ? {} : { ':outcome': outcome }) },
    });
  }

  async markFindingPublished(input: { findingId: string; eventId: string }): Promise<boolean> {
    const cleared = await this.update(`Marking the outcome of finding ${input.findingId} published`, {
      Key: keys.finding(input.findingId, input.eventId),
      UpdateExpression: 'REMOVE #publish',
      ConditionExpression: '#publish = :pending',
      ExpressionAttributeNames: { '#publish': 'publish' },
      ExpressionAttributeValues: { ':pending': 'pending' },
    });
    if (cleared) {
      await this.update(`Clearing finding ${input.findingId} from its event's unpublished list`, {
        Key: keys.unpublished(input.eventId),
        UpdateExpression: 'DELETE #findings :id',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#findings': 'findings' },
        ExpressionAttributeValues: { ':id': new Set([input.findingId]) },
      });
    }
    return cleared;
  }

  async addUnpublished(input: { eventId: string; findingId: string; now: Date }): Promise<void> {
    await this.update(`Listing finding ${input.findingId} as unpublished`, {
      Key: keys.unpublished(input.eventId),
      UpdateExpression: 'ADD #findings :id SET #ttl = :ttl',
      ExpressionAttributeNames: { '#findings': 'findings', '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':id': new Set([input.findingId]), ':ttl': epochSeconds(input.now) + FINDING_RETENTION_SECONDS },
    });
  }

  async getUnpublished(eventId: string): Promise<readonly string[]> {
    const item = await this.get(keys.unpublished(eventId));
    return item === null ? [] : stringSet(item.findings);
  }

  async completeFinding(input: { findingId: string; eventId: string; owner: string; outcome: unknown; now: Date; restore?: NewRecord }): Promise<void> {
    const completion = {
      Key: keys.finding(input.findingId, input.eventId),
      UpdateExpression: 'SET #status = :done, #outcome = :outcome, #completedAt = :now',
      ConditionExpression: '#status = :inProgress AND #owner = :owner',
      ExpressionAttributeNames: { '#status': 'status', '#outcome': 'outcome', '#completedAt': 'completedAt', '#owner': 'owner' },
      ExpressionAttributeValues: { ':done': 'done', ':inProgress': 'in-progress', ':owner': input.owner, ':outcome': toJson(input.outcome), ':now': input.now.toISOString() },
    };
    const { restore } = input;
    if (restore === undefined) {
      await this.update(`Completing finding ${input.findingId}`, completion);
      return;
    }
    // The completion and the restore record in one TransactWriteItems (issue #16): one call, in the last round trip.
    const what = `Completing finding ${input.findingId} with restore record ${restore.id}`;
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: { TableName: this.tableName, ...completion } },
            { Put: { TableName: this.tableName, Item: this.recordItem(restore), ConditionExpression: 'attribute_not_exists(pk)' } },
          ],
        }),
      );
    } catch (e: unknown) {
      const canceled = e instanceof TransactionCanceledException || (e instanceof Error && e.name === 'TransactionCanceledException');
      const codes = canceled ? ((e as TransactionCanceledException).CancellationReasons ?? []).map((r) => r.Code ?? 'None') : [];
      // Not this owner's claim any more: nothing written, as `completeFinding` alone ignores it.
      if (codes[0] === 'ConditionalCheckFailed' && codes[1] !== 'ConditionalCheckFailed') return;
      // The record is there already (an earlier delivery of this event stored it, then gave its claim back): it stays, and
      // this delivery's outcome names it by the same id.
      if (codes[0] === 'None' && codes[1] === 'ConditionalCheckFailed') {
        await this.update(`Completing finding ${input.findingId}`, completion);
        return;
      }
      throw new StateStoreError(`${what} failed: ${e instanceof Error ? e.name : 'unknown error'}${codes.length > 0 ? ` (${codes.join(', ')})` : ''}`, { cause: e });
    }
  }

  /** The item of a new pending record (as `createApproval` writes it). */
  private recordItem(record: NewRecord): Record<string, unknown> {
    return { ...keys.approval(record.id), ...toJson(record), status: 'pending', ttl: epochSeconds(new Date(record.expiresAt)) + APPROVAL_RETENTION_SECONDS };
  }

  async reviseFindingOutcome(input: { findingId: string; eventId: string; owner: string; outcome: unknown }): Promise<boolean> {
    return this.update(`Revising the outcome of finding ${input.findingId}`, {
      Key: keys.finding(input.findingId, input.eventId),
      UpdateExpression: 'SET #outcome = :outcome',
      ConditionExpression: '#status = :done AND #owner = :owner',
      ExpressionAttributeNames: { '#outcome': 'outcome', '#status': 'status', '#owner': 'owner' },
      ExpressionAttributeValues: { ':outcome': toJson(input.outcome), ':done': 'done', ':owner': input.owner },
    });
  }

  async releaseFinding(input: { findingId: string; eventId: string; owner: string }): Promise<void> {
    // In progress or done: a completed claim is given back when its outcome could not be published.
    await this.delete(`Releasing finding ${input.findingId}`, {
      Key: keys.finding(input.findingId, input.eventId),
      ConditionExpression: '#owner = :owner',
      ExpressionAttributeNames: { '#owner': 'owner' },
      ExpressionAttributeValues: { ':owner': input.owner },
    });
  }

  async getFinding(findingId: string, eventId: string): Promise<FindingRecord | null> {
    const item = await this.get(keys.finding(findingId, eventId));
    if (item === null) return null;
    return parseItem(FindingRecordSchema, withoutKeys(item, ['pk', 'sk', 'ttl', 'completedAt']), `finding record ${findingId} of event ${eventId}`);
  }

  async createApproval(record: Omit<ApprovalRecord, 'status' | 'decidedBy' | 'decidedAt'>): Promise<boolean> {
    return this.put(`Creating approval ${record.id}`, {
      Item: { ...keys.approval(record.id), ...toJson(record), status: 'pending', ttl: epochSeconds(new Date(record.expiresAt)) + APPROVAL_RETENTION_SECONDS },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  }

  /**
   * One TransactWriteItems (the same single round trip as `createApproval`): the record, and the
   * finding's pointer to it. On a condition failure the pointer's old item comes back with the
   * cancellation (`ReturnValuesOnConditionCheckFailure`), so no read is needed to learn the open record.
   */
  async openApproval(input: { record: Omit<ApprovalRecord, 'status' | 'decidedBy' | 'decidedAt'>; replacing: string | null }): Promise<OpenApprovalResult> {
    const { record } = input;
    const command = new TransactWriteCommand({ TransactItems: this.openApprovalItems(record, input.replacing) });
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(command);
        return { opened: true };
      } catch (e: unknown) {
        const canceled = e instanceof TransactionCanceledException || (e instanceof Error && e.name === 'TransactionCanceledException');
        const reasons = canceled ? ((e as TransactionCanceledException).CancellationReasons ?? []) : [];
        const codes = reasons.map((r) => r.Code ?? 'None');
        if (canceled && codes.length > 0 && codes.every((c) => c === 'None' || c === 'ConditionalCheckFailed')) {
          if (reasons[0]?.Code === 'ConditionalCheckFailed') return { opened: false, exists: true };
          return { opened: false, exists: false, openRecordId: stringAttribute(reasons[1]?.Item?.recordId) };
        }
        if (canceled && codes.includes('TransactionConflict') && attempt < TRANSACTION_CONFLICT_ATTEMPTS) continue;
        throw new StateStoreError(`Opening approval ${record.id} failed: ${e instanceof Error ? e.name : 'unknown error'}${canceled ? ` (${codes.join(', ')})` : ''}`, { cause: e });
      }
    }
  }

  /** The record's Put and its finding's pointer Put (see `openApproval`). */
  private openApprovalItems(record: Omit<ApprovalRecord, 'status' | 'decidedBy' | 'decidedAt'>, replacing: string | null): NonNullable<TransactWriteCommandInput['TransactItems']> {
    const expires = epochSeconds(new Date(record.expiresAt));
    return [
      {
        Put: {
          TableName: this.tableName,
          Item: { ...keys.approval(record.id), ...toJson(record), status: 'pending', ttl: expires + APPROVAL_RETENTION_SECONDS },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: { ...keys.openApproval(record.findingId), findingId: record.findingId, recordId: record.id, expiresAt: record.expiresAt, ttl: expires + DAY },
          ConditionExpression: `attribute_not_exists(pk) OR attribute_not_exists(#recordId) OR #recordId = :id${replacing === null ? '' : ' OR #recordId = :replacing'}`,
          ExpressionAttributeNames: { '#recordId': 'recordId' },
          ExpressionAttributeValues: { ':id': record.id, ...(replacing === null ? {} : { ':replacing': replacing }) },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
    ];
  }

  async getApproval(id: string): Promise<ApprovalRecord | null> {
    const item = await this.get(keys.approval(id));
    if (item === null) return null;
    // Stored state is untrusted input: a record is used only in the contract's shape (its integrity tag is checked by its user).
    const parsed = ApprovalRecordSchema.safeParse(withoutKeys(item, ['pk', 'sk', 'ttl', ...EXECUTION_ATTRIBUTES]));
    if (!parsed.success) throw new MalformedItemError(`Stored approval record ${id} is malformed (${issuePaths(parsed.error).join(', ')}): not used`);
    return parsed.data;
  }

  async decideApproval(input: { id: string; decision: ApprovalDecision; by: string; now: Date }): Promise<DecisionResult> {
    // UPDATED_NEW, not ALL_NEW: the approval role may only touch the record's decision attributes
    // (its grant limits `dynamodb:Attributes` and `dynamodb:ReturnValues`), so the record is read after.
    const decided = await this.update(`Deciding approval ${input.id}`, {
      Key: keys.approval(input.id),
      UpdateExpression: 'SET #status = :decision, #decidedBy = :by, #decidedAt = :now',
      ConditionExpression: '#status = :pending AND #expiresAt > :now',
      ExpressionAttributeNames: { '#status': 'status', '#decidedBy': 'decidedBy', '#decidedAt': 'decidedAt', '#expiresAt': 'expiresAt' },
      ExpressionAttributeValues: { ':decision': input.decision, ':by': input.by, ':now': input.now.toISOString(), ':pending': 'pending' },
      ReturnValues: 'UPDATED_NEW',
    });
    const record = await this.getApproval(input.id);
    if (decided && record !== null) return { ok: true, record: { ...record, status: input.decision, decidedBy: input.by, decidedAt: input.now.toISOString() } };
    return { ok: false, reason: refusalReason(record, input.now), record };
  }

  async expireApproval(input: { id: string; now: Date }): Promise<boolean> {
    return this.update(`Expiring approval ${input.id}`, {
      Key: keys.approval(input.id),
      UpdateExpression: 'SET #status = :expired',
      ConditionExpression: '#status = :pending AND #expiresAt <= :now',
      ExpressionAttributeNames: { '#status': 'status', '#expiresAt': 'expiresAt' },
      ExpressionAttributeValues: { ':expired': 'expired', ':pending': 'pending', ':now': input.now.toISOString() },
    });
  }

  async closeApproval(input: { id: string; now: Date }): Promise<boolean> {
    return this.update(`Closing approval ${input.id}`, {
      Key: keys.approval(input.id),
      UpdateExpression: 'SET #status = :closed, #decidedAt = :now',
      ConditionExpression: '#status = :pending',
      ExpressionAttributeNames: { '#status': 'status', '#decidedAt': 'decidedAt' },
      ExpressionAttributeValues: { ':closed': 'closed', ':pending': 'pending', ':now': input.now.toISOString() },
    });
  }

  async linkDetectorFinding(input: { key: string; link: string; now: Date }): Promise<void> {
    await this.update(`Linking detector finding ${input.key}`, {
      Key: keys.detector(input.key),
      UpdateExpression: 'ADD #links :link SET #ttl = :ttl',
      ExpressionAttributeNames: { '#links': 'links', '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':link': new Set([input.link]), ':ttl': epochSeconds(input.now) + FINDING_RETENTION_SECONDS },
    });
  }

  async getDetectorLinks(key: string): Promise<readonly string[]> {
    const item = await this.get(keys.detector(key));
    return item === null ? [] : stringSet(item.links);
  }

  /** One count of a counter's window unless it reached its limit: the update `incrementCounter` sends, alone or in the claim's transaction. */
  private counterIncrement(input: CounterIncrement): Omit<UpdateCommandInput, 'TableName'> & Required<Pick<UpdateCommandInput, 'Key' | 'UpdateExpression'>> {
    return {
      Key: keys.counter(input.name, input.windowStart),
      UpdateExpression: 'SET #ttl = if_not_exists(#ttl, :ttl) ADD #count :one',
      ConditionExpression: 'attribute_not_exists(pk) OR #count < :limit',
      ExpressionAttributeNames: { '#ttl': 'ttl', '#count': 'count' },
      ExpressionAttributeValues: { ':one': 1, ':limit': input.limit, ':ttl': epochSeconds(input.windowStart) + input.windowSeconds + DAY },
    };
  }

  async incrementCounter(input: CounterIncrement): Promise<CounterResult> {
    try {
      const out = await this.client.send(new UpdateCommand({ TableName: this.tableName, ...this.counterIncrement(input), ReturnValues: 'UPDATED_NEW' }));
      const count: unknown = out.Attributes?.count;
      return { allowed: true, count: typeof count === 'number' ? count : input.limit };
    } catch (e: unknown) {
      if (isConditionFailure(e)) return { allowed: false, count: input.limit };
      throw new StateStoreError(`Counting ${input.name} failed: ${e instanceof Error ? e.name : 'unknown error'}`, { cause: e });
    }
  }

  async markCounterTripped(input: { name: string; windowStart: Date }): Promise<boolean> {
    return this.update(`Tripping ${input.name}`, {
      Key: keys.counter(input.name, input.windowStart),
      UpdateExpression: 'SET #tripped = :true',
      ConditionExpression: 'attribute_not_exists(#tripped)',
      ExpressionAttributeNames: { '#tripped': 'tripped' },
      ExpressionAttributeValues: { ':true': true },
    });
  }

  async releaseCounter(input: { name: string; windowStart: Date }): Promise<void> {
    await this.update(`Releasing a count of ${input.name}`, {
      Key: keys.counter(input.name, input.windowStart),
      UpdateExpression: 'ADD #count :minusOne',
      ConditionExpression: '#count > :zero',
      ExpressionAttributeNames: { '#count': 'count' },
      ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
    });
  }

  // ── Notifier (issue #6, Slack messages) ──

  async claimNotification(input: { key: string; now: Date; leaseSeconds: number }): Promise<NotificationClaim> {
    const item = { ...keys.notification(input.key), ttl: epochSeconds(input.now) + NOTIFICATION_RETENTION_SECONDS };
    const { owner } = await this.claimLease('Claiming a notification', item, input);
    if (owner !== null) return { claimed: true, owner };
    const existing = await this.get(keys.notification(input.key));
    return { claimed: false, status: existing?.status === 'done' ? 'done' : 'in-progress' };
  }

  async completeNotification(input: { key: string; owner: string; now: Date }): Promise<void> {
    await this.update('Completing a notification', {
      Key: keys.notification(input.key),
      UpdateExpression: 'SET #status = :done, #completedAt = :now',
      ConditionExpression: '#status = :inProgress AND #owner = :owner',
      ExpressionAttributeNames: { '#status': 'status', '#completedAt': 'completedAt', '#owner': 'owner' },
      ExpressionAttributeValues: { ':done': 'done', ':inProgress': 'in-progress', ':owner': input.owner, ':now': input.now.toISOString() },
    });
  }

  /** An UpdateItem (not a delete: the notifier's role has no DeleteItem) that ends the lease at once. */
  async releaseNotification(input: { key: string; owner: string }): Promise<void> {
    await this.update('Releasing a notification', {
      Key: keys.notification(input.key),
      UpdateExpression: 'SET #leaseUntil = :epoch',
      ConditionExpression: '#status = :inProgress AND #owner = :owner',
      ExpressionAttributeNames: { '#status': 'status', '#owner': 'owner', '#leaseUntil': 'leaseUntil' },
      ExpressionAttributeValues: { ':inProgress': 'in-progress', ':owner': input.owner, ':epoch': new Date(0).toISOString() },
    });
  }

  async putNotifiedMessage(record: NotifiedMessage): Promise<void> {
    const ttl = epochSeconds(new Date(record.postedAt)) + NOTIFICATION_RETENTION_SECONDS;
    const writes = [
      { ...keys.message(record.findingId, record.eventId), ...toJson(record), ttl },
      ...record.recordIds.map((id) => ({ ...keys.messageByRecord(id), findingId: record.findingId, eventId: record.eventId, ttl })),
    ];
    for (const item of writes) {
      try {
        await this.client.send(new PutCommand({ TableName: this.tableName, Item: item }));
      } catch (e: unknown) {
        throw new StateStoreError(`Storing the message of finding ${record.findingId} failed: ${e instanceof Error ? e.name : 'unknown error'}`, { cause: e });
      }
    }
  }

  async getNotifiedMessage(findingId: string, eventId: string): Promise<NotifiedMessage | null> {
    const item = await this.get(keys.message(findingId, eventId));
    return item === null ? null : parseItem(NotifiedMessageSchema, withoutKeys(item, ['pk', 'sk', 'ttl']), `message of finding ${findingId}`);
  }

  async getNotifiedMessageByRecord(recordId: string): Promise<NotifiedMessage | null> {
    const ref = await this.get(keys.messageByRecord(recordId));
    if (ref === null || typeof ref.findingId !== 'string' || typeof ref.eventId !== 'string') return null;
    return this.getNotifiedMessage(ref.findingId, ref.eventId);
  }

  async updateNotifiedMessage(input: { findingId: string; eventId: string; decision?: DecisionDetail; latest?: ExecutionOutcome; now: Date }): Promise<NotifiedMessage | null> {
    const sets: string[] = ['#updatedAt = :now'];
    const names: Record<string, string> = { '#updatedAt': 'updatedAt' };
    const values: Record<string, unknown> = { ':now': input.now.toISOString() };
    if (input.decision !== undefined) {
      sets.push('#decision = :decision');
      names['#decision'] = 'decision';
      values[':decision'] = toJson(input.decision);
    }
    if (input.latest !== undefined) {
      sets.push('#latest = :latest');
      names['#latest'] = 'latest';
      values[':latest'] = toJson(input.latest);
    }
    let out: UpdateCommandOutput;
    try {
      out = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.message(input.findingId, input.eventId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
    } catch (e: unknown) {
      if (isConditionFailure(e)) return null;
      throw new StateStoreError(`Updating the message of finding ${input.findingId} failed: ${e instanceof Error ? e.name : 'unknown error'}`, { cause: e });
    }
    return parseItem(NotifiedMessageSchema, withoutKeys(out.Attributes ?? {}, ['pk', 'sk', 'ttl', 'updatedAt']), `message of finding ${input.findingId}`);
  }

  async addToDigest(input: { principal: string; channel: string; windowStart: Date; windowSeconds: number; ruleId: string; resource: string }): Promise<DigestWindow> {
    try {
      const out = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.digest(input.principal, input.channel, input.windowStart),
          UpdateExpression: 'SET #ttl = if_not_exists(#ttl, :ttl) ADD #count :one, #rules :rule, #resources :resource',
          ExpressionAttributeNames: { '#ttl': 'ttl', '#count': 'count', '#rules': 'rules', '#resources': 'resources' },
          ExpressionAttributeValues: { ':one': 1, ':rule': new Set([input.ruleId]), ':resource': new Set([input.resource]), ':ttl': epochSeconds(input.windowStart) + input.windowSeconds + DAY },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const item = out.Attributes ?? {};
      return {
        count: typeof item.count === 'number' ? item.count : 1,
        rules: stringSet(item.rules),
        resources: stringSet(item.resources),
        ...(typeof item.ts === 'string' ? { ts: item.ts } : {}),
      };
    } catch (e: unknown) {
      throw new StateStoreError(`Counting the digest of a principal failed: ${e instanceof Error ? e.name : 'unknown error'}`, { cause: e });
    }
  }

  async setDetectorMessage(input: { key: string; findingId: string; eventId: string; now: Date }): Promise<boolean> {
    return this.put('Recording the message of a detector finding', {
      Item: { ...keys.detectorMessage(input.key, input.findingId), findingId: input.findingId, eventId: input.eventId, ttl: epochSeconds(input.now) + NOTIFICATION_RETENTION_SECONDS },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  }

  async getDetectorMessage(key: string, findingId: string): Promise<NotifiedMessage | null> {
    const ref = await this.get(keys.detectorMessage(key, findingId));
    if (ref === null || typeof ref.findingId !== 'string' || typeof ref.eventId !== 'string' || ref.findingId !== findingId) return null;
    return this.getNotifiedMessage(ref.findingId, ref.eventId);
  }

  async setDigestMessage(input: { principal: string; channel: string; windowStart: Date; ts: string }): Promise<boolean> {
    return this.update('Recording a digest message', {
      Key: keys.digest(input.principal, input.channel, input.windowStart),
      UpdateExpression: 'SET #ts = :ts',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#ts)',
      ExpressionAttributeNames: { '#ts': 'ts' },
      ExpressionAttributeValues: { ':ts': input.ts },
    });
  }

  async addToFunctionDigest(input: { digestKey: string; channel: string; entryKey: string; entry: DigestEntry; now: Date }): Promise<{ readonly digest: FunctionDigest; readonly addition: DigestAddition }> {
    const Key = keys.functionDigest(input.digestKey, input.channel);
    const ttl = epochSeconds(input.now) + FUNCTION_DIGEST_DAYS * DAY;
    const names = { '#e': input.entryKey, '#ttl': 'ttl' };
    const attempt = async (what: DigestAddition, command: Omit<UpdateCommandInput, 'TableName' | 'Key' | 'ReturnValues'>): Promise<{ digest: FunctionDigest; addition: DigestAddition } | null> => {
      try {
        const out = await this.client.send(new UpdateCommand({ TableName: this.tableName, Key, ReturnValues: 'ALL_NEW', ...command }));
        return { digest: functionDigestOf(out.Attributes ?? {}), addition: what };
      } catch (e: unknown) {
        if (isConditionFailure(e)) return null;
        throw new StateStoreError(`Adding to the digest of a function failed: ${e instanceof Error ? e.name : 'unknown error'}`, { cause: e });
      }
    };
    return (
      (await attempt('replaced', { UpdateExpression: 'SET #e = :entry, #ttl = :ttl', ConditionExpression: 'attribute_exists(#e)', ExpressionAttributeNames: names, ExpressionAttributeValues: { ':entry': input.entry, ':ttl': ttl } })) ??
      (await attempt('added', {
        UpdateExpression: 'SET #e = :entry, #ttl = :ttl ADD #n :one',
        ConditionExpression: 'attribute_not_exists(#n) OR #n < :max',
        ExpressionAttributeNames: { ...names, '#n': 'entryCount' },
        ExpressionAttributeValues: { ':entry': input.entry, ':ttl': ttl, ':one': 1, ':max': DIGEST_ENTRIES_MAX },
      })) ??
      (await attempt('counted', { UpdateExpression: 'SET #ttl = :ttl ADD #o :one', ExpressionAttributeNames: { '#ttl': 'ttl', '#o': 'overflow' }, ExpressionAttributeValues: { ':ttl': ttl, ':one': 1 } })) ?? {
        digest: { entries: {}, overflow: 0 },
        addition: 'counted',
      }
    );
  }

  async removeFromFunctionDigest(input: { digestKey: string; channel: string; entryKey: string; now: Date }): Promise<FunctionDigest | null> {
    try {
      const out = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.functionDigest(input.digestKey, input.channel),
          UpdateExpression: 'REMOVE #e ADD #n :minus',
          ConditionExpression: 'attribute_exists(#e)',
          ExpressionAttributeNames: { '#e': input.entryKey, '#n': 'entryCount' },
          ExpressionAttributeValues: { ':minus': -1 },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return functionDigestOf(out.Attributes ?? {});
    } catch (e: unknown) {
      if (isConditionFailure(e)) return null;
      throw new StateStoreError(`Removing from the digest of a function failed: ${e instanceof Error ? e.name : 'unknown error'}`, { cause: e });
    }
  }

  async claimFunctionDigestPost(input: { digestKey: string; channel: string; now: Date; leaseSeconds: number }): Promise<string | null> {
    const owner = randomUUID();
    const claimed = await this.update('Claiming the post of a function digest', {
      Key: keys.functionDigest(input.digestKey, input.channel),
      UpdateExpression: 'SET #poster = :owner, #until = :until',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#ts) AND (attribute_not_exists(#poster) OR #until < :now)',
      ExpressionAttributeNames: { '#poster': 'poster', '#until': 'posterUntil', '#ts': 'ts' },
      ExpressionAttributeValues: { ':owner': owner, ':until': leaseEnd(input), ':now': input.now.toISOString() },
    });
    return claimed ? owner : null;
  }

  async setFunctionDigestMessage(input: { digestKey: string; channel: string; owner: string; ts: string }): Promise<FunctionDigest | null> {
    try {
      const out = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.functionDigest(input.digestKey, input.channel),
          UpdateExpression: 'SET #ts = :ts REMOVE #poster, #until',
          ConditionExpression: '#poster = :owner AND attribute_not_exists(#ts)',
          ExpressionAttributeNames: { '#poster': 'poster', '#until': 'posterUntil', '#ts': 'ts' },
          ExpressionAttributeValues: { ':owner': input.owner, ':ts': input.ts },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return functionDigestOf(out.Attributes ?? {});
    } catch (e: unknown) {
      if (isConditionFailure(e)) return null;
      throw new StateStoreError(`Recording a function digest message failed: ${e instanceof Error ? e.name : 'unknown error'}`, { cause: e });
    }
  }

  // ── Decisions from Slack (issue #6, approval endpoint): execution claims and exemptions ─────────

  async claimExecution(input: { id: string; status: ApprovalDecision; now: Date; leaseSeconds: number }): Promise<ExecutionClaim> {
    const owner = randomUUID();
    const claimed = await this.update(`Claiming the execution of ${input.id}`, {
      Key: keys.approval(input.id),
      UpdateExpression: 'SET #state = :running, #owner = :owner, #leaseUntil = :leaseUntil',
      ConditionExpression: '#status = :status AND (attribute_not_exists(#state) OR (#state = :running AND #leaseUntil < :now))',
      ExpressionAttributeNames: { '#status': 'status', '#state': 'executionState', '#owner': 'executionOwner', '#leaseUntil': 'executionLeaseUntil' },
      ExpressionAttributeValues: {
        ':status': input.status,
        ':running': 'running',
        ':owner': owner,
        ':now': input.now.toISOString(),
        ':leaseUntil': leaseEnd(input),
      },
    });
    if (claimed) return { claimed: true, owner };
    const item = await this.get(keys.approval(input.id));
    const outcome: unknown = item?.executionOutcome;
    if (item?.status !== input.status || item.executionState !== 'done' || typeof outcome !== 'object' || outcome === null) return { claimed: false, completed: null };
    return { claimed: false, completed: { outcome: outcome as ExecutionOutcome, published: item.executionPublished === true } };
  }

  async completeExecution(input: { id: string; owner: string; outcome: ExecutionOutcome; now: Date }): Promise<void> {
    await this.update(`Completing the execution of ${input.id}`, {
      Key: keys.approval(input.id),
      UpdateExpression: 'SET #state = :done, #outcome = :outcome, #published = :false, #completedAt = :now',
      ConditionExpression: '#state = :running AND #owner = :owner',
      ExpressionAttributeNames: {
        '#state': 'executionState',
        '#owner': 'executionOwner',
        '#outcome': 'executionOutcome',
        '#published': 'executionPublished',
        '#completedAt': 'executionCompletedAt',
      },
      ExpressionAttributeValues: { ':done': 'done', ':running': 'running', ':owner': input.owner, ':outcome': toJson(input.outcome), ':false': false, ':now': input.now.toISOString() },
    });
  }

  async markExecutionPublished(input: { id: string }): Promise<boolean> {
    return this.update(`Marking the outcome of ${input.id} published`, {
      Key: keys.approval(input.id),
      UpdateExpression: 'SET #published = :true',
      ConditionExpression: '#state = :done AND #published = :false',
      ExpressionAttributeNames: { '#state': 'executionState', '#published': 'executionPublished' },
      ExpressionAttributeValues: { ':done': 'done', ':true': true, ':false': false },
    });
  }

  async releaseExecution(input: { id: string; owner: string }): Promise<void> {
    await this.update(`Releasing the execution of ${input.id}`, {
      Key: keys.approval(input.id),
      UpdateExpression: 'REMOVE #state, #owner, #leaseUntil',
      ConditionExpression: '#state = :running AND #owner = :owner',
      ExpressionAttributeNames: { '#state': 'executionState', '#owner': 'executionOwner', '#leaseUntil': 'executionLeaseUntil' },
      ExpressionAttributeValues: { ':running': 'running', ':owner': input.owner },
    });
  }

  async undoDecision(input: { id: string; decision: ApprovalDecision; by: string; decidedAt: string }): Promise<boolean> {
    return this.update(`Undoing the decision on ${input.id}`, {
      Key: keys.approval(input.id),
      UpdateExpression: 'SET #status = :pending REMOVE #decidedBy, #decidedAt',
      ConditionExpression: '#status = :decision AND #decidedBy = :by AND #decidedAt = :decidedAt AND attribute_not_exists(#state)',
      ExpressionAttributeNames: { '#status': 'status', '#decidedBy': 'decidedBy', '#decidedAt': 'decidedAt', '#state': 'executionState' },
      ExpressionAttributeValues: { ':pending': 'pending', ':decision': input.decision, ':by': input.by, ':decidedAt': input.decidedAt },
    });
  }

  async putExemption(exemption: StoredExemption): Promise<void> {
    // Extends, never shortens: a later decision with an earlier end leaves the longer exemption.
    await this.put(`Writing the exemption of ${exemption.resource}`, {
      Item: { ...keys.exemption(exemption.resource, exemption.ruleId), ...toJson(exemption), ttl: epochSeconds(new Date(exemption.until)) + DAY },
      ConditionExpression: 'attribute_not_exists(pk) OR #until < :until',
      ExpressionAttributeNames: { '#until': 'until' },
      ExpressionAttributeValues: { ':until': exemption.until },
    });
  }

  async deleteExemption(input: { resource: string; ruleId: string; recordId: string; now: Date }): Promise<boolean> {
    // An UpdateItem that ends it now (getExemption wants `until` after now), not a DeleteItem: the
    // approval function writes exemptions with Put/UpdateItem only. TTL removes the item a day later.
    return this.update(`Ending the exemption of ${input.resource}`, {
      Key: keys.exemption(input.resource, input.ruleId),
      UpdateExpression: 'SET #until = :now, #ttl = :ttl',
      ConditionExpression: '#recordId = :recordId',
      ExpressionAttributeNames: { '#recordId': 'recordId', '#until': 'until', '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':recordId': input.recordId, ':now': input.now.toISOString(), ':ttl': epochSeconds(input.now) + DAY },
    });
  }

  async getExemption(input: { resource: string; ruleId: string; now: Date }): Promise<ExemptionRead | null> {
    const item = await this.get(keys.exemption(input.resource, input.ruleId));
    if (item === null) return null;
    // Malformed: not honoured, and reported by the executor; never thrown (it would stop the finding being handled).
    const parsed = StoredExemptionSchema.safeParse(withoutKeys(item, ['pk', 'sk', 'ttl']));
    if (!parsed.success) return { malformed: issuePaths(parsed.error) };
    return Date.parse(parsed.data.until) > input.now.getTime() ? parsed.data : null;
  }
}

/** How long a function's vulnerability digest is kept after its last finding. */
const FUNCTION_DIGEST_DAYS = 90;

/** A function digest item read back: its entries (attributes `v_…`, each validated), message and overflow count. */
function functionDigestOf(item: Readonly<Record<string, unknown>>): FunctionDigest {
  const entries = validEntries(Object.fromEntries(Object.entries(item).filter(([k]) => k.startsWith('v_'))));
  return { entries, overflow: typeof item.overflow === 'number' ? item.overflow : 0, ...(typeof item.ts === 'string' ? { ts: item.ts } : {}) };
}
