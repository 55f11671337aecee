import { readFileSync } from 'node:fs';
import { LogLevel, WebClient } from '@slack/web-api';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApprovalEndpoint, type HttpResponse } from '../../../functions/shared/approval/approval-endpoint';
import { ApprovalService } from '../../../functions/shared/approval/approval-service';
import { ApproverCheck } from '../../../functions/shared/approval/approvers';
import { BUTTON_ACTIONS, type ButtonAction } from '../../../functions/shared/contract/decision';
import { ResponseUrlReplier } from '../../../functions/shared/approval/response-url';
import type { Telemetry } from '../../../functions/shared/observability';
import type { DecisionRecord } from '../../../functions/shared/responder/decision-runner';
import { StateStoreError } from '../../../functions/shared/store/state-store';
import { EventBridgeSink, EventPublishError, type EventSink } from '../../../functions/shared/bus/warden-events';
import { slackSignature } from '../../../functions/shared/slack/signature';
import { ACCOUNT, FOREIGN_ACCOUNT, FUNCTION_ARN, FUNCTION_NAME, REGION } from '../../fixtures/accounts';
import { addPermissionEvent } from '../../fixtures/cloudtrail';
import { BUS, createHarness, harnessConfig, type EmittedEvent, type Harness } from '../responder/responder-harness';
import { startLocalSlack, type LocalSlack } from './slack-server';

const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
const BOT_TOKEN = 'xoxb-test-bot-token-not-real';
const APPROVER = 'U0APPROVER1';
const OTHER_APPROVER = 'U0APPROVER2';
const STRANGER = 'U0STRANGER9';
const GROUP = 'S0SECURITY1';
const GROUP_MEMBER = 'U0GROUPMEM1';
const functionRef = { kind: 'lambda-function', account: ACCOUNT, region: REGION, functionName: FUNCTION_NAME } as const;

interface Flow {
  readonly harness: Harness;
  readonly slack: LocalSlack;
  readonly endpoint: ApprovalEndpoint;
  readonly logs: { level: string; message: string; attributes: Record<string, unknown> }[];
  click(action: ButtonAction, recordId: string, userId: string, options?: { base64?: boolean }): Promise<HttpResponse>;
  /** Delivers the Decision events not yet delivered to the responder, each `times` times at once. */
  deliverDecisions(times?: number): Promise<DecisionRecord[]>;
}

let flow: Flow | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  flow?.harness.dispose();
  await flow?.slack.close();
  flow = undefined;
});

