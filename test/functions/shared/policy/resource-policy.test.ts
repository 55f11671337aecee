import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  actionCovers,
  allowedActions,
  callerRestriction,
  principalsOf,
  restrictsSource,
  statementsOf,
} from '../../../../functions/shared/policy/resource-policy';
import type { PolicyStatement } from '../../../../functions/shared/state/resources';
import { ACCOUNT, FOREIGN_ACCOUNT, ORG_ID } from '../../../fixtures/accounts';
import { policyDocument, statement } from '../../../fixtures/resource-policies';

const withCondition = (condition: PolicyStatement['Condition']): PolicyStatement => ({ ...statement({ principal: '*' }), Condition: condition });

describe('statementsOf', () => {
  it('returns a single statement object as a list', () => {
    const only = statement({ principal: '*' });
    expect(statementsOf({ Statement: only })).toEqual([only]);
  });

  it.each([null, undefined])('returns nothing for %s', (document) => {
    expect(statementsOf(document)).toEqual([]);
  });

  it('returns every statement of a document', () => {
    expect(statementsOf(policyDocument(statement({ sid: 'a', principal: '*' }), statement({ sid: 'b', principal: ACCOUNT }))).map((s) => s.Sid)).toEqual(['a', 'b']);
  });
});

describe('principalsOf', () => {
  it.each<[string, PolicyStatement['Principal'], { anyone: boolean; accounts: string[]; services: string[] }]>([
    ['"*"', '*', { anyone: true, accounts: [], services: [] }],
    ['{"AWS": "*"}', { AWS: '*' }, { anyone: true, accounts: [], services: [] }],
    ['an account root', { AWS: `arn:aws:iam::${FOREIGN_ACCOUNT}:root` }, { anyone: false, accounts: [FOREIGN_ACCOUNT], services: [] }],
    ['a bare id and a role of the same account', { AWS: [FOREIGN_ACCOUNT, `arn:aws:iam::${FOREIGN_ACCOUNT}:role/x`] }, { anyone: false, accounts: [FOREIGN_ACCOUNT], services: [] }],
    ['an assumed-role session', { AWS: `arn:aws:sts::${FOREIGN_ACCOUNT}:assumed-role/x/s` }, { anyone: false, accounts: [FOREIGN_ACCOUNT], services: [] }],
    ['a GovCloud role', { AWS: `arn:aws-us-gov:iam::${FOREIGN_ACCOUNT}:role/x` }, { anyone: false, accounts: [FOREIGN_ACCOUNT], services: [] }],
    ['a service', { Service: 's3.amazonaws.com' }, { anyone: false, accounts: [], services: ['s3.amazonaws.com'] }],
    ['a role unique id (deleted role)', { AWS: 'AROAEXAMPLEEXAMPLE123' }, { anyone: false, accounts: [], services: [] }],
  ])('classifies %s', (_label, principal, expected) => {
    expect(principalsOf({ ...statement({ principal: '*' }), Principal: principal })).toEqual(expected);
  });

  it('treats NotPrincipal with Allow as anyone', () => {
    expect(principalsOf({ Effect: 'Allow', NotPrincipal: { AWS: ACCOUNT }, Action: 'lambda:InvokeFunction' }).anyone).toBe(true);
  });

  it('finds no principal in a statement without one', () => {
    expect(principalsOf({ Effect: 'Allow', Action: 'lambda:InvokeFunction' })).toEqual({ anyone: false, accounts: [], services: [] });
  });
});

describe('allowedActions', () => {
  const candidates = ['lambda:InvokeFunction', 'lambda:InvokeFunctionUrl', 'lambda:GetFunction'];

  it.each<[string, Partial<PolicyStatement>, string[]]>([
    ['an exact action', { Action: 'lambda:InvokeFunction' }, ['lambda:InvokeFunction']],
    ['"lambda:Invoke*"', { Action: 'lambda:Invoke*' }, ['lambda:InvokeFunction', 'lambda:InvokeFunctionUrl']],
    ['"*"', { Action: '*' }, candidates],
    ['a different case', { Action: 'Lambda:invokefunction' }, ['lambda:InvokeFunction']],
    ['"?" wildcards', { Action: 'lambda:?etFunction' }, ['lambda:GetFunction']],
    ['NotAction', { Action: undefined, NotAction: 'lambda:Invoke*' }, ['lambda:GetFunction']],
    ['a Deny', { Effect: 'Deny', Action: '*' }, []],
  ])('handles %s', (_label, overrides, expected) => {
    expect(allowedActions({ ...statement({ principal: '*' }), ...overrides }, candidates)).toEqual(expected);
  });

  it('does not treat regex characters in an action as patterns', () => {
    expect(actionCovers(['lambda:Invoke.unction'], 'lambda:InvokeFunction')).toBe(false);
  });
});

