import { describe, expect, it } from 'vitest';
import { BaselineSeal } from '../../../../functions/shared/baseline/baseline-integrity';
import { baselineKeeperByKind, InMemoryBaselineStore } from '../../../../functions/shared/baseline/baseline-keeper';
import { createBaselineKey } from '../../../../functions/shared/baseline/function-baseline';
import { judgeRestores, stateAfter } from '../../../../functions/shared/baseline/restore-judgement';
import { RoleBaselineKeeper } from '../../../../functions/shared/baseline/role-baseline';
import { parseIamPolicyDocument } from '../../../../functions/shared/policy/iam-policy';
import type { ResourceSnapshot, RoleSnapshot } from '../../../../functions/shared/state/resources';
import { defineRule, nonCompliant, type AnyRule } from '../../../../rules/rule';
import { ACCOUNT, FOREIGN_ACCOUNT } from '../../../fixtures/accounts';
import { functionSnapshot } from '../../../fixtures/snapshots';
import {
  createPolicyVersionEvent,
  CUSTOMER_POLICY_ARN,
  documents,
  evaluateRoleEvent,
  findingsOfRule,
  putRolePolicyEvent,
  ROLE_ARN,
  ROLE_NAME,
  trust,
  updateAssumeRolePolicyEvent,
} from '../../../fixtures/iam';
import { TEST_CONFIG } from '../../../fixtures/rule-context';

const BASELINE = `iam-role:${ACCOUNT}:${ROLE_NAME}`;

/** A role keeper on its own store and key, with a way to put a validly sealed (but bad) baseline in it. */
function sealedKeeper() {
  const store = new InMemoryBaselineStore();
  const key = createBaselineKey();
  const keeper = baselineKeeperByKind({ 'iam-role': new RoleBaselineKeeper({ store, config: TEST_CONFIG, key }) });
  const rewrite = async (change: (content: Record<string, unknown>) => Record<string, unknown>): Promise<void> => {
    const stored = (await store.get(BASELINE)) as { content: Record<string, unknown> };
    await store.put(BASELINE, await new BaselineSeal(key).seal(BASELINE, change(stored.content)));
  };
  return { keeper, rewrite };
}