async function createFlow(config: Record<string, unknown> = {}, options: { failPublishes?: number } = {}): Promise<Flow> {
  const harness = createHarness({
    config: harnessConfig({ slack: { approvers: { userIds: [APPROVER, OTHER_APPROVER], userGroups: [GROUP] } }, ...config }),
  });
  const slack = await startLocalSlack({ [GROUP]: [GROUP_MEMBER, 'U0SOMEONE01'] });
  const logs: Flow['logs'] = [];
  const record =
    (level: string) =>
    (message: string, attributes: Record<string, unknown> = {}): void => {
      logs.push({ level, message, attributes });
    };
  const telemetry: Telemetry = { info: record('info'), warn: record('warn'), error: record('error'), count: () => undefined };
  const client = new WebClient(BOT_TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
  const approvers = new ApproverCheck({ approvers: harness.config.slack.approvers, client: () => Promise.resolve(client), now: () => harness.clock() });
  const bus = new EventBridgeSink(new EventBridgeClient({ region: REGION }), BUS);
  let failures = options.failPublishes ?? 0;
  const sink: EventSink = {
    publish: (events) => (failures-- > 0 ? Promise.reject(new EventPublishError('PutEvents rejected 1 of 1 events (InternalFailure)')) : bus.publish(events)),
  };
  const endpoint = new ApprovalEndpoint({
    signingSecret: () => Promise.resolve(SIGNING_SECRET),
    service: new ApprovalService({ store: harness.store, approvers, sink, integrity: harness.integrity.only('exemption'), telemetry, now: () => harness.clock() }),
    replier: new ResponseUrlReplier({ allowedOrigins: [slack.origin] }),
    telemetry,
    now: () => harness.clock(),
  });
  const delivered = new Set<EmittedEvent>();
  return {
    harness,
    slack,
    endpoint,
    logs,
    click: (action, recordId, userId, options = {}) => {
      const payload = {
        type: 'block_actions',
        user: { id: userId, username: `name-of-${userId}` },
        actions: [{ action_id: action, value: recordId, type: 'button' }],
        response_url: slack.responseUrl(),
        container: { type: 'message', message_ts: '1710408653.000100', channel_id: 'C0ALERTS01' },
        channel: { id: 'C0ALERTS01', name: 'security-alerts' },
      };
      const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
      const timestamp = String(Math.floor(harness.clock().getTime() / 1000));
      const signature = slackSignature(SIGNING_SECRET, timestamp, Buffer.from(body));
      const base64 = options.base64 ?? true;
      return endpoint.handle({
        version: '2.0',
        routeKey: 'POST /slack/interactions',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
        body: base64 ? Buffer.from(body).toString('base64') : body,
        isBase64Encoded: base64,
      });
    },
    deliverDecisions: async (times = 1) => {
      const pending = harness.eventsOf('Warden Decision').filter((e) => !delivered.has(e));
      for (const e of pending) delivered.add(e);
      const deliveries = pending.flatMap((e) => Array.from({ length: times }, () => ({ source: e.source, 'detail-type': e.detailType, detail: structuredClone(e.detail) })));
      return Promise.all(deliveries.map((d) => harness.decisions.handle(d)));
    },
  };
}

function sids(h: Harness): string[] {
  return (h.account.lambda.policyDocument(functionRef)?.Statement as { Sid?: string }[] | undefined)?.map((s) => s.Sid ?? '') ?? [];
}

/** A public statement found in approve mode: the pending approval's id. */
async function pendingApproval(f: Flow, statementId = 'open'): Promise<string> {
  const event = addPermissionEvent({ statementId, principal: '*' });
  f.harness.account.replay(event);
  const record = await f.harness.responder.handle(event);
  // The question this event opened: an earlier statement still waiting is not asked about again (it names its open record).
  const id = record.outcomes.find((o) => o.approval !== undefined && o.approval.openedBy === undefined)?.approval?.id;
  if (id === undefined) throw new Error(`no pending approval: ${JSON.stringify(record.outcomes)}`);
  return id;
}

const APPROVE_MODE = { rules: { 'function-public-access': { mode: 'approve' } } };

describe('approval flow (Slack click → approval endpoint → Decision event → responder, on the in-memory account)', () => {
  it('turns twenty concurrent Approve clicks into one decision and one remediation', async () => {
    flow = await createFlow(APPROVE_MODE);
    const id = await pendingApproval(flow);
    expect(sids(flow.harness)).toEqual(['open']);
    const users = Array.from({ length: 20 }, (_, i) => (i % 3 === 0 ? APPROVER : i % 3 === 1 ? OTHER_APPROVER : GROUP_MEMBER));
    const responses = await Promise.all(users.map((user) => flow!.click(BUTTON_ACTIONS.approve, id, user)));
    expect(responses.map((r) => r.statusCode)).toEqual(Array.from({ length: 20 }, () => 200));

    const decisions = flow.harness.eventsOf('Warden Decision');
    expect(decisions).toHaveLength(1);
    const stored = await flow.harness.store.getApproval(id);
    expect(stored).toMatchObject({ status: 'approved' });
    expect(decisions[0]?.detail).toMatchObject({
      recordId: id,
      decision: 'approved',
      by: { userId: stored?.decidedBy },
      resource: FUNCTION_ARN,
      plan: { action: 'remove-function-permission' },
      message: { channel: 'C0ALERTS01', ts: '1710408653.000100' },
    });
    // The approval endpoint cannot verify a stored call text, so the Decision event carries none ...
    expect(decisions[0]?.detail.plan).not.toHaveProperty('call');
    const replies = flow.slack.replies().map((r) => r.body);
    expect(replies).toHaveLength(19);
    for (const reply of replies) {
      expect(reply).toMatchObject({ response_type: 'ephemeral', replace_original: false });
      expect(reply.text).toBe(`Already approved by <@${stored?.decidedBy ?? ''}> at ${stored?.decidedAt ?? ''}: nothing more was done.`);
    }

    // EventBridge delivers at least once: three copies of the Decision event at once.
    const runs = await flow.deliverDecisions(3);
    expect(runs.map((r) => r.status).sort()).toEqual(['duplicate', 'duplicate', 'ran']);
    expect(flow.harness.lambda.callsOf('RemovePermission')).toHaveLength(1);
    expect(sids(flow.harness)).toEqual([]);
    const remediations = flow.harness.eventsOf('Warden Remediation');
    expect(remediations).toHaveLength(1);
    expect(remediations[0]?.detail).toMatchObject({ recordId: id, decision: 'approved', status: 'remediated', verified: true, approval: { id } });
    // ... the responder's outcome shows the call rendered from the plan it verified and ran.
    expect(remediations[0]?.detail).toMatchObject({ plan: { action: 'remove-function-permission', call: `lambda:RemovePermission FunctionName=${FUNCTION_ARN} StatementId=open` } });
  });

  it('refuses a Reject after an Approve, and runs the approved plan only', async () => {
    flow = await createFlow(APPROVE_MODE);
    const id = await pendingApproval(flow);
    await flow.click(BUTTON_ACTIONS.approve, id, APPROVER);
    const decidedAt = (await flow.harness.store.getApproval(id))?.decidedAt;
    flow.harness.advance(5_000);
    expect((await flow.click(BUTTON_ACTIONS.reject, id, OTHER_APPROVER)).statusCode).toBe(200);
    expect(flow.slack.replies().map((r) => r.body.text)).toEqual([`Already approved by <@${APPROVER}> at ${decidedAt ?? ''}: nothing more was done.`]);
    expect((await flow.harness.store.getApproval(id))?.status).toBe('approved');
    expect(flow.harness.eventsOf('Warden Decision').map((e) => e.detail.decision)).toEqual(['approved']);
    await flow.deliverDecisions();
    expect(sids(flow.harness)).toEqual([]);
  });

  it('changes nothing for a click by someone who is not an approver, and logs the attempt', async () => {
    flow = await createFlow(APPROVE_MODE);
    const id = await pendingApproval(flow);
    const before = await flow.harness.store.getApproval(id);
    expect((await flow.click(BUTTON_ACTIONS.approve, id, STRANGER)).statusCode).toBe(200);
    expect(await flow.harness.store.getApproval(id)).toEqual(before);
    expect(flow.harness.eventsOf('Warden Decision')).toEqual([]);
    expect(flow.slack.replies().map((r) => r.body)).toEqual([{ response_type: 'ephemeral', replace_original: false, text: 'You are not one of the approvers for Lambda Warden: nothing was changed.' }]);
    expect(flow.logs).toContainEqual({ level: 'warn', message: 'decision refused: not an approver', attributes: { userId: STRANGER, action: BUTTON_ACTIONS.approve, recordId: id } });
    await flow.deliverDecisions();
    expect(sids(flow.harness)).toEqual(['open']);
  });

  it('lets a member of an approver user group decide, asking Slack once per group within the cache', async () => {
    flow = await createFlow(APPROVE_MODE);
    const id = await pendingApproval(flow);
    const other = await pendingApproval(flow, 'open2');
    await flow.click(BUTTON_ACTIONS.reject, id, GROUP_MEMBER);
    await flow.click(BUTTON_ACTIONS.reject, other, STRANGER);
    expect((await flow.harness.store.getApproval(id))?.status).toBe('rejected');
    expect((await flow.harness.store.getApproval(other))?.status).toBe('pending');
    const lookups = flow.slack.calls.filter((c) => c.path === '/api/usergroups.users.list');
    expect(lookups).toHaveLength(1);
    expect(new URLSearchParams(lookups[0]?.body).get('usergroup')).toBe(GROUP);
    expect(lookups[0]?.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    const runs = await flow.deliverDecisions();
    expect(runs.map((r) => r.status)).toEqual(['nothing-to-run']);
    expect(sids(flow.harness)).toEqual(['open', 'open2']);
  });

  it('marks an expired approval expired, says so, and executes nothing', async () => {
    flow = await createFlow(APPROVE_MODE);
    const id = await pendingApproval(flow);
    flow.harness.advance(24 * 3_600_000);
    await flow.click(BUTTON_ACTIONS.approve, id, APPROVER);
    expect((await flow.harness.store.getApproval(id))?.status).toBe('expired');
    const [expired] = flow.harness.eventsOf('Warden Decision');
    expect(expired?.detail).toMatchObject({ recordId: id, decision: 'expired', plan: null });
    expect(expired?.detail).not.toHaveProperty('by');
    expect(flow.slack.replies().map((r) => r.body.text)).toEqual([expect.stringMatching(/^This request expired at .*: nothing was executed\.$/)]);
    await flow.click(BUTTON_ACTIONS.approve, id, OTHER_APPROVER);
    expect(flow.harness.eventsOf('Warden Decision')).toHaveLength(1);
    const runs = await flow.deliverDecisions();
    expect(runs.map((r) => r.status)).toEqual(['nothing-to-run']);
    expect(flow.harness.lambda.callsOf('RemovePermission')).toEqual([]);
    expect(sids(flow.harness)).toEqual(['open']);
  });

  it('Reject and exempt: stores the exemption, and the next finding on the resource and rule is exempt', async () => {
    flow = await createFlow(APPROVE_MODE);
    const id = await pendingApproval(flow);
    await flow.click(BUTTON_ACTIONS.rejectAndExempt, id, APPROVER);
    const exemption = await flow.harness.store.getExemption({ resource: FUNCTION_ARN, ruleId: 'function-public-access', now: flow.harness.clock() });
    expect(exemption).toMatchObject({ by: APPROVER, recordId: id, decision: 'rejected-and-exempted', until: new Date(flow.harness.clock().getTime() + 30 * 86_400_000).toISOString() });
    expect(flow.harness.eventsOf('Warden Decision')[0]?.detail).toMatchObject({ decision: 'rejected-and-exempted', exemptUntil: exemption !== null && 'until' in exemption ? exemption.until : 'no exemption', plan: null });

    const next = addPermissionEvent({ statementId: 'open-again', principal: '*' });
    flow.harness.account.replay(next);
    const record = await flow.harness.responder.handle(next);
    expect(record.outcomes.map((o) => `${o.ruleId}:${o.status}`)).toEqual(['function-public-access:exempt', 'function-public-access:exempt']);
    expect(record.outcomes[0]?.exemption).toMatchObject({ kind: 'decision' });
    expect(sids(flow.harness)).toEqual(['open', 'open-again']);
  });

  it('Quarantine: the function gets reserved concurrency 0, its policy stays', async () => {
    flow = await createFlow(APPROVE_MODE);
    const id = await pendingApproval(flow);
    await flow.click(BUTTON_ACTIONS.quarantine, id, APPROVER);
    expect(flow.harness.eventsOf('Warden Decision')[0]?.detail).toMatchObject({
      decision: 'quarantined',
      plan: { action: 'quarantine-function', call: `lambda:PutFunctionConcurrency FunctionName=${FUNCTION_ARN} ReservedConcurrentExecutions=0` },
    });
    const runs = await flow.deliverDecisions(2);
    expect(runs.map((r) => r.status).sort()).toEqual(['duplicate', 'ran']);
    expect(flow.harness.account.lambda.getReservedConcurrency(functionRef)).toBe(0);
    expect(sids(flow.harness)).toEqual(['open']);
    expect(flow.harness.eventsOf('Warden Remediation')[0]?.detail).toMatchObject({ recordId: id, decision: 'quarantined', status: 'remediated', verified: true });
  });

  it('Restore after an automatic revert: the statement is back and the function is exempt for 30 days', async () => {
    flow = await createFlow();
    const event = addPermissionEvent({ statementId: 'webhook', principal: '*', functionUrlAuthType: 'NONE', action: 'lambda:InvokeFunctionUrl' });
    flow.harness.account.replay(event);
    const reverted = await flow.harness.responder.handle(event);
    expect(reverted.outcomes[0]?.status).toBe('remediated');
    expect(sids(flow.harness)).toEqual([]);
    const restoreId = reverted.outcomes[0]?.restore?.id ?? '';
    expect(restoreId).toMatch(/^wr-/);
    // Approve / Reject do not apply to a restore record, and Restore does not apply to an approval.
    await flow.click(BUTTON_ACTIONS.approve, restoreId, APPROVER);
    expect(flow.harness.eventsOf('Warden Decision')).toEqual([]);

    await flow.click(BUTTON_ACTIONS.restore, restoreId, APPROVER);
    expect(flow.harness.eventsOf('Warden Decision')[0]?.detail).toMatchObject({ decision: 'restored', plan: { action: 'add-function-permission' } });
    const runs = await flow.deliverDecisions(2);
    expect(runs.map((r) => r.status).sort()).toEqual(['duplicate', 'ran']);
    const restored = flow.harness.account.lambda.policyDocument(functionRef)?.Statement as Record<string, unknown>[];
    expect(restored).toEqual([
      {
        Sid: 'webhook',
        Effect: 'Allow',
        Principal: '*',
        Action: 'lambda:InvokeFunctionUrl',
        Resource: FUNCTION_ARN,
        Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } },
      },
    ]);
    expect(flow.harness.eventsOf('Warden Remediation').at(-1)?.detail).toMatchObject({ recordId: restoreId, decision: 'restored', status: 'remediated', restore: { id: restoreId } });

    // Somebody opens it again: the bot leaves it alone, the finding is reported as exempt.
    const again = addPermissionEvent({ statementId: 'webhook2', principal: '*' });
    flow.harness.account.replay(again);
    const record = await flow.harness.responder.handle(again);
    expect(record.outcomes.map((o) => o.status)).toEqual(['exempt', 'exempt']);
    expect(sids(flow.harness)).toEqual(['webhook', 'webhook2']);
  });

  it('Restore: the exemption is written when the restore runs, until 30 days after the click, and kept once it ran', async () => {
    flow = await createFlow();
    const event = addPermissionEvent({ statementId: 'webhook', principal: '*', functionUrlAuthType: 'NONE', action: 'lambda:InvokeFunctionUrl' });
    flow.harness.account.replay(event);
    const restoreId = (await flow.harness.responder.handle(event)).outcomes[0]?.restore?.id ?? '';
    const clickedAt = flow.harness.clock();
    await flow.click(BUTTON_ACTIONS.restore, restoreId, APPROVER);
    const until = new Date(clickedAt.getTime() + 30 * 86_400_000).toISOString();
    expect(flow.harness.eventsOf('Warden Decision')[0]?.detail).toMatchObject({ decision: 'restored', exemptUntil: until });
    const key = { resource: FUNCTION_ARN, ruleId: 'function-public-access' };
    expect(await flow.harness.store.getExemption({ ...key, now: flow.harness.clock() })).toBeNull();
    flow.harness.advance(60_000);
    await flow.deliverDecisions();
    expect(sids(flow.harness)).toEqual(['webhook']);
    expect(await flow.harness.store.getExemption({ ...key, now: flow.harness.clock() })).toMatchObject({ until, by: APPROVER, recordId: restoreId, decision: 'restored' });
  });

  it('Restore that fails to run takes its exemption back: the next finding on the resource is remediated', async () => {
    flow = await createFlow();
    const event = addPermissionEvent({ statementId: 'webhook', principal: '*', functionUrlAuthType: 'NONE', action: 'lambda:InvokeFunctionUrl' });
    flow.harness.account.replay(event);
    const restoreId = (await flow.harness.responder.handle(event)).outcomes[0]?.restore?.id ?? '';
    await flow.click(BUTTON_ACTIONS.restore, restoreId, APPROVER);
    // Somebody changed the policy since: a statement "webhook" is back, so the restore does not run.
    flow.harness.account.replay(addPermissionEvent({ statementId: 'webhook', principal: '444455556666' }));
    const runs = await flow.deliverDecisions();
    expect(runs[0]?.outcome).toMatchObject({ status: 'already-compliant' });
    expect(await flow.harness.store.getExemption({ resource: FUNCTION_ARN, ruleId: 'function-public-access', now: flow.harness.clock() })).toBeNull();
    const again = addPermissionEvent({ statementId: 'webhook2', principal: '*' });
    flow.harness.account.replay(again);
    const record = await flow.harness.responder.handle(again);
    expect(record.outcomes.map((o) => o.status)).not.toContain('exempt');
    expect(sids(flow.harness)).toEqual(['webhook']);
  });

  it('Restore delivered after the freshness window: not run, no exemption written', async () => {
    flow = await createFlow();
    const event = addPermissionEvent({ statementId: 'webhook', principal: '*', functionUrlAuthType: 'NONE', action: 'lambda:InvokeFunctionUrl' });
    flow.harness.account.replay(event);
    const restoreId = (await flow.harness.responder.handle(event)).outcomes[0]?.restore?.id ?? '';
    await flow.click(BUTTON_ACTIONS.restore, restoreId, APPROVER);
    flow.harness.advance(16 * 60_000);
    const runs = await flow.deliverDecisions();
    expect(runs[0]?.outcome).toMatchObject({ status: 'failed', error: { name: 'DecisionTooOld' } });
    expect(sids(flow.harness)).toEqual([]);
    expect(await flow.harness.store.getExemption({ resource: FUNCTION_ARN, ruleId: 'function-public-access', now: flow.harness.clock() })).toBeNull();
  });

  it('answers well within Slack’s 3 seconds and makes no call into a member account', async () => {
    flow = await createFlow(APPROVE_MODE);
    const id = await pendingApproval(flow);
    const assumed = flow.harness.assumeRoles.length;
    const lambdaCalls = flow.harness.lambda.calls.length;
    const started = performance.now();
    const response = await flow.click(BUTTON_ACTIONS.approve, id, GROUP_MEMBER);
    const elapsed = performance.now() - started;
    expect(response.statusCode).toBe(200);
    // What keeps the answer fast is structural (asserted below: no AssumeRole, no member-account call); the bound is
    // Slack's own 3 s, not a figure that a loaded CI machine can miss.
    expect(elapsed).toBeLessThan(3000);
    expect(flow.harness.assumeRoles).toHaveLength(assumed);
    expect(flow.harness.lambda.calls).toHaveLength(lambdaCalls);
    expect(sids(flow.harness)).toEqual(['open']);
  });

  it('handles an unencoded body too, and answers 400 to a click on another app’s button', async () => {
    flow = await createFlow(APPROVE_MODE);
    const id = await pendingApproval(flow);
    expect((await flow.click('other:button' as ButtonAction, id, APPROVER)).statusCode).toBe(400);
    expect((await flow.click(BUTTON_ACTIONS.approve, 'arn:aws:lambda:forged', APPROVER)).statusCode).toBe(400);
    expect((await flow.harness.store.getApproval(id))?.status).toBe('pending');
    expect((await flow.click(BUTTON_ACTIONS.approve, id, APPROVER, { base64: false })).statusCode).toBe(200);
    expect((await flow.harness.store.getApproval(id))?.status).toBe('approved');
  });

  it('puts a decision back to pending when it cannot be announced, so the next click works', async () => {
    flow = await createFlow(APPROVE_MODE, { failPublishes: 1 });
    const id = await pendingApproval(flow);
    await expect(flow.click(BUTTON_ACTIONS.approve, id, APPROVER)).rejects.toThrow(EventPublishError);
    expect(await flow.harness.store.getApproval(id)).toMatchObject({ status: 'pending' });
    expect(flow.logs.find((l) => l.message === 'decision not announced')?.attributes).toMatchObject({ recordId: id, decision: 'approved', undone: true });
    expect((await flow.click(BUTTON_ACTIONS.approve, id, OTHER_APPROVER)).statusCode).toBe(200);
    expect(await flow.harness.store.getApproval(id)).toMatchObject({ status: 'approved', decidedBy: OTHER_APPROVER });
    expect(flow.harness.eventsOf('Warden Decision')).toHaveLength(1);
    await flow.deliverDecisions();
    expect(sids(flow.harness)).toEqual([]);
  });

  it('Reject and exempt that cannot be announced leaves no exemption behind', async () => {
    flow = await createFlow(APPROVE_MODE, { failPublishes: 1 });
    const id = await pendingApproval(flow);
    await expect(flow.click(BUTTON_ACTIONS.rejectAndExempt, id, APPROVER)).rejects.toThrow(EventPublishError);
    expect(await flow.harness.store.getApproval(id)).toMatchObject({ status: 'pending' });
    expect(await flow.harness.store.getExemption({ resource: FUNCTION_ARN, ruleId: 'function-public-access', now: flow.harness.clock() })).toBeNull();
    expect(flow.logs.find((l) => l.message === 'decision not announced')).toMatchObject({
      level: 'error',
      attributes: { recordId: id, decision: 'rejected-and-exempted', undone: true, exemptionRemoved: true },
    });
    expect(flow.harness.eventsOf('Warden Decision')).toEqual([]);
  });

  it('Restore that cannot be announced leaves no exemption behind, and the next finding is remediated', async () => {
    flow = await createFlow({}, { failPublishes: 1 });
    const event = addPermissionEvent({ statementId: 'webhook', principal: '*', functionUrlAuthType: 'NONE', action: 'lambda:InvokeFunctionUrl' });
    flow.harness.account.replay(event);
    const reverted = await flow.harness.responder.handle(event);
    const restoreId = reverted.outcomes[0]?.restore?.id ?? '';
    expect(restoreId).toMatch(/^wr-/);
    await expect(flow.click(BUTTON_ACTIONS.restore, restoreId, APPROVER)).rejects.toThrow(EventPublishError);
    expect(await flow.harness.store.getApproval(restoreId)).toMatchObject({ status: 'pending' });
    expect(await flow.harness.store.getExemption({ resource: FUNCTION_ARN, ruleId: 'function-public-access', now: flow.harness.clock() })).toBeNull();
    const again = addPermissionEvent({ statementId: 'webhook2', principal: '*' });
    flow.harness.account.replay(again);
    const record = await flow.harness.responder.handle(again);
    expect(record.outcomes.map((o) => o.status)).not.toContain('exempt');
    expect(sids(flow.harness)).toEqual([]);
  });

  it('logs an error when a decision that cannot be announced cannot be put back to pending either', async () => {
    flow = await createFlow(APPROVE_MODE, { failPublishes: 1 });
    const id = await pendingApproval(flow);
    vi.spyOn(flow.harness.store, 'undoDecision').mockRejectedValueOnce(new StateStoreError('Undoing the decision on x failed: InternalServerError'));
    await expect(flow.click(BUTTON_ACTIONS.rejectAndExempt, id, APPROVER)).rejects.toThrow(EventPublishError);
    expect(flow.logs).toContainEqual({
      level: 'error',
      message: 'decision not put back to pending',
      attributes: { userId: APPROVER, action: BUTTON_ACTIONS.rejectAndExempt, recordId: id, decision: 'rejected-and-exempted', error: 'Undoing the decision on x failed: InternalServerError' },
    });
    expect(flow.logs.find((l) => l.message === 'decision not announced')?.attributes).toMatchObject({ undone: false, exemptionRemoved: true });
    expect(await flow.harness.store.getExemption({ resource: FUNCTION_ARN, ruleId: 'function-public-access', now: flow.harness.clock() })).toBeNull();
  });

  it('never puts the signing secret or the bot token in an event, a reply or a log line', async () => {
    flow = await createFlow(APPROVE_MODE);
    const id = await pendingApproval(flow);
    await flow.click(BUTTON_ACTIONS.approve, id, STRANGER);
    await flow.click(BUTTON_ACTIONS.approve, id, GROUP_MEMBER);
    await flow.click(BUTTON_ACTIONS.reject, id, APPROVER);
    await flow.deliverDecisions();
    const everything = JSON.stringify([flow.harness.events.map((e) => e.raw), flow.slack.replies(), flow.logs]);
    expect(everything).not.toContain(SIGNING_SECRET);
    expect(everything).not.toContain(BOT_TOKEN);
    expect(flow.logs.filter((l) => l.message === 'decision')).toHaveLength(1);
    expect(flow.logs.find((l) => l.message === 'decision')?.attributes).toMatchObject({ recordId: id, decision: 'approved', by: { userId: GROUP_MEMBER }, plan: { action: 'remove-function-permission' } });
  });
});

