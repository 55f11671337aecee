import { describe, expect, it } from 'vitest';
import type { PolicyStatement } from '../../functions/shared/state/resources';
import { functionPublicAccess } from '../../rules/lambda/function-public-access';
import { ACCOUNT, FUNCTION_ARN, ORG_ACCOUNT, ORG_ID } from '../fixtures/accounts';
import { addPermissionEvent, identities } from '../fixtures/cloudtrail';
import { statement } from '../fixtures/resource-policies';
import { findingsOf, ruleContext } from '../fixtures/rule-context';
import { functionRef, functionSnapshot } from '../fixtures/snapshots';

const evaluate = (statements: PolicyStatement[], context = ruleContext()) =>
  functionPublicAccess.evaluate(functionSnapshot({ policy: statements }), context);

describe('function-public-access', () => {
  it.each<[string, PolicyStatement]>([
    ['Principal "*"', statement({ sid: 'bad', principal: '*' })],
    ['{"AWS": "*"}', { ...statement({ sid: 'bad', principal: '*' }), Principal: { AWS: '*' } }],
    ['a function URL grant restricted only by lambda:FunctionUrlAuthType', statement({ sid: 'bad', principal: '*', action: 'lambda:InvokeFunctionUrl', functionUrlAuthType: 'NONE' })],
    ['StringLike aws:SourceArn "*"', { ...statement({ sid: 'bad', principal: '*' }), Condition: { StringLike: { 'aws:SourceArn': '*' } } }],
    ['ArnLikeIfExists on aws:SourceArn', { ...statement({ sid: 'bad', principal: '*' }), Condition: { ArnLikeIfExists: { 'AWS:SourceArn': 'arn:aws:sns:us-east-1:111122223333:orders' } } }],
    ['a SourceArn with a wildcard account', statement({ sid: 'bad', principal: '*', sourceArn: 'arn:aws:sns:us-east-1:*:orders-events' })],
    ['NotPrincipal with Allow', { Sid: 'bad', Effect: 'Allow', NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'lambda:InvokeFunction', Resource: FUNCTION_ARN }],
    ['"lambda:*"', statement({ sid: 'bad', principal: '*', action: 'lambda:*' })],
  ])('reports %s', (_label, bad) => {
    const findings = findingsOf(evaluate([bad]));
    expect(findings).toHaveLength(1);
    expect(findings[0]?.key).toBe('bad');
    expect(findings[0]?.summary).toContain('statement "bad"');
    expect(findings[0]?.remediation).toEqual(expect.objectContaining({ action: 'remove-function-permission', params: { functionName: FUNCTION_ARN, statementId: 'bad' } }));
  });

  it.each<[string, PolicyStatement]>([
    ['a service principal restricted by SourceArn', statement({ principal: 's3.amazonaws.com', sourceArn: 'arn:aws:s3:::orders-uploads' })],
    ['"*" restricted to our organization', statement({ principal: '*', principalOrgID: ORG_ID })],
    ['"*" restricted to an account by SourceAccount', statement({ principal: '*', sourceAccount: ACCOUNT })],
    ['an account principal', statement({ principal: ORG_ACCOUNT })],
    ['a Deny for "*"', statement({ principal: '*', effect: 'Deny' })],
    ['"*" for an action that does not expose the function', statement({ principal: '*', action: 'lambda:ListTags' })],
  ])('does not report %s', (_label, benign) => {
    expect(evaluate([benign])).toEqual({ status: 'compliant' });
  });

  it('reports exactly the bad statement among several', () => {
    const findings = findingsOf(
      evaluate([
        statement({ sid: 's3-invoke', principal: 's3.amazonaws.com', sourceArn: 'arn:aws:s3:::orders-uploads', sourceAccount: ACCOUNT }),
        statement({ sid: 'public', principal: '*' }),
        statement({ sid: 'org', principal: ORG_ACCOUNT }),
      ]),
    );
    expect(findings.map((f) => f.key)).toEqual(['public']);
  });

  it('names who added the statement when the event added it', () => {
    const event = addPermissionEvent({ statementId: 'public', principal: '*' });
    const [finding] = findingsOf(evaluate([statement({ sid: 'public', principal: '*' })], ruleContext({ event })));
    expect(finding?.summary).toContain(`added by ${identities.alice.arn ?? ''} (AddPermission20150331v2)`);
  });

  it('says a scan found it when there is no event', () => {
    const [finding] = findingsOf(evaluate([statement({ sid: 'public', principal: '*' })]));
    expect(finding?.summary).toContain('found by a scan');
  });

  it('removes the statement from the qualified policy of an alias', () => {
    const snapshot = functionSnapshot({ ref: functionRef({ qualifier: 'live' }), policy: [statement({ sid: 'public', principal: '*' })] });
    const [finding] = findingsOf(functionPublicAccess.evaluate(snapshot, ruleContext()));
    expect(finding?.remediation?.params).toEqual({ functionName: FUNCTION_ARN, statementId: 'public', qualifier: 'live' });
  });

  it('reports a statement without Sid with no plan', () => {
    const anonymous: PolicyStatement = { ...statement({ principal: '*' }), Sid: undefined };
    const [finding] = findingsOf(evaluate([anonymous]));
    expect(finding?.remediation).toBeNull();
  });

  it('is compliant when the function has no policy', () => {
    expect(functionPublicAccess.evaluate(functionSnapshot({ policy: null }), ruleContext())).toEqual({ status: 'compliant' });
  });

  it('is not applicable when the policy was not read', () => {
    expect(functionPublicAccess.evaluate(functionSnapshot(), ruleContext()).status).toBe('not-applicable');
  });
});
