import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseIamPolicyDocument, type IamPolicyDocument } from '../../../../functions/shared/policy/iam-policy';
import {
  allowsLogging,
  findAdminAccess,
  findDangerousActions,
  hasNarrowingCondition,
  type IamPolicyDocuments,
} from '../../../../functions/shared/policy/iam-permissions';
import { analyzeTrustPolicy } from '../../../../functions/shared/policy/iam-trust-policy';

// AWS managed policies as AWS publishes them (default versions at the time of writing).
const ADMINISTRATOR_ACCESS = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
const POWER_USER_ACCESS = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' },
    {
      Effect: 'Allow',
      Action: ['account:GetAccountInformation', 'account:GetPrimaryEmail', 'account:ListRegions', 'iam:CreateServiceLinkedRole', 'iam:DeleteServiceLinkedRole', 'iam:ListRoles', 'organizations:DescribeOrganization'],
      Resource: '*',
    },
  ],
};
const IAM_FULL_ACCESS = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['iam:*', 'organizations:DescribeAccount', 'organizations:DescribeOrganization', 'organizations:DescribeOrganizationalUnit', 'organizations:DescribePolicy', 'organizations:ListChildren', 'organizations:ListParents', 'organizations:ListPoliciesForTarget', 'organizations:ListRoots', 'organizations:ListPolicies', 'organizations:ListTargetsForPolicy'],
      Resource: '*',
    },
  ],
};
const LAMBDA_BASIC_EXECUTION_ROLE = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }],
};
const ONE_TABLE_PUT_ITEM = {
  Version: '2012-10-17',
  Statement: { Sid: 'OrdersTable', Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: 'arn:aws:dynamodb:eu-west-1:111122223333:table/orders' },
};
const PASS_ROLE_TO_LAMBDA = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'PassOneRole', Effect: 'Allow', Action: 'iam:PassRole', Resource: 'arn:aws:iam::111122223333:role/orders-worker' },
    { Sid: 'PassToLambdaOnly', Effect: 'Allow', Action: 'iam:PassRole', Resource: '*', Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } } },
    { Sid: 'Deploy', Effect: 'Allow', Action: ['lambda:CreateFunction'], Resource: '*' },
  ],
};

const parse = (doc: object): IamPolicyDocument => parseIamPolicyDocument(doc);
const dangerousNames = (docs: IamPolicyDocuments): string[] => findDangerousActions(docs).map((f) => f.action);

