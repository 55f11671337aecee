/**
 * Issue #12 items 4–7 and 10, end to end on the in-memory account: the bot's own calls are recognised
 * exactly, its own resources are the stacks' (not names), the circuit breaker counts per principal, account
 * and organization, and events from outside the organization, of bogus regions or oversized are refused cleanly.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WARDEN_SOURCE_IDENTITY } from '../../../functions/shared/self/own-sessions';
import { ACCOUNT, FOREIGN_ACCOUNT, ORG_ACCOUNT, REGION } from '../../fixtures/accounts';
import { addPermissionEvent, assumedRole, iamUser, identities, REMEDIATION_SESSION } from '../../fixtures/cloudtrail';
import { createHarness, harnessConfig, type Harness } from './responder-harness';

let harness: Harness;
afterEach(() => {
  harness.dispose();
});

const fn = (functionName: string, account = ACCOUNT) => ({ kind: 'lambda-function', account, region: REGION, functionName }) as const;
const arnOf = (functionName: string, account = ACCOUNT): string => `arn:aws:lambda:${REGION}:${account}:function:${functionName}`;

function statementIds(h: Harness, functionName: string, account = ACCOUNT): string[] {
  return (h.account.lambda.policyDocument(fn(functionName, account))?.Statement as { Sid?: string }[] | undefined)?.map((s) => s.Sid ?? '') ?? [];
}

/** A public statement added to `functionName` in `account` by `identity`, replayed on the in-memory account and handled. */
async function publicPermission(functionName: string, options: { account?: string; identity?: ReturnType<typeof iamUser>; eventID?: string } = {}) {
  const account = options.account ?? ACCOUNT;
  const event = addPermissionEvent(
    { functionName: arnOf(functionName, account), statementId: 'open', principal: '*' },
    { account, identity: options.identity ?? iamUser('mallory', account), ...(options.eventID === undefined ? {} : { eventID: options.eventID }) },
  );
  harness.account.replay(event);
  return harness.responder.handle(event);
}

describe('own identity is exact', () => {
  it.each([
    ['the remediator role name in another account', identities.remediator('WardenRemediator', ORG_ACCOUNT)],
    ['the remediator role name under a path', assumedRole('WardenRemediator', REMEDIATION_SESSION, { path: '/taken-over/', sourceIdentity: WARDEN_SOURCE_IDENTITY })],
    ['a session name the responder never sets', assumedRole('WardenRemediator', 'console-admin', { sourceIdentity: WARDEN_SOURCE_IDENTITY })],
    ['no source identity', assumedRole('WardenRemediator', REMEDIATION_SESSION)],
  ])('judges a WardenRemediator session with %s like anyone’s: the public statement is removed', async (_label, identity) => {
    harness = createHarness();
    const record = await publicPermission('orders-api', { identity });
    expect(record.ignored).toBeNull();
    expect(record.outcomes.map((o) => o.status)).toEqual(['remediated']);
    expect(statementIds(harness, 'orders-api')).toEqual([]);
  });

  it("ignores the bot's own session and sets the source identity on every AssumeRole of the remediator", async () => {
    harness = createHarness();
    const own = await publicPermission('orders-api', { identity: identities.remediator() });
    expect(own).toMatchObject({ ignored: { kind: 'own-action' }, outcomes: [] });
    expect(statementIds(harness, 'orders-api')).toEqual(['open']);
    await publicPermission('orders-api', { eventID: 'by-mallory' });
    expect(harness.assumeRoles.length).toBeGreaterThan(0);
    expect(harness.assumeRoles.every((call) => call.SourceIdentity === WARDEN_SOURCE_IDENTITY)).toBe(true);
  });
});

