import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../functions/shared/config/config';
import type { Finding } from '../../../../functions/shared/contract/finding';
import { inversePlan } from '../../../../functions/shared/executor/inverse-plans';
import { ACTIONS } from '../../../../functions/shared/remediation/actions';
import { targetsFindingResource } from '../../../../functions/shared/responder/decision-checks';
import type { RemediationPlan } from '../../../../functions/shared/contract/finding';
import { installLambdaMock, type LambdaMockHandle } from '../../../../sim/lambda-mock';
import { ACCOUNT, FUNCTION_ARN, FUNCTION_NAME, ORG_ACCOUNT, ORG_ID, REGION } from '../../../fixtures/accounts';
import { lambdaEvent } from '../../../fixtures/cloudtrail';
import { configurationHarness, type ConfigurationHarness } from '../../../fixtures/configuration-harness';

const RULE = 'function-code-signing-weakened';
const KEY = { account: ACCOUNT, region: REGION, functionName: FUNCTION_NAME };
const CSC = `arn:aws:lambda:${REGION}:${ACCOUNT}:code-signing-config:csc-0a1b2c3d4e5f67890`;
const WARN_CSC = `arn:aws:lambda:${REGION}:${ACCOUNT}:code-signing-config:csc-0f9e8d7c6b5a43210`;
const WORKER_ARN = FUNCTION_ARN.replace(FUNCTION_NAME, 'orders-worker');
/** `approve` reached by config: the rule's default stays `alert`. */
const APPROVE = parseConfig({ organization: { id: ORG_ID, accounts: [ACCOUNT, ORG_ACCOUNT] }, rules: { [RULE]: { mode: 'approve' } } });

const deleteConfig = () => lambdaEvent('DeleteFunctionCodeSigningConfig', { functionName: FUNCTION_ARN });
const putConfig = (arn: string) => lambdaEvent('PutFunctionCodeSigningConfig', { functionName: FUNCTION_NAME, codeSigningConfigArn: arn }, { responseElements: { codeSigningConfigArn: arn, functionName: FUNCTION_NAME } });
const updateConfig = (policy: string, arn = CSC) => lambdaEvent('UpdateCodeSigningConfig', { codeSigningConfigArn: arn, codeSigningPolicies: { untrustedArtifactOnDeployment: policy } });

let lambda: LambdaMockHandle | undefined;
afterEach(() => {
  lambda?.mock.restore();
  lambda = undefined;
});

/** Two functions on an enforcing config, a config that only warns; the baseline captured from a compliant PutFunctionCodeSigningConfig. */
async function signedAccount(): Promise<ConfigurationHarness> {
  const h = configurationHarness({ config: APPROVE });
  h.account.lambda.putCodeSigningConfig(KEY, { arn: CSC, untrustedArtifactOnDeployment: 'Enforce' });
  h.account.lambda.putCodeSigningConfig(KEY, { arn: WARN_CSC, untrustedArtifactOnDeployment: 'Warn' });
  for (const functionName of [FUNCTION_NAME, 'orders-worker']) h.account.lambda.createFunction({ ...KEY, functionName });
  h.account.lambda.putFunctionCodeSigningConfig({ ...KEY, functionName: 'orders-worker' }, CSC);
  expect(await h.run(putConfig(CSC), RULE)).toEqual([]);
  return h;
}

async function run(h: ConfigurationHarness, plan: RemediationPlan | null | undefined) {
  if (plan === null || plan === undefined) throw new Error('no plan');
  lambda ??= installLambdaMock(h.account, mockClient(LambdaClient));
  const action = ACTIONS[plan.action];
  const bound = action.bind(plan.params);
  const from = lambda.calls.length;
  const outcome = await bound.execute({ lambda: new LambdaClient({ region: REGION }) });
  const sent = [...new Set(lambda.calls.slice(from).map((c) => `lambda:${c.command}`))];
  expect(sent.filter((p) => !action.permissions.includes(p))).toEqual([]);
  return { outcome, verify: () => bound.verify({ lambda: new LambdaClient({ region: REGION }) }) };
}

