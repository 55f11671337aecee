import type { CfnElement } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLOUDTRAIL_DETAIL_TYPE } from '../../functions/shared/event/cloudtrail-event';
import { DETAIL_TYPES } from '../../functions/shared/contract/warden-events';
import { RULES } from '../../rules';
import { forwardedSources, type CentralStack } from '../../infra/central-stack';
import { parseDeployConfig, type DeployConfig } from '../../infra/deploy-config';
import { triggerIndex } from '../../infra/event-patterns';
import { buildWardenApp } from '../../infra/warden-app';
import { actionsOf, roleStatements, wildcardStatements, type CfnTemplate, type Statement } from '../support/cfn-template';

const config: DeployConfig = parseDeployConfig(readFileSync('warden.config.example.yaml', 'utf8'), 'example');

let stack: CentralStack;
let template: Template;
let json: CfnTemplate;
let managementJson: CfnTemplate;

/** Bundling is proven by test/infra/app.test.ts; here it is skipped to keep the run short. */
beforeAll(() => {
  const built = buildWardenApp(config, { appProps: { context: { 'aws:cdk:bundling-stacks': [] } } });
  stack = built.central;
  template = Template.fromStack(stack);
  json = template.toJSON() as CfnTemplate;
  managementJson = Template.fromStack(built.management).toJSON() as CfnTemplate;
}, 180_000);

const logicalId = (construct: IConstruct): string => stack.getLogicalId(construct.node.defaultChild as CfnElement);
const ref = (construct: IConstruct): unknown => ({ Ref: logicalId(construct) });
const arnOf = (construct: IConstruct): unknown => ({ 'Fn::GetAtt': [logicalId(construct), 'Arn'] });

/** The functions the Warden bus and the Slack endpoint invoke. */
function eventFunctions(): [string, CentralStack['responder']][] {
  return [
    ['responder', stack.responder],
    ['notifier', stack.notifier],
    ['approval', stack.approval],
  ];
}

/** Every function of the stack: the event-driven ones, the scheduled scanner and the heartbeat. */
function functions(): [string, CentralStack['responder']][] {
  return [...eventFunctions(), ['scanner', stack.scheduledScan.scanner], ['heartbeat', stack.heartbeat.fn]];
}

const remediatorRoleArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::*:role/WardenRemediator']] };
const auditRoleArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::*:role/WardenAuditor']] };

