/**
 * Stored state is untrusted input (issue #15): every item the DynamoDB store reads back is parsed with its
 * schema. A finding record or a Slack message location that does not fit is a `MalformedItemError` naming the
 * fields (never their values) and is not used; a decided exemption that does not fit is returned as
 * `{ malformed }` (the executor reports it and does not honour it) and never throws, so it cannot stop a
 * finding from being handled. Run on the project's DynamoDB fake and on dynalite.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbStateStore, keys } from '../../../../functions/shared/store/dynamodb-state-store';
import { InMemoryStateStore } from '../../../../functions/shared/store/in-memory-state-store';
import { MalformedItemError, type StoredExemption } from '../../../../functions/shared/store/state-store';
import { FUNCTION_ARN } from '../../../fixtures/accounts';
import { FINDING, later, NOW, outcomeOf } from './store-fixtures';
import { dynaliteForFile } from './dynalite-table';
import { installDynamoDbFake } from './dynamodb-fake';

const SECRET_LOOKING = 'AKIAIOSFODNN7EXAMPLE';

const OUTCOME = outcomeOf();

const EXEMPTION: StoredExemption = {
  resource: FUNCTION_ARN,
  ruleId: 'function-public-access',
  until: later(3600).toISOString(),
  by: 'U0APPROVER1',
  recordId: 'wa-1',
  decision: 'rejected-and-exempted',
  createdAt: NOW.toISOString(),
  tag: 'v1:abc',
};

const dynalite = dynaliteForFile();

interface Table {
  readonly store: DynamoDbStateStore;
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly dispose: () => void;
}

const TABLES: [string, () => Promise<Table>][] = [
  [
    'the DynamoDB fake',
    () => {
      const fake = installDynamoDbFake();
      const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
      return Promise.resolve({ store: new DynamoDbStateStore(documents, 'warden-state'), documents, tableName: 'warden-state', dispose: () => { fake.restore(); } });
    },
  ],
  [
    'dynalite',
    async () => {
      const tableName = await dynalite().newTable();
      return { store: new DynamoDbStateStore(dynalite().documents, tableName), documents: dynalite().documents, tableName, dispose: () => undefined };
    },
  ],
];

/** Rewrites some attributes of an item as someone writing to the table directly would. */
async function rewrite(t: Table, key: Record<string, string>, attributes: Record<string, unknown>, remove: readonly string[] = []): Promise<void> {
  const names = Object.fromEntries([...Object.keys(attributes), ...remove].map((name, i) => [`#a${String(i)}`, name]));
  const sets = Object.keys(attributes).map((_, i) => `#a${String(i)} = :v${String(i)}`);
  const removes = remove.map((_, i) => `#a${String(i + Object.keys(attributes).length)}`);
  await t.documents.send(
    new UpdateCommand({
      TableName: t.tableName,
      Key: key,
      UpdateExpression: [sets.length > 0 ? `SET ${sets.join(', ')}` : '', removes.length > 0 ? `REMOVE ${removes.join(', ')}` : ''].join(' ').trim(),
      ExpressionAttributeNames: names,
      ...(sets.length > 0 ? { ExpressionAttributeValues: Object.fromEntries(Object.values(attributes).map((v, i) => [`:v${String(i)}`, v])) } : {}),
    }),
  );
}

async function completedFinding(t: Table): Promise<void> {
  const claim = await t.store.claimFinding({ finding: FINDING, eventId: 'e-1', now: NOW, leaseSeconds: 60 });
  if (!claim.claimed) throw new Error('not claimed');
  await t.store.completeFinding({ findingId: FINDING.id, eventId: 'e-1', owner: claim.owner, outcome: OUTCOME, now: NOW });
}

const message = {
  findingId: FINDING.id,
  eventId: 'e-1',
  message: { channel: 'C0SECURITY', ts: '1733313600.000100', threadTs: '1733313600.000100' },
  finding: FINDING,
  outcome: OUTCOME,
  recordIds: ['wa-1'],
  postedAt: NOW.toISOString(),
};

