/** Issue #17: an approved code-signing restore runs through the responder and the decision runner, and offers a Restore. */
import { afterEach, describe, expect, it } from 'vitest';
import type { ExecutionOutcome } from '../../../functions/shared/contract/outcome';
import { ACCOUNT, FUNCTION_ARN, FUNCTION_NAME, REGION } from '../../fixtures/accounts';
import { lambdaEvent } from '../../fixtures/cloudtrail';
import { createHarness, harnessConfig, type Harness } from './responder-harness';

const RULE = 'function-code-signing-weakened';
const KEY = { account: ACCOUNT, region: REGION, functionName: FUNCTION_NAME };
const CSC = `arn:aws:lambda:${REGION}:${ACCOUNT}:code-signing-config:csc-0a1b2c3d4e5f67890`;

let h: Harness | undefined;
afterEach(() => {
  h?.dispose();
  h = undefined;
});

function decisionOf(outcome: ExecutionOutcome, recordId: string, kind: 'approved' | 'restored') {
  const detail = { recordId, findingId: outcome.findingId, eventId: outcome.eventId, ruleId: outcome.ruleId, resource: outcome.resource, account: outcome.account, region: outcome.region, decision: kind, by: { userId: 'U0APPROVER1' }, at: '2025-03-14T09:31:00.000Z', plan: null };
  return { version: '0', source: 'lambda-warden', 'detail-type': 'Warden Decision', detail };
}

describe('function-code-signing-weakened in mode approve (by config)', () => {
  it('asks, restores the baseline config on approval, and Restore removes it again', async () => {
    const harness = createHarness({ config: harnessConfig({ rules: { [RULE]: { mode: 'approve' } } }) });
    h = harness;
    harness.account.lambda.putCodeSigningConfig(KEY, { arn: CSC, untrustedArtifactOnDeployment: 'Enforce' });
    harness.account.lambda.createFunction(KEY, { Runtime: 'nodejs22.x', Role: `arn:aws:iam::${ACCOUNT}:role/orders-api-role`, Handler: 'index.handler' });
    const attach = lambdaEvent('PutFunctionCodeSigningConfig', { functionName: FUNCTION_NAME, codeSigningConfigArn: CSC }, { responseElements: { codeSigningConfigArn: CSC, functionName: FUNCTION_NAME } });
    harness.account.replay(attach);
    expect((await harness.responder.handle(attach)).findings).toEqual([]);

    const remove = lambdaEvent('DeleteFunctionCodeSigningConfig', { functionName: FUNCTION_ARN }, { eventID: 'e0000000-0000-4000-8000-000000000002' });
    harness.account.replay(remove);
    const routed = await harness.responder.handle(remove);
    const pending = routed.outcomes.find((o) => o.ruleId === RULE);
    expect(pending?.status).toBe('pending-approval');
    if (pending?.approval === undefined) throw new Error('no approval');
    await harness.store.decideApproval({ id: pending.approval.id, decision: 'approved', by: 'U0APPROVER1', now: harness.clock() });
    const approved = await harness.decisions.handle(decisionOf(pending, pending.approval.id, 'approved'));
    expect(approved.outcome).toMatchObject({ status: 'remediated', verified: true, restore: { id: expect.stringMatching(/^wr-/) as unknown } });
    expect(harness.account.lambda.getFunctionCodeSigningConfigArn(KEY)).toBe(CSC);

    const restoreId = approved.outcome?.restore?.id ?? '';
    await harness.store.decideApproval({ id: restoreId, decision: 'restored', by: 'U0APPROVER1', now: harness.clock() });
    const restored = await harness.decisions.handle(decisionOf(pending, restoreId, 'restored'));
    expect(restored.outcome).toMatchObject({ status: 'remediated', verified: true, plan: { action: 'reattach-function-code-signing-config' } });
    expect(harness.account.lambda.getFunctionCodeSigningConfigArn(KEY)).toBeUndefined();
  });
});
