import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../functions/shared/config/config';
import { Executor } from '../../../../functions/shared/executor/executor';
import { InMemoryStateStore } from '../../../../functions/shared/store/in-memory-state-store';
import { exemptionFields } from '../../../../functions/shared/store/integrity';
import { ACCOUNT, FOREIGN_ACCOUNT, FUNCTION_ARN } from '../../../fixtures/accounts';
import { publicAccessFinding } from '../../../fixtures/findings';

const NOW = new Date('2025-03-14T09:30:00Z');

const finding = publicAccessFinding;

function executor(config: Record<string, unknown> = {}) {
  const store = new InMemoryStateStore();
  const calls: string[] = [];
  const ex = new Executor({
    config: parseConfig({ organization: { accounts: [ACCOUNT] }, dryRun: false, ...config }),
    store,
    clientsFor: (account) => {
      calls.push(account);
      throw new Error('no AWS in this test');
    },
    now: () => NOW,
  });
  return { ex, store, calls };
}

describe('Executor', () => {
  it('fails a plan whose parameters do not fit the action, without asking for credentials', async () => {
    const { ex, calls } = executor();
    const outcome = await ex.handle(finding({ remediation: { action: 'remove-function-permission', params: { functionName: 'orders-api' }, description: 'd' } }), { eventId: 'e' });
    expect(outcome).toMatchObject({ status: 'failed', error: { name: 'InvalidPlan' } });
    expect(outcome.detail).toMatch(/functionName/);
    expect(calls).toEqual([]);
  });

  it('refuses a finding in an account outside the organization', async () => {
    const { ex, calls } = executor();
    expect((await ex.handle(finding({ account: FOREIGN_ACCOUNT }), { eventId: 'e' })).status).toBe('refused');
    expect(calls).toEqual([]);
  });

  it('uses the configured approval expiry', async () => {
    const { ex, store } = executor({ approvalExpiryHours: 2 });
    const outcome = await ex.handle(finding({ mode: 'approve' }), { eventId: 'e' });
    expect(outcome.approval?.expiresAt).toBe('2025-03-14T11:30:00.000Z');
    expect((await store.getApproval(outcome.approval?.id ?? ''))?.status).toBe('pending');
  });

  it('runs no approved plan under dry-run', async () => {
    const { ex, calls } = executor({ dryRun: true });
    const f = finding();
    const outcome = await ex.runPlan(f, 'e', f.remediation!);
    expect(outcome.status).toBe('dry-run');
    expect(calls).toEqual([]);
  });

  it('reports a credentials failure as a failed outcome and stores it', async () => {
    const { ex, store, calls } = executor();
    const outcome = await ex.handle(finding(), { eventId: 'e' });
    expect(outcome).toMatchObject({ status: 'failed', error: { message: 'no AWS in this test' } });
    expect(calls).toEqual([ACCOUNT]);
    expect((await store.getFinding('wf-1', 'e'))?.status).toBe('done');
  });
});

// ── Decisions from Slack (issue #6): stored exemptions and the restore record ────────────────
describe('Executor (decisions)', () => {
  const decided = {
    resource: FUNCTION_ARN,
    ruleId: 'function-public-access',
    until: '2025-04-13T09:30:00.000Z',
    by: 'U0APPROVER',
    recordId: 'wa-1',
    decision: 'rejected-and-exempted' as const,
    createdAt: NOW.toISOString(),
  };

  it('honours an exemption decided in Slack: the finding is exempt and nothing runs', async () => {
    const { ex, store, calls } = executor();
    await store.putExemption({ ...decided, tag: await ex.integrity.sign('exemption', exemptionFields(decided)) });
    const outcome = await ex.handle(finding(), { eventId: 'e' });
    expect(outcome).toMatchObject({ status: 'exempt', exemption: { kind: 'decision' } });
    expect(outcome.exemption?.reason).toMatch(/U0APPROVER.*2025-04-13/);
    expect(outcome).not.toHaveProperty('integrityFailures');
    expect(calls).toEqual([]);
    expect((await ex.handle(finding({ ruleId: 'function-url-public' }), { eventId: 'e2' })).status).toBe('failed');
  });

  it.each([
    ['without a tag', () => undefined, 'tag-missing'],
    ['with the tag of another exemption', async (ex: Executor) => ex.integrity.sign('exemption', exemptionFields({ ...decided, ruleId: 'function-url-public' })), 'tag-mismatch'],
    ['with a record tag over the same fields', async (ex: Executor) => ex.integrity.sign('record', exemptionFields(decided)), 'tag-mismatch'],
  ] as const)('does not honour an exemption written into the table %s: the finding is handled and the failure reported', async (_label, tag, check) => {
    const { ex, store, calls } = executor();
    const forged = await tag(ex);
    store.overwrite({ exemption: { ...decided, ...(forged === undefined ? {} : { tag: forged }) } });
    const outcome = await ex.handle(finding(), { eventId: 'e' });
    expect(outcome.status).toBe('failed'); // the plan was attempted (no AWS in this test), not exempted
    expect(calls).toEqual([ACCOUNT]);
    expect(outcome.integrityFailures).toEqual([{ family: 'exemption', itemId: `${FUNCTION_ARN} function-public-access`, check }]);
  });

  it('describes the plan it ran, not the finding’s own, when told to run another (quarantine)', async () => {
    const { ex } = executor({ dryRun: true });
    const outcome = await ex.runPlan(finding(), 'e', { action: 'quarantine-function', params: { functionName: FUNCTION_ARN }, description: 'q' });
    expect(outcome.plan).toEqual({ action: 'quarantine-function', call: `lambda:PutFunctionConcurrency FunctionName=${FUNCTION_ARN} ReservedConcurrentExecutions=0`, description: 'q' });
  });
});
