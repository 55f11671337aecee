import { describe, expect, it } from 'vitest';
import { FOREIGN_ACCOUNT } from '../fixtures/accounts';
import { evaluateRoleEvent, findingsOfRule, trust, updateAssumeRolePolicyEvent, ROLE_NAME } from '../fixtures/iam';

const RULE = 'execution-role-trust-opened';

describe('execution-role-trust-opened', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['anyone ("*")', trust.anyone, '*'],
    ['an account outside the organization', trust.foreignAccount, `arn:aws:iam::${FOREIGN_ACCOUNT}:root`],
  ])('finds a trust policy opened to %s', async (_what, document, principal) => {
    const { findings } = await evaluateRoleEvent(updateAssumeRolePolicyEvent(document));
    const found = findingsOfRule(findings, RULE);
    expect(found).toHaveLength(1);
    expect(found[0]?.summary).toContain(principal);
  });

  it('restores the last-known-good trust policy automatically when a baseline exists', async () => {
    const setup = [updateAssumeRolePolicyEvent(trust.lambda)];
    const { findings } = await evaluateRoleEvent(updateAssumeRolePolicyEvent(trust.anyone), { setup });
    const [finding] = findingsOfRule(findings, RULE);
    expect(finding?.mode).toBe('auto');
    expect(finding?.details.restoresBaseline).toBe(true);
    expect(finding?.remediation?.action).toBe('restore-trust-policy');
    expect(JSON.parse(String(finding?.remediation?.params.policyDocument))).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: ['sts:AssumeRole'] }],
    });
  });

  it('asks for approval, removing only the offending principals, when no baseline exists', async () => {
    const { findings } = await evaluateRoleEvent(updateAssumeRolePolicyEvent(trust.foreignAccount));
    const [finding] = findingsOfRule(findings, RULE);
    expect(finding?.mode).toBe('approve');
    expect(finding?.remediation?.params.roleName).toBe(ROLE_NAME);
    expect(JSON.parse(String(finding?.remediation?.params.policyDocument))).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: ['sts:AssumeRole'] }],
    });
  });

  it('replaces a trust policy that lets in only another service with the Lambda-only one', async () => {
    const { findings } = await evaluateRoleEvent(updateAssumeRolePolicyEvent(trust.ec2));
    const [finding] = findingsOfRule(findings, RULE);
    expect(finding?.details.principals).toEqual([expect.objectContaining({ kind: 'service', principal: 'ec2.amazonaws.com' })]);
    expect(JSON.parse(String(finding?.remediation?.params.policyDocument))).toMatchObject({ Statement: [{ Principal: { Service: ['lambda.amazonaws.com'] } }] });
  });

  it('finds nothing for Lambda plus the organization under an aws:PrincipalOrgID condition', async () => {
    const { findings } = await evaluateRoleEvent(updateAssumeRolePolicyEvent(trust.orgAccountConditioned));
    expect(findingsOfRule(findings, RULE)).toEqual([]);
  });
});
