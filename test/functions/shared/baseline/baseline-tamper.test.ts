import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Simulator } from '../../../../cli/simulate';
import { BaselineSeal } from '../../../../functions/shared/baseline/baseline-integrity';
import { createBaselineKey } from '../../../../functions/shared/baseline/function-baseline';
import { parseConfig } from '../../../../functions/shared/config/config';
import { parseIamPolicyDocument } from '../../../../functions/shared/policy/iam-policy';
import { parseStateFile } from '../../../../sim/state-file';
import { RULES } from '../../../../rules';
import { FOREIGN_ACCOUNT } from '../../../fixtures/accounts';
import { documents, putRolePolicyEvent, trust, updateAssumeRolePolicyEvent } from '../../../fixtures/iam';

/**
 * Issue #12, item 2: baselines written straight into the store (as anyone who can write the state
 * table could) are refused with a critical alert and never restored; a validly sealed baseline that
 * itself fails the rule is not restored either. Run through `warden simulate --apply`'s simulator.
 */
const ROLE = 'image-resizer-role';
const ROLE_ARN = `arn:aws:iam::111122223333:role/${ROLE}`;
const BASELINE = `iam-role:111122223333:${ROLE}`;

const KEY = createBaselineKey();
let simulator: Simulator;
afterEach(() => {
  simulator.dispose();
});

function start(): Simulator {
  const config = parseConfig({ organization: { id: 'o-a1b2c3d4e5', accounts: ['111122223333', '222233334444'] }, dryRun: false, rules: { 'execution-role-admin-access': { mode: 'auto' } } });
  const state = parseStateFile(JSON.parse(readFileSync('examples/state.json', 'utf8')));
  return new Simulator({ rules: RULES, config, state, apply: true, baselineKey: KEY, now: () => new Date('2025-03-14T10:05:00Z') });
}

async function run(event: unknown, name: string) {
  return simulator.run(event, name);
}

type Stored = { content: { trustPolicy?: { value: unknown; capturedAt: string } }; integrity: string };

const alerts = () => simulator.sink.events.filter((e) => e.detailType === 'Warden Alert');
const currentTrust = () => simulator.account.iam.role('111122223333', ROLE).trust.parsed;

