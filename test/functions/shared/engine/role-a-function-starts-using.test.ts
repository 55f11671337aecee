/**
 * Issue #13, gap 1: a function created with, or switched to, a role that is itself dangerous. The
 * records follow the PassRole escalation (Rhino Security Labs' method 15: iam:PassRole +
 * lambda:CreateFunction with an existing admin role) and Stratus Red Team's Lambda techniques.
 */
import { describe, expect, it } from 'vitest';
import { baselineKeeperByKind, InMemoryBaselineStore } from '../../../../functions/shared/baseline/baseline-keeper';
import { createBaselineKey, FunctionBaselineKeeper } from '../../../../functions/shared/baseline/function-baseline';
import { RoleBaselineKeeper } from '../../../../functions/shared/baseline/role-baseline';
import { Engine } from '../../../../functions/shared/engine/engine';
import type { CloudTrailEvent } from '../../../../functions/shared/event/cloudtrail-event';
import { RULES } from '../../../../rules';
import { InMemoryAccount } from '../../../../sim/in-memory-account';
import { ACCOUNT, FOREIGN_ACCOUNT, REGION } from '../../../fixtures/accounts';
import { assumedRole, iamUser } from '../../../fixtures/cloudtrail';
import { createFunctionEvent, updateFunctionConfigurationEvent } from '../../../fixtures/function-configuration';
import { AWS_POLICY, documents, iamEvent, trust } from '../../../fixtures/iam';
import { TEST_CONFIG, TEST_NOW } from '../../../fixtures/rule-context';

const roleArn = (name: string): string => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const functionArn = (name: string): string => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
const attacker = { identity: iamUser('svc-build') };

/** An account holding `ci-deploy-admin` (Lambda-trusted, AdministratorAccess), `orders-api-role` (logging only) and roles to switch to. */
function harness() {
  const account = new InMemoryAccount({ defaultAccount: ACCOUNT, defaultRegion: REGION });
  account.iam.createRole(ACCOUNT, 'ci-deploy-admin', { trust: trust.lambda });
  account.iam.attachRolePolicy(ACCOUNT, 'ci-deploy-admin', AWS_POLICY('AdministratorAccess'));
  account.iam.createRole(ACCOUNT, 'orders-api-role', { trust: trust.lambda });
  account.iam.putRolePolicy(ACCOUNT, 'orders-api-role', 'logging', documents.logging);
  account.iam.createRole(ACCOUNT, 'deployer-role', { trust: trust.lambda });
  account.iam.putRolePolicy(ACCOUNT, 'deployer-role', 'deploy', documents.passRoleAnywhere);
  account.iam.createRole(ACCOUNT, 'open-role', { trust: trust.anyone });
  const store = new InMemoryBaselineStore();
  const key = createBaselineKey();
  const engine = new Engine({
    rules: RULES,
    config: TEST_CONFIG,
    reader: account.reader(),
    now: () => TEST_NOW,
    baselines: baselineKeeperByKind({
      'lambda-function': new FunctionBaselineKeeper({ store, key }),
      'iam-role': new RoleBaselineKeeper({ store, config: TEST_CONFIG, key }),
    }),
  });
  return {
    account,
    store,
    async run(event: CloudTrailEvent) {
      account.replay(event);
      return (await engine.evaluateParsed(event)).findings;
    },
  };
}

