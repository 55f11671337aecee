import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseConfig, type WardenConfig } from '../../../../functions/shared/config/config';
import type { Finding, ActionName, RemediationPlan } from '../../../../functions/shared/contract/finding';
import { approvalId, Executor, restoreId } from '../../../../functions/shared/executor/executor';
import { planBlock, planTargetRole } from '../../../../functions/shared/executor/plan-guard';
import { isIamWrite, planNeedsIamWrite } from '../../../../functions/shared/remediation/iam-writes';
import { ACTIONS } from '../../../../functions/shared/remediation/actions';
import { protectedRole } from '../../../../functions/shared/self/protected-roles';
import { DEFAULT_PROTECTED_ROLES } from '../../../../functions/shared/config/protected-role-entries';
import { findingButtons } from '../../../../functions/shared/slack/block-kit';
import { findingMessage, findingText } from '../../../../functions/shared/slack/warden-messages';
import { InMemoryStateStore } from '../../../../functions/shared/store/in-memory-state-store';
import { installIamMock, type IamMockHandle } from '../../../../sim/iam-mock';
import { ACCOUNT, ORG_ID, REGION } from '../../../fixtures/accounts';
import { publicAccessFinding } from '../../../fixtures/findings';
import { documents, evaluateRoleEvent, putRolePolicyEvent, ROLE_NAME, trust } from '../../../fixtures/iam';

const NOW = new Date('2025-03-14T09:30:00Z');
const roleArn = (pathAndName: string, account = ACCOUNT): string => `arn:aws:iam::${account}:role/${pathAndName}`;

let iam: IamMockHandle | undefined;
afterEach(() => {
  iam?.mock.restore();
  iam = undefined;
});

function configWith(remediation: Record<string, unknown> = {}, mode: 'auto' | 'approve' = 'approve'): WardenConfig {
  return parseConfig({
    organization: { id: ORG_ID, accounts: [ACCOUNT] },
    dryRun: false,
    remediation,
    rules: { 'execution-role-admin-access': { mode }, 'execution-role-trust-opened': { mode } },
  });
}

/** An executor whose AWS clients reach the in-memory account, counting the credential requests. */
function executorOn(config: WardenConfig, account?: Awaited<ReturnType<typeof evaluateRoleEvent>>['account']) {
  const store = new InMemoryStateStore();
  const credentialRequests: string[] = [];
  if (account !== undefined) iam = installIamMock(account, mockClient(IAMClient));
  const executor = new Executor({
    config,
    store,
    now: () => NOW,
    clientsFor: (a) => {
      credentialRequests.push(a);
      return { lambda: new LambdaClient({ region: REGION }), iam: new IAMClient({ region: REGION }) };
    },
  });
  return { executor, store, credentialRequests };
}

/** The admin-access finding of an inline policy granting "*" on the fixture execution role, with the account holding it. */
async function adminFinding(config: WardenConfig) {
  const { account, findings } = await evaluateRoleEvent(putRolePolicyEvent('escalate', documents.admin), { config });
  const finding = findings.find((f) => f.ruleId === 'execution-role-admin-access');
  if (finding === undefined) throw new Error('no admin-access finding');
  return { account, finding };
}

function roleFinding(resource: string, plan: RemediationPlan, overrides: Partial<Finding> = {}): Finding {
  return publicAccessFinding({ ruleId: 'execution-role-trust-opened', resource, mode: 'auto', remediation: plan, ...overrides });
}

const trustPlan = (roleName: string): RemediationPlan => ({ action: 'restore-trust-policy', params: { roleName, policyDocument: JSON.stringify(trust.lambda) }, description: 'd' });

