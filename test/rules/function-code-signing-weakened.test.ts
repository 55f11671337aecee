import { describe, expect, it } from 'vitest';
import { intakeRefusal } from '../../functions/shared/event/intake';
import { functionCodeSigningWeakened } from '../../rules/lambda/function-code-signing-weakened';
import { ACCOUNT, FOREIGN_ACCOUNT, FUNCTION_ARN, FUNCTION_NAME, REGION } from '../fixtures/accounts';
import { identities, lambdaEvent, type EventOverrides } from '../fixtures/cloudtrail';
import { configurationHarness, type ConfigurationHarness } from '../fixtures/configuration-harness';
import { ruleContext, TEST_CONFIG } from '../fixtures/rule-context';
import { functionSnapshot } from '../fixtures/snapshots';

const RULE = functionCodeSigningWeakened.id;
const KEY = { account: ACCOUNT, region: REGION, functionName: FUNCTION_NAME };
const CSC = `arn:aws:lambda:${REGION}:${ACCOUNT}:code-signing-config:csc-0a1b2c3d4e5f67890`;
const WARN_CSC = `arn:aws:lambda:${REGION}:${ACCOUNT}:code-signing-config:csc-0f9e8d7c6b5a43210`;

/** Two functions signed with an enforcing config, and a second config that only warns. */
function signedAccount(): ConfigurationHarness {
  const h = configurationHarness();
  h.account.lambda.putCodeSigningConfig(KEY, { arn: CSC, untrustedArtifactOnDeployment: 'Enforce' });
  h.account.lambda.putCodeSigningConfig(KEY, { arn: WARN_CSC, untrustedArtifactOnDeployment: 'Warn' });
  for (const functionName of [FUNCTION_NAME, 'orders-worker']) {
    h.account.lambda.createFunction({ ...KEY, functionName });
    h.account.lambda.putFunctionCodeSigningConfig({ ...KEY, functionName }, CSC);
  }
  h.account.lambda.createFunction({ ...KEY, functionName: 'unsigned' });
  return h;
}

const deleteConfig = (overrides: EventOverrides = {}, functionName: string = FUNCTION_ARN) => lambdaEvent('DeleteFunctionCodeSigningConfig', { functionName }, overrides);
const putConfig = (arn: string, overrides: EventOverrides = {}) => lambdaEvent('PutFunctionCodeSigningConfig', { functionName: FUNCTION_NAME, codeSigningConfigArn: arn }, { responseElements: { codeSigningConfigArn: arn, functionName: FUNCTION_NAME }, ...overrides });
const updateConfig = (policy: string | undefined, overrides: EventOverrides = {}, arn = CSC) =>
  lambdaEvent('UpdateCodeSigningConfig', { codeSigningConfigArn: arn, ...(policy === undefined ? { description: 'orders signing' } : { codeSigningPolicies: { untrustedArtifactOnDeployment: policy } }) }, overrides);

describe('function-code-signing-weakened', () => {
  it('reports the removal of a function’s config, naming who removed it', async () => {
    const h = signedAccount();
    const [finding] = await h.run(deleteConfig(), RULE);
    expect(finding?.mode).toBe('alert');
    expect(finding?.remediation).toBeNull();
    expect(finding?.summary).toContain(`arn:aws:iam::${ACCOUNT}:user/alice removed the code-signing config of ${FUNCTION_ARN}`);
    expect(h.account.lambda.getFunctionCodeSigningConfigArn(KEY)).toBeUndefined();
  });

  it('reports every function using a config switched to Warn, and only those', async () => {
    const h = signedAccount();
    const findings = await h.run(updateConfig('Warn'), RULE);
    expect(findings.map((f) => f.resource).sort()).toEqual([FUNCTION_ARN, FUNCTION_ARN.replace(FUNCTION_NAME, 'orders-worker')]);
    expect(findings[0]?.summary).toContain(`switched code-signing config ${CSC} to Warn`);
  });

  it('reports a function switched to a config that only warns', async () => {
    const h = signedAccount();
    expect(await h.run(putConfig(WARN_CSC), RULE)).toHaveLength(1);
  });

  it.each([
    ['a config switched to Enforce', updateConfig('Enforce')],
    ['a config update that leaves the policy alone', updateConfig(undefined)],
    ['an enforcing config attached', putConfig(CSC)],
    ['an update of a config no function uses', updateConfig('Warn', {}, WARN_CSC)],
  ])('leaves %s alone', async (_what, event) => {
    const h = signedAccount();
    expect(await h.run(event, RULE)).toEqual([]);
  });

  it('ignores a config of another account named in the request', async () => {
    const h = signedAccount();
    const foreign = CSC.replace(ACCOUNT, FOREIGN_ACCOUNT);
    h.account.lambda.putCodeSigningConfig({ ...KEY, account: FOREIGN_ACCOUNT }, { arn: foreign, untrustedArtifactOnDeployment: 'Enforce' });
    h.account.lambda.putFunctionCodeSigningConfig(KEY, foreign);
    expect(await h.run(updateConfig('Warn', {}, foreign), RULE)).toEqual([]);
  });

  it('judges the current state: a config attached again since the removal is not reported', () => {
    const result = functionCodeSigningWeakened.evaluate({ ...functionSnapshot(), codeSigning: { codeSigningConfigArn: CSC, untrustedArtifactOnDeployment: 'Enforce' } }, ruleContext({ event: deleteConfig() }));
    expect(result.status).toBe('compliant');
  });

  it('changes nothing on a failed call, and the bot’s own call never reaches the rules', async () => {
    const h = signedAccount();
    expect(await h.run(deleteConfig({ errorCode: 'AccessDeniedException' }), RULE)).toEqual([]);
    expect(h.account.lambda.getFunctionCodeSigningConfigArn(KEY)).toBe(CSC);
    expect(intakeRefusal(deleteConfig({ identity: identities.remediator(TEST_CONFIG.remediatorRoleName) }), TEST_CONFIG)?.kind).toBe('own-action');
  });

  it('is not applicable in a scan without a config and a baseline, or unread', () => {
    expect(functionCodeSigningWeakened.evaluate({ ...functionSnapshot(), codeSigning: null }, ruleContext()).status).toBe('not-applicable');
    expect(functionCodeSigningWeakened.evaluate(functionSnapshot(), ruleContext({ event: deleteConfig() })).status).toBe('not-applicable');
  });

  // Added deliberately (issue #17 scan coverage, scan.readCodeSigning): a scan without a baseline reports a config that only warns, offering nothing.
  it('reports, in a scan without a baseline, a config that only warns (no plan), and not one that enforces', () => {
    const warns = functionCodeSigningWeakened.evaluate({ ...functionSnapshot(), codeSigning: { codeSigningConfigArn: WARN_CSC, untrustedArtifactOnDeployment: 'Warn', functionArns: [FUNCTION_ARN] } }, ruleContext());
    expect(warns.status).toBe('non-compliant');
    const finding = warns.status === 'non-compliant' ? warns.findings[0] : undefined;
    expect(finding?.key).toBe(`code-signing-warn:${WARN_CSC}`);
    expect(finding?.summary).toContain(`A scan found that ${FUNCTION_ARN} uses code-signing config ${WARN_CSC}, which only warns,`);
    expect(finding?.remediation).toBeNull();
    expect(functionCodeSigningWeakened.evaluate({ ...functionSnapshot(), codeSigning: { codeSigningConfigArn: CSC, untrustedArtifactOnDeployment: 'Enforce' } }, ruleContext()).status).toBe('compliant');
  });
});
