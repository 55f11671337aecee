import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbStateStore } from '../../../../functions/shared/store/dynamodb-state-store';
import { InMemoryStateStore } from '../../../../functions/shared/store/in-memory-state-store';
import type { ExecutionOutcome } from '../../../../functions/shared/contract/outcome';
import type { StateStore } from '../../../../functions/shared/store/state-store';
import { FUNCTION_ARN } from '../../../fixtures/accounts';
import { FINDING, later, NOW, outcomeOf } from './store-fixtures';
import { dynaliteForFile } from './dynalite-table';
import { installDynamoDbFake, type FakeTable } from './dynamodb-fake';

const approval = (id = 'wa-1', expiresAt = later(3600)) => ({
  id,
  findingId: FINDING.id,
  eventId: 'e-1',
  finding: FINDING,
  plan: FINDING.remediation!,
  createdAt: NOW.toISOString(),
  expiresAt: expiresAt.toISOString(),
});

const OUTCOME: ExecutionOutcome = outcomeOf({ approval: { id: 'wa-1', expiresAt: later(3600).toISOString() } });

type Factory = () => Promise<{ store: StateStore; table?: FakeTable; dispose: () => void }>;

/**
 * The DynamoDB store also runs against `dynalite`, an independent DynamoDB implementation (issue #16), so its
 * condition and update expressions are judged by something other than the project's own fake. One server per
 * file (started before the suites, generous timeouts for a loaded machine), a new table per test.
 */
const dynalite = dynaliteForFile();

/** Whether a store can run `openApproval` (TransactWriteItems, which dynalite does not implement). */
type Capabilities = { readonly transactions: boolean };

const STORES: [string, Factory, Capabilities][] = [
  ['InMemoryStateStore', () => Promise.resolve({ store: new InMemoryStateStore(), dispose: () => undefined }), { transactions: true }],
  [
    'DynamoDbStateStore',
    () => {
      const table = installDynamoDbFake();
      const store = new DynamoDbStateStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), 'warden-state');
      return Promise.resolve({
        store,
        table,
        dispose: () => {
          table.restore();
        },
      });
    },
    { transactions: true },
  ],
  [
    'DynamoDbStateStore on dynalite',
    async () => {
      return { store: new DynamoDbStateStore(dynalite().documents, await dynalite().newTable()), dispose: () => undefined };
    },
    { transactions: false },
  ],
];

/** A store made by `factory` before each test of the calling suite (handed to `use`) and disposed after it. */
function storeForEachTest(factory: Factory, use: (made: Awaited<ReturnType<Factory>>) => void): void {
  let dispose = (): void => undefined;
  beforeEach(async () => {
    const made = await factory();
    dispose = made.dispose;
    use(made);
  }, 60_000);
  afterEach(() => {
    dispose();
  });
}