describe('a role a function starts using', () => {
  it('is judged by the execution-role rules on CreateFunction, and a fresh admin role becomes no baseline', async () => {
    const h = harness();
    const findings = await h.run(createFunctionEvent({ functionName: 'build-helper', role: roleArn('ci-deploy-admin') }, attacker));
    const byRule = Object.fromEntries(findings.map((f) => [f.ruleId, f]));
    expect(byRule['execution-role-admin-access']?.resource).toBe(roleArn('ci-deploy-admin'));
    expect(byRule['execution-role-admin-access']?.remediation).toEqual(expect.objectContaining({ action: 'detach-role-policy' }));
    expect(byRule['execution-role-admin-access']?.mode).toBe('approve');
    expect(byRule['function-execution-role-swapped']?.resource).toBe(functionArn('build-helper'));
    expect(byRule['function-execution-role-swapped']?.details).toEqual({ previousRole: null, role: roleArn('ci-deploy-admin'), adminAccess: [AWS_POLICY('AdministratorAccess')] });
    expect(byRule['function-execution-role-swapped']?.summary).toContain('administrator-like access');
    // Nothing about the role or the function was saved as last-known-good.
    expect(await h.store.get(`iam-role:${ACCOUNT}:ci-deploy-admin`)).toEqual(expect.not.objectContaining({ attachedPolicies: expect.anything() as unknown }));
    expect(await h.store.get(functionArn('build-helper'))).toBeNull();
  });

  it('is judged on UpdateFunctionConfiguration that switches a baselined function to it', async () => {
    const h = harness();
    expect(await h.run(createFunctionEvent({ role: roleArn('orders-api-role') }))).toEqual([]);
    expect(await h.store.get(functionArn('orders-api'))).not.toBeNull();
    const findings = await h.run(updateFunctionConfigurationEvent({ role: roleArn('ci-deploy-admin') }, { ...attacker, eventTime: '2025-03-14T10:00:00Z' }));
    expect(findings.map((f) => f.ruleId).sort()).toEqual(['execution-role-admin-access', 'function-execution-role-swapped']);
    const swapped = findings.find((f) => f.ruleId === 'function-execution-role-swapped');
    expect(swapped?.details).toEqual({ previousRole: roleArn('orders-api-role'), role: roleArn('ci-deploy-admin'), adminAccess: [AWS_POLICY('AdministratorAccess')] });
  });

  it('reports privilege-escalation actions of the new role', async () => {
    const h = harness();
    const findings = await h.run(createFunctionEvent({ functionName: 'deploy-bot', role: roleArn('deployer-role') }, attacker));
    expect(findings.map((f) => f.ruleId).sort()).toEqual(['execution-role-privilege-escalation', 'function-execution-role-swapped']);
    expect(findings.find((f) => f.ruleId === 'function-execution-role-swapped')?.details).toMatchObject({ dangerousActions: expect.arrayContaining(['iam:PassRole']) as unknown });
  });

  it('reports an open trust policy of the new role, asking for approval without a saved trust policy', async () => {
    const h = harness();
    const findings = await h.run(createFunctionEvent({ functionName: 'relay', role: roleArn('open-role') }, attacker));
    const opened = findings.find((f) => f.ruleId === 'execution-role-trust-opened');
    expect(opened?.mode).toBe('approve');
    expect(opened?.remediation?.action).toBe('restore-trust-policy');
    expect(findings.find((f) => f.ruleId === 'function-execution-role-swapped')?.details).toMatchObject({ openTrust: ['*'] });
  });

  it('stays quiet on a new function with a Lambda-only role holding narrow permissions, which becomes the baseline', async () => {
    const h = harness();
    expect(await h.run(createFunctionEvent({ functionName: 'orders-api', role: roleArn('orders-api-role') }))).toEqual([]);
    expect(await h.store.get(`iam-role:${ACCOUNT}:orders-api-role`)).toEqual(expect.objectContaining({ content: expect.objectContaining({ inlinePolicies: expect.anything() as unknown }) as unknown }));
  });

  it('is judged for a role created open (CreateRole with Lambda and "*" or an outside account in its trust policy)', async () => {
    for (const [name, document] of [['backdoor-exec', trust.anyone], ['partner-exec', trust.foreignAccount]] as const) {
      const h = harness();
      const createRole = iamEvent('CreateRole', { roleName: name, path: '/', assumeRolePolicyDocument: JSON.stringify(document, null, 2) }, {
        identity: assumedRole('AWSReservedSSO_PowerUser_0123456789abcdef', 'mallory'),
        responseElements: { role: { path: '/', roleName: name, roleId: 'AROAXAMPLEROLEID00001', arn: roleArn(name), createDate: 'Mar 14, 2025, 9:26:53 AM', assumeRolePolicyDocument: encodeURIComponent(JSON.stringify(document)) } },
      });
      const [finding, ...rest] = await h.run(createRole);
      expect(rest).toEqual([]);
      expect(finding?.ruleId).toBe('execution-role-trust-opened');
      expect(finding?.resource).toBe(roleArn(name));
      expect(finding?.details.principals).toEqual([expect.objectContaining({ principal: name === 'backdoor-exec' ? '*' : `arn:aws:iam::${FOREIGN_ACCOUNT}:root` })]);
    }
  });

  it('stays quiet on CreateRole for a Lambda-only role', async () => {
    const h = harness();
    const createRole = iamEvent('CreateRole', { roleName: 'orders-worker', path: '/service-role/', assumeRolePolicyDocument: JSON.stringify(trust.lambda) });
    expect(await h.run(createRole)).toEqual([]);
  });
});
