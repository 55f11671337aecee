/**
 * One open question per finding (issue #13, gap 10): while a finding's approval is pending and not
 * expired, later events on it create no second record; once decided or expired, a new one opens.
 * Run on both stores; the DynamoDB one through the fake table, which evaluates the conditions.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../functions/shared/config/config';
import { approvalId, Executor } from '../../../../functions/shared/executor/executor';
import type { ExecutionOutcome } from '../../../../functions/shared/contract/outcome';
import { DynamoDbStateStore } from '../../../../functions/shared/store/dynamodb-state-store';
import { InMemoryStateStore } from '../../../../functions/shared/store/in-memory-state-store';
import { Integrity } from '../../../../functions/shared/store/integrity';
import type { StateStore } from '../../../../functions/shared/store/state-store';
import { ACCOUNT, FUNCTION_ARN } from '../../../fixtures/accounts';
import { publicAccessFinding } from '../../../fixtures/findings';
import { installDynamoDbFake, type FakeTable } from '../store/dynamodb-fake';

const START = new Date('2025-03-14T09:30:00Z');
const HOUR = 3_600_000;

/** The finding of statement `sid` (its id is the stable identity: rule, resource, statement). */
const findingOf = (sid: string) =>
  publicAccessFinding({
    id: `wf-${sid}`,
    mode: 'approve',
    remediation: { action: 'remove-function-permission', params: { functionName: FUNCTION_ARN, statementId: sid }, description: `removes ${sid}` },
  });

type Factory = () => { store: StateStore; dispose: () => void };
const STORES: [string, Factory][] = [
  ['in-memory store', () => ({ store: new InMemoryStateStore(), dispose: () => undefined })],
  [
    'DynamoDB store',
    () => {
      const table = installDynamoDbFake();
      return {
        store: new DynamoDbStateStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), 'warden-state'),
        dispose: () => {
          table.restore();
        },
      };
    },
  ],
];