describe('self-protection by exact resources', () => {
  it("reverts a member account's WardenPayments like any other function", async () => {
    harness = createHarness();
    const record = await publicPermission('WardenPayments');
    expect(record.outcomes.map((o) => `${o.ruleId}:${o.status}`)).toEqual(['function-public-access:remediated']);
    expect(statementIds(harness, 'WardenPayments')).toEqual([]);
  });

  it("reports a change to the central stack's function in the security account without touching it", async () => {
    harness = createHarness({ config: harnessConfig({ selfProtection: { securityAccount: ORG_ACCOUNT, centralStack: 'WardenCentral' } }) });
    const responder = 'WardenCentral-ResponderFunction12AB-x1y2z3';
    const record = await publicPermission(responder, { account: ORG_ACCOUNT });
    expect(record.outcomes.map((o) => `${o.ruleId}:${o.status}`).sort()).toEqual(['function-public-access:exempt', 'warden-function-changed:alerted']);
    expect(statementIds(harness, responder, ORG_ACCOUNT)).toEqual(['open']);
    // The same name in a member account is nobody's in particular.
    const lookalike = await publicPermission(responder);
    expect(lookalike.outcomes.map((o) => `${o.ruleId}:${o.status}`)).toEqual(['function-public-access:remediated']);
  });
});

describe('circuit breaker per account and principal', () => {
  const config = harnessConfig({ rules: { 'function-public-access': { mode: 'auto' } } });

  it("leaves another account's auto finding auto after a burst of 11 public functions in one account", async () => {
    harness = createHarness({ config });
    const burst = [];
    // Eleven principals, so the account's own limit (10) is what trips.
    for (let i = 0; i < 11; i += 1) burst.push(...(await publicPermission(`throwaway-${String(i)}`, { identity: iamUser(`intern-${String(i)}`) })).outcomes);
    expect(burst.map((o) => o.status)).toEqual([...Array<string>(10).fill('remediated'), 'pending-approval']);
    expect(burst[10]?.circuitBreaker).toMatchObject({ scope: 'account', key: ACCOUNT, limit: 10, justTripped: true });

    const other = await publicPermission('payments-api', { account: ORG_ACCOUNT });
    expect(other.outcomes.map((o) => `${o.status}/${o.effectiveMode}`)).toEqual(['remediated/auto']);
    expect(statementIds(harness, 'payments-api', ORG_ACCOUNT)).toEqual([]);
    expect(harness.eventsOf('Warden Alert').map((e) => [e.detail.scope, e.detail.key])).toEqual([['account', ACCOUNT]]);
  });

  it("holds back one principal's burst at its own limit, alerting once, while others in its account stay auto", async () => {
    harness = createHarness({ config });
    const mallory = iamUser('mallory');
    const outcomes = [];
    for (let i = 0; i < 7; i += 1) outcomes.push(...(await publicPermission(`mallory-${String(i)}`, { identity: mallory })).outcomes);
    expect(outcomes.map((o) => o.status)).toEqual([...Array<string>(5).fill('remediated'), 'pending-approval', 'pending-approval']);
    expect(outcomes.map((o) => o.circuitBreaker?.justTripped)).toEqual([undefined, undefined, undefined, undefined, undefined, true, false]);
    expect(harness.eventsOf('Warden Alert').map((e) => [e.detail.scope, e.detail.key])).toEqual([['principal', mallory.arn]]);

    const bob = await publicPermission('orders-api', { identity: iamUser('bob') });
    expect(bob.outcomes.map((o) => o.status)).toEqual(['remediated']);
  });

  it('keeps a global ceiling across accounts', async () => {
    harness = createHarness({ config: harnessConfig({ circuitBreaker: { maxGlobal: 2 } }) });
    const first = await publicPermission('a', { identity: iamUser('one') });
    const second = await publicPermission('b', { account: ORG_ACCOUNT, identity: iamUser('two', ORG_ACCOUNT) });
    const third = await publicPermission('c', { account: ORG_ACCOUNT, identity: iamUser('three', ORG_ACCOUNT) });
    expect([first, second, third].flatMap((r) => r.outcomes.map((o) => o.status))).toEqual(['remediated', 'remediated', 'pending-approval']);
    expect(third.outcomes[0]?.circuitBreaker).toMatchObject({ scope: 'global', key: 'global', limit: 2 });
  });
});