describe.each(STORES)('%s (state store contract)', (_name, factory) => {
  let store: StateStore;
  storeForEachTest(factory, (made) => {
    ({ store } = made);
  });

  it('grants exactly one of ten concurrent claims on an (event, finding)', async () => {
    const claims = await Promise.all(Array.from({ length: 10 }, () => store.claimFinding({ finding: FINDING, eventId: 'e-1', now: NOW, leaseSeconds: 900 })));
    expect(claims.filter((c) => c.claimed)).toHaveLength(1);
    const refused = claims.find((c) => !c.claimed);
    expect(refused?.claimed === false ? refused.status : null).toBe('in-progress');
  });

  it('keys the claim on the event: another event of the same finding is claimed anew', async () => {
    expect((await store.claimFinding({ finding: FINDING, eventId: 'e-1', now: NOW, leaseSeconds: 900 })).claimed).toBe(true);
    expect((await store.claimFinding({ finding: FINDING, eventId: 'e-2', now: NOW, leaseSeconds: 900 })).claimed).toBe(true);
  });

  it('completes a claim once and keeps the outcome; a done record is never claimed again', async () => {
    const claim = await store.claimFinding({ finding: FINDING, eventId: 'e-1', now: NOW, leaseSeconds: 60 });
    if (!claim.claimed) throw new Error('not claimed');
    await store.completeFinding({ findingId: FINDING.id, eventId: 'e-1', owner: claim.owner, outcome: { status: 'remediated' }, now: NOW });
    const record = await store.getFinding(FINDING.id, 'e-1');
    expect(record?.status).toBe('done');
    expect(record?.outcome).toEqual({ status: 'remediated' });
    expect(record?.finding.id).toBe(FINDING.id);
    expect((await store.claimFinding({ finding: FINDING, eventId: 'e-1', now: later(3600), leaseSeconds: 60 })).claimed).toBe(false);
  });

  it('lets a retry take over a claim whose lease ran out, and not before', async () => {
    const first = await store.claimFinding({ finding: FINDING, eventId: 'e-1', now: NOW, leaseSeconds: 60 });
    expect((await store.claimFinding({ finding: FINDING, eventId: 'e-1', now: later(59), leaseSeconds: 60 })).claimed).toBe(false);
    const second = await store.claimFinding({ finding: FINDING, eventId: 'e-1', now: later(61), leaseSeconds: 60 });
    expect(second.claimed).toBe(true);
    if (!first.claimed) throw new Error('not claimed');
    await store.completeFinding({ findingId: FINDING.id, eventId: 'e-1', owner: first.owner, outcome: 'stale', now: later(62) });
    expect((await store.getFinding(FINDING.id, 'e-1'))?.status).toBe('in-progress');
  });

  it('releases a claim only for its owner', async () => {
    const claim = await store.claimFinding({ finding: FINDING, eventId: 'e-1', now: NOW, leaseSeconds: 60 });
    if (!claim.claimed) throw new Error('not claimed');
    await store.releaseFinding({ findingId: FINDING.id, eventId: 'e-1', owner: 'somebody-else' });
    expect(await store.getFinding(FINDING.id, 'e-1')).not.toBeNull();
    await store.releaseFinding({ findingId: FINDING.id, eventId: 'e-1', owner: claim.owner });
    expect(await store.getFinding(FINDING.id, 'e-1')).toBeNull();
  });

  it('releases a completed claim for its owner (its outcome could not be published), so a retry claims it again', async () => {
    const claim = await store.claimFinding({ finding: FINDING, eventId: 'e-1', now: NOW, leaseSeconds: 60 });
    if (!claim.claimed) throw new Error('not claimed');
    await store.completeFinding({ findingId: FINDING.id, eventId: 'e-1', owner: claim.owner, outcome: 'done', now: NOW });
    const refused = await store.claimFinding({ finding: FINDING, eventId: 'e-1', now: NOW, leaseSeconds: 60 });
    expect(refused.claimed ? null : refused.status).toBe('done');
    await store.releaseFinding({ findingId: FINDING.id, eventId: 'e-1', owner: 'somebody-else' });
    expect((await store.getFinding(FINDING.id, 'e-1'))?.status).toBe('done');
    await store.releaseFinding({ findingId: FINDING.id, eventId: 'e-1', owner: claim.owner });
    expect((await store.claimFinding({ finding: FINDING, eventId: 'e-1', now: NOW, leaseSeconds: 60 })).claimed).toBe(true);
  });

  it('creates an approval once, pending', async () => {
    expect(await store.createApproval(approval())).toBe(true);
    expect(await store.createApproval(approval())).toBe(false);
    expect((await store.getApproval('wa-1'))?.status).toBe('pending');
    expect(await store.getApproval('wa-unknown')).toBeNull();
  });

  it('moves a pending approval to approved exactly once under twenty concurrent decisions', async () => {
    await store.createApproval(approval());
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.decideApproval({ id: 'wa-1', decision: i % 2 === 0 ? 'approved' : 'rejected', by: `U${String(i)}`, now: NOW })),
    );
    const winners = results.flatMap((r) => (r.ok ? [r.record] : []));
    expect(winners).toHaveLength(1);
    expect(results.flatMap((r) => (r.ok ? [] : [r.reason]))).toEqual(Array.from({ length: 19 }, () => 'already-decided'));
    const stored = await store.getApproval('wa-1');
    expect(stored?.status).toBe(winners[0]?.status);
    expect(stored?.decidedBy).toBe(winners[0]?.decidedBy);
  });

  it.each([
    ['an expired approval', 'wa-1', later(3600), 'expired', 'pending'],
    ['an unknown approval', 'wa-x', NOW, 'not-found', 'pending'],
  ] as const)('refuses to decide %s and changes nothing', async (_label, id, now, reason, status) => {
    await store.createApproval(approval());
    const result = await store.decideApproval({ id, decision: 'approved', by: 'U1', now });
    expect(result.ok ? null : result.reason).toBe(reason);
    expect((await store.getApproval('wa-1'))?.status).toBe(status);
  });

  it('expires a pending approval only once its expiry has passed', async () => {
    await store.createApproval(approval());
    expect(await store.expireApproval({ id: 'wa-1', now: later(3599) })).toBe(false);
    expect(await store.expireApproval({ id: 'wa-1', now: later(3600) })).toBe(true);
    expect((await store.getApproval('wa-1'))?.status).toBe('expired');
    expect(await store.expireApproval({ id: 'wa-1', now: later(7200) })).toBe(false);
    const late = await store.decideApproval({ id: 'wa-1', decision: 'approved', by: 'U1', now: later(10) });
    expect(late.ok ? null : late.reason).toBe('expired');
  });

  it('counts up to the limit per window, concurrently, and trips once', async () => {
    const window = { name: 'auto', windowStart: NOW, windowSeconds: 900, limit: 10 };
    const results = await Promise.all(Array.from({ length: 15 }, () => store.incrementCounter(window)));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect(results.filter((r) => r.allowed).map((r) => r.count).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const trips = await Promise.all(Array.from({ length: 5 }, () => store.markCounterTripped({ name: 'auto', windowStart: NOW })));
    expect(trips.filter(Boolean)).toHaveLength(1);
    expect((await store.incrementCounter({ ...window, windowStart: later(900) })).allowed).toBe(true);
  });

  it('gives back a count it took (never below zero), freeing budget for the next increment', async () => {
    const window = { name: 'auto', windowStart: NOW, windowSeconds: 900, limit: 2 };
    await store.incrementCounter(window);
    await store.incrementCounter(window);
    expect((await store.incrementCounter(window)).allowed).toBe(false);
    await store.releaseCounter({ name: 'auto', windowStart: NOW });
    expect(await store.incrementCounter(window)).toEqual({ allowed: true, count: 2 });
    // A window never counted, or counted down to zero, stays at zero.
    await store.releaseCounter({ name: 'auto', windowStart: later(900) });
    expect(await store.incrementCounter({ ...window, windowStart: later(900) })).toEqual({ allowed: true, count: 1 });
    await store.releaseCounter({ name: 'auto', windowStart: later(900) });
    await store.releaseCounter({ name: 'auto', windowStart: later(900) });
    expect(await store.incrementCounter({ ...window, windowStart: later(900) })).toEqual({ allowed: true, count: 1 });
  });
});

