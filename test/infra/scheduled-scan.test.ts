import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as events from 'aws-cdk-lib/aws-events';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type WardenConfig } from '../../functions/shared/config/config';
import { ScheduledScan, scanItems, STATE_MACHINE_LOG_DELIVERY_ACTIONS } from '../../infra/scheduled-scan';
import { TABLE_ACCESS } from '../../functions/shared/store/table-access';

const config = parseConfig({
  organization: { id: 'o-a1b2c3d4e5', accounts: ['111122223333', '222233334444'] },
  deployment: { regions: ['us-east-1', 'eu-west-1'], logRetentionDays: 30 },
  remediatorRoleName: 'WardenRemediator',
}) as WardenConfig & { organization: { id: string } };

type Statement = { Sid?: string; Effect?: string; Action?: string | string[]; Resource?: unknown; Condition?: unknown; Principal?: unknown };

let template: Template;
let stack: Stack;

beforeAll(() => {
  const app = new App();
  stack = new Stack(app, 'Bare', { env: { account: '999999999999', region: 'us-east-1' } });
  const bus = new events.EventBus(stack, 'Bus', { eventBusName: 'warden' });
  const table = new dynamodb.Table(stack, 'State', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING } });
  const baselineKey = new secretsmanager.Secret(stack, 'BaselineKey', { generateSecretString: { excludePunctuation: true, passwordLength: 64 } });
  new ScheduledScan(stack, 'ScheduledScan', { config, bus, table, baselineKey, maxConcurrency: 3 });
  Aspects.of(app).add(new AwsSolutionsChecks());
  Aspects.of(app).add(new ServerlessChecks());
  template = Template.fromStack(stack);
});

function scannerStatements(): Statement[] {
  const roles = template.findResources('AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('scanner') } });
  const [roleId] = Object.keys(roles);
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
  return Object.values(policies).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement);
}