function only(findings: readonly Finding[]): Finding {
  expect(findings).toHaveLength(1);
  const [finding] = findings;
  if (finding === undefined) throw new Error('no finding');
  return finding;
}

describe('function-code-signing-weakened: approve restores the last-known-good config', () => {
  it('keeps the config a compliant function used in its sealed baseline', async () => {
    const h = await signedAccount();
    const stored = (await h.baselines.get(FUNCTION_ARN)) as { content: { codeSigning?: unknown }; integrity: string };
    expect(stored.content.codeSigning).toEqual({ value: { configArn: CSC, untrustedArtifactOnDeployment: 'Enforce' }, capturedAt: expect.any(String) as string });
    expect(stored.integrity).toMatch(/^hmac-sha256:v1:/);
  });

  it('a removed config: plans PutFunctionCodeSigningConfig with the baseline config, which attaches it again and verifies', async () => {
    const h = await signedAccount();
    const finding = only(await h.run(deleteConfig(), RULE));
    expect(finding.mode).toBe('approve');
    expect(finding.summary).toContain(`It used ${CSC} (Enforce) before.`);
    expect(finding.remediation).toMatchObject({ action: 'restore-function-code-signing-config', params: { functionName: FUNCTION_ARN, codeSigningConfigArn: CSC, judgedConfigArn: 'none' } });
    if (finding.remediation === null) throw new Error('no plan');
    expect(targetsFindingResource(finding.remediation, finding)).toBe(true);
    const { outcome, verify } = await run(h, finding.remediation);
    expect(outcome).toMatchObject({ status: 'remediated', verified: true });
    expect(h.account.lambda.getFunctionCodeSigningConfigArn(KEY)).toBe(CSC);
    expect(await verify()).toBe(true);
    expect(lambda?.callsOf('PutFunctionCodeSigningConfig').map((c) => c.input)).toEqual([{ FunctionName: FUNCTION_ARN, CodeSigningConfigArn: CSC }]);
  });

  it('a config replaced by one that only warns: attaches the baseline config instead of it', async () => {
    const h = await signedAccount();
    const finding = only(await h.run(putConfig(WARN_CSC), RULE));
    expect(finding.remediation).toMatchObject({ action: 'restore-function-code-signing-config', params: { codeSigningConfigArn: CSC, judgedConfigArn: WARN_CSC } });
    expect((await run(h, finding.remediation)).outcome).toMatchObject({ status: 'remediated', verified: true });
    expect(h.account.lambda.getFunctionCodeSigningConfigArn(KEY)).toBe(CSC);
  });

  it('the config itself switched to Warn: plans UpdateCodeSigningConfig Enforce and names every other function using it', async () => {
    const h = await signedAccount();
    const findings = await h.run(updateConfig('Warn'), RULE);
    const finding = findings.find((f) => f.resource === FUNCTION_ARN);
    if (finding === undefined) throw new Error('no finding');
    expect(finding.remediation).toMatchObject({ action: 'set-code-signing-config-enforce', params: { codeSigningConfigArn: CSC } });
    expect(finding.summary).toContain(`1 other function(s) use it too and would enforce as well: ${WORKER_ARN}`);
    expect(finding.remediation?.description).toContain(WORKER_ARN);
    expect(finding.details.sharedWith).toEqual([WORKER_ARN]);
    if (finding.remediation === null) throw new Error('no plan');
    expect(targetsFindingResource(finding.remediation, finding)).toBe(true);
    expect(targetsFindingResource({ ...finding.remediation, params: { codeSigningConfigArn: WARN_CSC } }, finding)).toBe(false);
    expect((await run(h, finding.remediation)).outcome).toMatchObject({ status: 'remediated', verified: true });
    expect(h.account.lambda.getCodeSigningConfig(CSC).CodeSigningPolicies.UntrustedArtifactOnDeployment).toBe('Enforce');
  });

  it('offers nothing without a baseline, or with a baseline whose seal was broken', async () => {
    const h = configurationHarness({ config: APPROVE });
    h.account.lambda.putCodeSigningConfig(KEY, { arn: CSC, untrustedArtifactOnDeployment: 'Enforce' });
    h.account.lambda.createFunction(KEY);
    h.account.lambda.putFunctionCodeSigningConfig(KEY, CSC);
    const unbased = only(await h.run(deleteConfig(), RULE));
    expect(unbased.remediation).toBeNull();
    expect(unbased.summary).toContain('No last-known-good baseline shows this function enforcing code signing');

    const sealed = await signedAccount();
    const stored = (await sealed.baselines.get(FUNCTION_ARN)) as { content: { codeSigning: { value: { configArn: string } } }; integrity: string };
    await sealed.baselines.put(FUNCTION_ARN, { ...stored, content: { ...stored.content, codeSigning: { ...stored.content.codeSigning, value: { ...stored.content.codeSigning.value, configArn: WARN_CSC } } } });
    expect(only(await sealed.run(deleteConfig(), RULE)).remediation).toBeNull();
  });

  it.each([
    ['the function uses another config since the finding', (h: ConfigurationHarness) => { h.account.lambda.putFunctionCodeSigningConfig(KEY, WARN_CSC); }, /now uses .*csc-0f9e8d7c6b5a43210, not none as judged/],
    ['the baseline config now only warns', (h: ConfigurationHarness) => h.account.lambda.updateCodeSigningConfig(CSC, { untrustedArtifactOnDeployment: 'Warn' }), /is now Warn, so attaching it would not restore enforcement/],
  ])('refuses, changing nothing, when %s', async (_what, change, reason) => {
    const h = await signedAccount();
    const finding = only(await h.run(deleteConfig(), RULE));
    change(h);
    const before = h.account.lambda.getFunctionCodeSigningConfigArn(KEY);
    const { outcome } = await run(h, finding.remediation);
    expect(outcome.status === 'failed' ? (outcome.error as Error).name : outcome.status).toBe('StaleFindingError');
    expect(outcome.detail).toMatch(reason);
    expect(h.account.lambda.getFunctionCodeSigningConfigArn(KEY)).toBe(before);
    expect(lambda?.callsOf('PutFunctionCodeSigningConfig')).toEqual([]);
  });

  it('Restore puts back exactly what was judged: no config again, or Warn again', async () => {
    const h = await signedAccount();
    const removed = only(await h.run(deleteConfig(), RULE));
    if (removed.remediation === null) throw new Error('no plan');
    await run(h, removed.remediation);
    const undo = inversePlan(removed.remediation, removed).plan;
    expect(undo).toMatchObject({ action: 'reattach-function-code-signing-config', params: { functionName: FUNCTION_ARN, codeSigningConfigArn: 'none', restoredConfigArn: CSC } });
    if (undo === null) throw new Error('no inverse');
    expect(targetsFindingResource(undo, removed)).toBe(true);
    expect((await run(h, undo)).outcome).toMatchObject({ status: 'remediated', verified: true });
    expect(h.account.lambda.getFunctionCodeSigningConfigArn(KEY)).toBeUndefined();

    const switched = (await h.run(updateConfig('Warn', CSC), RULE)).find((f) => f.resource === WORKER_ARN);
    // orders-worker has no baseline of its own: nothing offered for it.
    expect(switched?.remediation).toBeNull();
    const enforce: RemediationPlan = { action: 'set-code-signing-config-enforce', params: { codeSigningConfigArn: CSC }, description: '' };
    const warnAgain = inversePlan(enforce, { ...removed, details: { codeSigningConfigArn: CSC } }).plan;
    expect(warnAgain).toMatchObject({ action: 'set-code-signing-config-warn', params: { codeSigningConfigArn: CSC } });
    await run(h, enforce);
    expect(h.account.lambda.getCodeSigningConfig(CSC).CodeSigningPolicies.UntrustedArtifactOnDeployment).toBe('Enforce');
    expect((await run(h, warnAgain)).outcome).toMatchObject({ status: 'remediated', verified: true });
    expect(h.account.lambda.getCodeSigningConfig(CSC).CodeSigningPolicies.UntrustedArtifactOnDeployment).toBe('Warn');
  });
});