describe('callerRestriction', () => {
  it.each<[string, PolicyStatement['Condition']]>([
    ['no condition', undefined],
    ['StringLike aws:SourceArn "*"', { StringLike: { 'aws:SourceArn': '*' } }],
    ['ArnLike aws:SourceArn "arn:aws:*"', { ArnLike: { 'aws:SourceArn': 'arn:aws:*' } }],
    ['ArnLike with every part wildcarded', { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::*' } }],
    ['a SourceArn with a wildcard account', { ArnLike: { 'AWS:SourceArn': 'arn:aws:sns:us-east-1:*:orders-events' } }],
    ['a PrincipalArn with a wildcard account', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/deployer' } }],
    ['ArnLikeIfExists', { ArnLikeIfExists: { 'AWS:SourceArn': `arn:aws:sns:us-east-1:${ACCOUNT}:t` } }],
    ['StringEqualsIfExists', { StringEqualsIfExists: { 'aws:PrincipalOrgID': ORG_ID } }],
    ['StringNotEquals', { StringNotEquals: { 'aws:PrincipalOrgID': ORG_ID } }],
    ['Null', { Null: { 'aws:SourceArn': 'false' } }],
    ['ForAllValues:StringEquals', { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': ORG_ID } }],
    ['lambda:FunctionUrlAuthType', { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } }],
    ['lambda:EventSourceToken', { StringEquals: { 'lambda:EventSourceToken': 'amzn1.ask.skill.1' } }],
    ['a list with a wildcard among real values', { StringLike: { 'aws:SourceAccount': [ACCOUNT, '*'] } }],
  ])('finds no restriction in %s', (_label, condition) => {
    expect(callerRestriction(withCondition(condition))).toBeNull();
  });

  it.each<[string, PolicyStatement['Condition'], { keys: string[]; accounts: string[]; orgIds: string[]; accountlessSourceArn?: boolean }]>([
    ['SourceArn of a bucket', { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::orders-uploads' } }, { keys: ['aws:sourcearn'], accounts: [], orgIds: [], accountlessSourceArn: true }],
    ['SourceArn of a topic', { ArnLike: { 'AWS:SourceArn': `arn:aws:sns:us-east-1:${FOREIGN_ACCOUNT}:feed` } }, { keys: ['aws:sourcearn'], accounts: [FOREIGN_ACCOUNT], orgIds: [] }],
    ['SourceAccount', { StringEquals: { 'AWS:SourceAccount': ACCOUNT } }, { keys: ['aws:sourceaccount'], accounts: [ACCOUNT], orgIds: [] }],
    ['PrincipalOrgID', { StringEquals: { 'aws:PrincipalOrgID': ORG_ID } }, { keys: ['aws:principalorgid'], accounts: [], orgIds: [ORG_ID] }],
    ['SourceOrgID', { StringEquals: { 'aws:SourceOrgID': ORG_ID } }, { keys: ['aws:sourceorgid'], accounts: [], orgIds: [ORG_ID] }],
    ['ForAnyValue:StringEquals', { 'ForAnyValue:StringEquals': { 'aws:PrincipalOrgID': ORG_ID } }, { keys: ['aws:principalorgid'], accounts: [], orgIds: [ORG_ID] }],
    ['PrincipalArn of a role', { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/deployer` } }, { keys: ['aws:principalarn'], accounts: [ACCOUNT], orgIds: [] }],
  ])('finds the restriction in %s', (_label, condition, expected) => {
    expect(callerRestriction(withCondition(condition))).toEqual(expected);
  });

  it('counts only source keys as confused-deputy guards', () => {
    expect(restrictsSource(callerRestriction(withCondition({ StringEquals: { 'aws:SourceAccount': ACCOUNT } })))).toBe(true);
    expect(restrictsSource(callerRestriction(withCondition({ StringEquals: { 'aws:PrincipalOrgID': ORG_ID } })))).toBe(false);
    expect(restrictsSource(null)).toBe(false);
  });

  it.each<[string, PolicyStatement['Condition'], boolean]>([
    ['a bucket ARN alone (the name can be re-created by another account)', { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::orders-uploads' } }, false],
    ['a bucket ARN with SourceAccount', { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::orders-uploads' }, StringEquals: { 'AWS:SourceAccount': ACCOUNT } }, true],
    ['a bucket ARN with SourceOrgID', { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::orders-uploads' }, StringEquals: { 'aws:SourceOrgID': ORG_ID } }, true],
    ['a bucket ARN and a topic ARN', { ArnLike: { 'AWS:SourceArn': ['arn:aws:s3:::orders-uploads', `arn:aws:sns:us-east-1:${ACCOUNT}:feed`] } }, false],
    ['a topic ARN (it names its account)', { ArnLike: { 'AWS:SourceArn': `arn:aws:sns:us-east-1:${ACCOUNT}:feed` } }, true],
    ['SourceOwner (older S3 and SES grants)', { StringEquals: { 'AWS:SourceOwner': ACCOUNT } }, true],
  ])('judges %s as a confused-deputy guard: %s', (_label, condition, expected) => {
    expect(restrictsSource(callerRestriction(withCondition(condition)))).toBe(expected);
  });

  const restrictingKey = fc.constantFrom('aws:SourceArn', 'AWS:SourceAccount', 'aws:PrincipalOrgID', 'aws:PrincipalArn', 'aws:SourceOrgID');
  const positiveOperator = fc.constantFrom('StringEquals', 'StringLike', 'ArnLike', 'ArnEquals');

  it('never counts a value made only of wildcards', () => {
    fc.assert(
      fc.property(positiveOperator, restrictingKey, fc.stringMatching(/^[*?]{1,6}$/), (operator, key, value) => {
        expect(callerRestriction(withCondition({ [operator]: { [key]: value } }))).toBeNull();
      }),
    );
  });

  it('never counts an …IfExists operator', () => {
    fc.assert(
      fc.property(positiveOperator, restrictingKey, fc.constantFrom(ACCOUNT, ORG_ID, `arn:aws:sns:us-east-1:${ACCOUNT}:t`), (operator, key, value) => {
        expect(callerRestriction(withCondition({ [`${operator}IfExists`]: { [key]: value } }))).toBeNull();
      }),
    );
  });

  it('counts a 12-digit SourceAccount as that account', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{12}$/), (account) => {
        expect(callerRestriction(withCondition({ StringEquals: { 'AWS:SourceAccount': account } }))?.accounts).toEqual([account]);
      }),
    );
  });
});