describe('approvals closed by their detector finding (issue #18)', () => {
  it('answers an Approve click on an approval its Access Analyzer finding closed with "Already closed": no decision, nothing run', async () => {
    flow = await createFlow();
    const h = flow.harness;
    const exportFn = { kind: 'lambda-function', account: ACCOUNT, region: REGION, functionName: 'reports-export' } as const;
    h.account.lambda.createFunction(exportFn, { Runtime: 'python3.13', Role: `arn:aws:iam::${ACCOUNT}:role/reports-export-role`, Handler: 'app.handler' });
    h.account.lambda.addPermission(exportFn, { StatementId: 'partner-invoke', Action: 'lambda:InvokeFunction', Principal: FOREIGN_ACCOUNT });
    const sample = JSON.parse(readFileSync(new URL('../../../examples/events/43-access-analyzer-cross-account-function.json', import.meta.url), 'utf8')) as { detail: Record<string, unknown> };
    const active = await h.responder.handle(sample);
    const id = active.outcomes[0]?.approval?.id;
    if (id === undefined) throw new Error('no approval');
    const resolved = await h.responder.handle({ ...sample, detail: { ...sample.detail, status: 'RESOLVED', updatedAt: '2025-03-14T10:14:07Z' } });
    expect(resolved.closed).toEqual([id]);
    const closedAt = (await h.store.getApproval(id))?.decidedAt;

    expect((await flow.click(BUTTON_ACTIONS.approve, id, APPROVER)).statusCode).toBe(200);
    expect(flow.slack.replies().map((r) => r.body.text)).toEqual([`Already closed at ${closedAt ?? ''}: nothing more was done.`]);
    expect((await h.store.getApproval(id))?.status).toBe('closed');
    expect(h.eventsOf('Warden Decision')).toEqual([]);
    expect(h.account.lambda.policyDocument(exportFn)?.Statement).toEqual([expect.objectContaining({ Sid: 'partner-invoke' })]);
  });
});
