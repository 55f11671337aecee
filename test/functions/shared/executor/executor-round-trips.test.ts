/**
 * Issue #16: the executor pays for its safety checks in parallel, not in sequence. These tests pin the
 * orderings it relies on (the claim before any change, the record stored before the outcome is published,
 * the published outcome before the claim is completed) and the counts the circuit breaker ends with.
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../../../functions/shared/contract/finding';
import { parseConfig } from '../../../../functions/shared/config/config';
import { breakerCounters, Executor } from '../../../../functions/shared/executor/executor';
import type { ExecutionOutcome } from '../../../../functions/shared/contract/outcome';
import { InMemoryStateStore } from '../../../../functions/shared/store/in-memory-state-store';
import { exemptionFields } from '../../../../functions/shared/store/integrity';
import type { ResponderStateStore } from '../../../../functions/shared/store/state-store';
import { InMemoryAccount } from '../../../../sim/in-memory-account';
import { installLambdaMock, type LambdaMockHandle } from '../../../../sim/lambda-mock';
import { ACCOUNT, FUNCTION_ARN, REGION } from '../../../fixtures/accounts';
import { addPermissionEvent } from '../../../fixtures/cloudtrail';
import { publicAccessFinding } from '../../../fixtures/findings';

const NOW = new Date('2025-03-14T09:30:00Z');
const ALICE = { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, sourceIPAddress: undefined, userAgent: undefined };

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

function setup(config: Record<string, unknown> = {}) {
  const account = new InMemoryAccount({ defaultAccount: ACCOUNT, defaultRegion: REGION });
  account.replay(addPermissionEvent({ statementId: 'open', principal: '*' }));
  lambda = installLambdaMock(account, mockClient(LambdaClient));
  const client = new LambdaClient({ region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const timeline: Timeline = { log: [], maxInFlight: 0 };
  const inner = new InMemoryStateStore();
  const sessions: string[] = [];
  const lambdaClient = { send: (command: { constructor: { name: string } }) => (timeline.log.push(`aws ${command.constructor.name}`), client.send(command as never)) } as unknown as LambdaClient;
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
    now: () => NOW,
  });
  const publish = (outcome: ExecutionOutcome) => {
    timeline.log.push(`publish ${outcome.status}`);
    return Promise.resolve();
  };
  /** The count a counter holds now (a probe with limit 0 never adds). */
  const count = async (finding: Finding, scope: 'principal' | 'account' | 'global') => {
    const counter = breakerCounters(finding, parsed.circuitBreaker).find((c) => c.scope === scope);
    const windowMs = parsed.circuitBreaker.windowMinutes * 60_000;
    const windowStart = new Date(Math.floor(NOW.getTime() / windowMs) * windowMs);
    return (await inner.incrementCounter({ name: counter?.name ?? '', windowStart, windowSeconds: 60, limit: 0 })).count;
  };
  return { ex, inner, timeline, sessions, publish, count, account };
}

const at = (log: readonly string[], entry: string) => {
  const index = log.indexOf(entry);
  if (index === -1) throw new Error(`${entry} not in ${log.join(', ')}`);
  return index;
};

describe('Executor round trips (issue #16)', () => {
  it('reads the exemption, takes the budget and starts the session together with the claim, and changes nothing before the claim is taken', async () => {
    const { ex, timeline, sessions, publish, account } = setup();
    const f = publicAccessFinding({ actor: ALICE });
    const outcome = await ex.handle(f, { eventId: 'e' }, publish);
    expect(outcome).toMatchObject({ status: 'remediated', verified: true });
    expect(account.lambda.policyDocument({ kind: 'lambda-function', account: ACCOUNT, region: REGION, functionName: 'orders-api' })).toBeNull();
    const { log } = timeline;
    // The claim (with its exemption check, one transaction since #16: no separate read) and the three counters are in flight at once.
    expect(timeline.maxInFlight).toBeGreaterThanOrEqual(4);
    expect(log).not.toContain('start getExemption');
    expect(log.filter((e) => e === 'start incrementCounter')).toHaveLength(3);
    expect(log.indexOf('start incrementCounter')).toBeLessThan(at(log, 'end claimFindingChecked'));
    expect(at(log, 'session')).toBeLessThan(at(log, 'end claimFindingChecked'));
    expect(sessions).toEqual([f.id]);
    // Nothing in the account changes before the claim, the exemption check and every count are settled.
    const remove = at(log, 'aws RemovePermissionCommand');
    expect(at(log, 'end claimFindingChecked')).toBeLessThan(remove);
    expect(log.lastIndexOf('end incrementCounter')).toBeLessThan(remove);
    // The verifying read comes before the outcome is published; the claim is completed together with publishing (changed deliberately for #16:
    // a failed publish now releases the completed claim, see the test below).
    expect(log.lastIndexOf('aws GetPolicyCommand')).toBeGreaterThan(remove);
    expect(log.lastIndexOf('aws GetPolicyCommand')).toBeLessThan(at(log, 'publish remediated'));
    expect(at(log, 'start completeFinding')).toBe(at(log, 'publish remediated') + 1);
    expect(at(log, 'end completeFinding')).toBeGreaterThan(at(log, 'start completeFinding'));
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

  it('gives back the counts taken with a claim that another delivery holds', async () => {
    const { ex, count, publish } = setup();
    const f = publicAccessFinding({ actor: ALICE });
    expect((await ex.handle(f, { eventId: 'e' }, publish)).status).toBe('remediated');
    expect([await count(f, 'principal'), await count(f, 'account'), await count(f, 'global')]).toEqual([1, 1, 1]);
    expect((await ex.handle(f, { eventId: 'e' }, publish)).status).toBe('duplicate');
    expect([await count(f, 'principal'), await count(f, 'account'), await count(f, 'global')]).toEqual([1, 1, 1]);
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
    const { ex, count, publish } = setup({ circuitBreaker: { maxPerPrincipal: 10, maxRemediations: 1, maxGlobal: 10 } });
    expect((await ex.handle(publicAccessFinding({ actor: ALICE }), { eventId: 'e1' }, publish)).status).toBe('remediated');
    const second = publicAccessFinding({ id: 'wf-2', actor: ALICE });
    expect(await ex.handle(second, { eventId: 'e2' }, publish)).toMatchObject({ status: 'pending-approval', circuitBreaker: { scope: 'account' } });
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
