import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../../rules';
import { parseDeployConfig, type DeployConfig } from '../../infra/deploy-config';
import { findingPatterns, forwardingPatterns, triggerIndex } from '../../infra/event-patterns';
import { MemberStack, memberTemplate } from '../../infra/member-stack';
import { FORWARDER_ROLE_PREFIX, HEARTBEAT_RULE_NAME, isForwardingRuleName } from '../../functions/shared/self/member-resources';
import { WARDEN_SOURCE_IDENTITY } from '../../functions/shared/self/own-sessions';
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
    // The forwarding rules (the heartbeat rule, a schedule, also watches the forwarding rules: see below).
    // CloudTrail calls only: the detector findings' rule (no detail.eventSource) is checked below.
    const rules = (Object.values(member.findResources('AWS::Events::Rule')) as { Properties: { EventPattern?: { detail: { eventSource?: string[]; eventName: string[] } } }; Condition?: string }[]).flatMap((rule) =>
      rule.Properties.EventPattern === undefined || (rule.Properties as { Name?: string }).Name === HEARTBEAT_RULE_NAME || rule.Properties.EventPattern.detail.eventSource === undefined
        ? []
        : [{ ...rule, Properties: { EventPattern: rule.Properties.EventPattern } }],
    );
    expect(rules).toHaveLength(triggerIndex(RULES).size);
    const forwarded = new Map<string, string[]>();
    const conditions = new Map<string, string | undefined>();
    for (const rule of rules) {
      const { eventSource = [], eventName } = rule.Properties.EventPattern.detail;
      forwarded.set(eventSource[0] ?? '', [...eventName].sort());
      conditions.set(eventSource[0] ?? '', rule.Condition);
    }
    const expectedConditions = new Map([...conditions.keys()].map((source) => [source, source === 'iam.amazonaws.com' ? 'IsUsEast1' : undefined]));
    expect(conditions).toEqual(expectedConditions);
    expect(conditions.get('iam.amazonaws.com')).toBe('IsUsEast1');
    expect(forwarded).toEqual(new Map([...triggerIndex(RULES).entries()].map(([source, names]) => [source, [...names]])));
    expect(forwarded.get('lambda.amazonaws.com')).toContain('AddPermission20150331v2');
  });

  it('forwards GuardDuty findings about Lambda functions from every region, through the same path (issue #18)', () => {
    const found = Object.values(member.findResources('AWS::Events::Rule', { Properties: { Name: 'warden-forward-guardduty' } })) as {
      Properties: { EventPattern: unknown; State: string; Targets: { RoleArn: unknown; DeadLetterConfig: unknown }[] };
      Condition?: string;
    }[];
    expect(found).toHaveLength(1);
    expect(found[0]?.Condition).toBeUndefined();
    expect(found[0]?.Properties.EventPattern).toEqual({ source: ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'], detail: { resource: { resourceType: ['Lambda'] } } });
    expect(findingPatterns(RULES)).toContainEqual(found[0]?.Properties.EventPattern);
    expect(found[0]?.Properties.State).toBe('ENABLED');
  });

  it('forwards Inspector findings about Lambda functions from every region, from the catalog (issue #18)', () => {
    const found = Object.values(member.findResources('AWS::Events::Rule', { Properties: { Name: 'warden-forward-inspector2' } })) as {
      Properties: { EventPattern: unknown; State: string; Targets: { RoleArn: unknown; DeadLetterConfig: unknown }[] };
      Condition?: string;
    }[];
    expect(found).toHaveLength(1);
    expect(found[0]?.Condition).toBeUndefined();
    expect(found[0]?.Properties.EventPattern).toEqual({ source: ['aws.inspector2'], 'detail-type': ['Inspector2 Finding'], detail: { resources: { type: ['AWS_LAMBDA_FUNCTION'] } } });
    // One forwarding rule per detector source the catalog judges, no other.
    expect(findingPatterns(RULES).map((p) => p.source).sort()).toEqual([['aws.access-analyzer'], ['aws.guardduty'], ['aws.inspector2']]);
    expect(found[0]?.Properties.State).toBe('ENABLED');
    const guardDuty = Object.values(member.findResources('AWS::Events::Rule', { Properties: { Name: 'warden-forward-guardduty' } })) as { Properties: { Targets: unknown } }[];
    expect(found[0]?.Properties.Targets).toEqual(guardDuty[0]?.Properties.Targets);
  });

  it('forwards Access Analyzer findings about functions and layer versions from every region: the organization analyzer\'s account sends them (issue #18)', () => {
    const found = Object.values(member.findResources('AWS::Events::Rule', { Properties: { Name: 'warden-forward-access-analyzer' } })) as {
      Properties: { EventPattern: unknown; State: string };
      Condition?: string;
    }[];
    expect(found).toHaveLength(1);
    expect(found[0]?.Condition).toBeUndefined();
    expect(found[0]?.Properties.EventPattern).toEqual({
      source: ['aws.access-analyzer'],
      'detail-type': ['Access Analyzer Finding'],
      detail: { resourceType: ['AWS::Lambda::Function', 'AWS::Lambda::LayerVersion'] },
    });
    expect(found[0]?.Properties.State).toBe('ENABLED');
    // One rule per detector source, each from the catalog.
    const names = Object.values(member.findResources('AWS::Events::Rule')).map((r) => (r as { Properties: { Name?: string } }).Properties.Name);
    for (const pattern of findingPatterns(RULES)) expect(names).toContain(`warden-forward-${(pattern.source[0] ?? '').replace(/^aws\./, '')}`);
  });

  it('generates a pattern that matches a real event of each trigger and nothing else', () => {
    const patterns = [...forwardingPatterns(RULES, { global: false }), ...forwardingPatterns(RULES, { global: true })];
    const names = patterns.flatMap((p) => p.detail.eventName);
    expect(names).not.toContain('CreateFunctionUrlConfigX');
    // Each pattern lists a name once; two sources may share one (TagResource: Lambda and API Gateway, issue #17).
    for (const pattern of patterns) expect(new Set(pattern.detail.eventName).size).toBe(pattern.detail.eventName.length);
    expect(patterns.find((p) => p.detail.eventSource.includes('apigateway.amazonaws.com'))).toMatchObject({ source: ['aws.apigateway'], detail: { eventName: expect.arrayContaining(['CreateDeployment', 'UpdateMethod', 'UpdateRoute', 'UpdateStage', 'TagResource']) as unknown } });
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
    // Code-signing configs (issue #17) and event-source mappings (the isolation, issue #18) are their own resources:
    // the Lambda statement names them beside functions and layers.
    expect((statements.find((s) => (s as { Sid?: string }).Sid === 'Wardenlambda'))?.Resource).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:lambda:*:${AWS::AccountId}:function:*' },
      { 'Fn::Sub': 'arn:${AWS::Partition}:lambda:*:${AWS::AccountId}:layer:*' },
      { 'Fn::Sub': 'arn:${AWS::Partition}:lambda:*:${AWS::AccountId}:code-signing-config:*' },
      { 'Fn::Sub': 'arn:${AWS::Partition}:lambda:*:${AWS::AccountId}:event-source-mapping:*' },
    ]);
    // API Gateway (issue #17): GET on REST and HTTP APIs (their ARNs carry no account); the route-auth fix adds PATCH on
    // methods and routes only, and POST on the deployments collections only: one statement per verb, nothing else.
    expect(statements.filter((s) => (s as { Sid?: string }).Sid?.startsWith('Wardenapigateway') === true)).toEqual([
      {
        Sid: 'Wardenapigateway',
        Effect: 'Allow',
        Action: ['apigateway:GET'],
        Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:apigateway:*::/restapis/*' }, { 'Fn::Sub': 'arn:${AWS::Partition}:apigateway:*::/apis/*' }],
      },
      {
        Sid: 'WardenapigatewayPATCH',
        Effect: 'Allow',
        Action: ['apigateway:PATCH'],
        Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:apigateway:*::/restapis/*/resources/*/methods/*' }, { 'Fn::Sub': 'arn:${AWS::Partition}:apigateway:*::/apis/*/routes/*' }],
      },
      {
        Sid: 'WardenapigatewayPOST',
        Effect: 'Allow',
        Action: ['apigateway:POST'],
        Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:apigateway:*::/restapis/*/deployments' }, { 'Fn::Sub': 'arn:${AWS::Partition}:apigateway:*::/apis/*/deployments' }],
      },
    ]);
    // Security group egress writes (issue #17 rule 5) on the account's security groups only; their Describe calls are list calls on "*".
    expect(statements.find((s) => (s as { Sid?: string }).Sid === 'Wardenec2')).toMatchObject({
      Action: ['ec2:AuthorizeSecurityGroupEgress', 'ec2:RevokeSecurityGroupEgress'],
      Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:ec2:*:${AWS::AccountId}:security-group/*' }],
    });
    // The Denies (IAM-evaluated): IAM writes on the bot's own roles and policies and on the administrative roles,
    // Lambda writes on the bot's functions, rule writes on the forwarding rules and the Warden bus's rules.
    const denied = statements.filter((s) => s.Effect !== 'Allow');
    const iamArn = (resource: string): unknown => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, `:${resource}`]] });
    const iamWrites = ['iam:DeleteRolePolicy', 'iam:DetachRolePolicy', 'iam:PutRolePolicy', 'iam:SetDefaultPolicyVersion', 'iam:UpdateAssumeRolePolicy'];
    const busPart = (index: number): unknown => ({ 'Fn::Select': [index, { 'Fn::Split': [':event-bus/', { Ref: 'WardenEventBusArn' }] }] });
    expect(denied).toEqual([
      {
        Sid: 'NeverChangeWardenRoles',
        Effect: 'Deny',
        Action: iamWrites,
        // Exactly the member template's roles and the central stack's roles (parameter): never a name prefix.
        Resource: { 'Fn::Split': [',', { 'Fn::Join': [',', [...['role/WardenRemediator', 'role/WardenAuditor', 'role/warden-forwarder-*'].map(iamArn), { 'Fn::Join': [',', { Ref: 'WardenRoleArns' }] }]] }] },
      },
      {
        Sid: 'NeverChangeAdministrativeRoles',
        Effect: 'Deny',
        Action: iamWrites,
        Resource: [
          'role/OrganizationAccountAccessRole',
          'role/*/OrganizationAccountAccessRole',
          'role/AWSControlTowerExecution',
          'role/*/AWSControlTowerExecution',
          'role/aws-reserved/sso.amazonaws.com/*',
          'role/stacksets-exec-*',
          'role/*/stacksets-exec-*',
          'role/AWSCloudFormationStackSetExecutionRole',
          'role/*/AWSCloudFormationStackSetExecutionRole',
          'role/aws-service-role/*',
        ].map(iamArn),
      },
      {
        Sid: 'NeverChangeWardenFunctions',
        Effect: 'Deny',
        Action: [
          'lambda:AddLayerVersionPermission',
          'lambda:AddPermission',
          // Issue #17: the code-signing restore and its Restore attach or remove a function's config (and set a config's policy).
          'lambda:DeleteFunctionCodeSigningConfig',
          // Issue #18: the isolation's Restore deletes a reserved concurrency, and both re-enable or disable mappings.
          'lambda:DeleteFunctionConcurrency',
          'lambda:PutFunctionCodeSigningConfig',
          'lambda:PutFunctionConcurrency',
          'lambda:PutFunctionEventInvokeConfig',
          'lambda:PutFunctionRecursionConfig',
          'lambda:RemoveLayerVersionPermission',
          'lambda:RemovePermission',
          'lambda:UpdateCodeSigningConfig',
          'lambda:UpdateEventSourceMapping',
          'lambda:UpdateFunctionConfiguration',
          'lambda:UpdateFunctionUrlConfig',
        ],
        Resource: {
          'Fn::Split': [',', { 'Fn::Join': ['', [{ 'Fn::Join': [',', { Ref: 'WardenFunctionArns' }] }, ',', { 'Fn::Join': [':*,', { Ref: 'WardenFunctionArns' }] }, ':*']] }],
        },
      },
      {
        Sid: 'NeverChangeWardenForwardingRules',
        Effect: 'Deny',
        Action: ['events:DeleteRule', 'events:DisableRule', 'events:EnableRule', 'events:PutRule', 'events:PutTargets', 'events:RemoveTargets', 'events:TagResource', 'events:UntagResource'],
        Resource: [
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:*:', { Ref: 'AWS::AccountId' }, ':rule/warden-forward-*']] },
          { 'Fn::Join': ['', [busPart(0), ':rule/', busPart(1), '/*']] },
        ],
      },
    ]);
    // Every write the remediator holds is denied on the bot's own resources (its reads are not).
    expect(iamWrites).toEqual(remediatorActions().filter((a) => a.startsWith('iam:') && !/^iam:(Get|List)/.test(a)));
    expect(granted.filter((a) => a.startsWith('lambda:') && !/^lambda:(Get|List)/.test(a))).toEqual(denied[2]?.Action);
    expect(member.toJSON().Parameters).toMatchObject({ WardenFunctionArns: { Type: 'CommaDelimitedList' }, WardenRoleArns: { Type: 'CommaDelimitedList' } });
    const trust = role.Properties.AssumeRolePolicyDocument.Statement;
    expect(trust).toEqual([
      {
        Effect: 'Allow',
        Principal: { AWS: [{ Ref: 'ResponderRoleArn' }] },
        Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5', 'sts:SourceIdentity': WARDEN_SOURCE_IDENTITY } },
      },
    ]);
  });

  it('holds no IAM write at all with remediation.iamWrites false (reads stay), and still denies its other writes on the bot', () => {
    const readOnlyIam: DeployConfig = { ...config, remediation: { ...config.remediation, iamWrites: false } };
    const template = Template.fromStack(new MemberStack(new App(), 'NoIamWrites', { config: readOnlyIam, rules: RULES }));
    const role = Object.values(template.findResources('AWS::IAM::Role', { Properties: { RoleName: 'WardenRemediator' } }))[0] as { Properties: { Policies: { PolicyDocument: { Statement: (Statement & { Sid: string })[] } }[] } };
    const statements = role.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement);
    const iamActions = statements.flatMap(actionsOf).filter((a) => a.startsWith('iam:')).sort();
    expect(iamActions).toEqual(['iam:GetAccountAuthorizationDetails', 'iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:GetRole', 'iam:GetRolePolicy', 'iam:ListAttachedRolePolicies', 'iam:ListEntitiesForPolicy', 'iam:ListRolePolicies']);
    expect(statements.filter((s) => s.Effect === 'Allow').flatMap(actionsOf).sort()).toEqual(remediatorActions().filter((a) => !/^iam:(?!Get|List)/.test(a)));
    expect(statements.filter((s) => s.Effect === 'Deny').map((s) => s.Sid)).toEqual(['NeverChangeWardenFunctions', 'NeverChangeWardenForwardingRules']);
    expect(remediatorActions({ iamWrites: false })).toEqual(remediatorActions().filter((a) => !['iam:DeleteRolePolicy', 'iam:DetachRolePolicy', 'iam:PutRolePolicy', 'iam:SetDefaultPolicyVersion', 'iam:UpdateAssumeRolePolicy'].includes(a)));
  });

  it('denies IAM writes on the configured protected roles instead of the default list', () => {
    const custom: DeployConfig = { ...config, remediation: { ...config.remediation, protectedRoles: ['BreakGlass', 'platform/admin-*'] } };
    const template = Template.fromStack(new MemberStack(new App(), 'CustomProtected', { config: custom, rules: RULES }));
    const role = Object.values(template.findResources('AWS::IAM::Role', { Properties: { RoleName: 'WardenRemediator' } }))[0] as { Properties: { Policies: { PolicyDocument: { Statement: (Statement & { Sid: string })[] } }[] } };
    const administrative = role.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement).find((s) => s.Sid === 'NeverChangeAdministrativeRoles');
    expect(JSON.stringify(administrative?.Resource).match(/:role\/[^"]+/g)).toEqual([':role/BreakGlass', ':role/*/BreakGlass', ':role/platform/admin-*']);
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
    // Changed deliberately (issue #17 scan coverage): the code-signing configs its functions use (scan.readCodeSigning) and
    // API Gateway GET on the API collections and the APIs (scan.readApis), nothing else of API Gateway.
    expect(statements.map((s) => [s.Sid, s.Resource])).toEqual([
      ['Wardenapigateway', ['/restapis', '/apis', '/restapis/*', '/apis/*'].map((path) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:apigateway:*::${path}` }))],
      ['Wardeniam', [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*' }, { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/*' }, { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/*' }]],
      [
        'Wardenlambda',
        [
          { 'Fn::Sub': 'arn:${AWS::Partition}:lambda:*:${AWS::AccountId}:function:*' },
          { 'Fn::Sub': 'arn:${AWS::Partition}:lambda:*:${AWS::AccountId}:layer:*' },
          { 'Fn::Sub': 'arn:${AWS::Partition}:lambda:*:${AWS::AccountId}:code-signing-config:*' },
        ],
      ],
      ['WardenListCalls', '*'],
    ]);
    expect(actionsOf(statements.find((s) => s.Sid === 'Wardenapigateway') ?? {})).toEqual(['apigateway:GET']);
    // The audit role holds only the scan's list calls. Changed deliberately (issue #17 scan coverage): scans now list
    // every event-source mapping of a region and the /aws/lambda/ log groups, so both list calls are the audit role's too.
    expect([...actionsOf(statements.find((s) => s.Sid === 'WardenListCalls') ?? {})].sort()).toEqual(ACTIONS_WITHOUT_RESOURCE.filter((a) => auditorActions().includes(a)).sort());
    expect(auditorActions()).toEqual(expect.arrayContaining(['lambda:ListEventSourceMappings', 'logs:DescribeLogGroups']));
    // Issue #17 opt-ins and security groups: exactly these reads joined the audit role, no write.
    expect(auditorActions()).toEqual(
      expect.arrayContaining(['apigateway:GET', 'ec2:DescribeSecurityGroupRules', 'ec2:DescribeSecurityGroups', 'lambda:GetFunctionRecursionConfig', 'lambda:GetFunctionConcurrency', 'lambda:GetFunctionCodeSigningConfig', 'lambda:GetCodeSigningConfig', 'lambda:ListFunctionsByCodeSigningConfig']),
    );
    expect(auditorActions().filter((a) => !/^[a-z0-9]+:(Get|List|Describe|GET$)/.test(a))).toEqual([]);
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

  it('sends a heartbeat from every region on the forwarding path: the central bus, with the forwarder role and the dead-letter queue', () => {
    const heartbeats = Object.entries(member.findResources('AWS::Events::Rule')).filter(([, r]) => (r as { Properties: { Name?: unknown } }).Properties.Name === HEARTBEAT_RULE_NAME);
    expect(heartbeats).toHaveLength(1);
    const [, rule] = heartbeats[0] as [string, { Properties: Record<string, unknown>; Condition?: string }];
    expect(rule.Condition).toBeUndefined();
    expect(rule.Properties).toEqual({
      Name: 'warden-forward-heartbeat',
      Description: `Lambda Warden: heartbeat of this account and region, every ${String(config.heartbeat.rateMinutes)} minutes`,
      ScheduleExpression: `rate(${String(config.heartbeat.rateMinutes)} minutes)`,
      // The catalog's EventBridge calls (DisableRule among them) on any warden-forward-* rule, named by `name` or `rule`.
      EventPattern: {
        source: ['aws.events'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['events.amazonaws.com'],
          eventName: [...(triggerIndex(RULES).get('events.amazonaws.com') ?? [])],
          $or: [{ requestParameters: { name: [{ prefix: 'warden-forward-' }] } }, { requestParameters: { rule: [{ prefix: 'warden-forward-' }] } }],
        },
      },
      State: 'ENABLED',
      Targets: [
        {
          Id: 'WardenBus',
          Arn: { Ref: 'WardenEventBusArn' },
          RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^ForwarderRole/), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/^Undelivered/), 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: config.heartbeat.silenceMinutes * 60 },
        },
      ],
    });
    expect(triggerIndex(RULES).get('events.amazonaws.com')).toEqual(expect.arrayContaining(['DisableRule', 'DeleteRule', 'RemoveTargets', 'PutTargets', 'PutRule']));
    // Named like a forwarding rule: the forwarder role trusts it, and the tamper rule watches it.
    expect(isForwardingRuleName(HEARTBEAT_RULE_NAME)).toBe(true);
  });

  it('takes the heartbeat rate from the configuration', () => {
    const app = new App();
    const stack = new MemberStack(app, 'Fast', { config: { ...config, heartbeat: { rateMinutes: 1, silenceMinutes: 5 } }, rules: RULES });
    const schedules = Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule', { Properties: { Name: HEARTBEAT_RULE_NAME } })).map((r) => (r as { Properties: { ScheduleExpression: string } }).Properties.ScheduleExpression);
    expect(schedules).toEqual(['rate(1 minute)']);
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
