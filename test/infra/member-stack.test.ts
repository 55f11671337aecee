import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../../rules';
import { parseDeployConfig, type DeployConfig } from '../../infra/deploy-config';
import { forwardingPatterns, triggerIndex } from '../../infra/event-patterns';
import { MemberStack, memberTemplate } from '../../infra/member-stack';
import { FORWARDER_ROLE_PREFIX, isForwardingRuleName } from '../../functions/shared/self/member-resources';
import { suppressMemberFindings } from '../../infra/nag-suppressions';
import { ACTIONS_WITHOUT_RESOURCE, auditorActions, remediatorActions } from '../../infra/remediator-permissions';
import { SCAN_PERMISSIONS } from '../../functions/shared/scan/scan-permissions';

const config: DeployConfig = parseDeployConfig(readFileSync('warden.config.example.yaml', 'utf8'), 'example');

/** An operator role that may run `warden scan` through the audit role (deployment.auditorPrincipals). */
const operator = 'arn:aws:iam::111122223333:role/SecurityAudit';

let member: Template;
let memberStack: Stack;
/** The member stack with another audit role name and an operator principal. */
let withOperators: Template;

// Every synthesis of the file happens here, once, with the CDK tests' hook timeout (vitest.config.ts).
beforeAll(() => {
  const app = new App();
  memberStack = new MemberStack(app, 'WardenManagementAccount', { config, rules: RULES });
  suppressMemberFindings(memberStack);
  Aspects.of(app).add(new AwsSolutionsChecks());
  Aspects.of(app).add(new ServerlessChecks());
  member = Template.fromStack(memberStack);
  const operators: DeployConfig = { ...config, auditRoleName: 'OrgReadOnlyScan', deployment: { ...config.deployment, auditorPrincipals: [operator] } };
  withOperators = Template.fromStack(new MemberStack(new App(), 'WithOperators', { config: operators, rules: RULES }));
});

type Statement = { Action?: string | string[]; Effect?: string; Resource?: unknown; Condition?: unknown };

function statementsOf(template: Template): Statement[] {
  const found: Statement[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (typeof node === 'object' && node !== null) {
      const record = node as Record<string, unknown>;
      if (Array.isArray(record.Statement)) found.push(...(record.Statement as Statement[]));
      Object.values(record).forEach(visit);
    }
  };
  visit(template.toJSON());
  return found;
}

const actionsOf = (s: Statement): string[] => (s.Action === undefined ? [] : typeof s.Action === 'string' ? [s.Action] : s.Action);