describe.each(TABLES)('items read back on %s', (_name, table) => {
  it('a finding record in its shape is read as written; one whose finding was rewritten away is refused, naming the field', async () => {
    const t = await table();
    try {
      await completedFinding(t);
      expect(await t.store.getFinding(FINDING.id, 'e-1')).toMatchObject({ findingId: FINDING.id, status: 'done', finding: FINDING, outcome: OUTCOME });
      await rewrite(t, keys.finding(FINDING.id, 'e-1'), { status: 'reverted-elsewhere', owner: SECRET_LOOKING }, ['finding']);
      const error: unknown = await t.store.getFinding(FINDING.id, 'e-1').then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(MalformedItemError);
      // Names the fields, never their values.
      expect(String(error)).toBe(`MalformedItemError: Stored finding record ${FINDING.id} of event e-1 is malformed (status, finding): not used`);
      expect(String(error)).not.toContain(SECRET_LOOKING);
    } finally {
      t.dispose();
    }
  }, 60_000);

  it('a Slack message location that does not fit is refused on read and on update, naming the fields', async () => {
    const t = await table();
    try {
      await t.store.putNotifiedMessage(message);
      expect(await t.store.getNotifiedMessage(FINDING.id, 'e-1')).toEqual(message);
      await rewrite(t, keys.message(FINDING.id, 'e-1'), { message: { channel: 'C0SECURITY' }, recordIds: 'wa-1' });
      await expect(t.store.getNotifiedMessage(FINDING.id, 'e-1')).rejects.toThrow(
        new MalformedItemError(`Stored message of finding ${FINDING.id} is malformed (message.ts, message.threadTs, recordIds): not used`),
      );
      await expect(t.store.getNotifiedMessageByRecord('wa-1')).rejects.toBeInstanceOf(MalformedItemError);
      await expect(t.store.updateNotifiedMessage({ findingId: FINDING.id, eventId: 'e-1', latest: OUTCOME, now: later(60) })).rejects.toBeInstanceOf(MalformedItemError);
    } finally {
      t.dispose();
    }
  }, 60_000);

  it('a decided exemption that does not fit is returned as malformed (never thrown, never honoured); a well-formed one as written', async () => {
    const t = await table();
    try {
      await t.store.putExemption(EXEMPTION);
      expect(await t.store.getExemption({ resource: FUNCTION_ARN, ruleId: EXEMPTION.ruleId, now: NOW })).toEqual(EXEMPTION);
      await rewrite(t, keys.exemption(FUNCTION_ARN, EXEMPTION.ruleId), { until: 'forever', decision: 'approved-by-attacker' });
      expect(await t.store.getExemption({ resource: FUNCTION_ARN, ruleId: EXEMPTION.ruleId, now: NOW })).toEqual({ malformed: ['until', 'decision'] });
      // An item with none of the fields (written by hand): malformed too, not an exemption in force.
      await t.documents.send(new PutCommand({ TableName: t.tableName, Item: { ...keys.exemption(FUNCTION_ARN, 'function-url-public'), note: 'exempt' } }));
      expect(await t.store.getExemption({ resource: FUNCTION_ARN, ruleId: 'function-url-public', now: NOW })).toMatchObject({ malformed: expect.arrayContaining(['until', 'by', 'recordId']) as unknown });
    } finally {
      t.dispose();
    }
  }, 60_000);
});

describe('the in-memory store reads back the same way (the tests that use it see what production sees)', () => {
  it('parses finding records and exemptions written around it', async () => {
    const store = new InMemoryStateStore();
    store.overwrite({ findingRecord: { findingId: FINDING.id, eventId: 'e-1', status: 'done' } });
    await expect(store.getFinding(FINDING.id, 'e-1')).rejects.toBeInstanceOf(MalformedItemError);
    store.overwrite({ malformedExemption: { resource: FUNCTION_ARN, ruleId: EXEMPTION.ruleId, until: 'forever' } });
    expect(await store.getExemption({ resource: FUNCTION_ARN, ruleId: EXEMPTION.ruleId, now: NOW })).toMatchObject({ malformed: expect.arrayContaining(['until', 'by']) as unknown });
  });
});
