import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IAM_POLICY_SIZE_LIMITS, InvalidPolicyError, iamPolicySize, parseIamPolicyDocument } from '../../../../functions/shared/policy/iam-policy';
import { WardenError } from '../../../../functions/shared/errors';

const basicExecution = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }],
};

const canonicalBasicExecution = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: ['*'] }],
};

function errorOf(input: string | object): InvalidPolicyError {
  try {
    parseIamPolicyDocument(input);
  } catch (e: unknown) {
    if (e instanceof InvalidPolicyError) return e;
    throw e;
  }
  throw new Error('expected InvalidPolicyError');
}

describe('parseIamPolicyDocument', () => {
  it.each([
    ['a document object', basicExecution],
    ['compact JSON text', JSON.stringify(basicExecution)],
    ['pretty-printed JSON text', `\n${JSON.stringify(basicExecution, null, 4)}\n`],
    ['URL-encoded JSON text (IAM responses)', encodeURIComponent(JSON.stringify(basicExecution))],
    ['URL-encoded pretty-printed JSON text', encodeURIComponent(JSON.stringify(basicExecution, null, 2))],
    ['JSON text encoded again as a JSON string', JSON.stringify(JSON.stringify(basicExecution))],
  ])('accepts %s', (_name, input) => {
    expect(parseIamPolicyDocument(input)).toEqual(canonicalBasicExecution);
  });

  it('decodes a real GetRolePolicy response body', () => {
    const fromIam =
      '%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Sid%22%3A%22Logs%22%2C%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22logs%3APutLogEvents%22%2C%22Resource%22%3A%22arn%3Aaws%3Alogs%3Aus-east-1%3A111122223333%3Alog-group%3A%2Faws%2Flambda%2Forders%3A%2A%22%7D%5D%7D';
    expect(parseIamPolicyDocument(fromIam).Statement).toEqual([
      { Sid: 'Logs', Effect: 'Allow', Action: ['logs:PutLogEvents'], Resource: ['arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/orders:*'] },
    ]);
  });

  it('keeps percent signs inside plain JSON text as they are', () => {
    const doc = { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/100%25/*' } };
    expect(parseIamPolicyDocument(JSON.stringify(doc)).Statement[0]?.Resource).toEqual(['arn:aws:s3:::bucket/100%25/*']);
  });

  it('turns a single Statement object and string fields into lists', () => {
    const doc = parseIamPolicyDocument({ Version: '2012-10-17', Statement: { Sid: 'One', Effect: 'Deny', NotAction: 'iam:*', NotResource: 'arn:aws:iam::*:role/x' } });
    expect(doc).toEqual({ Version: '2012-10-17', Statement: [{ Sid: 'One', Effect: 'Deny', NotAction: ['iam:*'], NotResource: ['arn:aws:iam::*:role/x'] }] });
  });

  it.each([
    ['"*"', '*', { AWS: ['*'] }],
    ['an AWS account string', { AWS: '111122223333' }, { AWS: ['111122223333'] }],
    ['a service list and a federated provider', { Service: ['lambda.amazonaws.com'], Federated: 'cognito-identity.amazonaws.com' }, { Service: ['lambda.amazonaws.com'], Federated: ['cognito-identity.amazonaws.com'] }],
  ])('normalizes the principal %s', (_name, principal, expected) => {
    const doc = parseIamPolicyDocument({ Statement: { Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' } });
    expect(doc.Statement[0]?.Principal).toEqual(expected);
  });

  it('turns condition values into lists of strings', () => {
    const doc = parseIamPolicyDocument({
      Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': true }, NumericLessThan: { 's3:max-keys': 10 }, StringEquals: { 's3:prefix': ['a', 'b'] } } },
    });
    expect(doc.Statement[0]?.Condition).toEqual({ Bool: { 'aws:SecureTransport': ['true'] }, NumericLessThan: { 's3:max-keys': ['10'] }, StringEquals: { 's3:prefix': ['a', 'b'] } });
  });

  it.each([
    ['text that is not JSON', 'Version: 2012-10-17', /not JSON or URL-encoded JSON/],
    ['URL-encoded text that does not decode', '%7B%E0%A4%A', /does not decode/],
    ['a document without Statement', { Version: '2012-10-17' }, /^Invalid IAM policy document: Statement: /],
    ['a wrong Effect', { Statement: [{ Effect: 'Allow' , Action: '*', Resource: '*' }, { Effect: 'allow', Action: '*', Resource: '*' }] }, /Statement\[1\]\.Effect: expected "Allow" or "Deny"/],
    ['a numeric Action', { Statement: { Effect: 'Allow', Action: 3, Resource: '*' } }, /Statement\[0\]\.Action: expected a string or a list of strings/],
    ['both Action and NotAction', { Statement: { Effect: 'Allow', Action: '*', NotAction: 'iam:*', Resource: '*' } }, /Statement\[0\]: has both Action and NotAction/],
    ['both Resource and NotResource', { Statement: { Effect: 'Allow', Action: '*', Resource: '*', NotResource: 'x' } }, /Statement\[0\]: has both Resource and NotResource/],
    ['neither Action nor NotAction', { Statement: { Effect: 'Allow', Resource: '*' } }, /Statement\[0\]: has neither Action nor NotAction/],
    ['a misspelt key', { Statement: { Effect: 'Allow', Actions: '*', Resource: '*' } }, /Statement\[0\]: Unrecognized key: "Actions"/i],
    ['a principal that is not "*"', { Statement: { Effect: 'Allow', Principal: 'everyone', Action: 'sts:AssumeRole' } }, /Statement\[0\]\.Principal: expected "\*" or an object of principal lists/],
    ['a top-level array', [basicExecution], /^Invalid IAM policy document: \(document\): /],
  ])('rejects %s with an InvalidPolicyError naming the problem', (_name, input, message) => {
    const error = errorOf(input);
    expect(error).toBeInstanceOf(WardenError);
    expect(error.name).toBe('InvalidPolicyError');
    expect(error.message).toMatch(message);
  });

  it('lists every problem in issues', () => {
    const error = errorOf({ Statement: [{ Effect: 'Maybe', Action: '*' }, { Effect: 'Allow' }] });
    expect(error.issues).toEqual(['Statement[0].Effect: expected "Allow" or "Deny"', 'Statement[1]: has neither Action nor NotAction']);
  });

  it('is idempotent: a canonical document parses to itself', () => {
    const statement = fc.record(
      {
        Sid: fc.stringMatching(/^[A-Za-z0-9]{1,8}$/),
        Effect: fc.constantFrom('Allow', 'Deny'),
        Action: fc.oneof(fc.constantFrom('*', 'iam:PassRole', 's3:Get*'), fc.array(fc.constantFrom('iam:*', 'lambda:InvokeFunction'))),
        Resource: fc.oneof(fc.constant('*'), fc.array(fc.constantFrom('*', 'arn:aws:s3:::b/*'))),
        Principal: fc.oneof(fc.constant('*'), fc.record({ AWS: fc.constantFrom('111122223333', ['*']) })),
        Condition: fc.record({ StringEquals: fc.record({ 'aws:PrincipalOrgID': fc.oneof(fc.string(), fc.array(fc.string()), fc.boolean(), fc.integer()) }) }),
      },
      { requiredKeys: ['Effect', 'Action'] },
    );
    fc.assert(
      fc.property(fc.oneof(statement, fc.array(statement)), (statements) => {
        const once = parseIamPolicyDocument({ Version: '2012-10-17', Statement: statements });
        expect(parseIamPolicyDocument(JSON.stringify(once))).toEqual(once);
      }),
    );
  });

  it('throws only InvalidPolicyError on arbitrary input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.string(), fc.json()), (value) => {
        let thrown: unknown = null;
        try {
          parseIamPolicyDocument(value as string | object);
        } catch (e: unknown) {
          thrown = e;
        }
        expect(thrown === null || thrown instanceof InvalidPolicyError).toBe(true);
      }),
    );
  });
});

describe('iamPolicySize', () => {
  it('counts characters other than white space, as IAM does', () => {
    expect(iamPolicySize(JSON.stringify(basicExecution, null, 4))).toBe(JSON.stringify(basicExecution).length);
    expect(iamPolicySize(parseIamPolicyDocument(basicExecution))).toBe(JSON.stringify(canonicalBasicExecution).length);
  });

  it.each([
    ['an inline role policy', IAM_POLICY_SIZE_LIMITS.inlineRolePolicy],
    ['a managed policy', IAM_POLICY_SIZE_LIMITS.managedPolicy],
  ])('parses %s at the size limit, pretty-printed and URL-encoded', (_name, limit) => {
    const statements: object[] = [];
    let n = 0;
    const sizeOf = (): number => iamPolicySize(JSON.stringify({ Version: '2012-10-17', Statement: statements }));
    while (sizeOf() < limit - 150) {
      statements.push({ Sid: `Table${n}`, Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: `arn:aws:dynamodb:us-east-1:111122223333:table/t${n}` });
      n += 1;
    }
    const text = JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 4);
    expect(iamPolicySize(text)).toBeLessThanOrEqual(limit);
    expect(iamPolicySize(text)).toBeGreaterThan(limit - 200);
    const doc = parseIamPolicyDocument(encodeURIComponent(text));
    expect(doc.Statement).toHaveLength(n);
    expect(doc.Statement[n - 1]?.Resource).toEqual([`arn:aws:dynamodb:us-east-1:111122223333:table/t${n - 1}`]);
  });
});
