/**
 * Issue #16: the executor pays for its safety checks in parallel, not in sequence. These tests pin the
 * orderings it relies on (the claim before any change, the record stored before the outcome is published,
 * the published outcome before the claim is completed) and the counts the circuit breaker ends with.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../../../functions/shared/contract/finding';
import { parseConfig } from '../../../../functions/shared/config/config';
import { breakerCounters, Executor, restoreId, type PublishKind } from '../../../../functions/shared/executor/executor';
import type { ExecutionOutcome } from '../../../../functions/shared/contract/outcome';
import { InMemoryStateStore } from '../../../../functions/shared/store/in-memory-state-store';
import { exemptionFields } from '../../../../functions/shared/store/integrity';
import { DynamoDbStateStore } from '../../../../functions/shared/store/dynamodb-state-store';
import { responderView, type ResponderStateStore } from '../../../../functions/shared/store/state-store';
import { installDynamoDbFake, type FakeTable } from '../store/dynamodb-fake';
import { InMemoryAccount } from '../../../../sim/in-memory-account';
import { installLambdaMock, type LambdaMockHandle } from '../../../../sim/lambda-mock';
import { ACCOUNT, FUNCTION_ARN, REGION } from '../../../fixtures/accounts';
import { addPermissionEvent } from '../../../fixtures/cloudtrail';
import { publicAccessFinding } from '../../../fixtures/findings';

const NOW = new Date('2025-03-14T09:30:00Z');
const ALICE = { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, sourceIPAddress: undefined, userAgent: undefined };
/** The removed statement, as the rule puts it in the finding (so the revert offers a Restore). */
const OPEN_STATEMENT = { statement: { Sid: 'open', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction', Resource: FUNCTION_ARN } };

/** One shared timeline of store calls (start and end), AWS calls and publishes; and the most store calls in flight at once. */
interface Timeline {
  readonly log: string[];
  maxInFlight: number;
}

/** The in-memory store behind a few milliseconds of latency per call, logging each call's start and end. */
function slowStore(inner: InMemoryStateStore, timeline: Timeline): ResponderStateStore {
  let inFlight = 0;
  return new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const name = String(property);
      return async (...args: unknown[]) => {
        timeline.log.push(`start ${name}`);
        inFlight += 1;
        timeline.maxInFlight = Math.max(timeline.maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        try {
          return (await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args));
        } finally {
          inFlight -= 1;
          timeline.log.push(`end ${name}`);
        }
      };
    },
  });
}

let lambda: LambdaMockHandle | undefined;
afterEach(() => {
  lambda?.mock.restore();
  lambda = undefined;
});

/** Answers one Lambda command (`real`: the in-memory account's answer), to make a change not hold or a read fail. */
type LambdaAnswer = (command: { constructor: { name: string } }, real: () => Promise<unknown>) => Promise<unknown>;