describe('event bus', () => {
  it('accepts from the organization only CloudTrail events of the catalog\'s sources, and Warden events only from the Warden functions', () => {
    const bus = json.Resources[logicalId(stack.bus)];
    const statements = (bus?.Properties?.Policy as { Statement: Statement[] }).Statement;
    expect(statements.map((s) => [s.Sid, s.Effect, s.Action, s.Principal])).toEqual([
      ['OrganizationCloudTrailEventsOnly', 'Allow', 'events:PutEvents', { AWS: '*' }],
      ['OrganizationHeartbeatsOnly', 'Allow', 'events:PutEvents', { AWS: '*' }],
      ['OrganizationFindingsOnly', 'Allow', 'events:PutEvents', { AWS: '*' }],
      ['WardenSourceOnlyFromWardenFunctions', 'Deny', 'events:PutEvents', { AWS: '*' }],
      ['WardenDetailTypesOnlyFromWardenFunctions', 'Deny', 'events:PutEvents', { AWS: '*' }],
      ['WardenFindingOnlyFromResponderAndScanner', 'Deny', 'events:PutEvents', { AWS: '*' }],
      ['WardenRemediationOnlyFromResponder', 'Deny', 'events:PutEvents', { AWS: '*' }],
      ['WardenAlertOnlyFromResponderAndHeartbeat', 'Deny', 'events:PutEvents', { AWS: '*' }],
      ['WardenDecisionOnlyFromApproval', 'Deny', 'events:PutEvents', { AWS: '*' }],
    ]);
    // aws.ec2 (issue #17 rule 5): the security group egress records the catalog now watches.
    expect(statements[0]?.Condition).toEqual({
      // aws.apigateway: API Gateway changes (issue #17 rule 1). aws.logs: the log-group rules (issue #17 rule 7) watch CloudWatch Logs' DeleteLogGroup and PutRetentionPolicy.
      // aws.ec2: security group egress records (issue #17 rule 5).
      StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5', 'events:detail-type': CLOUDTRAIL_DETAIL_TYPE, 'events:source': ['aws.apigateway', 'aws.cloudtrail', 'aws.ec2', 'aws.events', 'aws.iam', 'aws.lambda', 'aws.logs'] },
    });
    // Member heartbeats: only the scheduled events of the organization's accounts (an `aws.` source cannot be put by hand).
    expect(statements[1]?.Condition).toEqual({ StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5', 'events:detail-type': 'Scheduled Event', 'events:source': 'aws.events' } });
    // Issue #18: GuardDuty, Inspector and Access Analyzer findings (about Lambda functions and layer versions) from the
    // organization's accounts — members, the delegated administrators and the organization analyzer's account.
    expect(statements[2]?.Condition).toEqual({
      StringEquals: {
        'aws:PrincipalOrgID': 'o-a1b2c3d4e5',
        'events:detail-type': ['Access Analyzer Finding', 'GuardDuty Finding', 'Inspector2 Finding'],
        'events:source': ['aws.access-analyzer', 'aws.guardduty', 'aws.inspector2'],
      },
    });
    expect(forwardedSources(RULES)).toHaveLength(triggerIndex(RULES).size);
    const emitters = { 'aws:PrincipalArn': [arnOf(stack.responder.role), arnOf(stack.approval.role), arnOf(stack.scheduledScan.scanner.role), arnOf(stack.heartbeat.fn.role)] };
    expect(statements[3]?.Condition).toEqual({ StringEquals: { 'events:source': 'lambda-warden' }, ArnNotEquals: emitters });
    expect(statements[4]?.Condition).toEqual({ StringEquals: { 'events:detail-type': Object.values(DETAIL_TYPES) }, ArnNotEquals: emitters });
    expect(Object.values(DETAIL_TYPES)).toContain('Warden Decision');
    // Each detail-type only from the function that emits it: a decision (which runs a stored plan) only from the approval endpoint.
    const only = (detailType: string, ...fns: { role: IConstruct }[]) => ({ StringEquals: { 'events:detail-type': detailType }, ArnNotEquals: { 'aws:PrincipalArn': fns.map((f) => arnOf(f.role)) } });
    expect(statements.slice(5).map((st) => st.Condition)).toEqual([
      only('Warden Finding', stack.responder, stack.scheduledScan.scanner),
      only('Warden Remediation', stack.responder),
      only('Warden Alert', stack.responder, stack.heartbeat.fn),
      only('Warden Decision', stack.approval),
    ]);
    expect(statements.slice(5).map((st) => (st.Condition as { StringEquals: Record<string, string> }).StringEquals['events:detail-type']).sort()).toEqual(Object.values(DETAIL_TYPES).sort());
    template.resourceCountIs('AWS::Events::EventBusPolicy', 0);
  });

  it('routes CloudTrail events and decisions to the responder, Warden events to the notifier, the daily schedule to the scan, each with a DLQ and retries', () => {
    const rules = template.findResources('AWS::Events::Rule');
    const routes = Object.values(rules).map((r) => {
      const props = r.Properties as {
        EventPattern?: unknown;
        ScheduleExpression?: string;
        EventBusName?: unknown;
        Targets: { Arn: unknown; RoleArn?: unknown; DeadLetterConfig: { Arn: unknown }; RetryPolicy: unknown }[];
      };
      expect(props.Targets).toHaveLength(1);
      const target = props.Targets[0];
      return { bus: props.EventBusName, pattern: props.EventPattern, schedule: props.ScheduleExpression, target: target?.Arn, role: target?.RoleArn, dlq: target?.DeadLetterConfig.Arn, retry: target?.RetryPolicy };
    });
    const retry = { MaximumRetryAttempts: 4 };
    const bus = ref(stack.bus);
    expect(routes).toEqual([
      // The schedule lives on the default bus: nothing put on the Warden bus can start a scan.
      {
        bus: undefined,
        pattern: undefined,
        schedule: 'cron(0 3 * * ? *)',
        target: ref(stack.scheduledScan.stateMachine),
        role: arnOf(stack.scheduledScan.scheduleRole),
        dlq: arnOf(stack.scheduledScan.scheduleDeadLetters),
        retry: { MaximumRetryAttempts: 2 },
      },
      // Member heartbeats (their rule's scheduled events) and the silence check's schedule (default bus), each to the heartbeat function.
      {
        bus,
        pattern: { source: ['aws.events'], 'detail-type': ['Scheduled Event'], resources: [{ suffix: ':rule/warden-forward-heartbeat' }] },
        target: arnOf(stack.heartbeat.fn.fn),
        dlq: arnOf(stack.heartbeat.fn.deadLetterQueue),
        retry,
      },
      { bus: undefined, pattern: undefined, schedule: `rate(${String(config.heartbeat.rateMinutes)} minutes)`, target: arnOf(stack.heartbeat.fn.fn), dlq: arnOf(stack.heartbeat.fn.deadLetterQueue), retry },
      // Only events recorded in (and by) the organization's accounts the configuration lists.
      {
        bus,
        pattern: { source: forwardedSources(RULES), 'detail-type': [CLOUDTRAIL_DETAIL_TYPE], account: config.organization.accounts, detail: { recipientAccountId: config.organization.accounts } },
        target: arnOf(stack.responder.fn),
        dlq: arnOf(stack.responder.deadLetterQueue),
        retry,
      },
      // Issue #18: GuardDuty, Inspector and Access Analyzer findings sent by the organization's accounts about the organization's
      // accounts (GuardDuty and Access Analyzer name it in `detail.accountId`, Inspector in `detail.awsAccountId`).
      {
        bus,
        pattern: {
          source: ['aws.access-analyzer', 'aws.guardduty', 'aws.inspector2'],
          'detail-type': ['Access Analyzer Finding', 'GuardDuty Finding', 'Inspector2 Finding'],
          account: config.organization.accounts,
          detail: { $or: [{ accountId: config.organization.accounts }, { awsAccountId: config.organization.accounts }] },
        },
        target: arnOf(stack.responder.fn),
        dlq: arnOf(stack.responder.deadLetterQueue),
        retry,
      },
      { bus, pattern: { source: ['lambda-warden'], 'detail-type': ['Warden Decision'] }, target: arnOf(stack.responder.fn), dlq: arnOf(stack.responder.deadLetterQueue), retry },
      {
        bus,
        pattern: { source: ['lambda-warden'], 'detail-type': ['Warden Finding', 'Warden Remediation', 'Warden Decision', 'Warden Alert'] },
        target: arnOf(stack.notifier.fn),
        dlq: arnOf(stack.notifier.deadLetterQueue),
        retry,
      },
    ]);
    // The findings route describes what it carries from the catalog: all three detectors, not only GuardDuty.
    const findingsRoute = Object.values(rules).find((r) => JSON.stringify(r.Properties).includes('Inspector2 Finding'));
    expect((findingsRoute?.Properties as { Description?: string } | undefined)?.Description).toBe(
      'Detector findings (Access Analyzer Finding, GuardDuty Finding, Inspector2 Finding) about Lambda functions and layer versions, forwarded by member, delegated administrator and analyzer accounts',
    );
  });
});

describe('functions', () => {
  it.each(['responder', 'notifier', 'approval', 'scanner', 'heartbeat'] as const)('%s has its own role, DLQ, reserved concurrency, log retention, tracing, nodejs24.x on arm64', (name) => {
    const fn = functions().find(([n]) => n === name)?.[1];
    if (fn === undefined) throw new Error(name);
    const props = json.Resources[logicalId(fn.fn)]?.Properties ?? {};
    expect(props.Runtime).toBe('nodejs24.x');
    expect(props.Architectures).toEqual(['arm64']);
    expect(props.Role).toEqual(arnOf(fn.role));
    expect(props.DeadLetterConfig).toEqual({ TargetArn: arnOf(fn.deadLetterQueue) });
    expect(props.ReservedConcurrentExecutions).toEqual(expect.any(Number));
    expect(props.TracingConfig).toEqual({ Mode: 'Active' });
    expect(props.LoggingConfig).toEqual({ LogGroup: ref(fn.node.findChild('Logs')) });
    expect(json.Resources[logicalId(fn.node.findChild('Logs'))]?.Properties?.RetentionInDays).toBe(90);
    const trust = json.Resources[logicalId(fn.role)]?.Properties?.AssumeRolePolicyDocument as { Statement: Statement[] };
    expect(trust.Statement).toEqual([{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }]);
    expect(json.Resources[logicalId(fn.role)]?.Properties?.ManagedPolicyArns).toBeUndefined();
  });

  it('never shares a role, a queue or a log group', () => {
    const used = functions().map(([, fn]) => json.Resources[logicalId(fn.fn)]?.Properties ?? {});
    for (const key of ['Role', 'DeadLetterConfig', 'LoggingConfig']) expect(new Set(used.map((p) => JSON.stringify(p[key]))).size).toBe(5);
    // One role per function, the state machine's and the schedule's: no other role in the stack.
    const roles = [...functions().map(([, fn]) => fn.role), stack.scheduledScan.stateMachine.role, stack.scheduledScan.scheduleRole].map(logicalId);
    expect(Object.keys(template.findResources('AWS::IAM::Role')).sort()).toEqual([...roles].sort());
    expect(new Set(roles).size).toBe(7);
  });

  it('gives each function exactly the environment its code reads', () => {
    const names = Object.fromEntries(
      functions().map(([name, fn]) => [name, Object.keys((json.Resources[logicalId(fn.fn)]?.Properties?.Environment as { Variables: object }).Variables).sort()]),
    );
    const platform = ['NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME'];
    expect(names).toEqual({
      responder: [
        'WARDEN_BASELINE_KEY_SECRET_ARN',
        'WARDEN_CONFIG',
        'WARDEN_EVENT_BUS_NAME',
        'WARDEN_EXEMPTION_KEY_SECRET_ARN',
        'WARDEN_RECORD_KEY_SECRET_ARN',
        'WARDEN_SECURITY_ACCOUNT',
        'WARDEN_STACK_NAME',
        'WARDEN_TABLE_NAME',
        ...platform,
      ].sort(),
      notifier: ['WARDEN_CONFIG', 'WARDEN_SLACK_TOKEN_SECRET_ARN', 'WARDEN_TABLE_NAME', 'WARDEN_TOPIC_ARN', ...platform].sort(),
      approval: [
        'WARDEN_CONFIG',
        'WARDEN_EVENT_BUS_NAME',
        'WARDEN_EXEMPTION_KEY_SECRET_ARN',
        'WARDEN_SLACK_SIGNING_SECRET_ARN',
        'WARDEN_SLACK_TOKEN_SECRET_ARN',
        'WARDEN_TABLE_NAME',
        ...platform,
      ].sort(),
      scanner: ['WARDEN_BASELINE_KEY_SECRET_ARN', 'WARDEN_CONFIG', 'WARDEN_EVENT_BUS_NAME', 'WARDEN_SECURITY_ACCOUNT', 'WARDEN_STACK_NAME', 'WARDEN_TABLE_NAME', ...platform].sort(),
      heartbeat: ['WARDEN_CONFIG', 'WARDEN_EVENT_BUS_NAME', 'WARDEN_TABLE_NAME', ...platform].sort(),
    });
    const variables = (json.Resources[logicalId(stack.notifier.fn)]?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.WARDEN_SLACK_TOKEN_SECRET_ARN).toEqual(ref(stack.slackToken));
    expect(JSON.parse(String(variables.WARDEN_CONFIG))).toEqual(JSON.parse(JSON.stringify(config)));
    // The scanner gets the configuration without the deployment section (its items carry account and region).
    const scanner = (json.Resources[logicalId(stack.scheduledScan.scanner.fn)]?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(JSON.parse(String(scanner.WARDEN_CONFIG))).toEqual(JSON.parse(JSON.stringify({ ...config, deployment: undefined })));
    expect(JSON.parse(String(scanner.WARDEN_CONFIG))).not.toHaveProperty('deployment');
    expect(scanner.WARDEN_EVENT_BUS_NAME).toEqual(ref(stack.bus));
    expect(scanner.WARDEN_TABLE_NAME).toEqual(ref(stack.table));
    // The responder and the scanner hash environment values with the same key, so their baselines agree.
    const responder = (json.Resources[logicalId(stack.responder.fn)]?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(responder.WARDEN_BASELINE_KEY_SECRET_ARN).toEqual(ref(stack.baselineKey));
    expect(scanner.WARDEN_BASELINE_KEY_SECRET_ARN).toEqual(ref(stack.baselineKey));
    // The integrity keys: records to the responder only, exemptions to the responder and the approval function.
    expect(responder.WARDEN_RECORD_KEY_SECRET_ARN).toEqual(ref(stack.recordKey));
    expect(responder.WARDEN_EXEMPTION_KEY_SECRET_ARN).toEqual(ref(stack.exemptionKey));
    const approval = (json.Resources[logicalId(stack.approval.fn)]?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(approval.WARDEN_EXEMPTION_KEY_SECRET_ARN).toEqual(ref(stack.exemptionKey));
    // Self-protection: the stack's own account and name, resolved by CloudFormation.
    for (const variables of [responder, scanner]) {
      expect(variables.WARDEN_SECURITY_ACCOUNT).toEqual({ Ref: 'AWS::AccountId' });
      expect(variables.WARDEN_STACK_NAME).toBe(stack.stackName);
    }
  });
});

describe('roles', () => {
  /** [sorted actions, resource] of every statement of the role. */
  const grants = (fn: CentralStack['responder']): [string[], unknown][] => roleGrants(fn.role);
  const roleGrants = (role: IConstruct): [string[], unknown][] =>
    roleStatements(json, logicalId(role))
      .map((s): [string[], unknown] => [[...actionsOf(s)].sort(), s.Resource])
      .sort((a, b) => (a[0][0] ?? '').localeCompare(b[0][0] ?? ''));
  const platform = (fn: CentralStack['responder']): [string[], unknown][] => [
    [['logs:CreateLogStream', 'logs:PutLogEvents'], arnOf(fn.node.findChild('Logs'))],
    [['sqs:SendMessage'], arnOf(fn.deadLetterQueue)],
    [['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], '*'],
  ];
  const sorted = (list: [string[], unknown][]): [string[], unknown][] => [...list].sort((a, b) => (a[0][0] ?? '').localeCompare(b[0][0] ?? ''));

  it('grants the responder the state store, the bus, the baseline and integrity keys and the remediator role, and nothing else', () => {
    expect(grants(stack.responder)).toEqual(
      sorted([
        ...platform(stack.responder),
        // Issue #16: the claim's transaction checks that no decided exemption is in force (EXEMPTION# items only).
        [['dynamodb:ConditionCheckItem'], arnOf(stack.table)],
        [['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], arnOf(stack.table)],
        [['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], arnOf(stack.table)],
        [['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], arnOf(stack.table)],
        [['events:PutEvents'], arnOf(stack.bus)],
        [['secretsmanager:GetSecretValue'], ref(stack.baselineKey)],
        [['secretsmanager:GetSecretValue'], [ref(stack.recordKey), ref(stack.exemptionKey)]],
        [['sts:AssumeRole', 'sts:SetSourceIdentity'], remediatorRoleArn],
      ]),
    );
  });

  it('grants the scanner the state store, the bus, the baseline key and the read-only audit role (for its reads), and nothing else', () => {
    const scanner = stack.scheduledScan.scanner;
    expect(grants(scanner)).toEqual(
      sorted([
        ...platform(scanner),
        [['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], arnOf(stack.table)],
        [['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], arnOf(stack.table)],
        [['events:PutEvents'], arnOf(stack.bus)],
        [['secretsmanager:GetSecretValue'], ref(stack.baselineKey)],
        [['sts:AssumeRole'], auditRoleArn],
      ]),
    );
  });

  it('grants the heartbeat function its own items of the state table (LeadingKeys HEARTBEAT) and the bus, and nothing else', () => {
    const heartbeat = stack.heartbeat.fn;
    expect(grants(heartbeat)).toEqual(sorted([...platform(heartbeat), [['dynamodb:Query', 'dynamodb:UpdateItem'], arnOf(stack.table)], [['events:PutEvents'], arnOf(stack.bus)]]));
    const table = roleStatements(json, logicalId(heartbeat.role)).filter((st) => actionsOf(st).some((a) => a.startsWith('dynamodb:')));
    expect(table.map((st) => st.Condition)).toEqual([{ Null: { 'dynamodb:LeadingKeys': 'false' }, 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['HEARTBEAT*'] } }]);
    // The check asks the function to run with a fixed input; nothing else on the default bus reaches it.
    const check = json.Resources[logicalId(stack.heartbeat.check)]?.Properties as { Targets: { Input?: string }[] };
    expect(JSON.parse(check.Targets[0]?.Input ?? 'null')).toEqual({ check: 'heartbeats' });
  });

  it.each([
    ['responder', 'the remediator role', remediatorRoleArn],
    ['scanner', 'the audit role', auditRoleArn],
  ] as const)('lets the %s assume only %s name, only in organization accounts', (name, _role, roleArn) => {
    const fn = name === 'responder' ? stack.responder : stack.scheduledScan.scanner;
    const sts = roleStatements(json, logicalId(fn.role)).filter((s) => actionsOf(s).some((a) => a.startsWith('sts:')));
    expect(sts).toHaveLength(1);
    expect(sts[0]?.Resource).toEqual(roleArn);
    expect(sts[0]?.Condition).toEqual({ StringEquals: { 'aws:ResourceOrgID': 'o-a1b2c3d4e5' } });
  });

  it('lets the schedule only start the scan state machine, assumed by EventBridge for the schedule rule of this account only', () => {
    const role = stack.scheduledScan.scheduleRole;
    expect(roleGrants(role)).toEqual([[['states:StartExecution'], ref(stack.scheduledScan.stateMachine)]]);
    const ruleName = json.Resources[logicalId(stack.scheduledScan.rule)]?.Properties?.Name;
    expect(ruleName).toMatch(/^WardenCentral-ScheduledScan-[0-9A-F]{8}$/);
    expect((json.Resources[logicalId(role)]?.Properties?.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnEquals: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:us-east-1:', { Ref: 'AWS::AccountId' }, `:rule/${String(ruleName)}`]] } },
        },
      },
    ]);
  });

  it('lets the state machine invoke only the scanner, run its own map executions, write its logs and traces, assumed only by this account\'s state machines', () => {
    const machine = stack.scheduledScan.stateMachine;
    const scanner = arnOf(stack.scheduledScan.scanner.fn);
    const machineName = { 'Fn::Select': [6, { 'Fn::Split': [':', ref(machine)] }] };
    const executions = (suffix: string): unknown => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':states:us-east-1:', { Ref: 'AWS::AccountId' }, ':execution:', machineName, suffix]],
    });
    expect(roleGrants(machine.role)).toEqual(
      sorted([
        [['lambda:InvokeFunction'], [scanner, { 'Fn::Join': ['', [scanner, ':*']] }]],
        // Log delivery and X-Ray take no resource-level permission; no logs:PutResourcePolicy (the log group's policy is in the stack).
        [['logs:CreateLogDelivery', 'logs:DeleteLogDelivery', 'logs:DescribeLogGroups', 'logs:DescribeResourcePolicies', 'logs:GetLogDelivery', 'logs:ListLogDeliveries', 'logs:UpdateLogDelivery'], '*'],
        [['xray:GetSamplingRules', 'xray:GetSamplingTargets', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'], '*'],
        // The distributed map runs its items as child executions of this state machine only.
        [['states:StartExecution'], ref(machine)],
        [['states:DescribeExecution', 'states:StopExecution'], executions(':*')],
        [['states:RedriveExecution'], executions('/*:*')],
      ]),
    );
    const trust = (json.Resources[logicalId(machine.role)]?.Properties?.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement;
    expect(trust).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'states.amazonaws.com' },
        Condition: {
          ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':states:us-east-1:', { Ref: 'AWS::AccountId' }, ':stateMachine:*']] } },
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        },
      },
    ]);
  });

  it('grants the notifier the state store (no delete), the topic and the bot token', () => {
    expect(grants(stack.notifier)).toEqual(
      sorted([
        ...platform(stack.notifier),
        [['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], arnOf(stack.table)],
        [['secretsmanager:GetSecretValue'], ref(stack.slackToken)],
        [['sns:Publish'], ref(stack.topic)],
      ]),
    );
  });

  it('grants the approval function the state store (no delete), the bus, both Slack secrets and the exemption key, and no cross-account access', () => {
    expect(grants(stack.approval)).toEqual(
      sorted([
        ...platform(stack.approval),
        [['dynamodb:GetItem'], arnOf(stack.table)],
        [['dynamodb:PutItem', 'dynamodb:UpdateItem'], arnOf(stack.table)],
        [['dynamodb:UpdateItem'], arnOf(stack.table)],
        [['events:PutEvents'], arnOf(stack.bus)],
        [['secretsmanager:GetSecretValue'], [ref(stack.slackToken), ref(stack.slackSigningSecret)]],
        [['secretsmanager:GetSecretValue'], ref(stack.exemptionKey)],
      ]),
    );
  });

  /** [sid, sorted actions, LeadingKeys patterns] of each state table statement of a role. */
  const tableStatements = (fn: CentralStack['responder']): Statement[] => roleStatements(json, logicalId(fn.role)).filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
  const tableGrants = (fn: CentralStack['responder']): [string | undefined, string[], unknown][] =>
    tableStatements(fn).map((s): [string | undefined, string[], unknown] => [s.Sid, [...actionsOf(s)].sort(), s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']]);

  it('limits each role to the state table items it owns (dynamodb:LeadingKeys)', () => {
    for (const [, fn] of functions()) {
      for (const s of tableStatements(fn)) {
        expect(s.Resource).toEqual(arnOf(stack.table));
        expect(s.Condition?.Null).toEqual({ 'dynamodb:LeadingKeys': 'false' });
      }
    }
    const rw = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];
    expect(tableGrants(stack.responder)).toEqual([
      ['StateFindingClaims', ['dynamodb:DeleteItem', ...rw], ['FINDING#*']],
      ['StateDecisionRecords', rw, ['APPROVAL#*', 'OPENAPPROVAL#*', 'DETECTOR#*']],
      ['StateExemptionsCountersBaselines', rw, ['EXEMPTION#*', 'COUNTER#*', 'BASELINE#*']],
      ['StateExemptionChecks', ['dynamodb:ConditionCheckItem'], ['EXEMPTION#*']],
    ]);
    expect(tableGrants(stack.approval)).toEqual([
      ['StateReadDecisionRecords', ['dynamodb:GetItem'], ['APPROVAL#*']],
      ['StateDecideRecordsStatusOnly', ['dynamodb:UpdateItem'], ['APPROVAL#*']],
      ['StateDecidedExemptions', ['dynamodb:PutItem', 'dynamodb:UpdateItem'], ['EXEMPTION#*']],
    ]);
    expect(tableGrants(stack.notifier)).toEqual([['StateNotifications', rw, ['NOTIFY#*', 'MESSAGE#*', 'MESSAGEREF#*', 'DIGEST#*']]]);
    expect(tableGrants(stack.scheduledScan.scanner)).toEqual([
      ['StateScanFindingClaims', ['dynamodb:DeleteItem', ...rw], ['FINDING#*']],
      ['StateBaselines', rw, ['BASELINE#*']],
    ]);
    expect(tableGrants(stack.heartbeat.fn)).toEqual([['StateHeartbeats', ['dynamodb:Query', 'dynamodb:UpdateItem'], ['HEARTBEAT*']]]);
  });

  it('lets only the responder create decision records or touch counters, and the approval function change only a record\'s decision attributes', () => {
    const writers = (prefix: string, action: string): string[] =>
      functions()
        .filter(([, fn]) => tableGrants(fn).some(([, actions, keys]) => actions.includes(action) && (keys as string[]).includes(prefix)))
        .map(([name]) => name);
    expect(writers('APPROVAL#*', 'dynamodb:PutItem')).toEqual(['responder']);
    expect(writers('OPENAPPROVAL#*', 'dynamodb:PutItem')).toEqual(['responder']);
    // Issue #18: a detector finding's links (which approvals its closing closes) are the responder's alone.
    expect(writers('DETECTOR#*', 'dynamodb:UpdateItem')).toEqual(['responder']);
    expect(writers('COUNTER#*', 'dynamodb:UpdateItem')).toEqual(['responder']);
    expect(writers('COUNTER#*', 'dynamodb:PutItem')).toEqual(['responder']);
    expect(writers('EXEMPTION#*', 'dynamodb:PutItem')).toEqual(['responder', 'approval']);
    const decide = roleStatements(json, logicalId(stack.approval.role)).find((s) => s.Sid === 'StateDecideRecordsStatusOnly');
    expect(decide?.Condition).toEqual({
      Null: { 'dynamodb:LeadingKeys': 'false' },
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['APPROVAL#*'] },
      'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk', 'status', 'decidedBy', 'decidedAt', 'expiresAt', 'executionState'] },
      StringEqualsIfExists: { 'dynamodb:ReturnValues': ['NONE', 'UPDATED_OLD', 'UPDATED_NEW'] },
    });
  });

  it('lets only the responder read the record integrity key, and only the responder and the approval function the exemption key', () => {
    const readers = (secret: IConstruct): string[] =>
      functions()
        .filter(([, fn]) => roleStatements(json, logicalId(fn.role)).some((s) => actionsOf(s).includes('secretsmanager:GetSecretValue') && JSON.stringify(s.Resource).includes(JSON.stringify(ref(secret)))))
        .map(([name]) => name);
    expect(readers(stack.recordKey)).toEqual(['responder']);
    expect(readers(stack.exemptionKey)).toEqual(['responder', 'approval']);
  });

  it('has no statement allowing "*" or "service:*" in the central, management or StackSet templates', () => {
    const stackSet = Object.values(template.findResources('AWS::CloudFormation::StackSet'))[0] as { Properties: { TemplateBody: string } };
    const body = JSON.parse(stackSet.Properties.TemplateBody) as unknown;
    expect(wildcardStatements(body).length + wildcardStatements(json).length + wildcardStatements(managementJson).length).toBe(0);
    // The check sees statements in all three: it would see a wildcard if there were one.
    expect(JSON.stringify(body)).toContain('lambda:RemovePermission');
    expect(wildcardStatements({ Statement: [{ Effect: 'Allow', Action: 'lambda:*' }] })).toHaveLength(1);
  });
});

describe('storage, notifications, secrets, alarms, API', () => {
  it('encrypts the state table, keeps point-in-time recovery, expires records by ttl, and retains it', () => {
    expect(Object.keys(template.findResources('AWS::DynamoDB::Table'))).toHaveLength(1);
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        BillingMode: 'PAY_PER_REQUEST',
      },
      DeletionPolicy: 'Retain',
    });
  });

  it('encrypts the SNS topic and refuses plain HTTP', () => {
    expect(Object.keys(template.findResources('AWS::SNS::Topic'))).toHaveLength(1);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([':alias/aws/sns'])]) }) });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('creates the Slack secrets and the baseline key with no value in the template', () => {
    const secrets = Object.entries(template.findResources('AWS::SecretsManager::Secret')) as [string, { Properties: Record<string, unknown> }][];
    expect(secrets).toHaveLength(5);
    const keys = [stack.baselineKey, stack.recordKey, stack.exemptionKey].map(logicalId);
    for (const [id, secret] of secrets) {
      expect(secret.Properties.SecretString).toBeUndefined();
      // The baseline and integrity keys are generated long enough for HMAC-SHA256 (≥ 32 bytes); the Slack ones are placeholders.
      expect(secret.Properties.GenerateSecretString).toEqual({ ExcludePunctuation: true, PasswordLength: keys.includes(id) ? 64 : 32 });
    }
    expect(JSON.stringify(json)).not.toMatch(/xox[abp]-\d/);
  });

  it('alarms on errors, throttles and dead letters of each function, and on a scan that failed or could not start', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => {
      const p = a.Properties as { MetricName: string; Namespace: string; Dimensions: { Value: unknown }[]; Threshold: number };
      return [p.Namespace, p.MetricName, p.Dimensions[0]?.Value, p.Threshold];
    });
    const queueName = (queue: IConstruct): unknown => ({ 'Fn::GetAtt': [logicalId(queue), 'QueueName'] });
    const perFunction = (fn: CentralStack['responder']): unknown[][] => [
      ['AWS/Lambda', 'Errors', ref(fn.fn), 1],
      ['AWS/Lambda', 'Throttles', ref(fn.fn), 1],
      ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', queueName(fn.deadLetterQueue), 1],
    ];
    const scan = stack.scheduledScan;
    const expected = [
      ['AWS/States', 'ExecutionsFailed', ref(scan.stateMachine), 1],
      ...perFunction(scan.scanner),
      ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', queueName(scan.scheduleDeadLetters), 1],
      // The heartbeat check must not fall silent unnoticed either.
      ...perFunction(stack.heartbeat.fn),
      ...eventFunctions().flatMap(([, fn]) => perFunction(fn)),
    ];
    expect(alarms).toEqual(expected);
  });

  it('throttles the Slack endpoint, logs it as JSON, and routes only POST /slack/interactions to the approval function', () => {
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0] as { Properties: { DefaultRouteSettings: unknown; AccessLogSettings: { Format: string } } };
    expect(stage.Properties.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 });
    expect(Object.keys(JSON.parse(stage.Properties.AccessLogSettings.Format) as object)).toContain('requestId');
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => (r.Properties as { RouteKey: string }).RouteKey);
    expect(routes).toEqual(['POST /slack/interactions']);
    template.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'apigateway.amazonaws.com', FunctionName: arnOf(stack.approval.fn) });
  });

  it('gives the StackSet a template that needs no CDK bootstrap in member accounts', () => {
    const stackSet = Object.values(template.findResources('AWS::CloudFormation::StackSet'))[0] as { Properties: { TemplateBody: string } };
    const body = JSON.parse(stackSet.Properties.TemplateBody) as { Parameters: object; Rules?: object };
    expect(Object.keys(body.Parameters).sort()).toEqual(['ResponderRoleArn', 'ScannerRoleArn', 'WardenEventBusArn', 'WardenFunctionArns', 'WardenRoleArns']);
    expect(body.Rules).toBeUndefined();
    expect(stackSet.Properties.TemplateBody).not.toContain('cdk-bootstrap');
  });

  it('deploys the member template to the configured OUs and regions with automatic deployment', () => {
    const functionArnList = { 'Fn::Join': ['', functions().flatMap(([, fn], i) => (i === 0 ? [arnOf(fn.fn)] : [',', arnOf(fn.fn)]))] };
    // Every role of the central stack: the member remediator may write none of them.
    const roles = [...functions().map(([, fn]) => fn.role), stack.scheduledScan.stateMachine.role, stack.scheduledScan.scheduleRole];
    const roleArnList = { 'Fn::Join': ['', roles.flatMap((role, i) => (i === 0 ? [arnOf(role)] : [',', arnOf(role)]))] };
    const allRoles = Object.keys(template.findResources('AWS::IAM::Role')).sort();
    expect(roles.map((role) => logicalId(role)).sort()).toEqual(allRoles);
    expect(Object.keys(template.findResources('AWS::CloudFormation::StackSet'))).toHaveLength(1);
    template.hasResourceProperties('AWS::CloudFormation::StackSet', {
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      CallAs: 'DELEGATED_ADMIN',
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: ['r-ab12'] }, Regions: ['us-east-1', 'eu-west-1'] }],
      Parameters: [
        { ParameterKey: 'WardenEventBusArn', ParameterValue: arnOf(stack.bus) },
        { ParameterKey: 'ResponderRoleArn', ParameterValue: arnOf(stack.responder.role) },
        { ParameterKey: 'ScannerRoleArn', ParameterValue: arnOf(stack.scheduledScan.scanner.role) },
        { ParameterKey: 'WardenFunctionArns', ParameterValue: functionArnList },
        { ParameterKey: 'WardenRoleArns', ParameterValue: roleArnList },
      ],
    });
    // The management account stack takes the same lists from outputs.
    expect(json.Outputs).toMatchObject({ WardenFunctionArns: { Value: functionArnList }, WardenRoleArns: { Value: roleArnList } });
  });
});

describe('central stack', () => {
  it('has no unsuppressed cdk-nag finding (AwsSolutions and Serverless packs)', () => {
    const errors = Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('(AwsSolutions|Serverless)-.*'));
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('(AwsSolutions|Serverless)-.*'));
    expect([...errors, ...warnings].map((a) => `${a.id}: ${JSON.stringify(a.entry.data).slice(0, 160)}`)).toEqual([]);
  });

  it('gives every suppression a reason', () => {
    const suppressions = Object.values(json.Resources).flatMap((r) => {
      const metadata = (r as { Metadata?: { cdk_nag?: { rules_to_suppress: { id: string; reason: string }[] } } }).Metadata;
      return metadata?.cdk_nag?.rules_to_suppress ?? [];
    });
    expect(suppressions.length).toBeGreaterThan(0);
    expect(suppressions.filter((s) => s.reason.length < 40)).toEqual([]);
  });
});
