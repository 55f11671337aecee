import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { RegisteredAction } from '../../../../functions/shared/remediation/action';
import { ACTIONS } from '../../../../functions/shared/remediation/actions';
import type { ActionName, RemediationPlan } from '../../../../functions/shared/contract/finding';
import type { InMemoryAccount } from '../../../../sim/in-memory-account';
import { installIamMock, type IamMockHandle } from '../../../../sim/iam-mock';
import { ACCOUNT } from '../../../fixtures/accounts';
import {
  attachRolePolicyEvent,
  AWS_POLICY,
  createPolicyVersionEvent,
  CUSTOMER_POLICY_ARN,
  documents,
  evaluateRoleEvent,
  putRolePolicyEvent,
  ROLE_NAME,
  trust,
  updateAssumeRolePolicyEvent,
} from '../../../fixtures/iam';
import type { CloudTrailEvent } from '../../../../functions/shared/event/cloudtrail-event';

let iam: IamMockHandle | undefined;
afterEach(() => {
  iam?.mock.restore();
});

const clients = (): { lambda: LambdaClient; iam: IAMClient } => ({ lambda: new LambdaClient({ region: 'us-east-1' }), iam: new IAMClient({ region: 'us-east-1' }) });

/** Evaluates the event, runs the plan of the rule's finding twice, and returns the account after. */
async function remediate(ruleId: string, event: CloudTrailEvent, setup: CloudTrailEvent[] = []): Promise<{ account: InMemoryAccount; plan: RemediationPlan; statuses: string[]; action: RegisteredAction }> {
  const { account, findings } = await evaluateRoleEvent(event, { setup });
  const plan = findings.find((f) => f.ruleId === ruleId)?.remediation;
  if (plan === undefined || plan === null) throw new Error(`no plan from ${ruleId}`);
  iam = installIamMock(account, mockClient(IAMClient));
  const action = ACTIONS[plan.action];
  const bound = action.bind(plan.params);
  const first = await bound.execute(clients());
  const second = await bound.execute(clients());
  return { account, plan, statuses: [first.status, first.status === 'remediated' ? String(first.verified) : '', second.status], action };
}

describe('execution-role remediation actions, end to end on the in-memory account', () => {
  it('delete-role-policy deletes the offending inline policy and nothing else', async () => {
    const { account, plan, statuses } = await remediate('execution-role-admin-access', putRolePolicyEvent('escalate', documents.admin));
    expect(plan.action).toBe('delete-role-policy');
    expect(statuses).toEqual(['remediated', 'true', 'already-compliant']);
    expect([...account.iam.role(ACCOUNT, ROLE_NAME).inline.keys()]).toEqual(['logging']);
  });

  it('restore-role-policy puts the last-known-good document back', async () => {
    const { account, plan, statuses } = await remediate('execution-role-admin-access', putRolePolicyEvent('app', documents.admin), [putRolePolicyEvent('app', documents.dynamoPutItem)]);
    expect(plan.action).toBe('restore-role-policy');
    expect(statuses).toEqual(['remediated', 'true', 'already-compliant']);
    expect(account.iam.rolePolicy(ACCOUNT, ROLE_NAME, 'app').parsed.Statement[0]?.Action).toEqual(['dynamodb:PutItem']);
  });

  it('detach-role-policy detaches AdministratorAccess only', async () => {
    const { account, statuses } = await remediate('execution-role-admin-access', attachRolePolicyEvent(AWS_POLICY('AdministratorAccess')));
    expect(statuses).toEqual(['remediated', 'true', 'already-compliant']);
    expect(account.iam.role(ACCOUNT, ROLE_NAME).attached).toEqual([AWS_POLICY('service-role/AWSLambdaBasicExecutionRole'), CUSTOMER_POLICY_ARN]);
  });

  it('set-default-policy-version makes the previous version the default again', async () => {
    const { account, statuses } = await remediate('execution-role-admin-access', createPolicyVersionEvent(CUSTOMER_POLICY_ARN, documents.admin), [putRolePolicyEvent('app', documents.dynamoPutItem)]);
    expect(statuses).toEqual(['remediated', 'true', 'already-compliant']);
    expect(account.iam.policy(CUSTOMER_POLICY_ARN).defaultVersionId).toBe('v1');
    expect([...account.iam.policy(CUSTOMER_POLICY_ARN).versions.keys()]).toEqual(['v1', 'v2']);
  });

  it('restore-trust-policy puts the last-known-good trust policy back', async () => {
    const { account, statuses } = await remediate('execution-role-trust-opened', updateAssumeRolePolicyEvent(trust.anyone), [updateAssumeRolePolicyEvent(trust.lambda)]);
    expect(statuses).toEqual(['remediated', 'true', 'already-compliant']);
    expect(account.iam.role(ACCOUNT, ROLE_NAME).trust.parsed.Statement).toHaveLength(1);
  });

  it('leaves a policy rewritten since it was judged alone', async () => {
    const { account, findings } = await evaluateRoleEvent(putRolePolicyEvent('escalate', documents.admin));
    const plan = findings.find((f) => f.ruleId === 'execution-role-admin-access')?.remediation;
    account.replay(putRolePolicyEvent('escalate', documents.serviceAdmin));
    iam = installIamMock(account, mockClient(IAMClient));
    const action = ACTIONS['delete-role-policy'];
    const outcome = await action.bind(plan?.params).execute(clients());
    expect(outcome).toMatchObject({ status: 'already-compliant', detail: 'the inline policy escalate changed since it was judged' });
    expect(account.iam.role(ACCOUNT, ROLE_NAME).inline.has('escalate')).toBe(true);
  });

  it.each<[ActionName, () => Promise<{ action: RegisteredAction }>]>([
    ['delete-role-policy', () => remediate('execution-role-admin-access', putRolePolicyEvent('escalate', documents.admin))],
    ['detach-role-policy', () => remediate('execution-role-admin-access', attachRolePolicyEvent(AWS_POLICY('IAMFullAccess')))],
    ['restore-trust-policy', () => remediate('execution-role-trust-opened', updateAssumeRolePolicyEvent(trust.ec2))],
    ['set-default-policy-version', () => remediate('execution-role-admin-access', createPolicyVersionEvent(CUSTOMER_POLICY_ARN, documents.admin), [putRolePolicyEvent('app', documents.dynamoPutItem)])],
    ['restore-role-policy', () => remediate('execution-role-admin-access', putRolePolicyEvent('app', documents.admin), [putRolePolicyEvent('app', documents.dynamoPutItem)])],
  ])('%s sends only commands its declared permissions cover', async (name, run) => {
    const { action } = await run();
    expect(action.name).toBe(name);
    const sent = [...new Set((iam?.calls ?? []).map((call) => `iam:${call.command}`))];
    expect(sent.length).toBeGreaterThan(1);
    expect(sent.filter((permission) => !action.permissions.includes(permission))).toEqual([]);
  });

  it('fails, typed, without an IAM client', async () => {
    const action = ACTIONS['detach-role-policy'];
    const outcome = await action.bind({ roleName: ROLE_NAME, policyArn: CUSTOMER_POLICY_ARN }).execute({ lambda: new LambdaClient({ region: 'us-east-1' }) });
    expect(outcome).toMatchObject({ status: 'failed', detail: 'Error: detach-role-policy needs an IAM client' });
  });
});
