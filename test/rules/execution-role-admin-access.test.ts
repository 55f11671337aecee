import { describe, expect, it } from 'vitest';
import { FUNCTION_ARN } from '../fixtures/accounts';
import {
  attachRolePolicyEvent,
  AWS_POLICY,
  createPolicyVersionEvent,
  CUSTOMER_POLICY_ARN,
  documents,
  evaluateRoleEvent,
  findingsOfRule,
  nearLimitDocument,
  putRolePolicyEvent,
  setDefaultPolicyVersionEvent,
  ROLE_NAME,
  executionRoleAccount,
  trust,
  type DocumentEncoding,
} from '../fixtures/iam';
import { ruleContext } from '../fixtures/rule-context';
import { executionRoleAdminAccess as RULES_BY_ID } from '../../rules/iam/execution-role-admin-access';

const RULE = 'execution-role-admin-access';

describe('execution-role-admin-access', () => {
  it.each<[string, Record<string, unknown>, DocumentEncoding]>([
    ['Action "*" on "*"', documents.admin, 'pretty'],
    ['"s3:*" on "*"', documents.serviceAdmin, 'compact'],
    ['NotAction on "*"', documents.notAction, 'url-encoded'],
    ['NotResource', documents.notResource, 'pretty'],
    ['admin hidden in a policy near the inline size limit', nearLimitDocument(10_000, [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }]), 'compact'],
  ])('finds %s in an inline policy and plans to delete it (no baseline)', async (_what, document, encoding) => {
    const { findings } = await evaluateRoleEvent(putRolePolicyEvent('escalate', document, { encoding }));
    const found = findingsOfRule(findings, RULE);
    expect(found).toHaveLength(1);
    expect(found[0]?.mode).toBe('approve');
    expect(found[0]?.resource).toBe(`arn:aws:iam::111122223333:role/${ROLE_NAME}`);
    expect(found[0]?.remediation?.action).toBe('delete-role-policy');
    expect(found[0]?.remediation?.params).toMatchObject({ roleName: ROLE_NAME, policyName: 'escalate' });
    expect(found[0]?.details.usedByFunctions).toEqual([FUNCTION_ARN]);
  });

  it.each(['AdministratorAccess', 'PowerUserAccess', 'IAMFullAccess'])('finds the AWS managed %s attached and plans to detach it', async (name) => {
    const { findings } = await evaluateRoleEvent(attachRolePolicyEvent(AWS_POLICY(name)));
    const found = findingsOfRule(findings, RULE);
    expect(found).toHaveLength(1);
    expect(found[0]?.summary).toContain(`The AWS managed policy ${name} is attached.`);
    expect(found[0]?.remediation).toMatchObject({ action: 'detach-role-policy', params: { roleName: ROLE_NAME, policyArn: AWS_POLICY(name) } });
  });

  it.each<[string, Record<string, unknown>]>([
    ['a narrow dynamodb:PutItem on one table', documents.dynamoPutItem],
    ['a condition-restricted iam:PassRole to one role', documents.passRoleToLambdaOnly],
    ['admin access an unconditional Deny covers', documents.adminDenied],
    ['a policy near the size limit of narrow statements', nearLimitDocument(10_000)],
  ])('finds nothing for %s', async (_what, document) => {
    const { findings } = await evaluateRoleEvent(putRolePolicyEvent('app', document));
    expect(findingsOfRule(findings, RULE)).toEqual([]);
  });

  it('finds nothing for AWSLambdaBasicExecutionRole', async () => {
    const { findings } = await evaluateRoleEvent(attachRolePolicyEvent(AWS_POLICY('service-role/AWSLambdaBasicExecutionRole')));
    expect(findings).toEqual([]);
  });

  it('restores the last-known-good inline document when the baseline has one', async () => {
    const setup = [putRolePolicyEvent('app', documents.dynamoPutItem)];
    const { findings } = await evaluateRoleEvent(putRolePolicyEvent('app', documents.admin), { setup });
    const plan = findingsOfRule(findings, RULE)[0]?.remediation;
    expect(plan?.action).toBe('restore-role-policy');
    expect(JSON.parse(String(plan?.params.policyDocument))).toMatchObject({ Statement: [{ Action: ['dynamodb:PutItem'] }] });
  });

  it('judges a new default version of an attached customer policy and plans to set the previous default back', async () => {
    const setup = [putRolePolicyEvent('app', documents.dynamoPutItem)];
    const { findings, result } = await evaluateRoleEvent(createPolicyVersionEvent(CUSTOMER_POLICY_ARN, documents.admin), { setup });
    expect(result.resources).toEqual([`arn:aws:iam::111122223333:role/${ROLE_NAME}`]);
    expect(findingsOfRule(findings, RULE)[0]?.remediation).toMatchObject({
      action: 'set-default-policy-version',
      params: { policyArn: CUSTOMER_POLICY_ARN, versionId: 'v1', fromVersionId: 'v2' },
    });
  });

  it('ignores a CreatePolicyVersion that does not become the default', async () => {
    const { findings, result } = await evaluateRoleEvent(createPolicyVersionEvent(CUSTOMER_POLICY_ARN, documents.admin, { setAsDefault: false }));
    expect(result.resources).toEqual([]);
    expect(findings).toEqual([]);
  });

  it('judges SetDefaultPolicyVersion back to a dangerous version', async () => {
    const setup = [createPolicyVersionEvent(CUSTOMER_POLICY_ARN, documents.admin, { setAsDefault: false })];
    const { findings } = await evaluateRoleEvent(setDefaultPolicyVersionEvent(CUSTOMER_POLICY_ARN, 'v2'), { setup });
    expect(findingsOfRule(findings, RULE)).toHaveLength(1);
  });

  it('is not applicable to a role that is no Lambda execution role', async () => {
    const account = executionRoleAccount();
    account.iam.createRole('111122223333', 'ci-deployer', { trust: trust.ec2 });
    const { findings } = await evaluateRoleEvent(putRolePolicyEvent('x', documents.admin, { roleName: 'ci-deployer' }), { account });
    expect(findings).toEqual([]);
    expect(RULES_BY_ID.evaluate(await account.reader().readRole?.({ kind: 'iam-role', account: '111122223333', region: 'us-east-1', roleName: 'ci-deployer' }) ?? never(), ruleContext())).toEqual({
      status: 'not-applicable',
      reason: 'ci-deployer is not a Lambda execution role',
    });
  });
});

function never(): never {
  throw new Error('the in-memory reader reads roles');
}
