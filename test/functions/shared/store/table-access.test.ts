/**
 * The state table grants (`TABLE_ACCESS`, synthesized as LeadingKeys/Attributes conditions) against
 * the code: each function's store view, run on the fake table judging every request as that
 * function's role would, is never refused; what a role must not do is refused.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbStateStore } from '../../../../functions/shared/store/dynamodb-state-store';
import { approvalView, notifierView, responderView, scannerView, StateStoreError, VIEW_METHODS, type StateStore } from '../../../../functions/shared/store/state-store';
import { KEY_PREFIXES, TABLE_ACCESS } from '../../../../functions/shared/store/table-access';
import { DynamoDbHeartbeatStore, HeartbeatStoreError } from '../../../../functions/shared/heartbeat/dynamodb-heartbeat-store';
import { FUNCTION_ARN } from '../../../fixtures/accounts';
import { installDynamoDbFake, type FakeTable } from './dynamodb-fake';
import { FINDING, later, NOW, outcomeOf } from './store-fixtures';


const RECORD = { id: 'wa-1', findingId: FINDING.id, eventId: 'e-1', finding: FINDING, plan: FINDING.remediation!, createdAt: NOW.toISOString(), expiresAt: later(3600).toISOString(), tag: 'v1:x' };
const OUTCOME = outcomeOf();
const EXEMPTION = { resource: FUNCTION_ARN, ruleId: FINDING.ruleId, until: later(3600).toISOString(), by: 'U1', recordId: 'wa-1', decision: 'rejected-and-exempted' as const, createdAt: NOW.toISOString(), tag: 'v1:y' };

let table: FakeTable;
let store: StateStore;
beforeEach(() => {
  table = installDynamoDbFake();
  store = new DynamoDbStateStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), 'warden-state');
});
afterEach(() => {
  table.restore();
});

describe('state table grants (TABLE_ACCESS) against each function’s store view', () => {
  it('lets the responder claim findings, create and run records, keep exemptions and counters', async () => {
    table.actAs('responder');
    const responder = responderView(store);
    const claim = await responder.claimFinding({ finding: FINDING, eventId: 'e-1', now: NOW, leaseSeconds: 60 });
    if (!claim.claimed) throw new Error('not claimed');
    await responder.completeFinding({ findingId: FINDING.id, eventId: 'e-1', owner: claim.owner, outcome: OUTCOME, now: NOW });
    const again = await responder.claimFinding({ finding: FINDING, eventId: 'e-2', now: NOW, leaseSeconds: 60 });
    if (again.claimed) await responder.releaseFinding({ findingId: FINDING.id, eventId: 'e-2', owner: again.owner });
    await responder.getFinding(FINDING.id, 'e-1');
    // Issue #16: the claim with its exemption check (ConditionCheckItem on EXEMPTION#) and approval in one transaction; the publish mark.
    expect((await responder.claimFindingChecked({ finding: FINDING, eventId: 'e-5', now: NOW, leaseSeconds: 60, approval: { ...RECORD, id: 'wa-5', eventId: 'e-5', findingId: 'wf-5' } })).claimed).toBe(true);
    expect(await responder.markFindingUnpublished({ findingId: FINDING.id, eventId: 'e-1', owner: claim.owner })).toBe(true);
    // Issue #16: the counts in the claim's transaction (UpdateItem on COUNTER#), the completion with its restore record
    // (UpdateItem on FINDING#, PutItem on APPROVAL#), and a verification's follow-up revising the stored outcome.
    const counted = await responder.claimFindingChecked({ finding: FINDING, eventId: 'e-6', now: NOW, leaseSeconds: 60, counters: [{ name: 'auto#global', windowStart: NOW, windowSeconds: 900, limit: 10 }] });
    if (counted.claimed !== true) throw new Error('not claimed');
    await responder.completeFinding({ findingId: FINDING.id, eventId: 'e-6', owner: counted.owner, outcome: OUTCOME, now: NOW, restore: { ...RECORD, id: 'wr-6', kind: 'restore', eventId: 'e-6' } });
    expect(await responder.getApproval('wr-6')).toMatchObject({ kind: 'restore', status: 'pending' });
    expect(await responder.reviseFindingOutcome({ findingId: FINDING.id, eventId: 'e-6', owner: counted.owner, outcome: OUTCOME })).toBe(true);
    await responder.addUnpublished({ eventId: 'e-1', findingId: FINDING.id, now: NOW });
    expect(await responder.getUnpublished('e-1')).toEqual([FINDING.id]);
    expect(await responder.markFindingPublished({ findingId: FINDING.id, eventId: 'e-1' })).toBe(true);
    expect(await responder.getUnpublished('e-1')).toEqual([]);
    expect(await responder.createApproval(RECORD)).toBe(true);
    expect(await responder.openApproval({ record: { ...RECORD, id: 'wa-3', eventId: 'e-3' }, replacing: null })).toEqual({ opened: true });
    expect(await responder.openApproval({ record: { ...RECORD, id: 'wa-4', eventId: 'e-4' }, replacing: null })).toEqual({ opened: false, exists: false, openRecordId: 'wa-3' });
    table.actAs('approval');
    await approvalView(store).decideApproval({ id: 'wa-1', decision: 'approved', by: 'U1', now: NOW });
    table.actAs('responder');
    const execution = await responder.claimExecution({ id: 'wa-1', status: 'approved', now: NOW, leaseSeconds: 60 });
    if (!execution.claimed) throw new Error('not claimed');
    await responder.completeExecution({ id: 'wa-1', owner: execution.owner, outcome: OUTCOME, now: NOW });
    expect(await responder.claimExecution({ id: 'wa-1', status: 'approved', now: NOW, leaseSeconds: 60 })).toMatchObject({ claimed: false, completed: { published: false } });
    expect(await responder.markExecutionPublished({ id: 'wa-1' })).toBe(true);
    await responder.putExemption(EXEMPTION);
    await responder.getExemption({ resource: FUNCTION_ARN, ruleId: FINDING.ruleId, now: NOW });
    await responder.deleteExemption({ resource: FUNCTION_ARN, ruleId: FINDING.ruleId, recordId: 'wa-1', now: NOW });
    await responder.incrementCounter({ name: 'auto', windowStart: NOW, windowSeconds: 900, limit: 10 });
    await responder.markCounterTripped({ name: 'auto', windowStart: NOW });
    // Issue #18: a detector finding's links, and the approval its closing closes (pending → closed, once).
    await responder.linkDetectorFinding({ key: 'guardduty#111122223333#us-east-1#f1', link: '{"findingId":"wf-1"}', now: NOW });
    await responder.linkDetectorFinding({ key: 'guardduty#111122223333#us-east-1#f1', link: '{"findingId":"wf-2"}', now: NOW });
    await responder.linkDetectorFinding({ key: 'guardduty#111122223333#us-east-1#f1', link: '{"findingId":"wf-1"}', now: NOW });
    expect(await responder.getDetectorLinks('guardduty#111122223333#us-east-1#f1')).toEqual(['{"findingId":"wf-1"}', '{"findingId":"wf-2"}']);
    expect(await responder.getDetectorLinks('guardduty#111122223333#us-east-1#none')).toEqual([]);
    expect(await responder.closeApproval({ id: 'wa-3', now: NOW })).toBe(true);
    expect(await responder.closeApproval({ id: 'wa-3', now: NOW })).toBe(false);
    expect(await responder.getApproval('wa-3')).toMatchObject({ status: 'closed', decidedAt: NOW.toISOString() });
    expect(table.denied).toEqual([]);
  });

  it('lets the approval endpoint decide, expire and undo decisions and write exemptions, touching only the decision attributes', async () => {
    await store.createApproval(RECORD);
    await store.createApproval({ ...RECORD, id: 'wa-2', expiresAt: NOW.toISOString() });
    table.actAs('approval');
    const approval = approvalView(store);
    expect(await approval.getApproval('wa-1')).toMatchObject({ plan: RECORD.plan, tag: RECORD.tag });
    const decided = await approval.decideApproval({ id: 'wa-1', decision: 'approved', by: 'U1', now: NOW });
    expect(decided).toMatchObject({ ok: true, record: { id: 'wa-1', status: 'approved', decidedBy: 'U1', plan: RECORD.plan } });
    expect(await approval.decideApproval({ id: 'wa-1', decision: 'rejected', by: 'U2', now: NOW })).toMatchObject({ ok: false, reason: 'already-decided' });
    expect(await approval.undoDecision({ id: 'wa-1', decision: 'approved', by: 'U1', decidedAt: NOW.toISOString() })).toBe(true);
    expect(await approval.expireApproval({ id: 'wa-2', now: NOW })).toBe(true);
    await approval.putExemption(EXEMPTION);
    expect(await approval.deleteExemption({ resource: FUNCTION_ARN, ruleId: FINDING.ruleId, recordId: 'wa-1', now: NOW })).toBe(true);
    expect(table.denied).toEqual([]);
  });

  it('refuses the approval role a new record, a rewritten plan or tag, and any counter', async () => {
    await store.createApproval(RECORD);
    table.actAs('approval');
    await expect(store.createApproval({ ...RECORD, id: 'wa-9' })).rejects.toThrow(StateStoreError);
    await expect(store.openApproval({ record: { ...RECORD, id: 'wa-9' }, replacing: null })).rejects.toThrow(StateStoreError);
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
    await expect(documents.send(new PutCommand({ TableName: 'warden-state', Item: { pk: `OPENAPPROVAL#${FINDING.id}`, sk: 'OPEN', recordId: 'wa-1' } }))).rejects.toThrow(/not authorized/);
    const rewrite = (name: string) =>
      documents.send(
        new UpdateCommand({
          TableName: 'warden-state',
          Key: { pk: 'APPROVAL#wa-1', sk: 'APPROVAL' },
          UpdateExpression: 'SET #a = :v',
          ExpressionAttributeNames: { '#a': name },
          ExpressionAttributeValues: { ':v': name === 'plan' ? { action: 'add-function-permission', params: {} } : 'v1:forged' },
        }),
      );
    await expect(rewrite('plan')).rejects.toThrow(/not authorized/);
    await expect(rewrite('tag')).rejects.toThrow(/not authorized/);
    await expect(documents.send(new PutCommand({ TableName: 'warden-state', Item: { pk: 'APPROVAL#wa-1', sk: 'APPROVAL', ...RECORD, plan: {} } }))).rejects.toThrow(/not authorized/);
    // ALL_NEW would return the plan too: the decision update asks for the updated attributes only.
    await expect(
      documents.send(
        new UpdateCommand({ TableName: 'warden-state', Key: { pk: 'APPROVAL#wa-1', sk: 'APPROVAL' }, UpdateExpression: 'SET #s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': 'approved' }, ReturnValues: 'ALL_NEW' }),
      ),
    ).rejects.toThrow(/not authorized/);
    await expect(store.incrementCounter({ name: 'auto', windowStart: NOW, windowSeconds: 900, limit: 10 })).rejects.toThrow(StateStoreError);
    table.actAs(undefined);
    expect(await store.getApproval('wa-1')).toMatchObject({ plan: RECORD.plan, tag: RECORD.tag, status: 'pending' });
  });

  it('lets the notifier keep its claims, messages and digests, and nothing else', async () => {
    await store.createApproval(RECORD);
    table.actAs('notifier');
    const notifier = notifierView(store);
    const claim = await notifier.claimNotification({ key: 'k', now: NOW, leaseSeconds: 60 });
    if (!claim.claimed) throw new Error('not claimed');
    await notifier.completeNotification({ key: 'k', owner: claim.owner, now: NOW });
    const other = await notifier.claimNotification({ key: 'k2', now: NOW, leaseSeconds: 60 });
    if (other.claimed) await notifier.releaseNotification({ key: 'k2', owner: other.owner });
    const message = { findingId: FINDING.id, eventId: 'e-1', message: { channel: 'C1', ts: '1.0', threadTs: '1.0' }, finding: FINDING, outcome: OUTCOME, recordIds: ['wa-1'], postedAt: NOW.toISOString() };
    await notifier.putNotifiedMessage(message);
    await notifier.getNotifiedMessage(FINDING.id, 'e-1');
    await notifier.getNotifiedMessageByRecord('wa-1');
    await notifier.updateNotifiedMessage({ findingId: FINDING.id, eventId: 'e-1', latest: OUTCOME, now: NOW });
    await notifier.addToDigest({ principal: 'p', channel: 'C1', windowStart: NOW, windowSeconds: 600, ruleId: FINDING.ruleId, resource: FUNCTION_ARN });
    await notifier.setDigestMessage({ principal: 'p', channel: 'C1', windowStart: NOW, ts: '2.0' });
    // Issue #18: a function's Inspector digest (DIGEST#FUNCTION#…): entries, the post claim, the message.
    const entry = { findingArn: 'arn:aws:inspector2:us-east-1:111122223333:finding/0a1b', findingType: 'PACKAGE_VULNERABILITY', severity: 'high' as const, packages: [], updatedAt: NOW.toISOString() };
    await notifier.addToFunctionDigest({ digestKey: `${FUNCTION_ARN}@sha`, channel: 'C1', entryKey: 'v_0a1b', entry, now: NOW });
    await notifier.addToFunctionDigest({ digestKey: `${FUNCTION_ARN}@sha`, channel: 'C1', entryKey: 'v_0a1b', entry, now: NOW });
    const poster = await notifier.claimFunctionDigestPost({ digestKey: `${FUNCTION_ARN}@sha`, channel: 'C1', now: NOW, leaseSeconds: 60 });
    expect(poster).not.toBeNull();
    expect(await notifier.setFunctionDigestMessage({ digestKey: `${FUNCTION_ARN}@sha`, channel: 'C1', owner: poster ?? '', ts: '3.0' })).toMatchObject({ ts: '3.0', entries: { v_0a1b: entry } });
    expect(await notifier.setDetectorMessage({ key: 'guardduty#111122223333#us-east-1#f1', findingId: FINDING.id, eventId: 'e-1', now: NOW })).toBe(true);
    expect(await notifier.setDetectorMessage({ key: 'guardduty#111122223333#us-east-1#f1', findingId: FINDING.id, eventId: 'e-2', now: NOW })).toBe(false);
    expect(await notifier.getDetectorMessage('guardduty#111122223333#us-east-1#f1', FINDING.id)).toMatchObject({ eventId: 'e-1', message: { ts: '1.0' } });
    expect(table.denied).toEqual([]);
    await expect(store.getApproval('wa-1')).rejects.toThrow(StateStoreError);
    await expect(store.putExemption(EXEMPTION)).rejects.toThrow(StateStoreError);
    await expect(store.claimFinding({ finding: FINDING, eventId: 'e-3', now: NOW, leaseSeconds: 60 })).rejects.toThrow(StateStoreError);
  });

  it('lets the scanner claim scan findings only', async () => {
    table.actAs('scanner');
    const scanner = scannerView(store);
    const claim = await scanner.claimFinding({ finding: FINDING, eventId: 'scheduled-scan', now: NOW, leaseSeconds: 60 });
    if (!claim.claimed) throw new Error('not claimed');
    await scanner.completeFinding({ findingId: FINDING.id, eventId: 'scheduled-scan', owner: claim.owner, outcome: OUTCOME, now: NOW });
    const again = await scanner.claimFinding({ finding: FINDING, eventId: 'scan-2', now: NOW, leaseSeconds: 60 });
    if (again.claimed) await scanner.releaseFinding({ findingId: FINDING.id, eventId: 'scan-2', owner: again.owner });
    expect(table.denied).toEqual([]);
    await expect(store.createApproval(RECORD)).rejects.toThrow(StateStoreError);
    await expect(store.putExemption(EXEMPTION)).rejects.toThrow(StateStoreError);
    await expect(store.markCounterTripped({ name: 'auto', windowStart: NOW })).rejects.toThrow(StateStoreError);
  });

  it('lets the heartbeat function record beats and list them (Query of its own partition), and no other function touch them', async () => {
    const heartbeats = new DynamoDbHeartbeatStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), 'warden-state');
    table.actAs('heartbeat');
    await heartbeats.recordBeat({ account: '111122223333', region: 'us-east-1' }, NOW.toISOString());
    expect((await heartbeats.listBeats()).map((b) => [b.account, b.region, b.lastSeen])).toEqual([['111122223333', 'us-east-1', NOW.toISOString()]]);
    expect(table.denied).toEqual([]);
    // The heartbeat role reaches nothing else; the others never reach the heartbeats.
    await expect(store.getApproval('wa-1')).rejects.toThrow(StateStoreError);
    for (const fn of ['responder', 'notifier', 'approval', 'scanner'] as const) {
      table.actAs(fn);
      await expect(heartbeats.recordBeat({ account: '111122223333', region: 'us-east-1' }, later(60).toISOString())).rejects.toThrow(HeartbeatStoreError);
      await expect(heartbeats.listBeats()).rejects.toThrow(HeartbeatStoreError);
    }
    expect(table.denied.map((d) => [d.action, d.pk])).toContainEqual(['dynamodb:Query', 'HEARTBEAT']);
  });

  it('hands each function an object with only its view’s methods', () => {
    const views = { responder: responderView(store), approval: approvalView(store), notifier: notifierView(store), scanner: scannerView(store) };
    for (const [fn, view] of Object.entries(views)) expect(Object.keys(view).sort()).toEqual([...VIEW_METHODS[fn as keyof typeof VIEW_METHODS]].sort());
    expect(views.approval).not.toHaveProperty('createApproval');
    expect(views.notifier).not.toHaveProperty('getApproval');
    expect(views.scanner).not.toHaveProperty('putExemption');
  });

  it('names every key prefix the store writes in some grant, and decision records and counters in the responder’s only', () => {
    const granted = new Set(Object.values(TABLE_ACCESS).flatMap((grants) => grants.flatMap((g) => g.prefixes)));
    expect([...granted].sort()).toEqual(Object.values(KEY_PREFIXES).sort());
    const writers = (prefix: string) =>
      Object.entries(TABLE_ACCESS)
        .filter(([, grants]) => grants.some((g) => g.prefixes.includes(prefix) && g.actions.includes('dynamodb:PutItem')))
        .map(([fn]) => fn);
    expect(writers(KEY_PREFIXES.approval)).toEqual(['responder']);
    expect(writers(KEY_PREFIXES.openApproval)).toEqual(['responder']);
    expect(writers(KEY_PREFIXES.counter)).toEqual(['responder']);
  });
});
