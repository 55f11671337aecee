import { describe, expect, it } from 'vitest';
import { baselineKeeperByKind, InMemoryBaselineStore } from '../../functions/shared/baseline/baseline-keeper';
import { createBaselineKey, FunctionBaselineKeeper } from '../../functions/shared/baseline/function-baseline';
import { Engine } from '../../functions/shared/engine/engine';
import type { StateReader } from '../../functions/shared/state/state-reader';
import { RULES } from '../../rules';
import { functionExecutionRoleSwapped } from '../../rules/lambda/function-execution-role-swapped';
import { ACCOUNT, FOREIGN_ACCOUNT, REGION } from '../fixtures/accounts';
import { configurationHarness, type ConfigurationHarness } from '../fixtures/configuration-harness';
import { createFunctionEvent, updateFunctionCodeEvent, updateFunctionConfigurationEvent } from '../fixtures/function-configuration';
import { trust } from '../fixtures/iam';
import { TEST_CONFIG, TEST_NOW } from '../fixtures/rule-context';

const RULE = functionExecutionRoleSwapped.id;
const roleArn = (name: string): string => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const OWN_ROLE = roleArn('orders-api-role');
const NEW_ROLE = roleArn('orders-api-role-v2');
const BILLING_ROLE = roleArn('billing-worker-role');
const BILLING_FUNCTION = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:billing-worker`;

/** `orders-api` running as its own Lambda-only role, with a baseline saved, and `billing-worker` running as another. */
async function swappable(): Promise<ConfigurationHarness> {
  const h = configurationHarness();
  h.account.iam.createRole(ACCOUNT, 'orders-api-role', { trust: trust.lambda });
  h.account.iam.createRole(ACCOUNT, 'billing-worker-role', { trust: trust.lambda });
  await h.run(createFunctionEvent({ functionName: 'billing-worker', role: BILLING_ROLE }), RULE);
  expect(await h.run(createFunctionEvent({ role: OWN_ROLE }), RULE)).toEqual([]);
  return h;
}

describe('function-execution-role-swapped', () => {
  it('alerts when the new role is already the role of another function', async () => {
    const h = await swappable();
    const [finding, ...rest] = await h.run(updateFunctionConfigurationEvent({ role: BILLING_ROLE }), RULE);
    expect(rest).toEqual([]);
    expect(finding?.mode).toBe('alert');
    expect(finding?.details).toEqual({ previousRole: OWN_ROLE, role: BILLING_ROLE, sharedWith: [BILLING_FUNCTION] });
    expect(finding?.summary).toContain(`it is already the role of ${BILLING_FUNCTION}`);
  });

  it.each([
    ['another service', trust.ec2, ['Service:ec2.amazonaws.com'], { trustsLambda: false }],
    ['an account outside the organization', trust.foreignAccount, [`AWS:arn:aws:iam::${FOREIGN_ACCOUNT}:root`], {}],
    ['anyone', trust.anyone, ['AWS:*'], {}],
    ['anyone in the organization (conditioned, still not Lambda only)', trust.orgAccountConditioned, ['AWS:*'], {}],
  ])('alerts when the new role is trusted by %s', async (_name, trustPolicy, principals, extra) => {
    const h = await swappable();
    h.account.iam.createRole(ACCOUNT, 'orders-api-role-v2', { trust: trustPolicy });
    const [finding] = await h.run(updateFunctionConfigurationEvent({ role: NEW_ROLE }), RULE);
    expect(finding?.details).toEqual({ previousRole: OWN_ROLE, role: NEW_ROLE, otherTrustedPrincipals: principals, ...extra });
  });

  it('names both concerns when the new role is shared and widely trusted', async () => {
    const h = await swappable();
    h.account.iam.updateAssumeRolePolicy(ACCOUNT, 'billing-worker-role', trust.foreignAccount);
    const [finding] = await h.run(updateFunctionConfigurationEvent({ role: BILLING_ROLE }), RULE);
    expect(finding?.details).toMatchObject({ sharedWith: [BILLING_FUNCTION], otherTrustedPrincipals: [`AWS:arn:aws:iam::${FOREIGN_ACCOUNT}:root`] });
  });

  it.each([
    ['Lambda only', trust.lambda],
    ['Lambda and Lambda@Edge', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com', 'edgelambda.amazonaws.com'] }, Action: 'sts:AssumeRole' }] }],
    [
      'Lambda, and another service an unconditional Deny shuts out',
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com', 'ec2.amazonaws.com'] }, Action: 'sts:AssumeRole' },
          { Effect: 'Deny', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:*' },
        ],
      },
    ],
  ])('stays quiet on a move to a new dedicated role trusted by %s, which becomes the baseline', async (_name, trustPolicy) => {
    const h = await swappable();
    h.account.iam.createRole(ACCOUNT, 'orders-api-role-v2', { trust: trustPolicy });
    expect(await h.run(updateFunctionConfigurationEvent({ role: NEW_ROLE }), RULE)).toEqual([]);
    // Now the baseline: moving on to the shared role is compared with the new one.
    const [finding] = await h.run(updateFunctionConfigurationEvent({ role: BILLING_ROLE }, { eventTime: '2025-03-14T10:00:00Z' }), RULE);
    expect(finding?.details).toMatchObject({ previousRole: NEW_ROLE, sharedWith: [BILLING_FUNCTION] });
  });

  it('alerts when the new role no longer exists', async () => {
    const h = await swappable();
    const [finding] = await h.run(updateFunctionConfigurationEvent({ role: roleArn('ci-admin') }), RULE);
    expect(finding?.details).toEqual({ previousRole: OWN_ROLE, role: roleArn('ci-admin'), roleExists: false });
  });

  it('alerts when the role cannot be read (a reader without IAM access)', async () => {
    const h = await swappable();
    const full = h.account.reader();
    const reader: StateReader = { readFunction: (ref, parts) => full.readFunction(ref, parts), readLayerVersion: (ref) => full.readLayerVersion(ref) };
    const keeper = new FunctionBaselineKeeper({ store: new InMemoryBaselineStore(), key: createBaselineKey() });
    const engine = new Engine({ rules: RULES, config: TEST_CONFIG, reader, now: () => TEST_NOW, baselines: baselineKeeperByKind({ 'lambda-function': keeper }) });
    const baseline = await engine.evaluateParsed(updateFunctionConfigurationEvent({ role: OWN_ROLE }));
    expect(baseline.findings).toEqual([]);
    const swap = updateFunctionConfigurationEvent({ role: BILLING_ROLE });
    h.account.replay(swap);
    const [finding] = (await engine.evaluateParsed(swap)).findings.filter((f) => f.ruleId === RULE);
    expect(finding?.details).toEqual({ previousRole: OWN_ROLE, role: BILLING_ROLE, roleChecked: false });
  });

  it('stays quiet when the role is unchanged', async () => {
    const h = await swappable();
    expect(await h.run(updateFunctionCodeEvent(), RULE)).toEqual([]);
    expect(await h.run(updateFunctionConfigurationEvent({ role: OWN_ROLE }, { eventTime: '2025-03-14T10:00:00Z' }), RULE)).toEqual([]);
  });

  it('cannot judge a swap without a baseline', async () => {
    const h = configurationHarness();
    h.account.iam.createRole(ACCOUNT, 'billing-worker-role', { trust: trust.lambda });
    await h.run(createFunctionEvent({ functionName: 'billing-worker', role: BILLING_ROLE }), RULE);
    h.account.replay(createFunctionEvent({ role: OWN_ROLE }));
    expect(await h.run(updateFunctionConfigurationEvent({ role: BILLING_ROLE }), RULE)).toEqual([]);
  });
});