describe('member template', () => {
  it('forwards exactly the catalog triggers, IAM only in us-east-1', () => {
    const rules = Object.values(member.findResources('AWS::Events::Rule')) as { Properties: { EventPattern: { detail: { eventSource: string[]; eventName: string[] } } }; Condition?: string }[];
    const forwarded = new Map<string, string[]>();
    const conditions = new Map<string, string | undefined>();
    for (const rule of rules) {
      const { eventSource, eventName } = rule.Properties.EventPattern.detail;
      forwarded.set(eventSource[0] ?? '', [...eventName].sort());
      conditions.set(eventSource[0] ?? '', rule.Condition);
    }
    const expectedConditions = new Map([...conditions.keys()].map((source) => [source, source === 'iam.amazonaws.com' ? 'IsUsEast1' : undefined]));
    expect(conditions).toEqual(expectedConditions);
    expect(conditions.get('iam.amazonaws.com')).toBe('IsUsEast1');
    expect(forwarded).toEqual(new Map([...triggerIndex(RULES).entries()].map(([source, names]) => [source, [...names]])));
    expect(forwarded.get('lambda.amazonaws.com')).toContain('AddPermission20150331v2');
  });

  it('generates a pattern that matches a real event of each trigger and nothing else', () => {
    const patterns = [...forwardingPatterns(RULES, { global: false }), ...forwardingPatterns(RULES, { global: true })];
    const names = patterns.flatMap((p) => p.detail.eventName);
    expect(names).not.toContain('CreateFunctionUrlConfigX');
    expect(new Set(names).size).toBe(names.length);
  });

  it('grants the remediator exactly the union of declared permissions, trusted only by the responder in the organization', () => {
    const role = Object.values(member.findResources('AWS::IAM::Role', { Properties: { RoleName: 'WardenRemediator' } }))[0] as {
      Properties: { AssumeRolePolicyDocument: { Statement: Statement[] }; Policies: { PolicyDocument: { Statement: Statement[] } }[] };
      Condition: string;
    };
    expect(role.Condition).toBe('IsHomeRegion');
    const statements = role.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement);
    const granted = statements.filter((s) => s.Effect === 'Allow').flatMap(actionsOf).sort();
    expect(granted).toEqual(remediatorActions());
    // The one Deny: the remediator's IAM writes never touch the bot's own roles and policies.
    const denied = statements.filter((s) => s.Effect !== 'Allow');
    const iamArn = (resource: string): unknown => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, `:${resource}`]] });
    expect(denied).toEqual([
      {
        Sid: 'NeverChangeWardenRolesOrPolicies',
        Effect: 'Deny',
        Action: remediatorActions().filter((a) => a.startsWith('iam:') && !/^iam:(Get|List)/.test(a)),
        Resource: ['role/Warden*', 'role/*/Warden*', 'role/WardenRemediator', 'role/WardenAuditor', 'policy/Warden*', 'policy/*/Warden*'].map(iamArn),
      },
    ]);
    expect(denied[0]?.Action).toEqual(expect.arrayContaining(['iam:PutRolePolicy', 'iam:UpdateAssumeRolePolicy', 'iam:DetachRolePolicy']));
    const trust = role.Properties.AssumeRolePolicyDocument.Statement;
    expect(trust).toEqual([
      {
        Effect: 'Allow',
        Principal: { AWS: [{ Ref: 'ResponderRoleArn' }] },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      },
    ]);
  });

  type AuditRole = { Properties: { RoleName: string; AssumeRolePolicyDocument: { Statement: Statement[] }; Policies: { PolicyName: string; PolicyDocument: { Statement: (Statement & { Sid: string })[] } }[] }; Condition: string };
  const auditRoleOf = (template: Template, name: string): AuditRole | undefined => Object.values(template.findResources('AWS::IAM::Role', { Properties: { RoleName: name } }))[0] as AuditRole | undefined;

  it('grants the audit role exactly the scan’s calls, the list calls on "*" and the rest scoped to the account, trusted only by the scanner in the organization', () => {
    const role = auditRoleOf(member, 'WardenAuditor');
    expect(role?.Condition).toBe('IsHomeRegion');
    expect(role?.Properties.Policies.map((p) => p.PolicyName)).toEqual(['WardenAudit']);
    const statements = role?.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement) ?? [];
    expect(statements.flatMap(actionsOf).sort()).toEqual([...SCAN_PERMISSIONS].sort());
    expect(auditorActions()).toEqual([...SCAN_PERMISSIONS].sort());
    expect(statements.map((s) => [s.Sid, s.Resource])).toEqual([
      ['Wardeniam', [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*' }, { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/*' }, { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/*' }]],
      ['Wardenlambda', [{ 'Fn::Sub': 'arn:${AWS::Partition}:lambda:*:${AWS::AccountId}:function:*' }, { 'Fn::Sub': 'arn:${AWS::Partition}:lambda:*:${AWS::AccountId}:layer:*' }]],
      ['WardenListCalls', '*'],
    ]);
    expect([...actionsOf(statements.find((s) => s.Sid === 'WardenListCalls') ?? {})].sort()).toEqual([...ACTIONS_WITHOUT_RESOURCE].sort());
    expect(role?.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Principal: { AWS: [{ Ref: 'ScannerRoleArn' }] }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } },
    ]);
  });

  it('names the audit role after auditRoleName and trusts the operators’ roles of deployment.auditorPrincipals as well', () => {
    const template = withOperators;
    expect(auditRoleOf(template, 'WardenAuditor')).toBeUndefined();
    expect(auditRoleOf(template, 'OrgReadOnlyScan')?.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Principal: { AWS: [{ Ref: 'ScannerRoleArn' }, operator] }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } },
    ]);
  });

  it('lets only this account’s own forwarding rules assume the forwarder role', () => {
    const roles = Object.entries(member.findResources('AWS::IAM::Role')).filter(([id]) => id.startsWith('ForwarderRole'));
    expect(roles).toHaveLength(1);
    const trust = (roles[0]?.[1] as { Properties: { AssumeRolePolicyDocument: { Statement: unknown[] } } }).Properties.AssumeRolePolicyDocument.Statement;
    expect(trust).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':rule/warden-forward-*']] } },
        },
      },
    ]);
    const rules = Object.values(member.findResources('AWS::Events::Rule')) as { Properties: { Name: string } }[];
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) expect(isForwardingRuleName(rule.Properties.Name)).toBe(true);
    // The forwarder role has the exact name self-protection and the tamper rules know (IAM names are global: one per region).
    expect((roles[0]?.[1] as { Properties: { RoleName: unknown } }).Properties.RoleName).toEqual({ 'Fn::Join': ['', [FORWARDER_ROLE_PREFIX, { Ref: 'AWS::Region' }]] });
  });

  it('is the template the StackSet deploys', () => {
    const deployed = JSON.parse(memberTemplate(config, RULES)) as Record<string, unknown>;
    const tested = member.toJSON();
    for (const section of ['Parameters', 'Conditions', 'Resources']) expect(deployed[section]).toEqual(tested[section]);
  });
});

describe('member stack', () => {
  it('has no statement allowing "*" or "service:*" actions', () => {
    const wildcard = statementsOf(member).filter((s) => s.Effect === 'Allow' && actionsOf(s).some((a) => a === '*' || a.endsWith(':*')));
    expect(wildcard).toEqual([]);
  });

  it('has no unsuppressed cdk-nag finding (AwsSolutions and Serverless packs)', () => {
    const errors = Annotations.fromStack(memberStack).findError('*', Match.stringLikeRegexp('(AwsSolutions|Serverless)-.*'));
    const warnings = Annotations.fromStack(memberStack).findWarning('*', Match.stringLikeRegexp('(AwsSolutions|Serverless)-.*'));
    expect([...errors, ...warnings].map((a) => `${a.id}: ${JSON.stringify(a.entry.data).slice(0, 120)}`)).toEqual([]);
  });
});

describe('deployment configuration', () => {
  it.each([
    ['organization:\n  accounts: []\n', /organization\.id: required to deploy/],
    ['organization:\n  id: o-a1b2c3d4e5\ndeployment:\n  regions: [eu-west-1]\n', /deployment\.regions: must include deployment\.homeRegion/],
    ['organization:\n  id: o-a1b2c3d4e5\ndeployment:\n  regions: [moon-1]\n', /deployment\.regions\.0: must be an AWS region/],
    ['organization:\n  id: o-a1b2c3d4e5\ndeploymnt: {}\n', /Unrecognized key.*deploymnt/],
  ])('rejects %j naming the field', (text, message) => {
    expect(() => parseDeployConfig(text, 'test config')).toThrow(message);
  });
});