describe('remediation.iamWrites false', () => {
  it.each(['approve', 'auto'] as const)('turns an execution-role admin finding (mode %s) into instructions: no plan stored or offered, nothing changed', async (mode) => {
    const config = configWith({ iamWrites: false }, mode);
    const { account, finding } = await adminFinding(config);
    expect(finding.remediation?.action).toBe('delete-role-policy');
    const { executor, store, credentialRequests } = executorOn(config, account);

    const outcome = await executor.handle(finding, { eventId: 'e-admin', tags: {} });

    expect(outcome).toMatchObject({ status: 'manual', blocked: { kind: 'iam-writes-off' } });
    expect(outcome.detail).toBe(
      `IAM writes are switched off (remediation.iamWrites: false): the bot changes no role or policy; to fix it by hand: iam:DeleteRolePolicy RoleName=${ROLE_NAME} PolicyName=escalate`,
    );
    expect(outcome.approval).toBeUndefined();
    expect(outcome.restore).toBeUndefined();
    // Nothing stored that a click could run, no credentials asked, the policy still there.
    expect(await store.getApproval(approvalId(finding.id, 'e-admin'))).toBeNull();
    expect(await store.getApproval(restoreId(finding.id, 'e-admin'))).toBeNull();
    expect(credentialRequests).toEqual([]);
    expect(iam?.calls.filter((c) => isIamWrite(`iam:${c.command}`))).toEqual([]);
    expect([...account.iam.role(ACCOUNT, ROLE_NAME).inline.keys()]).toContain('escalate');
    // The message says what to do by hand and offers no button.
    expect(findingButtons(finding, outcome)).toBeNull();
    const text = findingText(finding, outcome);
    expect(text).toContain('The bot does not make this change: a person has to.');
    expect(text).toContain(`To fix it by hand, run: iam:DeleteRolePolicy RoleName=${ROLE_NAME} PolicyName=escalate`);
    expect(JSON.stringify(findingMessage(finding, outcome).blocks)).toContain(`To fix it by hand, run: \`iam:DeleteRolePolicy RoleName=${ROLE_NAME} PolicyName=escalate\``);
  });

  it('leaves plans without IAM writes alone: a Lambda fix still waits for an approver', async () => {
    const { executor } = executorOn(configWith({ iamWrites: false }));
    const outcome = await executor.handle(publicAccessFinding({ mode: 'approve' }), { eventId: 'e', tags: {} });
    expect(outcome.status).toBe('pending-approval');
  });

  it('refuses a stored IAM plan (decided before the switch) without a call', async () => {
    const config = configWith({ iamWrites: false });
    const { account, finding } = await adminFinding(config);
    const { executor, credentialRequests } = executorOn(config, account);
    const outcome = await executor.runPlan(finding, 'e-admin', finding.remediation as RemediationPlan);
    expect(outcome).toMatchObject({ status: 'refused', blocked: { kind: 'iam-writes-off' } });
    expect(credentialRequests).toEqual([]);
    expect([...account.iam.role(ACCOUNT, ROLE_NAME).inline.keys()]).toContain('escalate');
  });

  it('runs the same finding’s plan by default (iamWrites true): today’s behaviour', async () => {
    const config = configWith({}, 'auto');
    expect(config.remediation.iamWrites).toBe(true);
    const { account, finding } = await adminFinding(config);
    const { executor } = executorOn(config, account);
    const outcome = await executor.handle(finding, { eventId: 'e-admin', tags: {} });
    expect(outcome.status).toBe('remediated');
    expect([...account.iam.role(ACCOUNT, ROLE_NAME).inline.keys()]).not.toContain('escalate');
  });

  it('counts as IAM-writing exactly the actions that declare an IAM write', () => {
    const writing = (Object.keys(ACTIONS) as ActionName[]).filter((name) => planNeedsIamWrite({ action: name })).sort();
    expect(writing).toEqual(['delete-role-policy', 'detach-role-policy', 'restore-role-policy', 'restore-trust-policy', 'set-default-policy-version']);
  });
});