describe('DynamoDbStateStore', () => {
  let table: FakeTable;
  beforeEach(() => {
    table = installDynamoDbFake();
  });
  afterEach(() => {
    table.restore();
  });

  it('writes one table with pk/sk keys, a TTL attribute and conditional writes only', async () => {
    const store = new DynamoDbStateStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), 'warden-state');
    await store.claimFinding({ finding: FINDING, eventId: 'e-1', now: NOW, leaseSeconds: 900 });
    await store.createApproval(approval());
    await store.incrementCounter({ name: 'auto', windowStart: NOW, windowSeconds: 900, limit: 10 });
    expect([...table.items.keys()].map((k) => k.split('\u0000'))).toEqual([
      [`FINDING#${FINDING.id}`, 'EVENT#e-1'],
      ['APPROVAL#wa-1', 'APPROVAL'],
      ['COUNTER#auto', `WINDOW#${NOW.toISOString()}`],
    ]);
    for (const item of table.items.values()) expect(typeof item.ttl).toBe('number');
    const writes = table.calls.filter((c) => c.command !== 'Get');
    expect(writes.every((c) => typeof c.input.ConditionExpression === 'string' && c.input.TableName === 'warden-state')).toBe(true);
  });

  it('learns who holds a refused claim from the refusal itself (ALL_OLD), without reading the record', async () => {
    const store = new DynamoDbStateStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), 'warden-state');
    await store.claimFinding({ finding: FINDING, eventId: 'e-1', now: NOW, leaseSeconds: 900 });
    table.calls.length = 0;
    expect(await store.claimFinding({ finding: FINDING, eventId: 'e-1', now: NOW, leaseSeconds: 900 })).toEqual({ claimed: false, status: 'in-progress' });
    expect(table.calls.map((c) => c.command)).toEqual(['Put']);
    expect(table.calls[0]?.input).toMatchObject({ ReturnValuesOnConditionCheckFailure: 'ALL_OLD' });
  });

  it('opens an approval in one TransactWriteItems: the record and its finding’s pointer, both conditional, with TTLs', async () => {
    const store = new DynamoDbStateStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), 'warden-state');
    expect(await store.openApproval({ record: approval(), replacing: null })).toEqual({ opened: true });
    expect(table.calls.map((c) => c.command)).toEqual(['TransactWrite']);
    const expires = Math.floor(later(3600).getTime() / 1000);
    expect(table.items.get('APPROVAL#wa-1\u0000APPROVAL')).toMatchObject({ status: 'pending', findingId: FINDING.id, ttl: expires + 30 * 86_400 });
    expect(table.items.get(`OPENAPPROVAL#${FINDING.id}\u0000OPEN`)).toEqual({ pk: `OPENAPPROVAL#${FINDING.id}`, sk: 'OPEN', findingId: FINDING.id, recordId: 'wa-1', expiresAt: later(3600).toISOString(), ttl: expires + 86_400 });
    // A second event of the same finding learns the open record from the cancellation itself: still one call, no read.
    table.calls.length = 0;
    expect(await store.openApproval({ record: { ...approval('wa-2'), eventId: 'e-2' }, replacing: null })).toEqual({ opened: false, exists: false, openRecordId: 'wa-1' });
    expect(table.calls.map((c) => c.command)).toEqual(['TransactWrite']);
  });

  it('tries a transaction again after a conflict with another one, and gives up with a StateStoreError after three', async () => {
    const store = new DynamoDbStateStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), 'warden-state');
    table.conflictNext(2);
    expect(await store.openApproval({ record: approval(), replacing: null })).toEqual({ opened: true });
    table.conflictNext(3);
    await expect(store.openApproval({ record: approval('wa-2'), replacing: 'wa-1' })).rejects.toThrow(/Opening approval wa-2 failed: TransactionCanceledException \(TransactionConflict, TransactionConflict\)/);
    expect(await store.getApproval('wa-2')).toBeNull();
  });

  it('ends an exemption with a conditional UpdateItem (the approval function has no DeleteItem)', async () => {
    const store = new DynamoDbStateStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), 'warden-state');
    const key = { resource: FUNCTION_ARN, ruleId: 'function-public-access' };
    await store.putExemption({ ...key, until: later(3600).toISOString(), by: 'U1', recordId: 'wa-1', decision: 'rejected-and-exempted', createdAt: NOW.toISOString() });
    expect(await store.deleteExemption({ ...key, recordId: 'wa-1', now: NOW })).toBe(true);
    expect(table.calls.map((c) => c.command)).toEqual(['Put', 'Update']);
    expect(table.items.get(`EXEMPTION#${FUNCTION_ARN}\u0000RULE#function-public-access`)).toMatchObject({ until: NOW.toISOString(), ttl: Math.floor(NOW.getTime() / 1000) + 86_400 });
  });
});

// TransactWriteItems: the in-memory store and the DynamoDB store on the project's fake (dynalite has no transactions).
describe.each(STORES.filter(([, , capabilities]) => capabilities.transactions))('%s (one open approval per finding)', (_name, factory) => {
  let store: StateStore;
  storeForEachTest(factory, (made) => {
    ({ store } = made);
  });

  it('opens one approval per finding: ten concurrent openings of ten events leave one record, and the rest learn its id', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.openApproval({ record: { ...approval(`wa-${String(i)}`), eventId: `e-${String(i)}` }, replacing: null })));
    const opened = results.flatMap((r, i) => (r.opened ? [`wa-${String(i)}`] : []));
    expect(opened).toHaveLength(1);
    expect(results.map((r) => (r.opened || r.exists ? null : r.openRecordId)).filter((id) => id !== null)).toEqual(Array.from({ length: 9 }, () => opened[0]));
    const stored = await Promise.all(Array.from({ length: 10 }, (_, i) => store.getApproval(`wa-${String(i)}`)));
    expect(stored.filter((r) => r !== null).map((r) => `${r.id}:${r.status}`)).toEqual([`${opened[0] ?? ''}:pending`]);
  });

  it('opens a record again for a retried delivery (exists), and replaces the pointer only for the record the caller names', async () => {
    expect(await store.openApproval({ record: approval('wa-1'), replacing: null })).toEqual({ opened: true });
    expect(await store.openApproval({ record: approval('wa-1'), replacing: null })).toEqual({ opened: false, exists: true });
    expect(await store.openApproval({ record: approval('wa-2'), replacing: 'wa-9' })).toEqual({ opened: false, exists: false, openRecordId: 'wa-1' });
    expect(await store.getApproval('wa-2')).toBeNull();
    expect(await store.openApproval({ record: approval('wa-2'), replacing: 'wa-1' })).toEqual({ opened: true });
    expect(await store.openApproval({ record: approval('wa-3'), replacing: 'wa-1' })).toEqual({ opened: false, exists: false, openRecordId: 'wa-2' });
    // Another finding has its own pointer.
    expect(await store.openApproval({ record: { ...approval('wa-4'), findingId: 'wf-other' }, replacing: null })).toEqual({ opened: true });
  });
});