describe.each(STORES)('one open approval per finding (%s)', (_name, factory) => {
  let store: StateStore;
  let dispose: () => void;
  let now: Date;
  const integrity = Integrity.ephemeral();
  const executor = () =>
    new Executor({
      config: parseConfig({ organization: { accounts: [ACCOUNT] }, dryRun: false, approvalExpiryHours: 24 }),
      store,
      integrity,
      clientsFor: () => {
        throw new Error('no AWS in this test');
      },
      now: () => now,
    });
  /** The approval records of a finding among the events' deterministic ids, with their status. */
  const records = async (findingId: string, events: readonly string[]) =>
    (await Promise.all(events.map((e) => store.getApproval(approvalId(findingId, e))))).filter((r) => r !== null).map((r) => `${r.eventId}:${r.status}`);

  beforeEach(() => {
    now = START;
    ({ store, dispose } = factory());
  });
  afterEach(() => {
    dispose();
  });

  it('asks once for four events on the same statement: the later ones point at the open record and create none', async () => {
    const ex = executor();
    const outcomes: ExecutionOutcome[] = [];
    for (const e of ['e-1', 'e-2', 'e-3', 'e-4']) {
      outcomes.push(await ex.handle(findingOf('open'), { eventId: e }));
      now = new Date(now.getTime() + 60_000);
    }
    expect(await records('wf-open', ['e-1', 'e-2', 'e-3', 'e-4'])).toEqual(['e-1:pending']);
    const first = approvalId('wf-open', 'e-1');
    expect(outcomes.map((o) => [o.status, o.approval?.id, o.approval?.openedBy])).toEqual([
      ['pending-approval', first, undefined],
      ['pending-approval', first, 'e-1'],
      ['pending-approval', first, 'e-1'],
      ['pending-approval', first, 'e-1'],
    ]);
    expect(outcomes[1]?.detail).toBe(`already waiting for approval (record ${first}, expires 2025-03-15T09:30:00.000Z) to run lambda:RemovePermission FunctionName=${FUNCTION_ARN} StatementId=open: not asked again`);
    expect(outcomes[1]?.approval?.expiresAt).toBe(outcomes[0]?.approval?.expiresAt);
  });

  it('gives one record to ten events of a finding delivered at once', async () => {
    const events = Array.from({ length: 10 }, (_, i) => `e-${String(i)}`);
    const outcomes = await Promise.all(events.map((e) => executor().handle(findingOf('open'), { eventId: e })));
    const opened = await records('wf-open', events);
    expect(opened).toHaveLength(1);
    const id = approvalId('wf-open', opened[0]?.split(':')[0] ?? '');
    expect(outcomes.map((o) => o.approval?.id)).toEqual(events.map(() => id));
    expect(outcomes.filter((o) => o.approval?.openedBy === undefined)).toHaveLength(1);
  });

  it('still asks separately about different statements of the same function', async () => {
    const ex = executor();
    const a = await ex.handle(findingOf('open-a'), { eventId: 'e-1' });
    const b = await ex.handle(findingOf('open-b'), { eventId: 'e-2' });
    const aAgain = await ex.handle(findingOf('open-a'), { eventId: 'e-2' });
    expect([a.approval?.openedBy, b.approval?.openedBy, aAgain.approval?.openedBy]).toEqual([undefined, undefined, 'e-1']);
    expect(await records('wf-open-a', ['e-1', 'e-2'])).toEqual(['e-1:pending']);
    expect(await records('wf-open-b', ['e-2'])).toEqual(['e-2:pending']);
  });

  it.each([
    ['rejected', async (id: string) => store.decideApproval({ id, decision: 'rejected', by: 'U0APPROVER', now })],
    ['approved', async (id: string) => store.decideApproval({ id, decision: 'approved', by: 'U0APPROVER', now })],
  ])('opens a new record after the open one was %s', async (status, decide) => {
    const ex = executor();
    const first = await ex.handle(findingOf('open'), { eventId: 'e-1' });
    await decide(first.approval?.id ?? '');
    now = new Date(now.getTime() + 60_000);
    const second = await ex.handle(findingOf('open'), { eventId: 'e-2' });
    expect(second.approval).toEqual({ id: approvalId('wf-open', 'e-2'), expiresAt: '2025-03-15T09:31:00.000Z' });
    expect(await records('wf-open', ['e-1', 'e-2', 'e-3'])).toEqual([`e-1:${status}`, 'e-2:pending']);
    // … and that one is the open question now.
    expect((await ex.handle(findingOf('open'), { eventId: 'e-3' })).approval?.openedBy).toBe('e-2');
  });

  it('opens a new record once the open one expired, decided or not', async () => {
    const ex = executor();
    await ex.handle(findingOf('open'), { eventId: 'e-1' });
    now = new Date(START.getTime() + 24 * HOUR - 1000);
    expect((await ex.handle(findingOf('open'), { eventId: 'e-2' })).approval?.openedBy).toBe('e-1');
    now = new Date(START.getTime() + 24 * HOUR);
    const after = await ex.handle(findingOf('open'), { eventId: 'e-3' });
    expect(after.approval).toEqual({ id: approvalId('wf-open', 'e-3'), expiresAt: '2025-03-16T09:30:00.000Z' });
    expect(await records('wf-open', ['e-1', 'e-2', 'e-3'])).toEqual(['e-1:pending', 'e-3:pending']);
  });

  it('keeps a retried delivery of the opening event on its own record (not a repeat of itself)', async () => {
    const ex = executor();
    await expect(
      ex.handle(findingOf('open'), { eventId: 'e-1' }, () => {
        throw new Error('the bus is down');
      }),
    ).rejects.toThrow('the bus is down');
    const retried = await ex.handle(findingOf('open'), { eventId: 'e-1' });
    expect(retried.approval).toEqual({ id: approvalId('wf-open', 'e-1'), expiresAt: '2025-03-15T09:30:00.000Z' });
    expect(retried.detail).toMatch(/^waiting for an approver/);
    expect(await records('wf-open', ['e-1'])).toEqual(['e-1:pending']);
  });
});

