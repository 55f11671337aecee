import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseIamPolicyDocument } from '../../../../functions/shared/policy/iam-policy';
import { analyzeTrustPolicy, type TrustContext } from '../../../../functions/shared/policy/iam-trust-policy';

const OWN = '111122223333';
const SIBLING = '222233334444';
const OUTSIDER = '999988887777';
const context: TrustContext = { organizationId: 'o-a1b2c3d4e5', organizationAccounts: [OWN, SIBLING], ownAccount: OWN };

const trust = (statement: object | object[]): ReturnType<typeof analyzeTrustPolicy> =>
  analyzeTrustPolicy(parseIamPolicyDocument({ Version: '2012-10-17', Statement: statement }), context);
const assume = (principal: unknown, extra: object = {}): object => ({ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', ...extra });

describe('analyzeTrustPolicy', () => {
  it.each([
    ['the standard Lambda trust policy', assume({ Service: 'lambda.amazonaws.com' })],
    ['Lambda@Edge', assume({ Service: ['lambda.amazonaws.com', 'edgelambda.amazonaws.com'] })],
    ['the own account', assume({ AWS: `arn:aws:iam::${OWN}:root` })],
    ['a role in another account of the organization', assume({ AWS: `arn:aws:iam::${SIBLING}:role/deployer` })],
    ['anyone, limited to our organization', assume('*', { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } })],
    ['anyone, limited to an account of the organization', assume({ AWS: '*' }, { Condition: { StringEquals: { 'aws:PrincipalAccount': SIBLING } } })],
    ['another service tied to our account', assume({ Service: 'scheduler.amazonaws.com' }, { Condition: { StringEquals: { 'aws:SourceAccount': OWN } } })],
    ['GitHub Actions pinned to one repository', { Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${OWN}:oidc-provider/token.actions.githubusercontent.com` }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' }, StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/orders:ref:refs/heads/main' } } }],
    ['a statement that only allows sts:TagSession', { Effect: 'Allow', Principal: '*', Action: 'sts:TagSession' }],
    ['a principal IAM replaced by its unique id (deleted role)', assume({ AWS: 'AROAEXAMPLEID12345678' })],
  ])('finds nothing for %s', (_name, statement) => {
    expect(trust(statement)).toEqual([]);
  });

  it('finds Principal "*" and says why', () => {
    expect(trust({ Sid: 'Open', ...assume('*') })).toEqual([
      { kind: 'anyone', principal: '*', actions: ['sts:AssumeRole'], statement: { document: 0, statement: 0, sid: 'Open' }, conditionKeys: [], reason: 'Anyone in any AWS account can assume this role (Principal "*").' },
    ]);
  });

  it.each([
    ['another organization’s id', { StringEquals: { 'aws:PrincipalOrgID': 'o-zzzzzzzzzz' } }],
    ['sts:ExternalId only', { StringEquals: { 'sts:ExternalId': 'shared-secret' } }],
    ['a wildcard-only PrincipalOrgID', { StringLike: { 'aws:PrincipalOrgID': '*' } }],
    ['an IfExists operator', { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }],
  ])('finds {"AWS":"*"} conditioned on %s', (_name, condition) => {
    const findings = trust(assume({ AWS: '*' }, { Condition: condition }));
    expect(findings.map((f) => f.kind)).toEqual(['anyone']);
    expect(findings[0]?.reason).toMatch(/do not limit callers to the organization\.$/);
  });

  it('finds an account outside the organization, even with an ExternalId', () => {
    const findings = trust(assume({ AWS: [`arn:aws:iam::${OUTSIDER}:root`, SIBLING] }, { Condition: { StringEquals: { 'sts:ExternalId': 'vendor-42' } } }));
    expect(findings).toEqual([
      {
        kind: 'external-account',
        principal: `arn:aws:iam::${OUTSIDER}:root`,
        account: OUTSIDER,
        actions: ['sts:AssumeRole'],
        statement: { document: 0, statement: 0, sid: undefined },
        conditionKeys: ['sts:ExternalId'],
        reason: `Account ${OUTSIDER}, outside the organization, can assume this role ("arn:aws:iam::${OUTSIDER}:root"). Its conditions (sts:ExternalId) do not limit callers to the organization.`,
      },
    ]);
  });

  it('treats only the own account as inside when the organization is not known', () => {
    const findings = analyzeTrustPolicy(parseIamPolicyDocument({ Statement: assume({ AWS: SIBLING }) }), { organizationAccounts: [], ownAccount: OWN });
    expect(findings.map((f) => [f.kind, f.account])).toEqual([['external-account', SIBLING]]);
  });

  it('finds a service other than Lambda', () => {
    expect(trust(assume({ Service: ['lambda.amazonaws.com', 'ec2.amazonaws.com'] }))).toEqual([
      expect.objectContaining({ kind: 'service', principal: 'ec2.amazonaws.com', reason: 'The service ec2.amazonaws.com can assume this role, which only lambda.amazonaws.com or edgelambda.amazonaws.com should.' }),
    ]);
  });

  it('allows the services it is told to', () => {
    const doc = parseIamPolicyDocument({ Statement: assume({ Service: 'states.amazonaws.com' }) });
    expect(analyzeTrustPolicy(doc, { ...context, allowedServices: ['states.amazonaws.com'] })).toEqual([]);
  });

  it('finds a service tied to an account outside the organization', () => {
    const findings = trust(assume({ Service: 'sns.amazonaws.com' }, { Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:sns:eu-west-1:${OUTSIDER}:topic` } } }));
    expect(findings.map((f) => f.kind)).toEqual(['service']);
  });

  it.each([
    ['no condition', undefined],
    ['only the audience', { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } }],
    ['a subject of any repository', { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:*' } }],
  ])('finds a federated provider with %s', (_name, condition) => {
    const statement = { Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${OWN}:oidc-provider/token.actions.githubusercontent.com` }, Action: 'sts:AssumeRoleWithWebIdentity', ...(condition === undefined ? {} : { Condition: condition }) };
    const findings = trust(statement);
    expect(findings.map((f) => f.kind)).toEqual(['federated']);
    expect(findings[0]?.actions).toEqual(['sts:AssumeRoleWithWebIdentity']);
  });

  it('finds NotPrincipal as anyone', () => {
    expect(trust({ Effect: 'Allow', NotPrincipal: { AWS: `arn:aws:iam::${OUTSIDER}:root` }, Action: 'sts:AssumeRole' }).map((f) => f.reason)).toEqual([
      'Anyone in any AWS account can assume this role (NotPrincipal).',
    ]);
  });

  it('finds sts:* and NotAction grants of AssumeRole', () => {
    expect(trust({ Effect: 'Allow', Principal: '*', Action: 'sts:*' })[0]?.actions).toEqual(['sts:AssumeRole', 'sts:AssumeRoleWithSAML', 'sts:AssumeRoleWithWebIdentity']);
    expect(trust({ Effect: 'Allow', Principal: '*', NotAction: 'sts:AssumeRoleWithSAML' })[0]?.actions).toEqual(['sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity']);
  });

  it.each([
    ['an unconditional Deny for everyone', { Effect: 'Deny', Principal: '*', Action: 'sts:*' }, []],
    ['an unconditional Deny for that account', { Effect: 'Deny', Principal: { AWS: OUTSIDER }, Action: 'sts:AssumeRole' }, []],
    ['a Deny for another account', { Effect: 'Deny', Principal: { AWS: SIBLING }, Action: 'sts:AssumeRole' }, ['external-account']],
    ['a conditional Deny', { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } }, ['external-account']],
  ])('subtracts %s when it covers the principal', (_name, deny, kinds) => {
    expect(trust([assume({ AWS: OUTSIDER }), deny]).map((f) => f.kind)).toEqual(kinds);
  });

  it('never finds less after adding an Allow statement', () => {
    const principal = fc.oneof(
      fc.constant('*'),
      fc.record({ AWS: fc.constantFrom('*', OWN, OUTSIDER, `arn:aws:iam::${OUTSIDER}:role/x`) }),
      fc.record({ Service: fc.constantFrom('lambda.amazonaws.com', 'ec2.amazonaws.com') }),
      fc.record({ Federated: fc.constant('cognito-identity.amazonaws.com') }),
    );
    const condition = fc.option(fc.record({ StringEquals: fc.dictionary(fc.constantFrom('aws:PrincipalOrgID', 'aws:SourceAccount', 'sts:ExternalId'), fc.constantFrom('o-a1b2c3d4e5', OWN, OUTSIDER)) }), { nil: undefined });
    const statement = fc.record({ principal, action: fc.constantFrom('sts:AssumeRole', 'sts:*', '*', 's3:GetObject'), condition }).map(({ principal: p, action, condition: c }) => ({
      Effect: 'Allow',
      Principal: p,
      Action: action,
      ...(c === undefined ? {} : { Condition: c }),
    }));
    const keys = (statements: object[]): string[] => trust(statements).map((f) => `${f.statement.statement}/${f.kind}/${f.principal}`);
    fc.assert(
      fc.property(fc.array(statement, { minLength: 1, maxLength: 4 }), statement, (statements, extra) => {
        expect(keys([...statements, extra])).toEqual(expect.arrayContaining(keys(statements)));
      }),
    );
  });
});