describe('events are refused unless recorded in the organization', () => {
  it('changes nothing for an event recorded outside the organization that names an in-org function ARN', async () => {
    harness = createHarness();
    harness.account.replay(addPermissionEvent({ statementId: 'open', principal: '*' }));
    const forged = addPermissionEvent({ functionName: arnOf('orders-api'), statementId: 'open', principal: '*' }, { account: FOREIGN_ACCOUNT, identity: iamUser('mallory', FOREIGN_ACCOUNT) });
    const record = await harness.responder.handle(forged);
    expect(record).toMatchObject({ ignored: { kind: 'outside-organization' }, findings: [], outcomes: [] });
    expect(statementIds(harness, 'orders-api')).toEqual(['open']);
    expect(harness.assumeRoles).toEqual([]);
    expect(harness.lambda.calls).toEqual([]);
    expect(harness.events).toEqual([]);
  });

  it("refuses an event of one organization account naming another's function", async () => {
    harness = createHarness();
    harness.account.replay(addPermissionEvent({ statementId: 'open', principal: '*' }));
    const crossed = addPermissionEvent({ functionName: arnOf('orders-api'), statementId: 'open', principal: '*' }, { account: ORG_ACCOUNT, identity: iamUser('mallory', ORG_ACCOUNT) });
    const record = await harness.responder.handle(crossed);
    expect(record).toMatchObject({ ignored: { kind: 'resource-account-mismatch' }, outcomes: [] });
    expect(statementIds(harness, 'orders-api')).toEqual(['open']);
    expect(harness.lambda.calls).toEqual([]);
  });

  it.each(['zz-bogus-9', 'us-east-1\u0000', '../../etc'])('refuses the region %j cleanly: no throw, no read, nothing stored', async (region) => {
    harness = createHarness();
    const event = addPermissionEvent({ statementId: 'open', principal: '*' }, { region });
    const record = await harness.responder.handle(event);
    expect(record).toMatchObject({ ignored: { kind: 'invalid-region' }, findings: [], outcomes: [] });
    expect(harness.lambda.calls).toEqual([]);
    expect(harness.assumeRoles).toEqual([]);
    expect(harness.events).toEqual([]);
  });

  it('refuses an event with a 5 MB field cleanly: no throw, no read, nothing stored', async () => {
    harness = createHarness();
    const event = addPermissionEvent({ statementId: 'open', principal: '*' }, { userAgent: 'x'.repeat(5 * 1024 * 1024) });
    harness.account.replay(event);
    const record = await harness.responder.handle(event);
    expect(record).toMatchObject({ ignored: { kind: 'oversized-event' }, findings: [], outcomes: [] });
    // The reason is typed (kind + text) and nothing else: no sentence to parse back, no intake fields.
    expect(Object.keys(record.ignored ?? {}).sort()).toEqual(['kind', 'text']);
    expect(record.ignored?.text).toMatch(/^the event is larger than \d+ KiB .*: refused$/);
    expect(harness.lambda.calls).toEqual([]);
    expect(harness.events).toEqual([]);
  });

  it('truncates an over-long field and judges the event', async () => {
    harness = createHarness();
    const event = addPermissionEvent({ statementId: 'open', principal: '*' }, { userAgent: 'y'.repeat(100 * 1024) });
    harness.account.replay(event);
    const record = await harness.responder.handle(event);
    expect(record.outcomes.map((o) => o.status)).toEqual(['remediated']);
    expect(record.findings[0]?.actor?.userAgent?.length).toBeLessThanOrEqual(64 * 1024 + 20);
    expect(harness.events.every((e) => e.raw.length < 256 * 1024)).toBe(true);
  });
});
