import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../../functions/shared/errors';
import { guardDutySeverity } from '../../../functions/shared/event/guardduty-finding';
import type { ExecutionOutcome } from '../../../functions/shared/contract/outcome';
import { ACCOUNT, FOREIGN_ACCOUNT, ORG_ACCOUNT, REGION } from '../../fixtures/accounts';
import { createHarness, harnessConfig, type Harness } from './responder-harness';

const SAMPLE = JSON.parse(readFileSync(new URL('../../../examples/events/41-guardduty-lambda-c2-activity.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const FUNCTION = 'image-resizer';
const FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FUNCTION}`;
const KEY = { account: ACCOUNT, region: REGION, functionName: FUNCTION };
const ENABLED = '6d9bce8e-836b-442c-8070-74e77903c213';
const ALSO_ENABLED = '0f2e4d6c-8b0a-4c2e-9f1d-3b5a7c9e1f20';
const DISABLED = 'a1f3e5c7-2b4d-4f6a-8c9e-0b1d3f5a7c9e';
/** Planted in the finding's evidence and description: none of it may leave the bot. */
const PLANTED = 'AKIAPLANTEDEVIDENCE7';

let created: Harness[] = [];
afterEach(() => {
  for (const h of created) h.dispose();
  created = [];
});

/** The sample finding, with `detail` fields overridden (deep for `resource`). */
function finding(overrides: { envelope?: Record<string, unknown>; detail?: Record<string, unknown>; lambdaDetails?: Record<string, unknown> } = {}): Record<string, unknown> {
  const event = structuredClone(SAMPLE) as { detail: Record<string, unknown> & { resource: { lambdaDetails: Record<string, unknown> } } };
  Object.assign(event.detail.resource.lambdaDetails, overrides.lambdaDetails ?? {});
  Object.assign(event.detail, overrides.detail ?? {});
  return { ...event, ...(overrides.envelope ?? {}) };
}

function harnessWith(reserved: number | undefined): Harness {
  const h = createHarness({ config: harnessConfig() });
  created.push(h);
  h.account.lambda.createFunction(KEY, { Runtime: 'nodejs22.x', Role: `arn:aws:iam::${ACCOUNT}:role/image-resizer-role`, Handler: 'index.handler' });
  if (reserved !== undefined) h.account.lambda.putFunctionConcurrency(KEY, reserved);
  h.account.lambda.addEventSourceMapping(KEY, { UUID: ENABLED, EventSourceArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:image-uploads`, State: 'Enabled' });
  h.account.lambda.addEventSourceMapping(KEY, { UUID: ALSO_ENABLED, EventSourceArn: `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/uploads`, State: 'Enabled' });
  h.account.lambda.addEventSourceMapping(KEY, { UUID: DISABLED, EventSourceArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:image-backfill`, State: 'Disabled' });
  return h;
}

function decision(detail: Record<string, unknown>) {
  return { version: '0', source: 'lambda-warden', 'detail-type': 'Warden Decision', detail };
}

function decisionOf(outcome: ExecutionOutcome, recordId: string, kind: 'approved' | 'restored') {
  return decision({
    recordId,
    findingId: outcome.findingId,
    eventId: outcome.eventId,
    ruleId: outcome.ruleId,
    resource: outcome.resource,
    account: outcome.account,
    region: outcome.region,
    decision: kind,
    by: { userId: 'U0APPROVER1' },
    at: '2025-03-14T09:31:00.000Z',
    plan: null,
  });
}

/** What an isolation changes, as the in-memory account holds it. */
function isolationState(h: Harness) {
  return { reserved: h.account.lambda.getReservedConcurrency(KEY), mappings: h.account.lambda.listEventSourceMappings(KEY) };
}

const WRITES = ['PutFunctionConcurrency', 'DeleteFunctionConcurrency', 'UpdateEventSourceMapping'];
const writes = (h: Harness) => h.lambda.calls.filter((c) => WRITES.includes(c.command));

describe('GuardDuty Lambda Protection findings (issue #18)', () => {
  it('routes the documented sample finding to function-runtime-threat, with its severity, and asks an approver before isolating', async () => {
    const h = harnessWith(25);
    const before = isolationState(h);
    const record = await h.responder.handle(finding());
    expect(record).toMatchObject({ ignored: null, eventName: 'GuardDuty Finding' });
    expect(record.findings).toHaveLength(1);
    expect(record.findings[0]).toMatchObject({ ruleId: 'function-runtime-threat', severity: 'high', mode: 'approve', resource: FUNCTION_ARN, account: ACCOUNT, eventName: 'Backdoor:Lambda/C&CActivity.B' });
    expect(record.findings[0]?.remediation).toEqual({
      action: 'isolate-function',
      params: { functionName: FUNCTION_ARN, previousConcurrency: 25, mappings: [ALSO_ENABLED, ENABLED].sort().join(',') },
      description: expect.stringContaining('Restore puts back reserved concurrency 25') as unknown,
    });
    expect(record.outcomes[0]).toMatchObject({ status: 'pending-approval', approval: { id: expect.stringMatching(/^wa-/) as unknown } });
    expect(isolationState(h)).toEqual(before);
    expect(writes(h)).toEqual([]);
  });

  it('handles a duplicate delivery, and the copy the delegated administrator forwards, once: one approval, one message', async () => {
    const h = harnessWith(undefined);
    const first = await h.responder.handle(finding());
    const again = await h.responder.handle(finding());
    const fromAdmin = await h.responder.handle(finding({ envelope: { account: ORG_ACCOUNT, id: 'another-envelope-id' } }));
    expect(first.outcomes.map((o) => o.status)).toEqual(['pending-approval']);
    expect(again.outcomes.map((o) => o.status)).toEqual(['duplicate']);
    expect(fromAdmin.outcomes.map((o) => o.status)).toEqual(['duplicate']);
    expect(h.eventsOf('Warden Finding')).toHaveLength(1);
  });

  it.each([
    ['another resource type', { detail: { resource: { resourceType: 'Instance', instanceDetails: { instanceId: 'i-0123456789abcdef0' } } } }, 'other-resource-type', /type "Instance", not a Lambda function/],
    ['a finding about an account outside the organization', { detail: { accountId: FOREIGN_ACCOUNT } }, 'outside-organization', new RegExp(`account ${FOREIGN_ACCOUNT} is not in the organization`)],
    ['an envelope from an account outside the organization', { envelope: { account: FOREIGN_ACCOUNT } }, 'outside-organization', new RegExp(`account ${FOREIGN_ACCOUNT} is not in the organization`)],
    ['a function of another account than the finding', { lambdaDetails: { functionArn: `arn:aws:lambda:${REGION}:${ORG_ACCOUNT}:function:${FUNCTION}` } }, 'resource-account-mismatch', /names a function of account/],
  ] as const)('ignores %s, saying why', async (_name, overrides, code, reason) => {
    const h = harnessWith(5);
    const record = await h.responder.handle(finding(overrides));
    expect(record).toMatchObject({ ignored: { kind: code }, findings: [], outcomes: [] });
    expect(record.ignored?.text).toMatch(reason);
    expect(h.lambda.calls).toEqual([]);
  });

  it.each([
    ['no severity', { detail: { severity: undefined } }, 'detail.severity'],
    ['no resource', { detail: { resource: undefined } }, 'detail.resource'],
    ['a severity out of range', { detail: { severity: 42 } }, 'detail.severity'],
    ['a bad account id', { envelope: { account: 'nobody' } }, 'account'],
  ] as const)('refuses a malformed finding (%s), naming the field', async (_name, overrides, field) => {
    const h = harnessWith(5);
    const error = await h.responder.handle(finding(overrides)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as InvalidEventError).message).toMatch(/^Invalid GuardDuty Finding event: /);
    expect((error as InvalidEventError).fields).toContain(field);
    expect(h.lambda.calls).toEqual([]);
  });

  it('closes a finding about a function that no longer exists, or a version no longer deployed, and does nothing', async () => {
    const h = harnessWith(5);
    h.account.lambda.publishVersion(KEY, '3');
    const gone = await h.responder.handle(finding({ lambdaDetails: { functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:deleted-fn`, functionName: 'deleted-fn' } }));
    const oldVersion = await h.responder.handle(finding({ lambdaDetails: { functionVersion: '7' } }));
    const liveVersion = await h.responder.handle(finding({ detail: { id: 'f0000000000000000000000000000003' }, lambdaDetails: { functionVersion: '3' } }));
    expect(gone).toMatchObject({ ignored: null, findings: [], outcomes: [] });
    expect(oldVersion).toMatchObject({ ignored: null, findings: [], outcomes: [] });
    expect(liveVersion.findings.map((f) => f.resource)).toEqual([`${FUNCTION_ARN}:3`]);
    expect(writes(h)).toEqual([]);
  });

  it.each([
    [0, 'low'],
    [3.9, 'low'],
    [4, 'medium'],
    [6.9, 'medium'],
    [7, 'high'],
    [8.9, 'high'],
    [9, 'critical'],
    [10, 'critical'],
  ] as const)('maps GuardDuty severity %d to %s', (score, severity) => {
    expect(guardDutySeverity(score)).toBe(severity);
  });

  it('only alerts on a medium finding, and approves a critical one', async () => {
    const h = harnessWith(5);
    const medium = await h.responder.handle(finding({ detail: { severity: 5, type: 'UnauthorizedAccess:Lambda/MaliciousIPCaller.Custom' } }));
    expect(medium.findings[0]).toMatchObject({ severity: 'medium', mode: 'alert' });
    expect(medium.outcomes[0]?.status).toBe('alerted');
    const critical = await h.responder.handle(finding({ detail: { id: 'c0000000000000000000000000000009', severity: 9.5, type: 'CryptoCurrency:Lambda/BitcoinTool.B' } }));
    expect(critical.findings[0]).toMatchObject({ severity: 'critical', mode: 'approve' });
    expect(critical.outcomes[0]?.status).toBe('pending-approval');
  });

  it.each([
    ['a reserved concurrency', 25],
    ['no reserved concurrency ("none")', undefined],
  ] as const)('isolates on approval, and Restore puts back exactly the previous state for %s; a second Restore changes nothing', async (_name, reserved) => {
    const h = harnessWith(reserved);
    const before = h.account.toStateFile();
    const beforeIsolation = isolationState(h);
    const routed = await h.responder.handle(finding());
    const pending = routed.outcomes[0];
    if (pending?.approval === undefined) throw new Error('no approval');
    await h.store.decideApproval({ id: pending.approval.id, decision: 'approved', by: 'U0APPROVER1', now: h.clock() });
    const approved = await h.decisions.handle(decisionOf(pending, pending.approval.id, 'approved'));
    expect(approved.outcome).toMatchObject({ status: 'remediated', verified: true, restore: { id: expect.stringMatching(/^wr-/) as unknown } });
    expect(isolationState(h)).toEqual({
      reserved: 0,
      mappings: beforeIsolation.mappings.map((m) => ({ ...m, State: 'Disabled' })),
    });

    const restoreId = approved.outcome?.restore?.id ?? '';
    await h.store.decideApproval({ id: restoreId, decision: 'restored', by: 'U0APPROVER1', now: h.clock() });
    const restored = await h.decisions.handle(decisionOf(pending, restoreId, 'restored'));
    expect(restored.outcome).toMatchObject({ status: 'remediated', verified: true, plan: { action: 'lift-function-isolation' } });
    expect(isolationState(h)).toEqual(beforeIsolation);
    // The mapping that was disabled before stays disabled: only what the isolation disabled comes back.
    expect(h.account.lambda.listEventSourceMappings(KEY).find((m) => m.UUID === DISABLED)?.State).toBe('Disabled');
    expect(h.account.toStateFile()).toEqual(before);

    const writesAfterRestore = writes(h).length;
    expect((await h.decisions.handle(decisionOf(pending, restoreId, 'restored'))).status).toBe('duplicate');
    const record = await h.store.getApproval(restoreId);
    if (record === null) throw new Error('no restore record');
    const rerun = await h.executor.runPlan(record.finding, record.eventId, record.plan);
    expect(rerun).toMatchObject({ status: 'already-compliant' });
    expect(writes(h)).toHaveLength(writesAfterRestore);
    expect(h.account.toStateFile()).toEqual(before);
  });

  it('puts nothing of the finding\'s evidence on the bus (so none of it reaches Slack): only what the finding names', async () => {
    const h = harnessWith(25);
    const planted = finding({
      detail: {
        description: `function image-resizer sent ${PLANTED} to a C&C host`,
        title: `C&C ${PLANTED}`,
        service: { ...(SAMPLE.detail as { service: Record<string, unknown> }).service, action: { actionType: 'DNS_REQUEST', dnsRequestAction: { domain: `${PLANTED}.exfil.example.com`, protocol: 'UDP' } } },
      },
      lambdaDetails: { description: PLANTED, tags: [{ key: 'token', value: PLANTED }] },
    });
    const record = await h.responder.handle(planted);
    expect(record.findings).toHaveLength(1);
    expect(h.events.length).toBeGreaterThan(0);
    for (const event of h.events) {
      expect(event.raw).not.toContain(PLANTED);
      expect(event.raw).not.toContain('198.51.100.23');
    }
    expect(JSON.stringify(record.findings)).not.toContain(PLANTED);
    expect(h.events.map((e) => e.raw).join('\n')).toContain('Backdoor:Lambda/C&CActivity.B');
  });
});