describe('ScheduledScan', () => {
  it('starts the state machine every day with every account × region as items', () => {
    expect(scanItems(config)).toEqual([
      { account: '111122223333', region: 'us-east-1' },
      { account: '111122223333', region: 'eu-west-1' },
      { account: '222233334444', region: 'us-east-1' },
      { account: '222233334444', region: 'eu-west-1' },
    ]);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 3 * * ? *)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('StateMachine') }, Input: JSON.stringify({ items: scanItems(config) }) })],
    });
  });

  it('fans out with a distributed map of bounded concurrency that invokes the scanner per item', () => {
    const machines = template.findResources('AWS::StepFunctions::StateMachine');
    const [machine] = Object.values(machines) as { Properties: { DefinitionString: unknown } }[];
    const definition = JSON.stringify(machine?.Properties.DefinitionString);
    expect(definition).toContain('\\"Type\\":\\"Map\\"');
    expect(definition).toContain('\\"Mode\\":\\"DISTRIBUTED\\"');
    expect(definition).toContain('\\"MaxConcurrency\\":3');
    expect(definition).toContain('\\"ItemsPath\\":\\"$.items\\"');
    expect(definition).toContain('\\"ToleratedFailurePercentage\\":100');
    expect(definition).toMatch(/\\"Resource\\":\\"",\{"Fn::GetAtt":\["ScheduledScanScannerFunction[0-9A-F]+","Arn"\]\}/);
    expect(definition).not.toContain('Parameters');
  });

  it('runs the scanner with its environment and a concurrency equal to the fan-out', () => {
    expect(() => { template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Timeout: 900,
      ReservedConcurrentExecutions: 3,
      Environment: { Variables: Match.objectLike({ WARDEN_EVENT_BUS_NAME: { Ref: Match.stringLikeRegexp('Bus') }, WARDEN_TABLE_NAME: { Ref: Match.stringLikeRegexp('State') }, WARDEN_BASELINE_KEY_SECRET_ARN: { Ref: Match.stringLikeRegexp('BaselineKey') }, WARDEN_CONFIG: Match.anyValue() }) },
      }); },
    ).not.toThrow();
  });

  it('gives the scanner its own role with exactly the actions its code calls', () => {
    const statements = scannerStatements();
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action ?? ''])).sort();
    expect(actions).toEqual(
      [...TABLE_ACCESS.scanner.flatMap((grant) => grant.actions), 'events:PutEvents', 'logs:CreateLogStream', 'logs:PutLogEvents', 'secretsmanager:GetSecretValue', 'sqs:SendMessage', 'sts:AssumeRole', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'].sort(),
    );
    const assume = statements.find((s) => s.Sid === 'AssumeTheAuditRoleInOrganizationAccounts');
    expect(assume?.Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::*:role/WardenAuditor']] });
    expect(assume?.Condition).toEqual({ StringEquals: { 'aws:ResourceOrgID': 'o-a1b2c3d4e5' } });
    expect(JSON.stringify(statements.find((s) => s.Sid === 'PutFindingsOnTheWardenBus')?.Resource)).toMatch(/^\{"Fn::GetAtt":\["Bus[0-9A-F]+","Arn"\]\}$/);
    expect(JSON.stringify(statements.find((s) => s.Sid === 'ReadBaselineKey')?.Resource)).toMatch(/^\{"Ref":"BaselineKey[0-9A-F]+"\}$/);
    expect(JSON.stringify(statements.find((s) => s.Sid === 'StateScanFindingClaims')?.Resource)).toMatch(/^\{"Fn::GetAtt":\["State[0-9A-F]+","Arn"\]\}$/);
  });

  it('writes its logs through a log group policy of its own: the role holds the delivery actions, never logs:PutResourcePolicy', () => {
    const machine = Object.entries(template.findResources('AWS::StepFunctions::StateMachine'))[0] as [string, { Properties: { LoggingConfiguration: unknown; RoleArn: { 'Fn::GetAtt': [string, string] } }; DependsOn: string[] }];
    const [, resource] = machine;
    expect(resource.Properties.LoggingConfiguration).toEqual({ Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [expect.stringMatching(/^ScheduledScanStateMachineLogs/), 'Arn'] } } }], IncludeExecutionData: false, Level: 'ALL' });
    const roleId = resource.Properties.RoleArn['Fn::GetAtt'][0];
    const policies = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } })) as { Properties: { PolicyDocument: { Statement: Statement[] } } }[];
    const logStatements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement).filter((st) => JSON.stringify(st.Action).includes('logs:'));
    expect(logStatements).toEqual([{ Sid: 'StepFunctionsLogDelivery', Effect: 'Allow', Action: [...STATE_MACHINE_LOG_DELIVERY_ACTIONS], Resource: '*' }]);
    expect(policies.flatMap((p) => p.Properties.PolicyDocument.Statement).flatMap((st) => st.Action)).not.toContain('logs:PutResourcePolicy');
    // The delivery service may write only this log group's streams, on behalf of this account.
    const [policyId, logPolicy] = Object.entries(template.findResources('AWS::Logs::ResourcePolicy'))[0] as [string, { Properties: { PolicyDocument: unknown } }];
    expect(resource.DependsOn).toContain(policyId);
    const document = JSON.stringify(logPolicy.Properties.PolicyDocument);
    expect(document).toContain('\\"Principal\\":{\\"Service\\":\\"delivery.logs.amazonaws.com\\"}');
    expect(document).toContain('\\"Action\\":[\\"logs:CreateLogStream\\",\\"logs:PutLogEvents\\"]');
    expect(document).toMatch(/\{"Fn::GetAtt":\["ScheduledScanStateMachineLogs[0-9A-F]+","Arn"\]\},":log-stream:\*\\"/);
    expect(document).toContain('\\"StringEquals\\":{\\"aws:SourceAccount\\":\\"999999999999\\"}');
    expect(document).toContain('\\"ArnLike\\":{\\"aws:SourceArn\\":\\"arn:",{"Ref":"AWS::Partition"},":logs:us-east-1:999999999999:*\\"}');
  });

  it('is started by a schedule whose role only that rule, in this account, may use', () => {
    const [ruleId, rule] = Object.entries(template.findResources('AWS::Events::Rule'))[0] as [string, { Properties: { Name: string; Targets: { RoleArn: { 'Fn::GetAtt': [string, string] } }[] } }];
    expect(ruleId).toMatch(/^ScheduledScanSchedule/);
    const roleId = rule.Properties.Targets[0]?.RoleArn['Fn::GetAtt'][0] ?? '';
    const role = (template.toJSON() as { Resources: Record<string, { Properties: { AssumeRolePolicyDocument: { Statement: Statement[] } } }> }).Resources[roleId];
    expect(rule.Properties.Name).toMatch(/^Bare-ScheduledScan-[0-9A-F]{8}$/);
    expect(role?.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Condition: {
          StringEquals: { 'aws:SourceAccount': '999999999999' },
          ArnEquals: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:events:us-east-1:999999999999:rule/${rule.Properties.Name}`]] } },
        },
      },
    ]);
  });

  it('alarms when a scan fails, the scanner is throttled or has dead letters, or the schedule could not start the scan', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as { Properties: { AlarmDescription: string; MetricName: string; Namespace: string } }[];
    expect(alarms.map((a) => [a.Properties.Namespace, a.Properties.MetricName, a.Properties.AlarmDescription]).sort()).toEqual([
      ['AWS/Lambda', 'Errors', 'Lambda Warden: the scheduled scan of an account × region failed (see the state machine run)'],
      ['AWS/Lambda', 'Throttles', 'Lambda Warden: the scanner was throttled (an account × region may not have been scanned)'],
      ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'Lambda Warden: the daily scan could not be started (see the schedule\'s dead-letter queue)'],
      ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'Lambda Warden: the scanner has events in its dead-letter queue'],
      ['AWS/States', 'ExecutionsFailed', 'Lambda Warden: the scheduled scan did not finish'],
    ]);
  });

  it('passes the cdk-nag AwsSolutions and Serverless packs (the construct’s own resources)', () => {
    const problems = [...Annotations.fromStack(stack).findError('*', Match.anyValue()), ...Annotations.fromStack(stack).findWarning('*', Match.anyValue())]
      .filter((m) => m.id.includes('ScheduledScan'))
      // The runtime is WardenFunction's choice for every function of the bot (WARDEN_RUNTIME), not this construct's.
      .filter((m) => !/(AwsSolutions-L1|Serverless-LambdaLatestVersion):/.test(JSON.stringify(m.entry.data)))
      .map((m) => `${m.id}: ${JSON.stringify(m.entry.data).slice(0, 300)}`);
    expect(problems).toEqual([]);
  });
});