describe('judgeRestores (a baseline is restored only if it passes the rules it restores for)', () => {
  it('does not restore a sealed trust policy that lets in an outside account: removes the new principal, for an approver', async () => {
    const { keeper, rewrite } = sealedKeeper();
    await evaluateRoleEvent(updateAssumeRolePolicyEvent(trust.lambda), { keeper });
    await rewrite((content) => ({ ...content, trustPolicy: { value: parseIamPolicyDocument(trust.foreignAccount), capturedAt: '2025-03-14T09:00:00.000Z' } }));
    const { findings } = await evaluateRoleEvent(updateAssumeRolePolicyEvent(trust.anyone), { keeper });
    const [finding] = findingsOfRule(findings, 'execution-role-trust-opened');
    expect(finding?.mode).toBe('approve');
    expect(finding?.remediation?.action).toBe('restore-trust-policy');
    expect(finding?.remediation?.params.policyDocument).not.toContain(FOREIGN_ACCOUNT);
    expect(JSON.parse(String(finding?.remediation?.params.policyDocument))).toEqual(parseIamPolicyDocument(trust.lambda));
    expect(finding?.summary).toContain(`lets in arn:aws:iam::${FOREIGN_ACCOUNT}:root`);
    expect(finding?.details.refusedRestore).toMatchObject({ action: 'restore-trust-policy', problems: [expect.stringMatching(/^execution-role-trust-opened: /)] });
  });

  it('does not set back a policy version whose document the baseline does not hold (an older baseline): detaches, for an approver', async () => {
    const { keeper, rewrite } = sealedKeeper();
    await evaluateRoleEvent(putRolePolicyEvent('app', documents.dynamoPutItem), { keeper });
    await rewrite((content) => {
      const attached = content.attachedPolicies as { value: { arn: string; defaultVersionId: string }[]; capturedAt: string };
      return { ...content, attachedPolicies: { ...attached, value: attached.value.map((p) => ({ arn: p.arn, defaultVersionId: p.defaultVersionId })) } };
    });
    const config = { ...TEST_CONFIG, rules: { 'execution-role-admin-access': { mode: 'auto' as const } } };
    const { findings } = await evaluateRoleEvent(createPolicyVersionEvent(CUSTOMER_POLICY_ARN, documents.admin), { keeper, config });
    const [finding] = findingsOfRule(findings, 'execution-role-admin-access');
    expect(finding?.remediation).toMatchObject({ action: 'detach-role-policy', params: { policyArn: CUSTOMER_POLICY_ARN } });
    expect(finding?.mode).toBe('approve');
    expect(finding?.details.refusedRestore).toEqual({ action: 'set-default-policy-version', problems: ['the content it would put back is not known to the saved baseline, so it cannot be judged'] });
  });

  it('keeps a plan whose result passes, and judges the result of a layer restore', () => {
    const snapshot = functionSnapshot({ configuration: { Layers: [{ Arn: 'arn:aws:lambda:us-east-1:444455556666:layer:x:1' }] } });
    const after = stateAfter(snapshot, { action: 'restore-function-layers', params: { functionName: snapshot.arn, layers: 'arn:aws:lambda:us-east-1:111122223333:layer:ok:2', foreignLayers: 'arn:aws:lambda:us-east-1:444455556666:layer:x:1' }, description: '' });
    expect(after !== null && after !== 'unknown' && after.kind === 'lambda-function' ? after.configuration?.Layers : null).toEqual([{ Arn: 'arn:aws:lambda:us-east-1:111122223333:layer:ok:2' }]);
    expect(stateAfter(snapshot, { action: 'remove-function-permission', params: { functionName: snapshot.arn, statementId: 's' }, description: '' })).toBeNull();
  });

  it('turns a finding into an alert without a plan when no safe plan exists', () => {
    const bad = parseIamPolicyDocument(trust.anyone);
    const role: RoleSnapshot = {
      kind: 'iam-role',
      ref: { kind: 'iam-role', account: ACCOUNT, region: 'us-east-1', roleName: ROLE_NAME },
      arn: ROLE_ARN,
      role: { RoleName: ROLE_NAME, Arn: ROLE_ARN, Path: '/service-role/', AssumeRolePolicyDocument: bad },
      lastKnownGood: null,
    };
    // A rule whose only plan (with or without a baseline) writes the same open trust policy back.
    const stubborn = defineRule({
      id: 'stubborn',
      title: 't',
      severity: 'high',
      defaultMode: 'auto',
      resourceType: 'iam-role',
      triggers: [],
      reads: [],
      rationale: 'r',
      references: [],
      falsePositives: [],
      remediationAction: 'restore-trust-policy',
      evaluate: (state) =>
        JSON.stringify(state.role?.AssumeRolePolicyDocument).includes('"*"')
          ? nonCompliant([{ key: 'k', summary: 'Open.', details: {}, remediation: { action: 'restore-trust-policy', params: { roleName: ROLE_NAME, policyDocument: JSON.stringify(bad) }, description: 'd' } }])
          : nonCompliant([]),
    }) as AnyRule;
    const evaluate = (rule: AnyRule, snapshot: ResourceSnapshot) =>
      rule.resourceType === 'iam-role' && snapshot.kind === 'iam-role' ? rule.evaluate(snapshot, { config: TEST_CONFIG, now: new Date() }) : null;
    const first = evaluate(stubborn, role);
    const results = judgeRestores(role, [[stubborn, first?.status === 'non-compliant' ? first.findings : []]], evaluate);
    const [finding] = results[0]?.[1] ?? [];
    expect(finding?.remediation).toBeNull();
    expect(finding?.maxMode).toBe('alert');
    expect(finding?.summary).toMatch(/^Open\. Warden did not offer .* No safe automatic fix exists: fix the resource by hand/);
  });
});
