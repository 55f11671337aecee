import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/shared/config/config';
import type { PolicyStatement } from '../../functions/shared/state/resources';
import { functionCrossAccountPrincipal } from '../../rules/lambda/function-cross-account-principal';
import { ACCOUNT, ALLOWED_ACCOUNT, FOREIGN_ACCOUNT, FOREIGN_ORG_ID, FUNCTION_ARN, ORG_ACCOUNT, ORG_ID } from '../fixtures/accounts';
import { addPermissionEvent, identities } from '../fixtures/cloudtrail';
import { statement } from '../fixtures/resource-policies';
import { findingsOf, ruleContext } from '../fixtures/rule-context';
import { functionRef, functionSnapshot } from '../fixtures/snapshots';

const rule = functionCrossAccountPrincipal;
const evaluate = (statements: PolicyStatement[], context = ruleContext()) => rule.evaluate(functionSnapshot({ policy: statements }), context);

describe('function-cross-account-principal', () => {
  it.each<[string, PolicyStatement, { accounts: string[]; organizations: string[] }]>([
    ['a foreign account root', statement({ sid: 'bad', principal: FOREIGN_ACCOUNT }), { accounts: [FOREIGN_ACCOUNT], organizations: [] }],
    ['a role in a foreign account', statement({ sid: 'bad', principal: `arn:aws:iam::${FOREIGN_ACCOUNT}:role/deployer` }), { accounts: [FOREIGN_ACCOUNT], organizations: [] }],
    ['a user in a foreign account', statement({ sid: 'bad', principal: `arn:aws:iam::${FOREIGN_ACCOUNT}:user/bob` }), { accounts: [FOREIGN_ACCOUNT], organizations: [] }],
    ['a bare foreign account id', { ...statement({ sid: 'bad', principal: FOREIGN_ACCOUNT }), Principal: { AWS: FOREIGN_ACCOUNT } }, { accounts: [FOREIGN_ACCOUNT], organizations: [] }],
    ['a foreign account beside an org account', { ...statement({ sid: 'bad', principal: FOREIGN_ACCOUNT }), Principal: { AWS: [`arn:aws:iam::${ORG_ACCOUNT}:root`, FOREIGN_ACCOUNT] } }, { accounts: [FOREIGN_ACCOUNT], organizations: [] }],
    ['a service restricted to a foreign SourceAccount', statement({ sid: 'bad', principal: 's3.amazonaws.com', sourceArn: 'arn:aws:s3:::partner-drop', sourceAccount: FOREIGN_ACCOUNT }), { accounts: [FOREIGN_ACCOUNT], organizations: [] }],
    ['a service restricted to a foreign topic', statement({ sid: 'bad', principal: 'sns.amazonaws.com', sourceArn: `arn:aws:sns:us-east-1:${FOREIGN_ACCOUNT}:feed` }), { accounts: [FOREIGN_ACCOUNT], organizations: [] }],
    ['"*" restricted to another organization', statement({ sid: 'bad', principal: '*', principalOrgID: FOREIGN_ORG_ID }), { accounts: [], organizations: [FOREIGN_ORG_ID] }],
    ['"*" restricted to a foreign account', statement({ sid: 'bad', principal: '*', sourceAccount: FOREIGN_ACCOUNT }), { accounts: [FOREIGN_ACCOUNT], organizations: [] }],
    ['{"AWS": "*"} restricted to another organization', { ...statement({ sid: 'bad', principal: '*', principalOrgID: FOREIGN_ORG_ID }), Principal: { AWS: '*' } }, { accounts: [], organizations: [FOREIGN_ORG_ID] }],
  ])('reports %s', (_label, bad, who) => {
    const findings = findingsOf(evaluate([bad]));
    expect(findings).toHaveLength(1);
    expect(findings[0]?.key).toBe('bad');
    expect(findings[0]?.details).toEqual(expect.objectContaining(who));
    expect(findings[0]?.summary).toContain('statement "bad"');
    expect(findings[0]?.summary).toContain(who.accounts[0] ?? who.organizations[0] ?? '');
    expect(findings[0]?.remediation?.action).toBe('remove-function-permission');
    expect(findings[0]?.remediation?.params).toEqual({ functionName: FUNCTION_ARN, statementId: 'bad' });
  });

  it.each<[string, PolicyStatement]>([
    ['the function’s own account', statement({ principal: ACCOUNT })],
    ['an account of the organization', statement({ principal: ORG_ACCOUNT })],
    ['a role in an account of the organization', statement({ principal: `arn:aws:iam::${ORG_ACCOUNT}:role/orders-worker` })],
    ['an allow-listed account', statement({ principal: ALLOWED_ACCOUNT })],
    ['"*" restricted to our organization', statement({ principal: '*', principalOrgID: ORG_ID })],
    ['a service restricted to our account', statement({ principal: 's3.amazonaws.com', sourceArn: 'arn:aws:s3:::orders-uploads', sourceAccount: ACCOUNT })],
    ['a service with a bucket SourceArn only (no account named)', statement({ principal: 's3.amazonaws.com', sourceArn: 'arn:aws:s3:::orders-uploads' })],
    ['an unrestricted service (function-service-principal-unrestricted reports it)', statement({ principal: 's3.amazonaws.com' })],
    ['unrestricted "*" (function-public-access reports it)', statement({ principal: '*' })],
    ['"*" whose only condition is not restrictive', statement({ principal: '*', functionUrlAuthType: 'NONE', action: 'lambda:InvokeFunctionUrl' })],
    ['a Deny for a foreign account', statement({ principal: FOREIGN_ACCOUNT, effect: 'Deny' })],
    ['a foreign account for an action that does not expose the function', statement({ principal: FOREIGN_ACCOUNT, action: 'lambda:ListTags' })],
  ])('does not report %s', (_label, benign) => {
    expect(evaluate([benign])).toEqual({ status: 'compliant' });
  });

  it('reports exactly the foreign statement among several', () => {
    const findings = findingsOf(
      evaluate([
        statement({ sid: 'org', principal: ORG_ACCOUNT }),
        statement({ sid: 'partner', principal: FOREIGN_ACCOUNT }),
        statement({ sid: 'vendor', principal: ALLOWED_ACCOUNT }),
        statement({ sid: 'public', principal: '*' }),
      ]),
    );
    expect(findings.map((f) => f.key)).toEqual(['partner']);
  });

  it('treats every organization as foreign when no organization id is configured', () => {
    const config = parseConfig({ organization: { accounts: [ACCOUNT] } });
    const findings = findingsOf(evaluate([statement({ sid: 'org', principal: '*', principalOrgID: ORG_ID })], ruleContext({ config })));
    expect(findings.map((f) => f.details.organizations)).toEqual([[ORG_ID]]);
  });

  it('trusts the function’s own account even outside the configured organization', () => {
    const config = parseConfig({});
    const snapshot = functionSnapshot({ ref: functionRef({ account: FOREIGN_ACCOUNT }), policy: [statement({ principal: FOREIGN_ACCOUNT })] });
    expect(rule.evaluate(snapshot, ruleContext({ config }))).toEqual({ status: 'compliant' });
  });

  it('names who added the statement', () => {
    const event = addPermissionEvent({ statementId: 'partner', principal: FOREIGN_ACCOUNT });
    const [finding] = findingsOf(evaluate([statement({ sid: 'partner', principal: FOREIGN_ACCOUNT })], ruleContext({ event })));
    expect(finding?.summary).toContain(`added by ${identities.alice.arn ?? ''} (AddPermission20150331v2)`);
  });

  it('is compliant when the function has no policy', () => {
    expect(rule.evaluate(functionSnapshot({ policy: null }), ruleContext())).toEqual({ status: 'compliant' });
  });

  it('is not applicable when the policy was not read', () => {
    expect(rule.evaluate(functionSnapshot(), ruleContext())).toEqual({ status: 'not-applicable', reason: 'policy not read' });
  });
});
