import { afterEach, describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../../functions/shared/errors';
import { approvalId } from '../../../functions/shared/executor/executor';
import type { ExecutionOutcome } from '../../../functions/shared/contract/outcome';
import { ACCOUNT, FOREIGN_ACCOUNT, FUNCTION_ARN, FUNCTION_NAME, LAYER_VERSION, ORG_ACCOUNT, REGION } from '../../fixtures/accounts';
import { addLayerVersionPermissionEvent, addPermissionEvent, assumedRole, createFunctionUrlConfigEvent, identities, lambdaEvent } from '../../fixtures/cloudtrail';
import { createHarness, harnessConfig, BUS, type Harness } from './responder-harness';

const functionRef = { kind: 'lambda-function', account: ACCOUNT, region: REGION, functionName: FUNCTION_NAME } as const;
const layerRef = { kind: 'lambda-layer-version', account: ACCOUNT, region: REGION, layerName: 'orders-common', version: LAYER_VERSION } as const;

let harness: Harness;
afterEach(() => {
  harness.dispose();
});

/** A stored finding record as someone writing to the table sees it: any attributes under its key. */
type StoredRecord = { readonly findingId: string; readonly eventId: string; readonly [field: string]: unknown };

/**
 * Handles `event` while EventBridge refuses every PutEvents (the handler must fail, so the delivery is retried),
 * runs `whileDown` before the bus is back, then puts the bus back.
 */
async function handleWithBusDown(h: Harness, event: unknown, whileDown: () => void = () => undefined): Promise<void> {
  const sink = (h.responder as unknown as { options: { sink: { publish: (e: unknown) => Promise<void> } } }).options.sink;
  const publish = sink.publish.bind(sink);
  sink.publish = () => Promise.reject(new Error('EventBridge unavailable'));
  try {
    await expect(h.responder.handle(event)).rejects.toThrow('EventBridge unavailable');
    whileDown();
  } finally {
    sink.publish = publish;
  }
}

function sids(h: Harness): string[] {
  return (h.account.lambda.policyDocument(functionRef)?.Statement as { Sid?: string }[] | undefined)?.map((s) => s.Sid ?? '') ?? [];
}

function statuses(outcomes: readonly ExecutionOutcome[]): string[] {
  return outcomes.map((o) => `${o.ruleId}:${o.status}`);
}

describe('responder (end to end on the in-memory account)', () => {
  it('removes a public statement in auto mode, verifies it, and emits the finding and the remediation', async () => {
    harness = createHarness();
    const event = addPermissionEvent({ statementId: 'open', principal: '*' });
    harness.account.replay(addPermissionEvent({ statementId: 'apigw', principal: 'apigateway.amazonaws.com', sourceArn: 'arn:aws:execute-api:us-east-1:111122223333:abc/*' }));
    harness.account.replay(event);
    const record = await harness.responder.handle(event);
    expect(statuses(record.outcomes)).toEqual(['function-public-access:remediated']);
    expect(record.outcomes[0]?.verified).toBe(true);
    expect(sids(harness)).toEqual(['apigw']);
    const [finding] = harness.eventsOf('Warden Finding');
    const [remediation] = harness.eventsOf('Warden Remediation');
    expect(harness.events).toHaveLength(2);
    expect(finding).toMatchObject({ source: 'lambda-warden', bus: BUS, detail: { finding: { ruleId: 'function-public-access', resource: FUNCTION_ARN }, outcome: { status: 'remediated' } } });
    // Changed deliberately for #16 (4 round trips): the events go out while the verifying read runs, and say so; the
    // verification held, so no follow-up is sent (the responder's own record says it held).
    expect(remediation?.detail).toMatchObject({ status: 'remediated', verification: 'running', plan: { call: `lambda:RemovePermission FunctionName=${FUNCTION_ARN} StatementId=open` } });
    expect(remediation?.detail.verified).toBeUndefined();
    expect(record.outcomes[0]?.verification).toBe('held');
    expect(harness.assumeRoles.map((r) => r.RoleArn)).toEqual(['arn:aws:iam::111122223333:role/WardenRemediator', 'arn:aws:iam::111122223333:role/WardenRemediator']);
    expect(harness.assumeRoles.map((r) => r.RoleSessionName)).toEqual(['warden-read', `warden-${record.findings[0]?.id ?? ''}`]);
  });

  it('sets a public function URL to AWS_IAM when the rule runs in auto mode', async () => {
    harness = createHarness({ config: harnessConfig({ rules: { 'function-url-public': { mode: 'auto' } } }) });
    const event = createFunctionUrlConfigEvent({ authType: 'NONE' });
    harness.account.replay(event);
    const record = await harness.responder.handle(event);
    expect(statuses(record.outcomes)).toContain('function-url-public:remediated');
    expect(harness.account.lambda.urlConfig(functionRef)?.AuthType).toBe('AWS_IAM');
    expect(harness.eventsOf('Warden Remediation').map((e) => e.detail.ruleId)).toContain('function-url-public');
  });

  it('removes a public layer version statement', async () => {
    harness = createHarness();
    const event = addLayerVersionPermissionEvent({ statementId: 'everyone', principal: '*' });
    harness.account.replay(event);
    const record = await harness.responder.handle(event);
    expect(statuses(record.outcomes)).toEqual(['layer-version-public:remediated']);
    expect(harness.account.lambda.layerPolicyDocument(layerRef)).toBeNull();
    expect(harness.eventsOf('Warden Remediation')).toHaveLength(1);
  });

  it('acts once and emits once for ten concurrent deliveries of one event', async () => {
    harness = createHarness();
    const event = addPermissionEvent({ statementId: 'open', principal: '*' });
    harness.account.replay(event);
    const records = await Promise.all(Array.from({ length: 10 }, () => harness.responder.handle(structuredClone(event))));
    const all = records.flatMap((r) => r.outcomes.map((o) => o.status));
    expect(all.filter((s) => s === 'remediated')).toHaveLength(1);
    expect(all.filter((s) => s === 'duplicate')).toHaveLength(9);
    expect(harness.lambda.callsOf('RemovePermission')).toHaveLength(1);
    expect(harness.eventsOf('Warden Finding')).toHaveLength(1);
    expect(harness.eventsOf('Warden Remediation')).toHaveLength(1);
    expect(sids(harness)).toEqual([]);
  });

  it('does nothing for a stale event: the state was fixed meanwhile', async () => {
    harness = createHarness();
    const event = addPermissionEvent({ statementId: 'open', principal: '*' });
    harness.account.replay(event);
    // The engine reads the statement; before the action runs, somebody removes it.
    let removed = false;
    const original = harness.account.lambda.getPolicy.bind(harness.account.lambda);
    harness.account.lambda.getPolicy = (ref) => {
      const out = original(ref);
      if (!removed) {
        removed = true;
        harness.account.lambda.removePermission(ref, 'open');
      }
      return out;
    };
    const record = await harness.responder.handle(event);
    expect(statuses(record.outcomes)).toEqual(['function-public-access:already-compliant']);
    // The one removal attempted was guarded by the revision the engine judged, and Lambda refused it.
    const attempts = harness.lambda.callsOf('RemovePermission');
    expect(attempts).toHaveLength(1);
    expect(attempts[0]?.input.RevisionId).toEqual(expect.any(String));
    expect(harness.lambda.callsOf('GetPolicy').length).toBeGreaterThanOrEqual(1);
    expect(harness.eventsOf('Warden Remediation')[0]?.detail.status).toBe('already-compliant');
  });

  it("ignores the bot's own calls and reports a change to the bot's own function without touching it", async () => {
    harness = createHarness();
    const own = addPermissionEvent({ statementId: 'open', principal: '*' }, { identity: identities.remediator() });
    harness.account.replay(own);
    const ignored = await harness.responder.handle(own);
    expect(ignored.ignored).toEqual({ kind: 'own-action', text: expect.stringMatching(/^the bot's own action \(role [\w+=,.@-]+\)$/) as unknown });
    expect(harness.events).toEqual([]);

    // The bot's own function is the central stack's, in the security account (issue #12: not any `Warden*` name).
    harness.dispose();
    harness = createHarness({ config: harnessConfig({ selfProtection: { securityAccount: ORG_ACCOUNT, centralStack: 'WardenCentral' } }) });
    const botFunction = `arn:aws:lambda:${REGION}:${ORG_ACCOUNT}:function:WardenCentral-ResponderFunction12AB-x1y2z3`;
    const change = addPermissionEvent({ functionName: botFunction, statementId: 'open', principal: '*' }, { account: ORG_ACCOUNT });
    harness.account.replay(change);
    const record = await harness.responder.handle(change);
    expect(statuses(record.outcomes).sort()).toEqual(['function-public-access:exempt', 'warden-function-changed:alerted']);
    expect(record.outcomes.find((o) => o.status === 'exempt')?.exemption?.kind).toBe('self-protection');
    expect(harness.lambda.callsOf('RemovePermission')).toEqual([]);
    expect(harness.eventsOf('Warden Finding').map((e) => (e.detail.finding as { ruleId: string }).ruleId).sort()).toEqual(['function-public-access', 'warden-function-changed']);
  });

  it('changes nothing in dry-run and says what would have been done', async () => {
    harness = createHarness({ config: harnessConfig({ dryRun: true }) });
    const event = addPermissionEvent({ statementId: 'open', principal: '*' });
    harness.account.replay(event);
    const record = await harness.responder.handle(event);
    expect(record.outcomes[0]).toMatchObject({ status: 'dry-run', dryRun: true, detail: `dry-run: would run lambda:RemovePermission FunctionName=${FUNCTION_ARN} StatementId=open` });
    expect(sids(harness)).toEqual(['open']);
    expect(harness.lambda.calls.filter((c) => !c.command.startsWith('Get') && c.command !== 'ListTags')).toEqual([]);
    expect(harness.eventsOf('Warden Finding')).toHaveLength(1);
    expect(harness.eventsOf('Warden Remediation')).toEqual([]);
  });

  it('creates a pending approval in approve mode and changes nothing', async () => {
    harness = createHarness();
    const event = createFunctionUrlConfigEvent({ authType: 'NONE' });
    harness.account.replay(event);
    const record = await harness.responder.handle(event);
    const outcome = record.outcomes.find((o) => o.ruleId === 'function-url-public');
    expect(outcome?.status).toBe('pending-approval');
    expect(outcome?.approval?.expiresAt).toBe('2025-03-15T09:30:00.000Z');
    const approval = await harness.store.getApproval(outcome?.approval?.id ?? '');
    expect(approval).toMatchObject({ status: 'pending', plan: { action: 'set-function-url-auth-iam' } });
    expect(outcome?.approval?.id).toBe(approvalId(outcome?.findingId ?? '', record.eventId));
    expect(harness.account.lambda.urlConfig(functionRef)?.AuthType).toBe('NONE');
  });

  it.each([
    ['a tag exemption without expiry', { 'warden:exempt': 'function-public-access' }, 'exempt'],
    ['a tag exemption for all rules', { 'warden:exempt': '*', 'warden:exempt-until': '2025-04-01T00:00:00Z' }, 'exempt'],
    ['an expired tag exemption', { 'warden:exempt': 'function-public-access', 'warden:exempt-until': '2025-03-01T00:00:00Z' }, 'remediated'],
    ['a tag exemption for another rule', { 'warden:exempt': 'function-url-public' }, 'remediated'],
    ['an unparsable expiry', { 'warden:exempt': 'function-public-access', 'warden:exempt-until': 'soon' }, 'remediated'],
  ])('honours %s that was in place before the change', async (_label, tags, status) => {
    // A tag counts only when the function's baseline holds it: here a scan recorded it before the change.
    harness = createHarness();
    harness.account.lambda.createFunction(functionRef, {}, tags);
    await harness.scan(functionRef);
    harness.advance(60_000);
    const event = addPermissionEvent({ statementId: 'open', principal: '*' }, { eventTime: '2025-03-14T09:30:30Z' });
    harness.account.replay(event);
    const record = await harness.responder.handle(event);
    expect(record.outcomes.map((o) => o.status)).toEqual([status]);
    expect(sids(harness)).toEqual(status === 'exempt' ? ['open'] : []);
  });

  it.each([
    ['handled before the tag event', ['change', 'tag']],
    ['handled after the tag event', ['tag', 'change']],
  ])('reverts a public permission when an ordinary principal adds warden:exempt seconds later (%s), and reports the tag', async (_label, order) => {
    harness = createHarness();
    const change = addPermissionEvent({ statementId: 'open', principal: '*' }, { eventTime: '2025-03-14T09:26:53Z' });
    const tag = lambdaEvent('TagResource', { resource: FUNCTION_ARN, tags: { 'warden:exempt': '*' } }, { eventTime: '2025-03-14T09:26:58Z' });
    harness.account.replay(change);
    harness.account.replay(tag);
    const records = new Map<string, Awaited<ReturnType<Harness['responder']['handle']>>>();
    for (const which of order) records.set(which, await harness.responder.handle(which === 'change' ? change : tag));
    expect(statuses(records.get('change')?.outcomes ?? [])).toEqual(['function-public-access:remediated']);
    expect(sids(harness)).toEqual([]);
    expect(statuses(records.get('tag')?.outcomes ?? [])).toEqual(['function-exemption-tag-changed:alerted']);
    expect(records.get('tag')?.findings[0]?.summary).toMatch(/warden:exempt is now "\*"\. It does not excuse any change made before the next scan records it/);
    expect(records.get('tag')?.findings[0]?.details.setByTagPrincipal).toBe(false);
  });

  it('does not let a tag recorded by a scan after a change excuse that change (a late or redelivered event)', async () => {
    harness = createHarness();
    harness.account.lambda.createFunction(functionRef, {}, { 'warden:exempt': 'function-public-access' });
    const event = addPermissionEvent({ statementId: 'open', principal: '*' }, { eventTime: '2025-03-14T09:26:53Z' });
    harness.account.replay(event);
    // The scan at 09:30 sees the public statement (a finding) and records the tag then.
    await harness.scan(functionRef);
    const record = await harness.responder.handle(event);
    expect(record.outcomes.map((o) => o.status)).toEqual(['remediated']);
    expect(sids(harness)).toEqual([]);
  });

  it('does not honour a baseline exemption whose expiry was removed since (the tags changed)', async () => {
    harness = createHarness();
    harness.account.lambda.createFunction(functionRef, {}, { 'warden:exempt': 'function-public-access', 'warden:exempt-until': '2025-04-01T00:00:00Z' });
    await harness.scan(functionRef);
    harness.account.lambda.untagResource(functionRef, ['warden:exempt-until']);
    harness.advance(60_000);
    const event = addPermissionEvent({ statementId: 'open', principal: '*' }, { eventTime: '2025-03-14T09:30:30Z' });
    harness.account.replay(event);
    const record = await harness.responder.handle(event);
    expect(record.outcomes.map((o) => o.status)).toEqual(['remediated']);
    expect(sids(harness)).toEqual([]);
  });

  it('honours a warden:exempt tag a configured tag principal set, even moments before the change', async () => {
    harness = createHarness({ config: harnessConfig({ exemptions: { tagPrincipals: ['arn:aws:iam::111122223333:role/platform/deploy-*'] } }) });
    const tag = lambdaEvent('TagResource', { resource: FUNCTION_ARN, tags: { 'warden:exempt': 'function-public-access' } }, { identity: assumedRole('deploy-pipeline', 'ci', { path: '/platform/' }) });
    harness.account.replay(tag);
    const tagged = await harness.responder.handle(tag);
    expect(statuses(tagged.outcomes)).toEqual(['function-exemption-tag-changed:alerted']);
    expect(tagged.findings[0]?.summary).toContain('It counts at once: the change was made by a configured tag principal');
    const event = addPermissionEvent({ statementId: 'open', principal: '*' }, { eventTime: '2025-03-14T09:27:01Z' });
    harness.account.replay(event);
    const record = await harness.responder.handle(event);
    expect(record.outcomes[0]).toMatchObject({ status: 'exempt', exemption: { kind: 'tag' } });
    expect(sids(harness)).toEqual(['open']);
  });

  it('does not take a look-alike of a tag principal (another role name) for one', async () => {
    harness = createHarness({ config: harnessConfig({ exemptions: { tagPrincipals: ['deploy-pipeline'] } }) });
    const tag = lambdaEvent('TagResource', { resource: FUNCTION_ARN, tags: { 'warden:exempt': 'function-public-access' } }, { identity: assumedRole('deploy-pipeline-2', 'ci') });
    harness.account.replay(tag);
    await harness.responder.handle(tag);
    const event = addPermissionEvent({ statementId: 'open', principal: '*' });
    harness.account.replay(event);
    expect((await harness.responder.handle(event)).outcomes.map((o) => o.status)).toEqual(['remediated']);
  });

  it('honours a config allow-list of ARN patterns, per rule', async () => {
    harness = createHarness({ config: harnessConfig({ exemptions: { resources: [{ arn: 'arn:aws:lambda:*:111122223333:function:orders-*', rules: ['function-public-access'], reason: 'public API' }] } }) });
    const event = addPermissionEvent({ statementId: 'open', principal: '*' });
    harness.account.replay(event);
    const record = await harness.responder.handle(event);
    expect(record.outcomes[0]).toMatchObject({ status: 'exempt', exemption: { kind: 'allow-list' } });
    expect(sids(harness)).toEqual(['open']);
  });

  it('reports a change to an exemption tag', async () => {
    harness = createHarness();
    const event = lambdaEvent('TagResource', { resource: FUNCTION_ARN, tags: { 'warden:exempt': 'function-public-access' } });
    harness.account.replay(event);
    const record = await harness.responder.handle(event);
    expect(statuses(record.outcomes)).toEqual(['function-exemption-tag-changed:alerted']);
    expect(record.findings[0]?.summary).toContain('warden:exempt is now "function-public-access"');
    expect(harness.eventsOf('Warden Finding')).toHaveLength(1);
  });

  it('opens the circuit breaker after the limit: the rest of the window waits for approval, with one critical alert', async () => {
    harness = createHarness({ config: harnessConfig({ circuitBreaker: { maxRemediations: 3, windowMinutes: 15 } }) });
    const outcomes: ExecutionOutcome[] = [];
    for (let i = 0; i < 5; i += 1) {
      const event = addPermissionEvent({ functionName: `fn-${String(i)}`, statementId: 'open', principal: '*' });
      harness.account.replay(event);
      outcomes.push(...(await harness.responder.handle(event)).outcomes);
    }
    expect(outcomes.map((o) => `${o.status}/${o.effectiveMode}`)).toEqual(['remediated/auto', 'remediated/auto', 'remediated/auto', 'pending-approval/approve', 'pending-approval/approve']);
    expect(harness.lambda.callsOf('RemovePermission')).toHaveLength(3);
    const alerts = harness.eventsOf('Warden Alert');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.detail).toMatchObject({ kind: 'circuit-breaker-open', severity: 'critical' });

    harness.advance(15 * 60_000);
    const next = addPermissionEvent({ functionName: 'fn-9', statementId: 'open', principal: '*' }, { eventID: 'after-window' });
    harness.account.replay(next);
    expect((await harness.responder.handle(next)).outcomes[0]?.status).toBe('remediated');
  });

  it('reports a permanent failure as a failed outcome on the bus', async () => {
    harness = createHarness({
      onCommand: (command) => {
        if (command === 'RemovePermission') throw Object.assign(new Error('User is not authorized to perform lambda:RemovePermission'), { name: 'AccessDeniedException' });
      },
    });
    const event = addPermissionEvent({ statementId: 'open', principal: '*' });
    harness.account.replay(event);
    const record = await harness.responder.handle(event);
    expect(record.outcomes[0]).toMatchObject({ status: 'failed', error: { name: 'AccessDeniedException' } });
    expect(sids(harness)).toEqual(['open']);
    expect(harness.eventsOf('Warden Remediation')[0]?.detail).toMatchObject({ status: 'failed', error: { name: 'AccessDeniedException' } });
  });

  it('follows a revert whose change did not hold with one more Remediation event, and stores that outcome (#16)', async () => {
    // The statement comes back right after the removal (someone re-adds it at once): the verifying read finds it.
    let removed = false;
    harness = createHarness({
      onCommand: (command) => {
        if (command === 'RemovePermission') removed = true;
        else if (command === 'GetPolicy' && removed) harness.account.replay(addPermissionEvent({ statementId: 'open', principal: '*' }));
      },
    });
    const event = addPermissionEvent({ statementId: 'open', principal: '*' });
    harness.account.replay(event);
    const record = await harness.responder.handle(event);
    expect(record.outcomes[0]).toMatchObject({ status: 'remediated', verified: false, verification: 'failed' });
    expect(harness.events.map((e) => [e.detailType, (e.detail.outcome ?? e.detail) as Record<string, unknown>]).map(([type, o]) => [type, (o as ExecutionOutcome).verification])).toEqual([
      ['Warden Finding', 'running'],
      ['Warden Remediation', 'running'],
      ['Warden Remediation', 'failed'],
    ]);
    expect(harness.eventsOf('Warden Remediation')[1]?.detail).toMatchObject({ status: 'remediated', verified: false, findingId: record.findings[0]?.id });
    expect((await harness.store.getFinding(record.findings[0]?.id ?? '', record.eventId))?.outcome).toMatchObject({ verification: 'failed', verified: false });
  });

  it('refuses an account outside the organization: no AssumeRole, no read, no change', async () => {
    harness = createHarness();
    const event = addPermissionEvent({ statementId: 'open', principal: '*' }, { account: FOREIGN_ACCOUNT });
    harness.account.replay(event);
    const record = await harness.responder.handle(event);
    expect(record.ignored?.text).toBe(`account ${FOREIGN_ACCOUNT} is not in the organization: refused`);
    expect(harness.assumeRoles).toEqual([]);
    expect(harness.lambda.calls).toEqual([]);
    expect(harness.events).toEqual([]);
  });

  it('rethrows an invalid event (it goes to the dead-letter queue)', async () => {
    harness = createHarness();
    await expect(harness.responder.handle({ detail: {} })).rejects.toBeInstanceOf(InvalidEventError);
  });

  it('releases the claim when the bus is down, so a retried delivery does the work and emits', async () => {
    harness = createHarness({ config: harnessConfig({ dryRun: true }) });
    const event = addPermissionEvent({ statementId: 'open', principal: '*' });
    harness.account.replay(event);
    await handleWithBusDown(harness, event);
    expect((await harness.responder.handle(event)).outcomes[0]?.status).toBe('dry-run');
    expect(harness.eventsOf('Warden Finding')).toHaveLength(1);
  });

  it('publishes a revert’s audit events on the retried delivery when the bus was down, without reverting again (#16 a)', async () => {
    harness = createHarness();
    const event = addPermissionEvent({ statementId: 'open', principal: '*' });
    harness.account.replay(event);
    await handleWithBusDown(harness, event, () => {
      expect(sids(harness)).toEqual([]);
      expect(harness.events).toEqual([]);
    });
    // The statement is gone, so the retried delivery raises no finding: the stored outcome is published from its event's list.
    const retried = await harness.responder.handle(structuredClone(event));
    expect(retried.findings).toEqual([]);
    expect(statuses(retried.republished ?? [])).toEqual(['function-public-access:remediated']);
    expect(harness.eventsOf('Warden Remediation').map((e) => e.detail)).toEqual([expect.objectContaining({ status: 'remediated', verified: true })]);
    expect(harness.eventsOf('Warden Finding')).toHaveLength(1);
    expect(harness.lambda.callsOf('RemovePermission')).toHaveLength(1);
    // A later delivery publishes nothing more.
    expect((await harness.responder.handle(structuredClone(event))).republished).toBeUndefined();
    expect(harness.eventsOf('Warden Remediation')).toHaveLength(1);
  });

  it.each([
    ['names another finding', (record: StoredRecord): StoredRecord => ({ ...record, outcome: { ...(record.outcome as object), findingId: 'wf-000000000000000000000000' } })],
    ['no longer fits the outcome schema', (record: StoredRecord): StoredRecord => ({ ...record, outcome: { status: 'remediated', detail: 'all fine' } })],
    ['lost its finding (the record is malformed)', (record: StoredRecord): StoredRecord => ({ ...record, finding: undefined })],
  ])('publishes no stored outcome whose record was rewritten while it waited (it %s), and reverts nothing again (#15)', async (_name, rewrite) => {
    harness = createHarness();
    const event = addPermissionEvent({ statementId: 'open', principal: '*' });
    harness.account.replay(event);
    await handleWithBusDown(harness, event);
    const eventId = event.detail.eventID;
    const [findingId] = await harness.store.getUnpublished(eventId);
    if (findingId === undefined) throw new Error('no outcome waits to be published');
    const record = await harness.store.getFinding(findingId, eventId);
    expect(record).toMatchObject({ status: 'done', publish: 'pending', outcome: { status: 'remediated' } });
    if (record === null) throw new Error('no record');
    harness.store.overwrite({ findingRecord: rewrite({ ...record }) });
    const retried = await harness.responder.handle(structuredClone(event));
    expect(retried.findings).toEqual([]);
    expect(retried.republished).toBeUndefined();
    expect(harness.events).toEqual([]);
    expect(harness.lambda.callsOf('RemovePermission')).toHaveLength(1);
    // The mark stays: the outcome is not lost, only not trusted.
    expect(await harness.store.getUnpublished(eventId)).toEqual([findingId]);
  });

  it('puts no secret value in any event', async () => {
    harness = createHarness();
    const secret = 'AKIAIOSFODNN7EXAMPLE-wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    harness.account.lambda.createFunction({ account: ACCOUNT, region: REGION, functionName: FUNCTION_NAME }, { Environment: { Variables: { AWS_SECRET: secret } } }, {}, { withDefaults: true });
    const event = addPermissionEvent({ statementId: 'open', principal: '*' });
    harness.account.replay(event);
    await harness.responder.handle(event);
    expect(harness.events.length).toBeGreaterThan(0);
    for (const e of harness.events) expect(e.raw).not.toContain(secret);
    for (const e of harness.events) expect(e.raw).not.toContain('not-a-secret');
  });
});