function setup(config: Record<string, unknown> = {}, answer: LambdaAnswer = (_command, real) => real(), clock: () => Date = () => NOW) {
  const account = new InMemoryAccount({ defaultAccount: ACCOUNT, defaultRegion: REGION });
  account.replay(addPermissionEvent({ statementId: 'open', principal: '*' }));
  lambda = installLambdaMock(account, mockClient(LambdaClient));
  const client = new LambdaClient({ region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const timeline: Timeline = { log: [], maxInFlight: 0 };
  const inner = new InMemoryStateStore();
  const sessions: string[] = [];
  // Each Lambda call takes a few milliseconds and logs its start and end, so what runs beside it can be seen.
  const lambdaClient = {
    send: async (command: { constructor: { name: string } }) => {
      timeline.log.push(`aws ${command.constructor.name}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      try {
        return await answer(command, () => client.send(command as never));
      } finally {
        timeline.log.push(`aws-end ${command.constructor.name}`);
      }
    },
  } as unknown as LambdaClient;
  const parsed = parseConfig({ organization: { accounts: [ACCOUNT] }, dryRun: false, ...config });
  const ex = new Executor({
    config: parsed,
    store: slowStore(inner, timeline),
    clientsFor: () => ({ lambda: lambdaClient }),
    prepareSession: (_account, _region, findingId) => {
      timeline.log.push('session');
      sessions.push(findingId);
      return Promise.resolve();
    },
    now: clock,
  });
  const published: { outcome: ExecutionOutcome; kind: PublishKind }[] = [];
  const publish = (outcome: ExecutionOutcome, kind: PublishKind) => {
    timeline.log.push(`publish ${outcome.status}`);
    published.push({ outcome, kind });
    return Promise.resolve();
  };
  /** The count a counter holds now (a probe with limit 0 never adds). */
  const count = async (finding: Finding, scope: 'principal' | 'account' | 'global') => {
    const counter = breakerCounters(finding, parsed.circuitBreaker).find((c) => c.scope === scope);
    const windowMs = parsed.circuitBreaker.windowMinutes * 60_000;
    const windowStart = new Date(Math.floor(NOW.getTime() / windowMs) * windowMs);
    return (await inner.incrementCounter({ name: counter?.name ?? '', windowStart, windowSeconds: 60, limit: 0 })).count;
  };
  return { ex, inner, timeline, sessions, publish, published, count, account };
}

const at = (log: readonly string[], entry: string) => {
  const index = log.indexOf(entry);
  if (index === -1) throw new Error(`${entry} not in ${log.join(', ')}`);
  return index;
};

describe('Executor round trips (issue #16)', () => {
  // Changed deliberately for #16 (calls ≤ 8, round trips ≤ 4): the counts ride in the claim's transaction (no separate
  // incrementCounter calls), and the outcome is published and stored beside the verifying read, not after it.
  it('takes the claim, the exemption check and the three counts in one transaction, starts the session beside it, and changes nothing before', async () => {
    const { ex, inner, timeline, sessions, publish, published, count, account } = setup();
    const f = publicAccessFinding({ actor: ALICE, details: OPEN_STATEMENT });
    const outcome = await ex.handle(f, { eventId: 'e' }, publish);
    expect(outcome).toMatchObject({ status: 'remediated', verified: true, verification: 'held' });
    expect(account.lambda.policyDocument({ kind: 'lambda-function', account: ACCOUNT, region: REGION, functionName: 'orders-api' })).toBeNull();
    const { log } = timeline;
    expect(log.filter((e) => e.startsWith('start '))).toEqual(['start claimFindingChecked', 'start completeFinding']);
    expect([await count(f, 'principal'), await count(f, 'account'), await count(f, 'global')]).toEqual([1, 1, 1]);
    expect(at(log, 'session')).toBeLessThan(at(log, 'end claimFindingChecked'));
    expect(sessions).toEqual([f.id]);
    // Nothing in the account changes before the claim, the exemption check and every count are settled.
    const remove = at(log, 'aws RemovePermissionCommand');
    expect(at(log, 'end claimFindingChecked')).toBeLessThan(remove);
    // The verifying read, the publish and the completion (with the restore record) are in flight together.
    const verifyStart = log.lastIndexOf('aws GetPolicyCommand');
    const verifyEnd = log.lastIndexOf('aws-end GetPolicyCommand');
    expect(verifyStart).toBeGreaterThan(at(log, 'aws-end RemovePermissionCommand'));
    expect(at(log, 'publish remediated')).toBeLessThan(verifyEnd);
    expect(at(log, 'start completeFinding')).toBeLessThan(verifyEnd);
    // Published and stored as applied, verification running; it held, so nothing follows.
    expect(published.map((p) => [p.kind, p.outcome.status, p.outcome.verification, p.outcome.verified])).toEqual([['first', 'remediated', 'running', undefined]]);
    const stored = await inner.getFinding(f.id, 'e');
    expect(stored).toMatchObject({ status: 'done', outcome: { status: 'remediated', verification: 'running', restore: { id: restoreId(f.id, 'e') } } });
    expect(await inner.getApproval(restoreId(f.id, 'e'))).toMatchObject({ kind: 'restore', status: 'pending', findingId: f.id });
  });

  it('sends a follow-up when the change did not hold: the stored outcome is revised and a second publish says so', async () => {
    // RemovePermission answers but the statement stays (someone put it back at once): the verifying read still finds it.
    const { ex, inner, publish, published } = setup({}, (command, real) => (command.constructor.name === 'RemovePermissionCommand' ? Promise.resolve({}) : real()));
    const f = publicAccessFinding({ actor: ALICE, details: OPEN_STATEMENT });
    const outcome = await ex.handle(f, { eventId: 'e' }, publish);
    expect(outcome).toMatchObject({ status: 'remediated', verified: false, verification: 'failed', restore: { id: restoreId(f.id, 'e') } });
    expect(outcome.detail).toContain('did not hold on re-reading');
    expect(published.map((p) => [p.kind, p.outcome.status, p.outcome.verification, p.outcome.verified])).toEqual([
      ['first', 'remediated', 'running', undefined],
      ['follow-up', 'remediated', 'failed', false],
    ]);
    expect((await inner.getFinding(f.id, 'e'))?.outcome).toMatchObject({ status: 'remediated', verified: false, verification: 'failed' });
    // As before #16: a Restore is still offered for a change that was made.
    expect(await inner.getApproval(restoreId(f.id, 'e'))).toMatchObject({ kind: 'restore', status: 'pending' });
  });

  it('sends a follow-up when the verifying read fails: failed, no Restore offered, the record kept (as before #16)', async () => {
    // The change lands; the verifying read after it is refused.
    let removed = false;
    const { ex, inner, publish, published, account } = setup({}, async (command, real) => {
      if (command.constructor.name === 'GetPolicyCommand' && removed) throw Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });
      const answer = await real();
      if (command.constructor.name === 'RemovePermissionCommand') removed = true;
      return answer;
    });
    const f = publicAccessFinding({ actor: ALICE, details: OPEN_STATEMENT });
    const outcome = await ex.handle(f, { eventId: 'e' }, publish);
    expect(account.lambda.policyDocument({ kind: 'lambda-function', account: ACCOUNT, region: REGION, functionName: 'orders-api' })).toBeNull();
    expect(outcome).toMatchObject({ status: 'failed', verification: 'failed', error: { name: 'TooManyRequestsException' } });
    expect(outcome.restore).toBeUndefined();
    expect(published.map((p) => [p.kind, p.outcome.status, p.outcome.verification])).toEqual([
      ['first', 'remediated', 'running'],
      ['follow-up', 'failed', 'failed'],
    ]);
    expect((await inner.getFinding(f.id, 'e'))?.outcome).toMatchObject({ status: 'failed', verification: 'failed' });
    expect(await inner.getApproval(restoreId(f.id, 'e'))).toMatchObject({ kind: 'restore' });
  });

  it('sends a follow-up when the plan’s run throws after the change (not an AWS error): the change is unconfirmed, and said so', async () => {
    // The clock fails once, on the outcome the run builds after its verifying read: the run rejects after the change.
    let failOnce = false;
    const clock = () => {
      if (failOnce) {
        failOnce = false;
        throw new Error('clock unavailable');
      }
      return NOW;
    };
    let removed = false;
    const { ex, inner, publish, published } = setup(
      {},
      async (command, real) => {
        // The verifying read answers (the policy is gone: ResourceNotFoundException, which the action takes as removed).
        if (command.constructor.name === 'GetPolicyCommand' && removed) failOnce = true;
        const answer = await real();
        if (command.constructor.name === 'RemovePermissionCommand') removed = true;
        return answer;
      },
      clock,
    );
    const f = publicAccessFinding({ actor: ALICE, details: OPEN_STATEMENT });
    const outcome = await ex.handle(f, { eventId: 'e' }, publish);
    expect(outcome).toMatchObject({ status: 'failed', verification: 'failed', error: { name: 'Error', message: 'clock unavailable' } });
    expect(published.map((p) => [p.kind, p.outcome.status, p.outcome.verification])).toEqual([
      ['first', 'remediated', 'running'],
      ['follow-up', 'failed', 'failed'],
    ]);
    expect((await inner.getFinding(f.id, 'e'))?.outcome).toMatchObject({ status: 'failed', verification: 'failed' });
  });

  // Changed deliberately for #16 (a): the completed claim is no longer released when its publish fails (the retry redid the work,
  // and an automatic revert found nothing left to revert: its audit event was lost); the stored outcome is published by the retry.
  it('keeps the outcome it completed when the publish fails, and the retried delivery publishes it without asking again', async () => {
    const { ex, inner } = setup();
    const f = publicAccessFinding({ actor: ALICE, mode: 'approve' });
    await expect(ex.handle(f, { eventId: 'e' }, () => Promise.reject(new Error('bus down')))).rejects.toThrow('bus down');
    expect(await inner.getFinding(f.id, 'e')).toMatchObject({ status: 'done', publish: 'pending', outcome: { status: 'pending-approval' } });
    const published: string[] = [];
    const retried = await ex.handle(f, { eventId: 'e' }, (o) => (published.push(o.status), Promise.resolve()));
    expect(retried.status).toBe('pending-approval');
    expect(published).toEqual(['pending-approval']);
    expect((await inner.getFinding(f.id, 'e'))?.status).toBe('done');
    expect((await inner.getFinding(f.id, 'e'))?.publish).toBeUndefined();
    // Published once: a third delivery is a duplicate.
    expect((await ex.handle(f, { eventId: 'e' }, (o) => (published.push(o.status), Promise.resolve()))).status).toBe('duplicate');
    expect(published).toEqual(['pending-approval']);
  });

  it('publishes the audit event of an automatic revert whose first publish failed, on the retry, without reverting again (#16 a)', async () => {
    const { ex, inner, timeline, account } = setup();
    const f = publicAccessFinding({ actor: ALICE });
    await expect(ex.handle(f, { eventId: 'e' }, () => Promise.reject(new Error('bus down')))).rejects.toThrow('bus down');
    expect(account.lambda.policyDocument({ kind: 'lambda-function', account: ACCOUNT, region: REGION, functionName: 'orders-api' })).toBeNull();
    timeline.log.length = 0;
    const published: ExecutionOutcome[] = [];
    const retried = await ex.handle(f, { eventId: 'e' }, (o) => (published.push(o), Promise.resolve()));
    expect(retried).toMatchObject({ status: 'remediated', verified: true, findingId: f.id, eventId: 'e' });
    expect(published.map((o) => o.status)).toEqual(['remediated']);
    expect(timeline.log.filter((e) => e.startsWith('aws '))).toEqual([]);
    expect((await inner.getFinding(f.id, 'e'))?.publish).toBeUndefined();
  });

  it('gives the claim back when neither the outcome nor the publish landed, so the retried delivery does the work again', async () => {
    const { ex, inner } = setup();
    const f = publicAccessFinding({ actor: ALICE, mode: 'approve' });
    const complete = inner.completeFinding.bind(inner);
    inner.completeFinding = () => Promise.reject(new Error('table down'));
    await expect(ex.handle(f, { eventId: 'e' }, () => Promise.reject(new Error('bus down')))).rejects.toThrow();
    expect(await inner.getFinding(f.id, 'e')).toBeNull();
    inner.completeFinding = complete;
    const published: string[] = [];
    expect((await ex.handle(f, { eventId: 'e' }, (o) => (published.push(o.status), Promise.resolve()))).status).toBe('pending-approval');
    expect(published).toEqual(['pending-approval']);
  });

  it('stores a pending approval before publishing it, takes no budget and starts no session in approve mode', async () => {
    const { ex, timeline, sessions, publish, count, account } = setup();
    const f = publicAccessFinding({ actor: ALICE, mode: 'approve' });
    const outcome = await ex.handle(f, { eventId: 'e' }, publish);
    expect(outcome.status).toBe('pending-approval');
    // A pending approval is written with its per-finding pointer (one open question per finding, #13 gap 10), in the claim's
    // transaction since #16 (changed deliberately: no separate openApproval write).
    expect(timeline.log).not.toContain('start openApproval');
    expect(at(timeline.log, 'end claimFindingChecked')).toBeLessThan(at(timeline.log, 'publish pending-approval'));
    expect(timeline.log).not.toContain('start incrementCounter');
    expect(sessions).toEqual([]);
    expect([await count(f, 'principal'), await count(f, 'account'), await count(f, 'global')]).toEqual([0, 0, 0]);
    expect(account.lambda.policyDocument({ kind: 'lambda-function', account: ACCOUNT, region: REGION, functionName: 'orders-api' })).not.toBeNull();
  });

  // Changed deliberately for #16: the duplicate's counts were taken and given back; now its refused transaction takes none.
  it('takes no count for a claim that another delivery holds (a duplicate spends no budget)', async () => {
    const { ex, count, publish, timeline } = setup();
    const f = publicAccessFinding({ actor: ALICE });
    expect((await ex.handle(f, { eventId: 'e' }, publish)).status).toBe('remediated');
    expect([await count(f, 'principal'), await count(f, 'account'), await count(f, 'global')]).toEqual([1, 1, 1]);
    timeline.log.length = 0;
    expect((await ex.handle(f, { eventId: 'e' }, publish)).status).toBe('duplicate');
    expect([await count(f, 'principal'), await count(f, 'account'), await count(f, 'global')]).toEqual([1, 1, 1]);
    expect(timeline.log.filter((e) => e.startsWith('start '))).toEqual(['start claimFindingChecked']);
  });

  it('gives back the counts of a finding a decided exemption stops, and publishes it exempt', async () => {
    const { ex, inner, count, publish, timeline, account } = setup();
    const decided = { resource: FUNCTION_ARN, ruleId: 'function-public-access', until: '2025-04-13T09:30:00.000Z', by: 'U0APPROVER', recordId: 'wa-1', decision: 'rejected-and-exempted' as const, createdAt: NOW.toISOString() };
    await inner.putExemption({ ...decided, tag: await ex.integrity.sign('exemption', exemptionFields(decided)) });
    const f = publicAccessFinding({ actor: ALICE });
    expect((await ex.handle(f, { eventId: 'e' }, publish)).status).toBe('exempt');
    expect([await count(f, 'principal'), await count(f, 'account'), await count(f, 'global')]).toEqual([0, 0, 0]);
    expect(timeline.log).not.toContain('aws RemovePermissionCommand');
    expect(account.lambda.policyDocument({ kind: 'lambda-function', account: ACCOUNT, region: REGION, functionName: 'orders-api' })).not.toBeNull();
  });

  it('counts as if the counters were taken one by one: an exhausted principal leaves the account and the organization untouched', async () => {
    const { ex, count, publish } = setup({ circuitBreaker: { maxPerPrincipal: 1, maxRemediations: 10, maxGlobal: 10 } });
    const first = publicAccessFinding({ actor: ALICE });
    expect((await ex.handle(first, { eventId: 'e1' }, publish)).status).toBe('remediated');
    const second = publicAccessFinding({ id: 'wf-2', actor: ALICE });
    const outcome = await ex.handle(second, { eventId: 'e2' }, publish);
    expect(outcome).toMatchObject({ status: 'pending-approval', circuitBreaker: { scope: 'principal', justTripped: true } });
    expect([await count(first, 'principal'), await count(first, 'account'), await count(first, 'global')]).toEqual([1, 1, 1]);
  });

  it('keeps the counts before an exhausted account counter, as the one-by-one order did', async () => {
    const { ex, count, publish, timeline } = setup({ circuitBreaker: { maxPerPrincipal: 10, maxRemediations: 1, maxGlobal: 10 } });
    expect((await ex.handle(publicAccessFinding({ actor: ALICE }), { eventId: 'e1' }, publish)).status).toBe('remediated');
    const second = publicAccessFinding({ id: 'wf-2', actor: ALICE });
    timeline.log.length = 0;
    expect(await ex.handle(second, { eventId: 'e2' }, publish)).toMatchObject({ status: 'pending-approval', circuitBreaker: { scope: 'account' } });
    // The transaction with the counts was refused (the account's counter is at its limit): the claim and the counts one by one.
    expect(timeline.log.filter((e) => e === 'start claimFindingChecked')).toHaveLength(2);
    expect(timeline.log.filter((e) => e === 'start incrementCounter')).toHaveLength(3);
    // The principal's count was taken before the account's was refused (kept); the organization's after (given back).
    expect([await count(second, 'principal'), await count(second, 'account'), await count(second, 'global')]).toEqual([2, 1, 1]);
  });

  it('starts no session and takes no budget under dry-run or for the bot’s own resources', async () => {
    const dry = setup({ dryRun: true });
    expect((await dry.ex.handle(publicAccessFinding({ actor: ALICE }), { eventId: 'e' }, dry.publish)).status).toBe('dry-run');
    expect(dry.sessions).toEqual([]);
    expect(dry.timeline.log).not.toContain('start incrementCounter');
    lambda?.mock.restore();
    const own = setup({ exemptions: { resources: [{ arn: FUNCTION_ARN }] } });
    expect((await own.ex.handle(publicAccessFinding({ actor: ALICE }), { eventId: 'e' }, own.publish)).status).toBe('exempt');
    expect(own.sessions).toEqual([]);
    expect(own.timeline.log).not.toContain('start incrementCounter');
  });
});

// Issue #16 (calls ≤ 8): the counts ride in the claim's transaction on DynamoDB (the project's fake, judging the responder's grants);
// any cancellation other than the claim being held falls back to the claim and the counts one by one.
describe('Executor on the DynamoDB store: counts in the claim’s transaction, and the fallback', () => {
  let table: FakeTable | undefined;
  afterEach(() => {
    table?.restore();
    table = undefined;
  });

  function dynamoSetup(breaker: { maxPerPrincipal: number; maxRemediations: number; maxGlobal: number } = { maxPerPrincipal: 10, maxRemediations: 10, maxGlobal: 10 }) {
    const account = new InMemoryAccount({ defaultAccount: ACCOUNT, defaultRegion: REGION });
    account.replay(addPermissionEvent({ statementId: 'open', principal: '*' }));
    lambda = installLambdaMock(account, mockClient(LambdaClient));
    const fake = installDynamoDbFake({ as: 'responder' });
    table = fake;
    const store = new DynamoDbStateStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: REGION })), 'warden-state');
    const config = parseConfig({ organization: { accounts: [ACCOUNT] }, dryRun: false, circuitBreaker: breaker });
    const ex = new Executor({ config, store: responderView(store), clientsFor: () => ({ lambda: new LambdaClient({ region: REGION }) }), now: () => NOW });
    const windowMs = config.circuitBreaker.windowMinutes * 60_000;
    const windowStart = new Date(Math.floor(NOW.getTime() / windowMs) * windowMs).toISOString();
    const counts = (finding: Finding) => breakerCounters(finding, config.circuitBreaker).map((c) => fake.items.get(`COUNTER#${c.name}\u0000WINDOW#${windowStart}`)?.count ?? 0);
    const commands = () => fake.calls.map((c) => `${c.command} ${(((c.input.Key ?? c.input.Item) as { pk?: string } | undefined)?.pk ?? '').split('#')[0] ?? ''}`.trim());
    const policy = () => account.lambda.policyDocument({ kind: 'lambda-function', account: ACCOUNT, region: REGION, functionName: 'orders-api' });
    return { ex, fake, counts, commands, policy };
  }

  it('reverts with one transaction holding the claim, the exemption check and the three counts, and one holding the completion', async () => {
    const { ex, fake, counts, commands, policy } = dynamoSetup();
    const f = publicAccessFinding({ actor: ALICE, details: OPEN_STATEMENT });
    expect(await ex.handle(f, { eventId: 'e' }, () => Promise.resolve())).toMatchObject({ status: 'remediated', verified: true, restore: { id: restoreId(f.id, 'e') } });
    expect(policy()).toBeNull();
    expect(counts(f)).toEqual([1, 1, 1]);
    expect(commands()).toEqual(['TransactWrite', 'TransactWrite']);
    const [claim, completion] = fake.calls.map((c) => (c.input as { TransactItems: Record<string, unknown>[] }).TransactItems.map((item) => Object.keys(item)[0]));
    expect(claim).toEqual(['Put', 'ConditionCheck', 'Update', 'Update', 'Update']);
    expect(completion).toEqual(['Update', 'Put']);
    expect(fake.items.get(`APPROVAL#${restoreId(f.id, 'e')}\u0000APPROVAL`)).toMatchObject({ kind: 'restore', status: 'pending' });
    expect(fake.denied).toEqual([]);
  });

  it.each(['TransactionConflict', 'ThrottlingError'])('falls back to the claim and the counts one by one when the transaction is cancelled for a %s, and reverts', async (code) => {
    const { ex, fake, counts, commands, policy } = dynamoSetup();
    fake.conflictNext(1, code);
    const f = publicAccessFinding({ actor: ALICE });
    expect(await ex.handle(f, { eventId: 'e' }, () => Promise.resolve())).toMatchObject({ status: 'remediated', verified: true });
    expect(policy()).toBeNull();
    expect(counts(f)).toEqual([1, 1, 1]);
    // The cancelled transaction, then the claim's transaction (without counts) and the three counts together.
    expect(commands()[0]).toBe('TransactWrite');
    expect([...commands().slice(1, 5)].sort()).toEqual(['TransactWrite', 'Update COUNTER', 'Update COUNTER', 'Update COUNTER']);
    expect(fake.denied).toEqual([]);
  });

  it('opens the breaker through the fallback when the account counter is exhausted, keeping the principal’s count as before', async () => {
    const { ex, counts, policy } = dynamoSetup({ maxPerPrincipal: 10, maxRemediations: 1, maxGlobal: 10 });
    expect((await ex.handle(publicAccessFinding({ actor: ALICE }), { eventId: 'e1' }, () => Promise.resolve())).status).toBe('remediated');
    const second = publicAccessFinding({ id: 'wf-2', actor: ALICE, remediation: { action: 'remove-function-permission', params: { functionName: FUNCTION_ARN, statementId: 'other' }, description: 'd' } });
    expect(await ex.handle(second, { eventId: 'e2' }, () => Promise.resolve())).toMatchObject({ status: 'pending-approval', circuitBreaker: { scope: 'account', justTripped: true } });
    expect(counts(second)).toEqual([2, 1, 1]);
    expect(policy()).toBeNull();
  });

  it('takes no count for a duplicate delivery', async () => {
    const { ex, counts, commands, fake } = dynamoSetup();
    const f = publicAccessFinding({ actor: ALICE });
    await ex.handle(f, { eventId: 'e' }, () => Promise.resolve());
    fake.calls.length = 0;
    expect((await ex.handle(f, { eventId: 'e' }, () => Promise.resolve())).status).toBe('duplicate');
    expect(commands()).toEqual(['TransactWrite']);
    expect(counts(f)).toEqual([1, 1, 1]);
  });
});