describe('protected roles', () => {
  it('has the administrative roles as the default list', () => {
    expect(DEFAULT_CONFIG.remediation.protectedRoles).toEqual([...DEFAULT_PROTECTED_ROLES]);
    expect(DEFAULT_PROTECTED_ROLES).toEqual(['OrganizationAccountAccessRole', 'AWSControlTowerExecution', 'aws-reserved/sso.amazonaws.com/*', 'stacksets-exec-*', 'AWSCloudFormationStackSetExecutionRole', 'aws-service-role/*']);
  });

  it.each([
    ['OrganizationAccountAccessRole', 'administrative-role'],
    ['AWSControlTowerExecution', 'administrative-role'],
    ['aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef', 'administrative-role'],
    ['aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_ReadOnly_0123456789abcdef', 'administrative-role'],
    ['stacksets-exec-0123456789abcdef0123456789abcdef', 'administrative-role'],
    ['AWSCloudFormationStackSetExecutionRole', 'administrative-role'],
    ['aws-service-role/lambda.amazonaws.com/AWSServiceRoleForLambda', 'administrative-role'],
    ['some/path/OrganizationAccountAccessRole', 'administrative-role'],
    ['WardenRemediator', 'own-role'],
    ['WardenAuditor', 'own-role'],
    ['warden-forwarder-eu-west-1', 'own-role'],
  ])('never writes %s (%s)', (pathAndName, kind) => {
    expect(protectedRole(DEFAULT_CONFIG, roleArn(pathAndName))?.kind).toBe(kind);
  });

  it.each(['orders-api-role', 'AWSReservedSSO_lookalike', 'OrganizationAccountAccessRole-copy', 'WardenRemediator-dev', 'team/WardenRemediator', 'WardenPayments'])('treats %s as an ordinary role', (pathAndName) => {
    expect(protectedRole(DEFAULT_CONFIG, roleArn(pathAndName))).toBeNull();
  });

  it('reads the configured list instead of the default', () => {
    const config = configWith({ protectedRoles: ['BreakGlass', 'platform/admin-*'] });
    expect(protectedRole(config, roleArn('BreakGlass'))?.kind).toBe('administrative-role');
    expect(protectedRole(config, roleArn('platform/admin-network'))?.kind).toBe('administrative-role');
    expect(protectedRole(config, roleArn('OrganizationAccountAccessRole'))).toBeNull();
  });

  it('turns a trust finding on OrganizationAccountAccessRole into instructions, even in auto mode', async () => {
    const { executor, store, credentialRequests } = executorOn(configWith());
    const finding = roleFinding(roleArn('OrganizationAccountAccessRole'), trustPlan('OrganizationAccountAccessRole'));
    const outcome = await executor.handle(finding, { eventId: 'e', tags: {} });
    expect(outcome).toMatchObject({ status: 'manual', blocked: { kind: 'administrative-role' } });
    expect(outcome.detail).toMatch(/^arn:aws:iam::\d{12}:role\/OrganizationAccountAccessRole is an administrative role \(remediation\.protectedRoles: OrganizationAccountAccessRole\): the bot never writes it; to fix it by hand: iam:UpdateAssumeRolePolicy RoleName=OrganizationAccountAccessRole PolicyDocument=/);
    expect(await store.getApproval(approvalId(finding.id, 'e'))).toBeNull();
    expect(credentialRequests).toEqual([]);
  });

  it('knows an SSO role by the path of the finding’s role', async () => {
    const { executor } = executorOn(configWith({}, 'auto'));
    const sso = roleArn('aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123');
    const outcome = await executor.handle(roleFinding(sso, trustPlan('AWSReservedSSO_Admin_0123')), { eventId: 'e', tags: {} });
    expect(outcome).toMatchObject({ status: 'manual', blocked: { kind: 'administrative-role' } });
  });

  it('refuses a stored plan that writes a protected or own role, before asking for credentials', async () => {
    const { executor, credentialRequests } = executorOn(configWith());
    const finding = roleFinding(roleArn('service-role/orders-api-role'), trustPlan('orders-api-role'));
    for (const target of ['OrganizationAccountAccessRole', 'warden-forwarder-us-east-1', 'WardenRemediator']) {
      const outcome = await executor.runPlan(finding, 'e', trustPlan(target));
      expect(outcome.status).toBe('refused');
      expect(outcome.detail).toContain(`not run: arn:aws:iam::${ACCOUNT}:role/${target} is`);
    }
    expect(credentialRequests).toEqual([]);
  });

  it('takes the role’s path from the finding only when the plan writes that very role', () => {
    const finding = roleFinding(roleArn('service-role/orders-api-role'), trustPlan('orders-api-role'));
    expect(planTargetRole(finding, trustPlan('orders-api-role'))).toBe(roleArn('service-role/orders-api-role'));
    expect(planTargetRole(finding, trustPlan('other'))).toBe(roleArn('other'));
    expect(planTargetRole(publicAccessFinding(), publicAccessFinding().remediation as RemediationPlan)).toBeNull();
    expect(planBlock(DEFAULT_CONFIG, publicAccessFinding(), publicAccessFinding().remediation as RemediationPlan)).toBeNull();
  });
});