// Issue #16 (a): an outcome stored but not yet on the bus — on every store, dynalite included (UpdateItem SET/REMOVE with conditions;
// dynalite returns no item with a refused claim, so the store reads it: the mark must come through either way).
describe.each(STORES)('%s (outcomes waiting to be published)', (_name, factory) => {
  let store: StateStore;
  storeForEachTest(factory, (made) => {
    ({ store } = made);
  });

  it('marks only the owner’s completed record unpublished; a refused claim says so until the mark is cleared once', async () => {
    const claim = await store.claimFinding({ finding: FINDING, eventId: 'e-1', now: NOW, leaseSeconds: 60 });
    if (!claim.claimed) throw new Error('not claimed');
    const key = { findingId: FINDING.id, eventId: 'e-1' };
    expect(await store.markFindingUnpublished({ ...key, owner: claim.owner })).toBe(false); // not completed yet
    await store.completeFinding({ ...key, owner: claim.owner, outcome: OUTCOME, now: NOW });
    expect(await store.markFindingUnpublished({ ...key, owner: 'somebody-else' })).toBe(false);
    expect(await store.claimFinding({ finding: FINDING, eventId: 'e-1', now: later(120), leaseSeconds: 60 })).toEqual({ claimed: false, status: 'done' });
    expect(await store.markFindingUnpublished({ ...key, owner: claim.owner })).toBe(true);
    expect(await store.getUnpublished('e-1')).toEqual([]);
    await store.addUnpublished({ eventId: 'e-1', findingId: FINDING.id, now: NOW });
    await store.addUnpublished({ eventId: 'e-1', findingId: 'wf-other', now: NOW });
    await store.addUnpublished({ eventId: 'e-1', findingId: FINDING.id, now: NOW });
    expect(await store.getUnpublished('e-1')).toEqual([FINDING.id, 'wf-other'].sort());
    expect(await store.getUnpublished('e-2')).toEqual([]);
    expect(await store.claimFinding({ finding: FINDING, eventId: 'e-1', now: later(120), leaseSeconds: 60 })).toEqual({ claimed: false, status: 'done', unpublished: true });
    expect(await store.getFinding(FINDING.id, 'e-1')).toMatchObject({ status: 'done', publish: 'pending', outcome: OUTCOME });
    expect(await store.markFindingPublished(key)).toBe(true);
    expect(await store.getUnpublished('e-1')).toEqual(['wf-other']);
    expect(await store.markFindingPublished(key)).toBe(false);
    expect(await store.claimFinding({ finding: FINDING, eventId: 'e-1', now: later(120), leaseSeconds: 60 })).toEqual({ claimed: false, status: 'done' });
    expect((await store.getFinding(FINDING.id, 'e-1'))?.publish).toBeUndefined();
  });

  it('revises only the owner’s completed outcome, and replaces it with the mark when asked (#16: a verification’s result)', async () => {
    const claim = await store.claimFinding({ finding: FINDING, eventId: 'e-1', now: NOW, leaseSeconds: 60 });
    if (!claim.claimed) throw new Error('not claimed');
    const key = { findingId: FINDING.id, eventId: 'e-1' };
    const running: ExecutionOutcome = { ...OUTCOME, verified: undefined, verification: 'running' };
    const failed: ExecutionOutcome = { ...OUTCOME, verified: false, verification: 'failed' };
    expect(await store.reviseFindingOutcome({ ...key, owner: claim.owner, outcome: failed })).toBe(false); // not completed yet
    await store.completeFinding({ ...key, owner: claim.owner, outcome: running, now: NOW });
    expect(await store.reviseFindingOutcome({ ...key, owner: 'somebody-else', outcome: failed })).toBe(false);
    expect((await store.getFinding(FINDING.id, 'e-1'))?.outcome).toMatchObject({ verification: 'running' });
    expect(await store.reviseFindingOutcome({ ...key, owner: claim.owner, outcome: failed })).toBe(true);
    expect((await store.getFinding(FINDING.id, 'e-1'))?.outcome).toMatchObject({ verification: 'failed', verified: false });
    expect(await store.markFindingUnpublished({ ...key, owner: claim.owner, outcome: { ...OUTCOME, verification: 'held' } })).toBe(true);
    expect(await store.getFinding(FINDING.id, 'e-1')).toMatchObject({ status: 'done', publish: 'pending', outcome: { verification: 'held', verified: true } });
  });
});

