import { describe, expect, it } from 'vitest';
import { attachRolePolicyEvent, AWS_POLICY, documents, evaluateRoleEvent, findingsOfRule, putRolePolicyEvent, type DocumentEncoding } from '../fixtures/iam';

const RULE = 'execution-role-privilege-escalation';

describe('execution-role-privilege-escalation', () => {
  it.each<[string, Record<string, unknown>, DocumentEncoding, string[]]>([
    ['iam:PassRole with lambda:CreateFunction on "*"', documents.passRoleAnywhere, 'pretty', ['iam:PassRole', 'lambda:CreateFunction']],
    ['iam:Put* (expanded against the action data)', documents.iamPutStar, 'url-encoded', ['iam:PutRolePolicy', 'iam:PutUserPolicy', 'iam:PutGroupPolicy']],
    ['secretsmanager:GetSecretValue on "*"', documents.secrets, 'compact', ['secretsmanager:GetSecretValue']],
    ['sts:AssumeRole on any role, beside a narrow statement', documents.mixed, 'pretty', ['sts:AssumeRole']],
  ])('finds %s and says which actions and why', async (_what, document, encoding, actions) => {
    const { findings } = await evaluateRoleEvent(putRolePolicyEvent('deploy', document, { encoding }));
    const found = findingsOfRule(findings, RULE);
    expect(found).toHaveLength(1);
    const listed = (found[0]?.details.actions as { action: string; reason: string }[]).map((a) => a.action);
    expect(listed).toEqual(expect.arrayContaining(actions));
    for (const action of actions) expect(found[0]?.summary).toContain(action);
    expect(found[0]?.mode).toBe('approve');
    expect(found[0]?.remediation?.action).toBe('delete-role-policy');
  });

  it.each<[string, Record<string, unknown>]>([
    ['a condition-restricted iam:PassRole to one role', documents.passRoleToLambdaOnly],
    ['a narrow dynamodb:PutItem on one table', documents.dynamoPutItem],
  ])('finds nothing for %s', async (_what, document) => {
    const { findings } = await evaluateRoleEvent(putRolePolicyEvent('app', document));
    expect(findingsOfRule(findings, RULE)).toEqual([]);
  });

  it('leaves administrator access to the admin rule (no second finding for the same statement)', async () => {
    const { findings } = await evaluateRoleEvent(attachRolePolicyEvent(AWS_POLICY('AdministratorAccess')));
    expect(findingsOfRule(findings, RULE)).toEqual([]);
    expect(findingsOfRule(findings, 'execution-role-admin-access')).toHaveLength(1);
  });
});
