import { describe, expect, it } from 'vitest';
import type { RemediationPlan, Finding } from '../../../../functions/shared/contract/finding';
import { inversePlan } from '../../../../functions/shared/executor/inverse-plans';
import { ACTIONS } from '../../../../functions/shared/remediation/actions';
import { ACCOUNT, FUNCTION_ARN, LAYER_ARN, LAYER_VERSION } from '../../../fixtures/accounts';
import { publicAccessFinding } from '../../../fixtures/findings';

const removeOpen: RemediationPlan = { action: 'remove-function-permission', params: { functionName: FUNCTION_ARN, statementId: 'open', revisionId: 'r1' }, description: 'd' };

const finding = (details: Record<string, unknown>, remediation: RemediationPlan = removeOpen): Finding => publicAccessFinding({ details, remediation });

const statement = (overrides: Record<string, unknown> = {}) => ({ Sid: 'open', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction', Resource: FUNCTION_ARN, ...overrides });

describe('inversePlan', () => {
  it.each([
    ['a public statement', statement(), { principal: '*' }],
    ['a function URL statement', statement({ Action: 'lambda:InvokeFunctionUrl', Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } } }), { principal: '*', functionUrlAuthType: 'NONE' }],
    ['an account root principal', statement({ Principal: { AWS: 'arn:aws:iam::444455556666:root' } }), { principal: '444455556666' }],
    ['a service with source ARN and account', statement({ Principal: { Service: 's3.amazonaws.com' }, Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::bucket' }, StringEquals: { 'AWS:SourceAccount': ACCOUNT } } }), { principal: 's3.amazonaws.com', sourceArn: 'arn:aws:s3:::bucket', sourceAccount: ACCOUNT }],
  ])('re-adds %s with AddPermission, as it was judged', (_label, removed, expected) => {
    const inverse = inversePlan(removeOpen, finding({ statement: removed }));
    expect(inverse.plan).toEqual({
      action: 'add-function-permission',
      params: { functionName: FUNCTION_ARN, statementId: 'open', action: removed.Action, ...expected },
      description: expect.stringContaining('lambda:AddPermission') as string,
    });
    const action = ACTIONS['add-function-permission'];
    expect(action.misfits(inverse.plan?.params)).toBeNull();
  });

  it.each([
    ['several actions', statement({ Action: ['lambda:InvokeFunction', 'lambda:GetFunction'] }), /several actions/],
    ['several principals', statement({ Principal: { AWS: ['111122223333', '444455556666'] } }), /principal/],
    ['a condition AddPermission cannot write', statement({ Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }), /condition/],
    ['no statement in the finding', undefined, /not in the finding/],
    ['a Deny statement', statement({ Effect: 'Deny' }), /not in the finding/],
  ])('offers no restore for %s, and says why', (_label, removed, reason) => {
    const inverse = inversePlan(removeOpen, finding(removed === undefined ? {} : { statement: removed }));
    expect(inverse.plan).toBeNull();
    expect(inverse.reason).toMatch(reason);
  });

  it.each([
    ['the same key in two cases', { StringEquals: { 'aws:SourceAccount': ACCOUNT, 'AWS:SourceAccount': '444455556666' } }],
    ['the same key under two operator spellings', { StringEquals: { 'aws:SourceAccount': ACCOUNT }, stringequals: { 'aws:sourceaccount': '444455556666' } }],
  ])('offers no restore when a condition is set twice (%s): one AddPermission value could re-add a broader statement', (_label, condition) => {
    const inverse = inversePlan(removeOpen, finding({ statement: statement({ Principal: { Service: 's3.amazonaws.com' }, Condition: condition }) }));
    expect(inverse.plan).toBeNull();
    expect(inverse.reason).toMatch(/sets the condition .* twice/);
  });

  it('offers no restore when a layer statement sets the organization condition twice', () => {
    const plan: RemediationPlan = { action: 'remove-layer-version-permission', params: { layerName: LAYER_ARN, versionNumber: LAYER_VERSION, statementId: 'org' }, description: 'd' };
    const removed = { Sid: 'org', Effect: 'Allow', Principal: '*', Action: 'lambda:GetLayerVersion', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-zzzzzzzzzz99', 'AWS:PrincipalOrgID': 'o-aaaaaaaaaa11' } } };
    const inverse = inversePlan(plan, finding({ statement: removed }, plan));
    expect(inverse.plan).toBeNull();
    expect(inverse.reason).toMatch(/sets the condition .* twice/);
  });

  it('offers no restore when the statement in the finding is not the one the revert removed', () => {
    const inverse = inversePlan(removeOpen, finding({ statement: statement({ Sid: 'other' }) }));
    expect(inverse.plan).toBeNull();
    expect(inverse.reason).toBe('the statement in the finding ("other") is not the one the revert removed ("open")');
    const plan: RemediationPlan = { action: 'remove-layer-version-permission', params: { layerName: LAYER_ARN, versionNumber: LAYER_VERSION, statementId: 'org' }, description: 'd' };
    const removed = { Sid: 'public', Effect: 'Allow', Principal: '*', Action: 'lambda:GetLayerVersion' };
    expect(inversePlan(plan, finding({ statement: removed }, plan))).toEqual({ plan: null, reason: 'the statement in the finding ("public") is not the one the revert removed ("org")' });
  });

  it('sets a function URL back to NONE', () => {
    const plan: RemediationPlan = { action: 'set-function-url-auth-iam', params: { functionName: FUNCTION_ARN, qualifier: 'live', authType: 'AWS_IAM' }, description: 'd' };
    expect(inversePlan(plan, finding({}, plan)).plan?.params).toEqual({ functionName: FUNCTION_ARN, qualifier: 'live', authType: 'NONE' });
  });

  it('re-adds a layer version statement with its organization condition', () => {
    const plan: RemediationPlan = { action: 'remove-layer-version-permission', params: { layerName: LAYER_ARN, versionNumber: LAYER_VERSION, statementId: 'org' }, description: 'd' };
    const removed = { Sid: 'org', Effect: 'Allow', Principal: '*', Action: 'lambda:GetLayerVersion', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-zzzzzzzzzz99' } } };
    expect(inversePlan(plan, finding({ statement: removed }, plan)).plan?.params).toEqual({
      layerName: LAYER_ARN,
      versionNumber: LAYER_VERSION,
      statementId: 'org',
      action: 'lambda:GetLayerVersion',
      principal: '*',
      organizationId: 'o-zzzzzzzzzz99',
    });
  });

  it.each(['start-trail-logging', 'restore-trust-policy', 'remove-function-env-variables', 'quarantine-function'] as const)('offers no restore after %s', (action) => {
    const plan: RemediationPlan = { action, params: {}, description: 'd' };
    expect(inversePlan(plan, finding({}, plan)).plan).toBeNull();
  });
});