// Issue #16: the claim with its exemption check (and, in approve mode, its approval) in one TransactWriteItems — the in-memory store
// and the DynamoDB store on the project's fake (dynalite has no TransactWriteItems).
describe.each(STORES.filter(([, , capabilities]) => capabilities.transactions))('%s (claim checked in one transaction)', (_name, factory) => {
  let store: StateStore;
  let table: FakeTable | undefined;
  storeForEachTest(factory, (made) => {
    ({ store, table } = made);
  });
  const exemption = (until: Date) => ({ resource: FINDING.resource, ruleId: FINDING.ruleId, until: until.toISOString(), by: 'U1', recordId: 'wa-0', decision: 'rejected-and-exempted' as const, createdAt: NOW.toISOString() });

  it('claims with the approval opened in one write, and refuses a second claim as a duplicate', async () => {
    const first = await store.claimFindingChecked({ finding: FINDING, eventId: 'e-1', now: NOW, leaseSeconds: 60, approval: approval('wa-1') });
    expect(first.claimed).toBe(true);
    expect((await store.getFinding(FINDING.id, 'e-1'))?.status).toBe('in-progress');
    expect((await store.getApproval('wa-1'))?.status).toBe('pending');
    expect(await store.claimFindingChecked({ finding: FINDING, eventId: 'e-1', now: NOW, leaseSeconds: 60, approval: approval('wa-1') })).toEqual({ claimed: false, status: 'in-progress' });
    // The refused claim learns the holder's status from the cancellation: no read beyond the two above.
    expect(table?.calls.filter((c) => c.command !== 'TransactWrite').map((c) => c.command) ?? ['Get', 'Get']).toEqual(['Get', 'Get']);
  });

  it('writes nothing when a decided exemption is in force, and claims once it has ended', async () => {
    await store.putExemption(exemption(later(60)));
    expect(await store.claimFindingChecked({ finding: FINDING, eventId: 'e-1', now: NOW, leaseSeconds: 60, approval: approval('wa-1') })).toEqual({ claimed: null, why: 'exemption' });
    expect(await store.getFinding(FINDING.id, 'e-1')).toBeNull();
    expect(await store.getApproval('wa-1')).toBeNull();
    expect((await store.claimFindingChecked({ finding: FINDING, eventId: 'e-1', now: later(60), leaseSeconds: 60 })).claimed).toBe(true);
  });

  it('writes nothing when another approval of the finding is open, and the refused claim decides over the other parts', async () => {
    expect(await store.openApproval({ record: approval('wa-0'), replacing: null })).toEqual({ opened: true });
    expect(await store.claimFindingChecked({ finding: FINDING, eventId: 'e-1', now: NOW, leaseSeconds: 60, approval: { ...approval('wa-1'), eventId: 'e-1' } })).toEqual({ claimed: null, why: 'approval' });
    expect(await store.getFinding(FINDING.id, 'e-1')).toBeNull();
    expect(await store.getApproval('wa-1')).toBeNull();
    expect((await store.claimFinding({ finding: FINDING, eventId: 'e-1', now: NOW, leaseSeconds: 60 })).claimed).toBe(true);
    await store.putExemption(exemption(later(60)));
    expect(await store.claimFindingChecked({ finding: FINDING, eventId: 'e-1', now: NOW, leaseSeconds: 60, approval: approval('wa-1') })).toEqual({ claimed: false, status: 'in-progress' });
  });

  it('grants exactly one of ten concurrent checked claims', async () => {
    const claims = await Promise.all(Array.from({ length: 10 }, () => store.claimFindingChecked({ finding: FINDING, eventId: 'e-1', now: NOW, leaseSeconds: 60 })));
    expect(claims.filter((c) => c.claimed === true)).toHaveLength(1);
    expect(claims.filter((c) => c.claimed === false)).toHaveLength(9);
  });

  // Issue #16, calls ≤ 8: the circuit breaker's counts ride in the claim's transaction.
  const counters = (limits: readonly [number, number, number] = [10, 10, 10]) =>
    (['principal', 'account', 'global'] as const).map((scope, i) => ({ name: `auto#${scope}`, windowStart: NOW, windowSeconds: 900, limit: limits[i] ?? 10 }));
  /** The count a counter holds, learnt by taking one more (so it counts one up). */
  const countAfterOneMore = async (counter: ReturnType<typeof counters>[number]) => (await store.incrementCounter({ ...counter, limit: 100 })).count - 1;

  it('takes every count with the claim in one write; a claim another delivery holds takes none', async () => {
    const taken = await store.claimFindingChecked({ finding: FINDING, eventId: 'e-1', now: NOW, leaseSeconds: 60, counters: counters() });
    expect(taken.claimed).toBe(true);
    expect(table?.calls.map((c) => c.command) ?? ['TransactWrite']).toEqual(['TransactWrite']);
    expect(await store.claimFindingChecked({ finding: FINDING, eventId: 'e-1', now: NOW, leaseSeconds: 60, counters: counters() })).toEqual({ claimed: false, status: 'in-progress' });
    for (const counter of counters()) expect(await countAfterOneMore(counter)).toBe(1);
  });

  it('writes nothing when a counter is at its limit: neither the claim nor the other counts (the caller counts one by one)', async () => {
    const [principal, account, global] = counters([10, 1, 10]);
    if (principal === undefined || account === undefined || global === undefined) throw new Error('three counters');
    expect((await store.incrementCounter(account)).allowed).toBe(true);
    expect(await store.claimFindingChecked({ finding: FINDING, eventId: 'e-1', now: NOW, leaseSeconds: 60, counters: [principal, account, global] })).toEqual({ claimed: null, why: 'budget' });
    expect(await store.getFinding(FINDING.id, 'e-1')).toBeNull();
    expect(await countAfterOneMore(principal)).toBe(0);
    expect(await countAfterOneMore(global)).toBe(0);
  });

  it('answers `exemption` when only the exemption check failed, with counts or without', async () => {
    await store.putExemption(exemption(later(60)));
    expect(await store.claimFindingChecked({ finding: FINDING, eventId: 'e-1', now: NOW, leaseSeconds: 60, counters: counters() })).toEqual({ claimed: null, why: 'exemption' });
    for (const counter of counters()) expect(await countAfterOneMore(counter)).toBe(0);
  });

  it('completes the claim and creates the restore record in one write; for another owner it writes neither', async () => {
    const claim = await store.claimFindingChecked({ finding: FINDING, eventId: 'e-1', now: NOW, leaseSeconds: 60 });
    if (claim.claimed !== true) throw new Error('not claimed');
    const restore = { ...approval('wr-1'), kind: 'restore' as const, tag: 'v1:t' };
    const calls = table?.calls.length ?? 0;
    await store.completeFinding({ findingId: FINDING.id, eventId: 'e-1', owner: 'somebody-else', outcome: OUTCOME, now: NOW, restore });
    expect(await store.getApproval('wr-1')).toBeNull();
    expect((await store.getFinding(FINDING.id, 'e-1'))?.status).toBe('in-progress');
    await store.completeFinding({ findingId: FINDING.id, eventId: 'e-1', owner: claim.owner, outcome: OUTCOME, now: NOW, restore });
    expect(await store.getFinding(FINDING.id, 'e-1')).toMatchObject({ status: 'done', outcome: OUTCOME });
    expect(await store.getApproval('wr-1')).toMatchObject({ id: 'wr-1', kind: 'restore', status: 'pending', tag: 'v1:t' });
    // On DynamoDB: one TransactWriteItems each (the reads are the test's).
    const sent = table?.calls.slice(calls).map((c) => c.command) ?? ['TransactWrite', 'Get', 'Get', 'TransactWrite', 'Get', 'Get'];
    expect(sent).toEqual(['TransactWrite', 'Get', 'Get', 'TransactWrite', 'Get', 'Get']);
  });
});