describe('findAdminAccess', () => {
  it('finds AdministratorAccess: every action on every resource', () => {
    expect(findAdminAccess(parse(ADMINISTRATOR_ACCESS))).toEqual([
      { kind: 'full-admin', statement: { document: 0, statement: 0, sid: undefined }, actions: ['*'], resources: ['*'], reason: 'Allows every action ("*") on every resource ("*").' },
    ]);
  });

  it('finds PowerUserAccess: NotAction on every resource', () => {
    const findings = findAdminAccess(parse(POWER_USER_ACCESS));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ kind: 'not-action', statement: { statement: 0 }, actions: ['iam:*', 'organizations:*', 'account:*'] });
    expect(findings[0]?.reason).toBe('Allows every action except "iam:*", "organizations:*", "account:*" (NotAction) on every resource ("*").');
  });

  it('finds IAMFullAccess: every IAM action on every resource', () => {
    expect(findAdminAccess(parse(IAM_FULL_ACCESS))).toEqual([
      expect.objectContaining({ kind: 'service-admin', actions: ['iam:*'], reason: 'Allows every iam action ("iam:*") on every resource ("*").' }),
    ]);
  });

  it.each([
    ['AWSLambdaBasicExecutionRole', LAMBDA_BASIC_EXECUTION_ROLE],
    ['dynamodb:PutItem on one table', ONE_TABLE_PUT_ITEM],
    ['s3:* on one bucket', { Statement: { Effect: 'Allow', Action: 's3:*', Resource: ['arn:aws:s3:::orders', 'arn:aws:s3:::orders/*'] } }],
    ['iam:Put* on every resource (not a whole service)', { Statement: { Effect: 'Allow', Action: 'iam:Put*', Resource: '*' } }],
    ['* on * restricted to one tag value', { Statement: { Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 'orders' } } } }],
  ])('finds nothing in %s', (_name, doc) => {
    expect(findAdminAccess(parse(doc))).toEqual([]);
  });

  it.each([
    ['a wildcard-only ARN', 'arn:aws:*:*:*:*', 'full-admin'],
    ['every IAM resource of one account', 'arn:aws:iam::111122223333:*', 'service-admin'],
  ])('treats %s as every resource', (_name, resource, kind) => {
    const action = kind === 'full-admin' ? '*' : 'iam:*';
    expect(findAdminAccess(parse({ Statement: { Effect: 'Allow', Action: action, Resource: resource } })).map((f) => f.kind)).toEqual([kind]);
  });

  it('still finds * on * conditioned only on the request’s circumstances', () => {
    const doc = parse({ Statement: { Effect: 'Allow', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' }, StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } } });
    expect(findAdminAccess(doc).map((f) => f.kind)).toEqual(['full-admin']);
  });

  it('finds a NotResource allow and names what it excludes', () => {
    const doc = parse({ Statement: [{ Sid: 'AllButAudit', Effect: 'Allow', Action: 's3:*', NotResource: ['arn:aws:s3:::audit', 'arn:aws:s3:::audit/*'] }] });
    expect(findAdminAccess(doc)).toEqual([
      {
        kind: 'not-resource',
        statement: { document: 0, statement: 0, sid: 'AllButAudit' },
        actions: ['s3:*'],
        resources: ['arn:aws:s3:::audit', 'arn:aws:s3:::audit/*'],
        reason: 'Allows "s3:*" on every resource except "arn:aws:s3:::audit", "arn:aws:s3:::audit/*" (NotResource).',
      },
    ]);
  });

  it.each([
    ['Deny * on *', { Effect: 'Deny', Action: '*', Resource: '*' }, []],
    ['Deny iam:* on * (leaves the rest of *)', { Effect: 'Deny', Action: 'iam:*', Resource: '*' }, ['full-admin']],
    ['Deny * on one bucket', { Effect: 'Deny', Action: '*', Resource: 'arn:aws:s3:::audit' }, ['full-admin']],
    ['a conditional Deny * on *', { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }, ['full-admin']],
  ])('subtracts %s from AdministratorAccess only when it covers it', (_name, deny, kinds) => {
    const doc = parse({ Statement: [...ADMINISTRATOR_ACCESS.Statement, deny] });
    expect(findAdminAccess(doc).map((f) => f.kind)).toEqual(kinds);
  });

  it('subtracts a Deny NotAction that leaves nothing of a NotAction allow', () => {
    const denyAllButIam = { Effect: 'Deny', NotAction: 'iam:*', Resource: '*' };
    expect(findAdminAccess(parse({ Statement: [...POWER_USER_ACCESS.Statement, denyAllButIam] }))).toEqual([]);
  });

  it('reports the document and statement across a role’s policies', () => {
    const findings = findAdminAccess([parse(LAMBDA_BASIC_EXECUTION_ROLE), parse(IAM_FULL_ACCESS)]);
    expect(findings.map((f) => f.statement)).toEqual([{ document: 1, statement: 0, sid: undefined }]);
  });
});

describe('findDangerousActions', () => {
  it('finds every dangerous action in AdministratorAccess, combinations included', () => {
    const names = dangerousNames(parse(ADMINISTRATOR_ACCESS));
    expect(names).toEqual(expect.arrayContaining(['iam:PassRole', 'lambda:CreateFunction', 'ec2:RunInstances', 'secretsmanager:GetSecretValue', 'kms:Decrypt']));
  });

  it('finds the IAM escalations of IAMFullAccess but no data access', () => {
    const findings = findDangerousActions(parse(IAM_FULL_ACCESS));
    expect(findings.every((f) => f.action.startsWith('iam:') && f.category === 'privilege-escalation')).toBe(true);
    expect(findings.map((f) => f.action)).toEqual(expect.arrayContaining(['iam:PassRole', 'iam:CreatePolicyVersion', 'iam:AttachRolePolicy', 'iam:PutRolePolicy', 'iam:CreateAccessKey', 'iam:UpdateAssumeRolePolicy']));
    expect(findings.find((f) => f.action === 'iam:PassRole')).toEqual({
      action: 'iam:PassRole',
      category: 'privilege-escalation',
      reason: 'Hands any role, including an administrator role, to a service (Lambda, EC2, Glue …) whose code the caller controls.',
      grantedBy: [{ document: 0, statement: 0, sid: undefined }],
      together: [],
    });
  });

  it('finds data access but no PassRole combination in PowerUserAccess (NotAction iam:*)', () => {
    const names = dangerousNames(parse(POWER_USER_ACCESS));
    expect(names).toEqual(expect.arrayContaining(['lambda:UpdateFunctionCode', 'sts:AssumeRole', 'secretsmanager:GetSecretValue', 's3:GetObject']));
    expect(names.filter((n) => n.startsWith('iam:') || n === 'lambda:CreateFunction' || n === 'ec2:RunInstances')).toEqual([]);
  });

  it.each([
    ['AWSLambdaBasicExecutionRole', LAMBDA_BASIC_EXECUTION_ROLE],
    ['dynamodb:PutItem on one table', ONE_TABLE_PUT_ITEM],
    ['iam:PassRole on one role or to Lambda only, with lambda:CreateFunction', PASS_ROLE_TO_LAMBDA],
    ['iam:PassRole on a path of roles', { Statement: { Effect: 'Allow', Action: 'iam:PassRole', Resource: 'arn:aws:iam::*:role/service-role/*' } }],
    ['s3:GetObject on one bucket', { Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::orders/*' } }],
    ['secrets of one prefix', { Statement: { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: 'arn:aws:secretsmanager:*:*:secret:orders/*' } }],
    ['kms:Decrypt via one service', { Statement: { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } } } }],
  ])('finds nothing in %s', (_name, doc) => {
    expect(findDangerousActions(parse(doc))).toEqual([]);
  });

  it.each([
    ['*', 'iam:PassRole'],
    ['arn:aws:iam::*:role/*', 'iam:PassRole'],
    ['arn:aws:iam::111122223333:role/*', 'iam:PassRole'],
    ['arn:aws-cn:iam::111122223333:role/*', 'iam:PassRole'],
    ['arn:*:iam::*:*', 'iam:PassRole'],
    ['arn:aws:secretsmanager:eu-west-1:111122223333:secret:*', 'secretsmanager:GetSecretValue'],
    ['arn:aws:s3:::*/*', 's3:GetObject'],
  ])('treats the resource %s as every resource for %s', (resource, action) => {
    expect(dangerousNames(parse({ Statement: { Effect: 'Allow', Action: action, Resource: resource } }))).toEqual([action]);
  });

  it('expands wildcards: iam:Put* grants the inline-policy escalations', () => {
    expect(dangerousNames(parse({ Statement: { Effect: 'Allow', Action: 'iam:Put*', Resource: '*' } }))).toEqual(['iam:PutRolePolicy', 'iam:PutUserPolicy', 'iam:PutGroupPolicy']);
    expect(dangerousNames(parse({ Statement: { Effect: 'Allow', Action: 'IAM:pass?ole', Resource: '*' } }))).toEqual(['iam:PassRole']);
  });

  it('finds lambda:CreateFunction only together with a broad iam:PassRole, possibly from another policy', () => {
    const deploy = parse({ Statement: { Sid: 'Deploy', Effect: 'Allow', Action: 'lambda:CreateFunction', Resource: '*' } });
    const pass = parse({ Statement: { Sid: 'Pass', Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' } });
    expect(dangerousNames(deploy)).toEqual([]);
    expect(findDangerousActions([deploy, pass]).find((f) => f.action === 'lambda:CreateFunction')).toMatchObject({
      grantedBy: [{ document: 0, statement: 0, sid: 'Deploy' }],
      together: ['iam:PassRole'],
    });
  });

  it('finds a NotResource allow that does not exclude the resource kind', () => {
    expect(dangerousNames(parse({ Statement: { Effect: 'Allow', Action: 'iam:PassRole', NotResource: 'arn:aws:iam::*:role/admin' } }))).toEqual(['iam:PassRole']);
    expect(dangerousNames(parse({ Statement: { Effect: 'Allow', Action: 'iam:PassRole', NotResource: 'arn:aws:iam::*:role/*' } }))).toEqual([]);
  });

  it.each([
    ['Deny iam:PassRole on *', { Effect: 'Deny', Action: 'iam:PassRole', Resource: '*' }, false],
    ['Deny iam:* on every role', { Effect: 'Deny', Action: 'iam:*', Resource: 'arn:aws:iam::*:role/*' }, false],
    ['Deny iam:PassRole on one role', { Effect: 'Deny', Action: 'iam:PassRole', Resource: 'arn:aws:iam::111122223333:role/admin' }, true],
    ['a conditional Deny', { Effect: 'Deny', Action: 'iam:PassRole', Resource: '*', Condition: { StringNotEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } } }, true],
  ])('subtracts %s only when it covers every role', (_name, deny, found) => {
    const doc = parse({ Statement: [{ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }, deny] });
    expect(dangerousNames(doc).includes('iam:PassRole')).toBe(found);
  });
});

describe('hasNarrowingCondition', () => {
  it.each([
    [{ StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } }, true],
    [{ StringLike: { 'aws:ResourceTag/team': 'orders' } }, true],
    [{ Bool: { 'aws:SecureTransport': 'true' } }, false],
    [{ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, false],
  ])('judges %j narrowing: %s', (condition, expected) => {
    expect(hasNarrowingCondition(parse({ Statement: { Effect: 'Allow', Action: '*', Resource: '*', Condition: condition } }).Statement[0]!)).toBe(expected);
  });
});

describe('allowsLogging', () => {
  it('allows logging under AWSLambdaBasicExecutionRole', () => {
    expect(allowsLogging(parse(LAMBDA_BASIC_EXECUTION_ROLE))).toEqual({ allowed: true, missing: [], grantedBy: [{ document: 0, statement: 0, sid: undefined }] });
  });

  it('allows logging on one log group, possibly split over policies', () => {
    const stream = parse({ Statement: { Effect: 'Allow', Action: 'logs:CreateLogStream', Resource: 'arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/orders:*' } });
    const events = parse({ Statement: { Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: 'arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/orders:*' } });
    expect(allowsLogging([stream, events]).allowed).toBe(true);
    expect(allowsLogging(stream)).toMatchObject({ allowed: false, missing: ['logs:PutLogEvents'] });
  });

  it.each([
    ['no logging statement', ONE_TABLE_PUT_ITEM, ['logs:CreateLogStream', 'logs:PutLogEvents']],
    ['an unconditional Deny logs:* on *', { Statement: [...LAMBDA_BASIC_EXECUTION_ROLE.Statement, { Effect: 'Deny', Action: 'logs:*', Resource: '*' }] }, ['logs:CreateLogStream', 'logs:PutLogEvents']],
    ['a Deny of PutLogEvents only', { Statement: [...LAMBDA_BASIC_EXECUTION_ROLE.Statement, { Effect: 'Deny', Action: 'logs:PutLogEvents', Resource: '*' }] }, ['logs:PutLogEvents']],
    ['a Deny on one log group only', { Statement: [...LAMBDA_BASIC_EXECUTION_ROLE.Statement, { Effect: 'Deny', Action: 'logs:*', Resource: 'arn:aws:logs:*:*:log-group:other:*' }] }, []],
    ['NotAction logs:*', { Statement: { Effect: 'Allow', NotAction: 'logs:*', Resource: '*' } }, ['logs:CreateLogStream', 'logs:PutLogEvents']],
  ])('reports what is missing with %s', (_name, doc, missing) => {
    expect(allowsLogging(parse(doc)).missing).toEqual(missing);
  });
});

// ── Properties ────────────────────────────────────────────────────────────────────────────

const actionPattern = fc.oneof(
  fc.constantFrom('*', 'iam:*', 'iam:Put*', 'iam:PassRole', 'iam:pass?ole', 'lambda:*', 'lambda:CreateFunction', 'sts:AssumeRole', 'logs:*', 'logs:PutLogEvents', 's3:Get*', 'secretsmanager:GetSecretValue', 'kms:*', 'ec2:RunInstances', 'dynamodb:PutItem'),
  fc.stringMatching(/^[a-z]{1,4}:[A-Za-z*?]{0,6}$/),
);
const resourcePattern = fc.oneof(
  fc.constantFrom('*', 'arn:aws:iam::*:role/*', 'arn:aws:iam::111122223333:role/app', 'arn:aws:s3:::b/*', 'arn:*:*:*:*:*', 'arn:aws:logs:*:*:log-group:x:*', 'arn:aws:secretsmanager:*:*:secret:*'),
  fc.string({ maxLength: 12 }),
);
const list = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T[]> => fc.array(arb, { minLength: 1, maxLength: 3 });
const conditionArb = fc.record({
  StringEquals: fc.dictionary(fc.constantFrom('iam:PassedToService', 'aws:SecureTransport', 'aws:PrincipalOrgID', 'aws:SourceAccount', 'sts:ExternalId'), fc.oneof(fc.string(), fc.array(fc.string()))),
});
const statementArb = fc
  .record({
    Effect: fc.constantFrom('Allow', 'Deny'),
    useNotAction: fc.boolean(),
    actions: list(actionPattern),
    useNotResource: fc.boolean(),
    resources: list(resourcePattern),
    Condition: fc.option(conditionArb, { nil: undefined }),
    Principal: fc.option(fc.oneof(fc.constant('*'), fc.record({ AWS: list(fc.constantFrom('*', '111122223333', '999988887777', 'arn:aws:iam::999988887777:root')) }), fc.record({ Service: list(fc.constantFrom('lambda.amazonaws.com', 'ec2.amazonaws.com')) })), { nil: undefined }),
  })
  .map((s) => ({
    Effect: s.Effect,
    ...(s.useNotAction ? { NotAction: s.actions } : { Action: s.actions }),
    ...(s.useNotResource ? { NotResource: s.resources } : { Resource: s.resources }),
    ...(s.Condition === undefined ? {} : { Condition: s.Condition }),
    ...(s.Principal === undefined ? {} : { Principal: s.Principal }),
  }));
const allowArb = statementArb.map((s) => ({ ...s, Effect: 'Allow' }));
const documentArb = fc.array(statementArb, { maxLength: 6 }).map((Statement) => parse({ Version: '2012-10-17', Statement }));

const adminKeys = (doc: IamPolicyDocument): string[] => findAdminAccess(doc).map((f) => `${f.statement.statement}/${f.kind}/${f.actions.join(',')}`);

describe('identity-policy analysis properties', () => {
  it('never throws on random documents', () => {
    fc.assert(
      fc.property(documentArb, (doc) => {
        findAdminAccess(doc);
        findDangerousActions(doc);
        allowsLogging(doc);
        analyzeTrustPolicy(doc, { ownAccount: '111122223333', organizationAccounts: [], organizationId: 'o-abc' });
      }),
      { numRuns: 300 },
    );
  });

  it('never finds less after adding an Allow statement', () => {
    fc.assert(
      fc.property(documentArb, allowArb, (doc, extra) => {
        const wider = parse({ Statement: [...doc.Statement, extra] });
        expect(adminKeys(wider)).toEqual(expect.arrayContaining(adminKeys(doc)));
        expect(dangerousNames(wider)).toEqual(expect.arrayContaining(dangerousNames(doc)));
        expect(allowsLogging(doc).missing).toEqual(expect.arrayContaining([...allowsLogging(wider).missing]));
      }),
      { numRuns: 300 },
    );
  });

  it('finds nothing once an unconditional Deny * on * is added', () => {
    fc.assert(
      fc.property(documentArb, fc.nat(), (doc, at) => {
        const statements = [...doc.Statement];
        statements.splice(at % (statements.length + 1), 0, { Effect: 'Deny', Action: ['*'], Resource: ['*'] });
        const wrapped = parse({ Statement: statements });
        expect(findAdminAccess(wrapped)).toEqual([]);
        expect(findDangerousActions(wrapped)).toEqual([]);
        expect(allowsLogging(wrapped).allowed).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('finds AdministratorAccess dangerous in every canonical spelling', () => {
    const spellings = [ADMINISTRATOR_ACCESS, JSON.stringify(ADMINISTRATOR_ACCESS, null, 2), encodeURIComponent(JSON.stringify(ADMINISTRATOR_ACCESS))];
    const results = spellings.map((s) => dangerousNames(parseIamPolicyDocument(s)));
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });
});