describe('one open approval per finding: a pointer is never a reason to stay silent about a record that is not open (DynamoDB store)', () => {
  let table: FakeTable;
  let store: DynamoDbStateStore;
  const documents = () => DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  beforeEach(() => {
    table = installDynamoDbFake();
    store = new DynamoDbStateStore(documents(), 'warden-state');
  });
  afterEach(() => {
    table.restore();
  });
  const executor = () => new Executor({ config: parseConfig({ organization: { accounts: [ACCOUNT] }, dryRun: false }), store, clientsFor: () => Promise.reject(new Error('no AWS')), now: () => START });
  /** Points a finding's open approval at `recordId`, as somebody with write access to the table could. */
  const pointAt = (findingId: string, recordId: string | undefined) =>
    documents().send(new PutCommand({ TableName: 'warden-state', Item: { pk: `OPENAPPROVAL#${findingId}`, sk: 'OPEN', findingId, ...(recordId === undefined ? {} : { recordId }), expiresAt: new Date(START.getTime() + HOUR).toISOString() } }));

  it.each([
    ['another finding’s pending record', 'other'],
    ['a pending record of this finding whose tag does not verify', 'forged'],
    ['a restore record of this finding', 'restore'],
    ['a record that does not exist', 'missing'],
    ['nothing readable', 'none'],
  ] as const)('asks again when the pointer names %s', async (_label, kind) => {
    const ex = executor();
    await ex.handle(findingOf('other'), { eventId: 'e-0' });
    const forged = approvalId('wf-open', 'e-forged');
    const record = { findingId: 'wf-open', eventId: 'e-forged', finding: findingOf('open'), plan: findingOf('open').remediation!, createdAt: START.toISOString(), expiresAt: new Date(START.getTime() + HOUR).toISOString(), tag: 'v1:forged' };
    await store.createApproval({ ...record, id: forged });
    await store.createApproval({ ...record, id: 'wr-restore', kind: 'restore' });
    const targets = { other: approvalId('wf-other', 'e-0'), forged, restore: 'wr-restore', missing: 'wa-000000000000000000000000', none: undefined };
    await pointAt('wf-open', targets[kind]);
    const outcome = await ex.handle(findingOf('open'), { eventId: 'e-1' });
    expect(outcome.approval).toEqual({ id: approvalId('wf-open', 'e-1'), expiresAt: '2025-03-15T09:30:00.000Z' });
    expect(outcome.integrityFailures).toEqual(kind === 'forged' ? [{ family: 'record', itemId: forged, check: 'tag-mismatch' }] : undefined);
    expect((await store.getApproval(approvalId('wf-open', 'e-1')))?.status).toBe('pending');
    expect(table.items.get('OPENAPPROVAL#wf-open\u0000OPEN')?.recordId).toBe(approvalId('wf-open', 'e-1'));
  });
});

describe('one open approval per finding: store round trips (DynamoDB store)', () => {
  // Changed deliberately for #16: the claim, the exemption check, the record and its pointer are one transaction; a repeat while
  // the record is open finds the transaction refused and takes the steps one by one (claim ∥ exemption read, record, its check).
  it('writes the claim, the exemption check, the record and its pointer in one transaction; a repeat takes the steps one by one', async () => {
    const table = installDynamoDbFake();
    try {
      const store = new DynamoDbStateStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), 'warden-state');
      const ex = new Executor({ config: parseConfig({ organization: { accounts: [ACCOUNT] }, dryRun: false }), store, clientsFor: () => Promise.reject(new Error('no AWS')), now: () => START });
      await ex.handle(findingOf('open'), { eventId: 'e-1' });
      expect(table.calls.map((c) => c.command)).toEqual(['TransactWrite', 'Update']);
      table.calls.length = 0;
      await ex.handle(findingOf('open'), { eventId: 'e-2' });
      expect(table.calls.map((c) => c.command)).toEqual(['TransactWrite', 'Get', 'Put', 'TransactWrite', 'Get', 'Update']);
    } finally {
      table.restore();
    }
  });
});
