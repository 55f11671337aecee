import { describe, expect, it } from 'vitest';
import { InMemoryBaselineStore } from '../../../../functions/shared/baseline/baseline-keeper';
import { createBaselineKey } from '../../../../functions/shared/baseline/function-baseline';
import { RoleBaselineKeeper } from '../../../../functions/shared/baseline/role-baseline';
import { parseIamPolicyDocument } from '../../../../functions/shared/policy/iam-policy';
import type { RoleRef } from '../../../../functions/shared/state/resources';
import { ACCOUNT } from '../../../fixtures/accounts';
import { documents, executionRoleAccount, putRolePolicyEvent, ROLE_NAME, trust, updateAssumeRolePolicyEvent } from '../../../fixtures/iam';
import { TEST_CONFIG, TEST_NOW } from '../../../fixtures/rule-context';

const ref: RoleRef = { kind: 'iam-role', account: ACCOUNT, region: 'us-east-1', roleName: ROLE_NAME };

async function captured(events: Parameters<ReturnType<typeof executionRoleAccount>['replay']>[0][]) {
  const account = executionRoleAccount();
  for (const event of events) account.replay(event);
  const store = new InMemoryBaselineStore();
  const keeper = new RoleBaselineKeeper({ store, config: TEST_CONFIG, key: createBaselineKey() });
  const snapshot = await keeper.attach(await (account.reader().readRole?.(ref) ?? Promise.reject(new Error('no role reader'))));
  expect(snapshot.lastKnownGood).toBeNull();
  await keeper.capture(snapshot, TEST_NOW);
  return { keeper, store, attached: await keeper.attach(snapshot) };
}

describe('RoleBaselineKeeper', () => {
  it('saves inline documents, attached policies with their default version, and the trust policy', async () => {
    const { attached } = await captured([]);
    expect(attached.lastKnownGood?.inlinePolicies?.value.logging?.Statement[0]?.Sid).toBe('Logs');
    // A customer managed policy's document is kept too (what setting its version back would restore, judged before it is offered).
    expect(attached.lastKnownGood?.attachedPolicies?.value).toEqual([
      { arn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole', defaultVersionId: 'v1' },
      { arn: 'arn:aws:iam::111122223333:policy/orders-data-access', defaultVersionId: 'v1', document: parseIamPolicyDocument(documents.dynamoPutItem) },
    ]);
    expect(attached.lastKnownGood?.trustPolicy?.capturedAt).toBe(TEST_NOW.toISOString());
  });

  it('never saves dangerous policies or an opened trust policy as last-known-good', async () => {
    const { attached } = await captured([putRolePolicyEvent('x', documents.passRoleAnywhere), updateAssumeRolePolicyEvent(trust.anyone)]);
    expect(attached.lastKnownGood).toBeNull();
  });

  it('treats an unreadable stored baseline as none', async () => {
    const { store, keeper, attached } = await captured([]);
    await store.put(`iam-role:${ACCOUNT}:${ROLE_NAME}`, { trustPolicy: { value: { Statement: 'nope' }, capturedAt: 'x' } });
    expect((await keeper.attach({ ...attached, lastKnownGood: undefined })).lastKnownGood).toBeNull();
  });
});
