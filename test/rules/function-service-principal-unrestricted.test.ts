import { describe, expect, it } from 'vitest';
import type { PolicyStatement } from '../../functions/shared/state/resources';
import { functionServicePrincipalUnrestricted } from '../../rules/lambda/function-service-principal-unrestricted';
import { ACCOUNT, FUNCTION_ARN, ORG_ID } from '../fixtures/accounts';
import { addPermissionEvent, identities } from '../fixtures/cloudtrail';
import { statement } from '../fixtures/resource-policies';
import { findingsOf, ruleContext } from '../fixtures/rule-context';
import { functionRef, functionSnapshot } from '../fixtures/snapshots';

const rule = functionServicePrincipalUnrestricted;
const evaluate = (statements: PolicyStatement[], context = ruleContext()) => rule.evaluate(functionSnapshot({ policy: statements }), context);
const withCondition = (condition: PolicyStatement['Condition']): PolicyStatement => ({ ...statement({ sid: 'bad', principal: 's3.amazonaws.com' }), Condition: condition });

describe('function-service-principal-unrestricted', () => {
  it.each<[string, PolicyStatement]>([
    ['s3 with no condition', statement({ sid: 'bad', principal: 's3.amazonaws.com' })],
    ['sns with no condition', statement({ sid: 'bad', principal: 'sns.amazonaws.com' })],
    ['events with no condition', statement({ sid: 'bad', principal: 'events.amazonaws.com' })],
    ['apigateway with no condition', statement({ sid: 'bad', principal: 'apigateway.amazonaws.com' })],
    ['logs with no condition', statement({ sid: 'bad', principal: 'logs.amazonaws.com' })],
    ['StringLike aws:SourceArn "*"', withCondition({ StringLike: { 'aws:SourceArn': '*' } })],
    ['an API Gateway SourceArn with neither account nor API', statement({ sid: 'bad', principal: 'apigateway.amazonaws.com', sourceArn: 'arn:aws:execute-api:us-east-1::*' })],
    ['ArnLikeIfExists aws:SourceArn', withCondition({ ArnLikeIfExists: { 'AWS:SourceArn': 'arn:aws:s3:::orders-uploads' } })],
    ['StringEqualsIfExists aws:SourceAccount', withCondition({ StringEqualsIfExists: { 'AWS:SourceAccount': ACCOUNT } })],
    ['lambda:FunctionUrlAuthType only', withCondition({ StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } })],
    ['aws:PrincipalOrgID only (services are in no organization)', withCondition({ StringEquals: { 'aws:PrincipalOrgID': ORG_ID } })],
    ['a Null check on aws:SourceArn', withCondition({ Null: { 'aws:SourceArn': 'false' } })],
  ])('reports %s', (_label, bad) => {
    const findings = findingsOf(evaluate([bad]));
    expect(findings).toHaveLength(1);
    expect(findings[0]?.key).toBe('bad');
    expect(findings[0]?.summary).toMatch(/statement "bad" .* any AWS account/);
    expect(findings[0]?.remediation?.action).toBe('remove-function-permission');
    expect(findings[0]?.remediation?.params).toEqual({ functionName: FUNCTION_ARN, statementId: 'bad' });
  });

  it.each<[string, PolicyStatement]>([
    ['s3 with SourceArn and SourceAccount', statement({ principal: 's3.amazonaws.com', sourceArn: 'arn:aws:s3:::orders-uploads', sourceAccount: ACCOUNT })],
    ['s3 with SourceArn of a bucket and SourceOwner', withCondition({ ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::orders-uploads' }, StringEquals: { 'AWS:SourceOwner': ACCOUNT } })],
    ['sns with the topic ARN', statement({ principal: 'sns.amazonaws.com', sourceArn: `arn:aws:sns:us-east-1:${ACCOUNT}:orders-events` })],
    ['events with SourceAccount only', statement({ principal: 'events.amazonaws.com', sourceAccount: ACCOUNT })],
    ['a condition on aws:SourceOrgID', withCondition({ StringEquals: { 'aws:SourceOrgID': ORG_ID } })],
    ['a Deny for a service', statement({ principal: 's3.amazonaws.com', effect: 'Deny' })],
    ['an account principal', statement({ principal: ACCOUNT })],
    ['"*" (function-public-access reports it)', statement({ principal: '*' })],
  ])('does not report %s', (_label, benign) => {
    expect(evaluate([benign])).toEqual({ status: 'compliant' });
  });

  // Changed deliberately (issue #13, gap 3): a bucket ARN alone used to count as a guard. AWS's
  // AddPermission reference asks for SourceAccount with S3, since a deleted bucket's name can be re-created elsewhere.
  it.each<[string, PolicyStatement]>([
    ['s3 with the SourceArn of a bucket only', statement({ sid: 'bad', principal: 's3.amazonaws.com', sourceArn: 'arn:aws:s3:::orders-uploads' })],
    ['s3 with a wildcard bucket SourceArn only', withCondition({ ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::orders-*' } })],
  ])('reports %s, asking for SourceAccount', (_label, bad) => {
    const [finding] = findingsOf(evaluate([bad]));
    expect(finding?.key).toBe('bad');
    expect(finding?.summary).toMatch(/aws:SourceArn .* names no account .* aws:SourceAccount/);
    expect(finding?.details).toEqual(expect.objectContaining({ accountlessSourceArn: true }));
    expect(finding?.remediation?.action).toBe('remove-function-permission');
  });

  it('reports exactly the unrestricted statement among several', () => {
    const findings = findingsOf(
      evaluate([
        statement({ sid: 'thumbnails', principal: 's3.amazonaws.com', sourceArn: 'arn:aws:s3:::orders-uploads', sourceAccount: ACCOUNT }),
        statement({ sid: 'nightly', principal: 'events.amazonaws.com' }),
        statement({ sid: 'partner', principal: '444455556666' }),
      ]),
    );
    expect(findings.map((f) => f.key)).toEqual(['nightly']);
    expect(findings[0]?.details).toEqual(expect.objectContaining({ services: ['events.amazonaws.com'], actions: ['lambda:InvokeFunction'] }));
  });

  it('names who added the statement', () => {
    const event = addPermissionEvent({ statementId: 'bad', principal: 's3.amazonaws.com' });
    const [finding] = findingsOf(evaluate([statement({ sid: 'bad', principal: 's3.amazonaws.com' })], ruleContext({ event })));
    expect(finding?.summary).toContain(`added by ${identities.alice.arn ?? ''} (AddPermission20150331v2)`);
  });

  it('says who triggered the check when the event added another statement', () => {
    const event = addPermissionEvent({ statementId: 'other', principal: ACCOUNT });
    const [finding] = findingsOf(evaluate([statement({ sid: 'bad', principal: 's3.amazonaws.com' })], ruleContext({ event })));
    expect(finding?.summary).toContain(`present after AddPermission20150331v2 by ${identities.alice.arn ?? ''}`);
  });

  it('keeps the qualifier in the plan', () => {
    const snapshot = functionSnapshot({ ref: functionRef({ qualifier: '7' }), policy: [statement({ sid: 'bad', principal: 's3.amazonaws.com' })] });
    const [finding] = findingsOf(rule.evaluate(snapshot, ruleContext()));
    expect(finding?.remediation?.params).toEqual({ functionName: FUNCTION_ARN, statementId: 'bad', qualifier: '7' });
  });

  it('is compliant when the function has no policy', () => {
    expect(rule.evaluate(functionSnapshot({ policy: null }), ruleContext())).toEqual({ status: 'compliant' });
  });

  it('is not applicable when the policy was not read', () => {
    expect(rule.evaluate(functionSnapshot(), ruleContext())).toEqual({ status: 'not-applicable', reason: 'policy not read' });
  });
});
