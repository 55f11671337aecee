import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIamPolicyDocument, type IamPolicyDocument } from '../../functions/shared/policy/iam-policy';
import type { RoleSnapshot } from '../../functions/shared/state/resources';
import { executionRoleAdminAccess } from '../../rules/iam/execution-role-admin-access';
import { executionRolePrivilegeEscalation } from '../../rules/iam/execution-role-privilege-escalation';
import { executionRoleTrustOpened } from '../../rules/iam/execution-role-trust-opened';
import type { RuleResult } from '../../rules/rule';
import { ruleContext } from '../fixtures/rule-context';
import { trust } from '../fixtures/iam';

const actions = fc.constantFrom('*', 'iam:*', 'iam:PassRole', 'iam:Put*', 'iam:Get*', 's3:GetObject', 's3:*', 'dynamodb:PutItem', 'secretsmanager:GetSecretValue', 'logs:*', 'lambda:CreateFunction', 'sts:AssumeRole');
const resources = fc.constantFrom('*', 'arn:aws:iam::*:role/*', 'arn:aws:iam::111122223333:role/app-*', 'arn:aws:dynamodb:us-east-1:111122223333:table/orders', 'arn:aws:s3:::bucket/*');
const condition = fc.option(
  fc.constantFrom({ Bool: { 'aws:SecureTransport': 'true' } }, { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } }),
  { nil: undefined },
);
const statement = (effect: fc.Arbitrary<'Allow' | 'Deny'>) =>
  fc
    .record({ Effect: effect, not: fc.boolean(), notResource: fc.boolean(), Action: fc.array(actions, { minLength: 1, maxLength: 3 }), Resource: fc.array(resources, { minLength: 1, maxLength: 2 }), Condition: condition })
    .map(({ not, notResource, Action, Resource, Condition, Effect }) => ({
      Effect,
      ...(not ? { NotAction: Action } : { Action }),
      ...(notResource ? { NotResource: Resource } : { Resource }),
      ...(Condition === undefined ? {} : { Condition }),
    }));
const documentArb = fc.array(statement(fc.constantFrom('Allow', 'Deny')), { minLength: 1, maxLength: 4 });

function snapshotWith(policies: Record<string, IamPolicyDocument>): RoleSnapshot {
  const ref = { kind: 'iam-role', account: '111122223333', region: 'us-east-1', roleName: 'app' } as const;
  return {
    kind: 'iam-role',
    ref,
    arn: 'arn:aws:iam::111122223333:role/app',
    role: { RoleName: 'app', Arn: 'arn:aws:iam::111122223333:role/app', Path: '/', AssumeRolePolicyDocument: parseIamPolicyDocument(trust.lambda) },
    inlinePolicies: policies,
    attachedPolicies: [],
    usedByFunctions: [],
  };
}

const keysOf = (result: RuleResult): string[] => (result.status === 'non-compliant' ? result.findings.map((f) => f.key) : []);
const actionsOf = (result: RuleResult): string[] =>
  result.status === 'non-compliant' ? result.findings.flatMap((f) => (f.details.actions as { action: string }[]).map((a) => `${f.key} ${a.action}`)) : [];

describe('execution-role rules, properties', () => {
  it('adding an Allow statement to a policy never removes a finding', () => {
    fc.assert(
      fc.property(documentArb, documentArb, statement(fc.constant('Allow')), fc.boolean(), (first, second, added, toFirst) => {
        const before = { a: parseIamPolicyDocument({ Statement: first }), b: parseIamPolicyDocument({ Statement: second }) };
        const after = toFirst ? { ...before, a: parseIamPolicyDocument({ Statement: [...first, added] }) } : { ...before, b: parseIamPolicyDocument({ Statement: [...second, added] }) };
        const context = ruleContext();
        const adminBefore = keysOf(executionRoleAdminAccess.evaluate(snapshotWith(before), context));
        const adminAfter = keysOf(executionRoleAdminAccess.evaluate(snapshotWith(after), context));
        expect(adminAfter).toEqual(expect.arrayContaining(adminBefore));
        const escalationBefore = actionsOf(executionRolePrivilegeEscalation.evaluate(snapshotWith(before), context));
        const escalationAfter = actionsOf(executionRolePrivilegeEscalation.evaluate(snapshotWith(after), context));
        // An action now granted by an admin statement moves to the admin rule: reported either way.
        const reportedAfter = [...escalationAfter, ...adminAfter.flatMap((key) => escalationBefore.filter((entry) => entry.startsWith(`${key} `)))];
        expect(reportedAfter).toEqual(expect.arrayContaining(escalationBefore));
      }),
      { numRuns: 300 },
    );
  });

  it('adding an Allow statement to a trust policy never removes a finding', () => {
    const principal = fc.constantFrom<Record<string, unknown>>({ AWS: '*' }, { AWS: '444455556666' }, { Service: 'ec2.amazonaws.com' }, { Service: 'lambda.amazonaws.com' }, { AWS: '222233334444' });
    const trustStatement = fc.record({ Effect: fc.constant('Allow'), Principal: principal, Action: fc.constantFrom('sts:AssumeRole', 'sts:*') });
    fc.assert(
      fc.property(fc.array(trustStatement, { minLength: 1, maxLength: 3 }), trustStatement, (statements, added) => {
        const judge = (list: unknown[]): string[] => {
          const snapshot = snapshotWith({});
          const role = snapshot.role ?? undefined;
          if (role === undefined) throw new Error('unreachable');
          const result = executionRoleTrustOpened.evaluate({ ...snapshot, role: { ...role, AssumeRolePolicyDocument: parseIamPolicyDocument({ Statement: list }) }, usedByFunctions: ['arn:aws:lambda:us-east-1:111122223333:function:f'] }, ruleContext());
          return result.status === 'non-compliant' ? (result.findings[0]?.details.principals as { principal: string }[]).map((p) => p.principal) : [];
        };
        expect(judge([...statements, added])).toEqual(expect.arrayContaining(judge(statements)));
      }),
      { numRuns: 200 },
    );
  });
});