// Issue #16: what DynamoDB does to a transaction carrying counts under a burst (the project's fake; dynalite has no transactions).
describe('DynamoDbStateStore (counts in the claim’s transaction, cancelled)', () => {
  let table: FakeTable;
  let store: StateStore;
  beforeEach(() => {
    table = installDynamoDbFake({ as: 'responder' });
    store = new DynamoDbStateStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), 'warden-state');
  });
  afterEach(() => {
    table.restore();
  });

  it.each(['TransactionConflict', 'ThrottlingError'])('answers `budget` for a %s and writes nothing', async (code) => {
    const counts = [{ name: 'auto#global', windowStart: NOW, windowSeconds: 900, limit: 10 }];
    table.conflictNext(1, code);
    expect(await store.claimFindingChecked({ finding: FINDING, eventId: 'e-1', now: NOW, leaseSeconds: 60, counters: counts })).toEqual({ claimed: null, why: 'budget' });
    expect(await store.getFinding(FINDING.id, 'e-1')).toBeNull();
    // The responder's grants allow the transaction: UpdateItem on COUNTER#, PutItem on FINDING#, ConditionCheckItem on EXEMPTION#.
    expect((await store.claimFindingChecked({ finding: FINDING, eventId: 'e-1', now: NOW, leaseSeconds: 60, counters: counts })).claimed).toBe(true);
    expect(table.items.get(`COUNTER#auto#global\u0000WINDOW#${NOW.toISOString()}`)).toMatchObject({ count: 1 });
    expect(table.denied).toEqual([]);
  });
});

// ── Notifier (issue #6, Slack messages): notification claims, message locations, digests ──

describe.each(STORES)('%s (notifier methods)', (_name, factory) => {
  let store: StateStore;
  storeForEachTest(factory, (made) => {
    ({ store } = made);
  });

  const outcome = outcomeOf({ status: 'pending-approval', detail: 'waiting', verified: undefined, approval: { id: 'wa-1', expiresAt: later(3600).toISOString() } });
  const message = { findingId: FINDING.id, eventId: 'e-1', message: { channel: 'C0ALERTS', ts: '1.000100', threadTs: '1.000100' }, finding: FINDING, outcome, recordIds: ['wa-1'], postedAt: NOW.toISOString() };

  it('grants one of ten concurrent claims on a notification; a done one is never claimed again', async () => {
    const claims = await Promise.all(Array.from({ length: 10 }, () => store.claimNotification({ key: 'finding#a#b', now: NOW, leaseSeconds: 60 })));
    expect(claims.filter((c) => c.claimed)).toHaveLength(1);
    const winner = claims.find((c) => c.claimed);
    if (winner?.claimed !== true) throw new Error('not claimed');
    await store.completeNotification({ key: 'finding#a#b', owner: winner.owner, now: NOW });
    expect(await store.claimNotification({ key: 'finding#a#b', now: later(86_400), leaseSeconds: 60 })).toEqual({ claimed: false, status: 'done' });
  });

  it('lets a retry take a released or expired claim, but not a live one; only the owner completes or releases', async () => {
    const first = await store.claimNotification({ key: 'k', now: NOW, leaseSeconds: 60 });
    if (!first.claimed) throw new Error('not claimed');
    expect(await store.claimNotification({ key: 'k', now: later(30), leaseSeconds: 60 })).toEqual({ claimed: false, status: 'in-progress' });
    await store.releaseNotification({ key: 'k', owner: 'somebody-else' });
    expect((await store.claimNotification({ key: 'k', now: later(31), leaseSeconds: 60 })).claimed).toBe(false);
    await store.releaseNotification({ key: 'k', owner: first.owner });
    const second = await store.claimNotification({ key: 'k', now: later(32), leaseSeconds: 60 });
    expect(second.claimed).toBe(true);
    await store.completeNotification({ key: 'k', owner: first.owner, now: later(33) });
    expect((await store.claimNotification({ key: 'k', now: later(200), leaseSeconds: 60 })).claimed).toBe(true);
  });

  it('stores where a message is, finds it by finding and event or by record id, and records decisions and later outcomes', async () => {
    expect(await store.getNotifiedMessage(FINDING.id, 'e-1')).toBeNull();
    await store.putNotifiedMessage(message);
    expect(await store.getNotifiedMessage(FINDING.id, 'e-1')).toEqual(message);
    expect(await store.getNotifiedMessageByRecord('wa-1')).toEqual(message);
    expect(await store.getNotifiedMessageByRecord('wa-other')).toBeNull();
    const decision = { recordId: 'wa-0123456789abcdef01234567', findingId: FINDING.id, eventId: 'e-1', ruleId: FINDING.ruleId, resource: FINDING.resource, account: FINDING.account, region: FINDING.region, decision: 'approved', by: { userId: 'U0APPROVER' }, at: later(60).toISOString(), plan: null } as const;
    expect(await store.updateNotifiedMessage({ findingId: FINDING.id, eventId: 'e-1', decision, now: later(60) })).toEqual({ ...message, decision });
    const latest = { ...outcome, status: 'remediated', at: later(61).toISOString() } as const;
    expect(await store.updateNotifiedMessage({ findingId: FINDING.id, eventId: 'e-1', latest, now: later(61) })).toEqual({ ...message, decision, latest });
    expect(await store.updateNotifiedMessage({ findingId: FINDING.id, eventId: 'e-unknown', latest, now: later(61) })).toBeNull();
    expect(await store.getNotifiedMessage(FINDING.id, 'e-unknown')).toBeNull();
  });

  it('counts a principal’s findings per channel and window, with their rules and resources, and records the digest message once', async () => {
    const add = (ruleId: string, resource: string, channel = 'C0ALERTS', windowStart = NOW) => store.addToDigest({ principal: 'arn:aws:iam::111122223333:role/ci', channel, windowStart, windowSeconds: 60, ruleId, resource });
    expect(await add('r1', 'arn:1')).toEqual({ count: 1, rules: ['r1'], resources: ['arn:1'] });
    await add('r2', 'arn:1');
    const all = await Promise.all(Array.from({ length: 8 }, (_, i) => add('r1', `arn:${String(i)}`)));
    expect(all.map((w) => w.count).sort((a, b) => a - b)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await store.setDigestMessage({ principal: 'arn:aws:iam::111122223333:role/ci', channel: 'C0ALERTS', windowStart: NOW, ts: '1.5' })).toBe(true);
    expect(await store.setDigestMessage({ principal: 'arn:aws:iam::111122223333:role/ci', channel: 'C0ALERTS', windowStart: NOW, ts: '1.6' })).toBe(false);
    const eleventh = await add('r3', 'arn:9');
    expect(eleventh).toEqual({ count: 11, rules: ['r1', 'r2', 'r3'], resources: ['arn:0', 'arn:1', 'arn:2', 'arn:3', 'arn:4', 'arn:5', 'arn:6', 'arn:7', 'arn:9'], ts: '1.5' });
    expect((await add('r1', 'arn:1', 'C0OTHER')).count).toBe(1);
    expect((await add('r1', 'arn:1', 'C0ALERTS', later(60))).count).toBe(1);
    expect(await store.setDigestMessage({ principal: 'arn:aws:iam::111122223333:role/nobody', channel: 'C0ALERTS', windowStart: NOW, ts: '1.7' })).toBe(false);
  });
});