describe('tampered baselines', () => {
  it.each([
    ['keeping the old integrity tag', (stored: Stored, foreign: unknown) => ({ ...stored, content: { ...stored.content, trustPolicy: { value: foreign, capturedAt: '2025-03-14T09:00:00.000Z' } } }), 'integrity-tag-mismatch'],
    ['without an integrity tag', (_stored: Stored, foreign: unknown) => ({ trustPolicy: { value: foreign, capturedAt: '2025-03-14T09:00:00.000Z' } }), 'integrity-tag-missing'],
  ])('refuses a trust policy opened to an outside account written into the store %s: critical alert, no automatic restore', async (_label, tamper, check) => {
    simulator = start();
    const benign = await run(updateAssumeRolePolicyEvent(trust.lambda, ROLE), 'benign');
    expect(benign.findings).toEqual([]);
    const stored = (await simulator.baselineStore.get(BASELINE)) as Stored;
    expect(stored.integrity).toMatch(/^hmac-sha256:v1:/);
    await simulator.baselineStore.put(BASELINE, tamper(stored, parseIamPolicyDocument(trust.foreignAccount)));

    const opened = await run(updateAssumeRolePolicyEvent(trust.anyone, ROLE, { eventTime: '2025-03-14T10:00:00Z' }), 'opened');
    // The finding is still raised, but its plan removes the offending principal and waits for an approver.
    expect(opened.outcomes.map((o) => [o.ruleId, o.status])).toEqual([['execution-role-trust-opened', 'pending-approval']]);
    expect(opened.findings[0]?.remediation?.params.policyDocument).not.toContain(FOREIGN_ACCOUNT);
    expect(opened.findings[0]?.details.restoresBaseline).toBe(false);
    expect(JSON.stringify(currentTrust())).not.toContain(FOREIGN_ACCOUNT);
    expect(JSON.stringify(currentTrust())).toContain('"*"');
    expect(alerts().map((e) => e.detail)).toEqual([
      expect.objectContaining({ kind: 'integrity-failure', severity: 'critical', item: { family: 'baseline', id: ROLE_ARN, check }, summary: expect.stringContaining(ROLE_ARN) as unknown }),
    ]);
    expect(alerts()[0]?.resources).toEqual([ROLE_ARN]);
    expect(JSON.stringify(alerts())).not.toContain(stored.integrity);
  });

  it('keeps restoring from a baseline whose tag verifies (the untampered path)', async () => {
    simulator = start();
    await run(updateAssumeRolePolicyEvent(trust.lambda, ROLE), 'benign');
    const opened = await run(updateAssumeRolePolicyEvent(trust.anyone, ROLE, { eventTime: '2025-03-14T10:00:00Z' }), 'opened');
    expect(opened.outcomes.map((o) => o.status)).toEqual(['remediated']);
    expect(currentTrust()).toEqual(parseIamPolicyDocument(trust.lambda));
    expect(alerts()).toEqual([]);
  });

  it('refuses a baseline moved from another resource (the tag binds the resource)', async () => {
    simulator = start();
    await run(updateAssumeRolePolicyEvent(trust.lambda, ROLE), 'benign');
    const stored = await simulator.baselineStore.get(BASELINE);
    await simulator.baselineStore.put('iam-role:111122223333:other-role', stored);
    simulator.account.iam.createRole('111122223333', 'other-role', { trust: trust.lambda });
    const opened = await run(updateAssumeRolePolicyEvent(trust.anyone, 'other-role'), 'opened');
    expect(opened.outcomes.map((o) => o.status)).toEqual(['pending-approval']);
    expect(alerts().map((e) => (e.detail.item as { check?: string } | undefined)?.check)).toEqual(['integrity-tag-mismatch']);
  });

  it('does not restore a validly sealed baseline that itself grants administrator access', async () => {
    simulator = start();
    await run(putRolePolicyEvent('app', documents.dynamoPutItem, { roleName: ROLE }), 'benign');
    // A baseline sealed with the right key (a keeper of an older version, or someone holding the key) that fails the rule.
    const stored = (await simulator.baselineStore.get(BASELINE)) as { content: { inlinePolicies: { value: Record<string, unknown>; capturedAt: string } } };
    const forged = { ...stored.content, inlinePolicies: { ...stored.content.inlinePolicies, value: { ...stored.content.inlinePolicies.value, app: parseIamPolicyDocument(documents.admin) } } };
    await simulator.baselineStore.put(BASELINE, await new BaselineSeal(KEY).seal(BASELINE, forged));

    const escalated = await run(putRolePolicyEvent('app', documents.serviceAdmin, { roleName: ROLE }, { eventTime: '2025-03-14T10:00:00Z' }), 'escalated');
    const finding = escalated.findings.find((f) => f.ruleId === 'execution-role-admin-access');
    expect(finding?.remediation?.action).toBe('delete-role-policy');
    expect(finding?.mode).toBe('approve');
    expect(finding?.summary).toMatch(/Warden did not offer to restore the saved state \(restore-role-policy\): the result would itself fail the rules — execution-role-admin-access: /);
    expect(finding?.details.refusedRestore).toMatchObject({ action: 'restore-role-policy' });
    expect(escalated.outcomes.find((o) => o.ruleId === 'execution-role-admin-access')?.status).toBe('pending-approval');
    expect(simulator.account.iam.rolePolicy('111122223333', ROLE, 'app').parsed).toEqual(parseIamPolicyDocument(documents.serviceAdmin));
    expect(alerts()).toEqual([]);
  });
});