// ── Decisions from Slack (issue #6): decision kinds, execution claims, exemptions ─────────────
describe.each(STORES)('%s (decisions, execution claims, exemptions)', (_name, factory) => {
  let store: StateStore;
  storeForEachTest(factory, (made) => {
    ({ store } = made);
  });

  it.each(['quarantined', 'rejected-and-exempted', 'restored'] as const)('records a %s decision once and refuses a second', async (decision) => {
    await store.createApproval({ ...approval(), kind: decision === 'restored' ? 'restore' : 'approval' });
    const first = await store.decideApproval({ id: 'wa-1', decision, by: 'U1', now: NOW });
    expect(first.ok && first.record.status).toBe(decision);
    const second = await store.decideApproval({ id: 'wa-1', decision: 'rejected', by: 'U2', now: NOW });
    expect(second.ok ? null : second.reason).toBe('already-decided');
    const stored = await store.getApproval('wa-1');
    expect(stored).toMatchObject({ status: decision, decidedBy: 'U1', kind: decision === 'restored' ? 'restore' : 'approval' });
  });

  it('grants one execution claim of twenty, only in the decided state the caller names', async () => {
    await store.createApproval(approval());
    expect((await store.claimExecution({ id: 'wa-1', status: 'approved', now: NOW, leaseSeconds: 900 })).claimed).toBe(false);
    await store.decideApproval({ id: 'wa-1', decision: 'approved', by: 'U1', now: NOW });
    expect((await store.claimExecution({ id: 'wa-1', status: 'quarantined', now: NOW, leaseSeconds: 900 })).claimed).toBe(false);
    const claims = await Promise.all(Array.from({ length: 20 }, () => store.claimExecution({ id: 'wa-1', status: 'approved', now: NOW, leaseSeconds: 900 })));
    expect(claims.filter((c) => c.claimed)).toHaveLength(1);
    expect((await store.claimExecution({ id: 'wa-unknown', status: 'approved', now: NOW, leaseSeconds: 900 })).claimed).toBe(false);
    // The record reads the same as before: the claim is bookkeeping, not part of the decision.
    expect(await store.getApproval('wa-1')).toMatchObject({ status: 'approved', decidedBy: 'U1' });
  });

  it('keeps a completed execution claimed; a released or lapsed one can be claimed again', async () => {
    await store.createApproval(approval());
    await store.decideApproval({ id: 'wa-1', decision: 'approved', by: 'U1', now: NOW });
    const first = await store.claimExecution({ id: 'wa-1', status: 'approved', now: NOW, leaseSeconds: 60 });
    if (!first.claimed) throw new Error('not claimed');
    await store.releaseExecution({ id: 'wa-1', owner: 'somebody-else' });
    expect((await store.claimExecution({ id: 'wa-1', status: 'approved', now: NOW, leaseSeconds: 60 })).claimed).toBe(false);
    await store.releaseExecution({ id: 'wa-1', owner: first.owner });
    const second = await store.claimExecution({ id: 'wa-1', status: 'approved', now: NOW, leaseSeconds: 60 });
    if (!second.claimed) throw new Error('not claimed after release');
    const third = await store.claimExecution({ id: 'wa-1', status: 'approved', now: later(61), leaseSeconds: 60 });
    if (!third.claimed) throw new Error('not claimed after the lease ran out');
    await store.completeExecution({ id: 'wa-1', owner: second.owner, outcome: { ...OUTCOME, detail: 'second' }, now: later(62) });
    await store.completeExecution({ id: 'wa-1', owner: third.owner, outcome: OUTCOME, now: later(62) });
    expect((await store.claimExecution({ id: 'wa-1', status: 'approved', now: later(10_000), leaseSeconds: 60 })).claimed).toBe(false);
  });

  it('keeps a completed execution’s outcome until it is published, and says so to the next claimant', async () => {
    await store.createApproval(approval());
    await store.decideApproval({ id: 'wa-1', decision: 'approved', by: 'U1', now: NOW });
    expect(await store.markExecutionPublished({ id: 'wa-1' })).toBe(false);
    const claim = await store.claimExecution({ id: 'wa-1', status: 'approved', now: NOW, leaseSeconds: 60 });
    if (!claim.claimed) throw new Error('not claimed');
    expect(await store.claimExecution({ id: 'wa-1', status: 'approved', now: NOW, leaseSeconds: 60 })).toEqual({ claimed: false, completed: null });
    await store.completeExecution({ id: 'wa-1', owner: claim.owner, outcome: OUTCOME, now: later(1) });
    expect(await store.claimExecution({ id: 'wa-1', status: 'approved', now: later(10_000), leaseSeconds: 60 })).toEqual({ claimed: false, completed: { outcome: OUTCOME, published: false } });
    expect(await store.claimExecution({ id: 'wa-1', status: 'quarantined', now: later(2), leaseSeconds: 60 })).toEqual({ claimed: false, completed: null });
    expect(await store.markExecutionPublished({ id: 'wa-1' })).toBe(true);
    expect(await store.markExecutionPublished({ id: 'wa-1' })).toBe(false);
    expect(await store.claimExecution({ id: 'wa-1', status: 'approved', now: later(3), leaseSeconds: 60 })).toEqual({ claimed: false, completed: { outcome: OUTCOME, published: true } });
    // The record reads the same: the stored outcome is bookkeeping.
    expect(await store.getApproval('wa-1')).not.toHaveProperty('executionOutcome');
  });

  it('undoes a decision only while it is exactly the one made and nothing was claimed', async () => {
    await store.createApproval(approval());
    const decided = await store.decideApproval({ id: 'wa-1', decision: 'approved', by: 'U1', now: NOW });
    const decidedAt = decided.ok ? (decided.record.decidedAt ?? '') : '';
    expect(await store.undoDecision({ id: 'wa-1', decision: 'approved', by: 'U2', decidedAt })).toBe(false);
    expect(await store.undoDecision({ id: 'wa-1', decision: 'rejected', by: 'U1', decidedAt })).toBe(false);
    expect(await store.undoDecision({ id: 'wa-1', decision: 'approved', by: 'U1', decidedAt })).toBe(true);
    const pending = await store.getApproval('wa-1');
    expect(pending?.status).toBe('pending');
    expect(pending).not.toHaveProperty('decidedBy');
    expect((await store.decideApproval({ id: 'wa-1', decision: 'approved', by: 'U3', now: later(1) })).ok).toBe(true);
    expect((await store.claimExecution({ id: 'wa-1', status: 'approved', now: later(2), leaseSeconds: 60 })).claimed).toBe(true);
    expect(await store.undoDecision({ id: 'wa-1', decision: 'approved', by: 'U3', decidedAt: later(1).toISOString() })).toBe(false);
    expect((await store.getApproval('wa-1'))?.status).toBe('approved');
  });

  it('stores an exemption until its end, extends it, never shortens it', async () => {
    const exemption = {
      resource: FUNCTION_ARN,
      ruleId: 'function-public-access',
      until: later(3600).toISOString(),
      by: 'U1',
      recordId: 'wa-1',
      decision: 'rejected-and-exempted' as const,
      createdAt: NOW.toISOString(),
    };
    expect(await store.getExemption({ resource: FUNCTION_ARN, ruleId: 'function-public-access', now: NOW })).toBeNull();
    await store.putExemption(exemption);
    expect(await store.getExemption({ resource: FUNCTION_ARN, ruleId: 'function-public-access', now: NOW })).toEqual(exemption);
    expect(await store.getExemption({ resource: FUNCTION_ARN, ruleId: 'function-url-public', now: NOW })).toBeNull();
    expect(await store.getExemption({ resource: `${FUNCTION_ARN}-other`, ruleId: 'function-public-access', now: NOW })).toBeNull();
    expect(await store.getExemption({ resource: FUNCTION_ARN, ruleId: 'function-public-access', now: later(3600) })).toBeNull();
    await store.putExemption({ ...exemption, until: later(60).toISOString(), by: 'U2' });
    expect(await store.getExemption({ resource: FUNCTION_ARN, ruleId: 'function-public-access', now: NOW })).toMatchObject({ by: 'U1' });
    await store.putExemption({ ...exemption, until: later(7200).toISOString(), by: 'U3' });
    expect(await store.getExemption({ resource: FUNCTION_ARN, ruleId: 'function-public-access', now: later(3600) })).toMatchObject({ by: 'U3' });
  });

  it('removes an exemption only for the record that wrote it', async () => {
    const key = { resource: FUNCTION_ARN, ruleId: 'function-public-access' };
    const exemption = { ...key, until: later(3600).toISOString(), by: 'U1', recordId: 'wa-1', decision: 'rejected-and-exempted' as const, createdAt: NOW.toISOString() };
    expect(await store.deleteExemption({ ...key, recordId: 'wa-1', now: NOW })).toBe(false);
    await store.putExemption(exemption);
    expect(await store.deleteExemption({ ...key, recordId: 'wa-2', now: NOW })).toBe(false);
    expect(await store.deleteExemption({ resource: FUNCTION_ARN, ruleId: 'function-url-public', recordId: 'wa-1', now: NOW })).toBe(false);
    expect(await store.getExemption({ ...key, now: NOW })).toEqual(exemption);
    expect(await store.deleteExemption({ ...key, recordId: 'wa-1', now: NOW })).toBe(true);
    expect(await store.getExemption({ ...key, now: NOW })).toBeNull();
    await store.putExemption({ ...exemption, recordId: 'wa-3', by: 'U3' });
    expect(await store.getExemption({ ...key, now: NOW })).toMatchObject({ by: 'U3' });
  });
});
