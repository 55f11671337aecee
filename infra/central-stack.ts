/**
 * The central stack, in the security (delegated administrator) account's home region: the Warden
 * event bus (organization-only), the three functions with their own roles, the state table, the
 * SNS topic, the Slack secrets, alarms, and the member StackSet that covers every account.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as integrations from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { WardenConfig } from '../functions/shared/config/config';
import { CLOUDTRAIL_DETAIL_TYPE } from '../functions/shared/event/cloudtrail-event';
import type { AnyRule } from '../rules/rule';
import { memberTemplate } from './member-stack';
import { retentionDays, WardenFunction } from './warden-function';

export interface CentralStackProps extends StackProps {
  readonly config: WardenConfig & { readonly organization: { readonly id: string } };
  readonly rules: readonly AnyRule[];
}

/** The detail-types and source of what the responder emits (and the notifier consumes). */
export const WARDEN_EVENT_SOURCE = 'lambda-warden';
export const WARDEN_DETAIL_TYPES = ['Warden Finding', 'Warden Remediation'] as const;

export class CentralStack extends Stack {
  readonly bus: events.EventBus;
  readonly responder: WardenFunction;
  readonly notifier: WardenFunction;
  readonly approval: WardenFunction;
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: CentralStackProps) {
    super(scope, id, props);
    const { config, rules } = props;
    const orgId = config.organization.id;
    const logRetentionDays = config.deployment.logRetentionDays;

    this.bus = new events.EventBus(this, 'Bus', { eventBusName: 'warden' });
    this.bus.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OrganizationCloudTrailEventsOnly',
        principals: [new iam.AnyPrincipal()],
        actions: ['events:PutEvents'],
        resources: [this.bus.eventBusArn],
        conditions: { StringEquals: { 'aws:PrincipalOrgID': orgId, 'events:detail-type': CLOUDTRAIL_DETAIL_TYPE } },
      }),
    );

    this.table = new dynamodb.Table(this, 'State', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'ttl',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const topic = new sns.Topic(this, 'Alerts', { masterKey: kms.Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns'), enforceSSL: true });
    const slackToken = new secretsmanager.Secret(this, 'SlackBotToken', { description: 'Slack bot token (xoxb-…): set it after deploy' });
    const slackSigningSecret = new secretsmanager.Secret(this, 'SlackSigningSecret', { description: 'Slack app signing secret: set it after deploy' });

    const runtimeConfig = JSON.stringify({ ...config, deployment: undefined });
    const common = { logRetentionDays };
    this.responder = new WardenFunction(this, 'Responder', {
      ...common,
      name: 'responder',
      timeout: Duration.seconds(60),
      reservedConcurrency: 20,
      environment: { WARDEN_EVENT_BUS_NAME: this.bus.eventBusName, WARDEN_TABLE_NAME: this.table.tableName, WARDEN_CONFIG: runtimeConfig },
    });
    this.notifier = new WardenFunction(this, 'Notifier', {
      ...common,
      name: 'notifier',
      timeout: Duration.seconds(30),
      reservedConcurrency: 5,
      environment: {
        WARDEN_TABLE_NAME: this.table.tableName,
        WARDEN_TOPIC_ARN: topic.topicArn,
        WARDEN_SLACK_TOKEN_SECRET_ARN: slackToken.secretArn,
        WARDEN_CONFIG: runtimeConfig,
      },
    });
    this.approval = new WardenFunction(this, 'Approval', {
      ...common,
      name: 'approval',
      timeout: Duration.seconds(30),
      reservedConcurrency: 5,
      environment: {
        WARDEN_TABLE_NAME: this.table.tableName,
        WARDEN_EVENT_BUS_NAME: this.bus.eventBusName,
        WARDEN_SLACK_TOKEN_SECRET_ARN: slackToken.secretArn,
        WARDEN_SLACK_SIGNING_SECRET_ARN: slackSigningSecret.secretArn,
        WARDEN_CONFIG: runtimeConfig,
      },
    });

    // Grants: only what each function's code calls.
    this.grantTable(this.responder.role, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']);
    this.grantTable(this.notifier.role, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    this.grantTable(this.approval.role, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    this.bus.grantPutEventsTo(this.responder.role);
    this.bus.grantPutEventsTo(this.approval.role);
    topic.grantPublish(this.notifier.role);
    slackToken.grantRead(this.notifier.role);
    slackToken.grantRead(this.approval.role);
    slackSigningSecret.grantRead(this.approval.role);
    this.responder.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'AssumeTheRemediatorRoleInOrganizationAccounts',
        actions: ['sts:AssumeRole'],
        resources: [`arn:${this.partition}:iam::*:role/${config.remediatorRoleName}`],
        conditions: { StringEquals: { 'aws:ResourceOrgID': orgId } },
      }),
    );

    new events.Rule(this, 'ToResponder', {
      eventBus: this.bus,
      description: 'CloudTrail events forwarded by member accounts',
      eventPattern: { detailType: [CLOUDTRAIL_DETAIL_TYPE] },
      targets: [new targets.LambdaFunction(this.responder.fn, { deadLetterQueue: this.responder.deadLetterQueue, retryAttempts: 4 })],
    });
    new events.Rule(this, 'ToNotifier', {
      eventBus: this.bus,
      description: 'Warden findings and remediation outcomes',
      eventPattern: { source: [WARDEN_EVENT_SOURCE], detailType: [...WARDEN_DETAIL_TYPES] },
      targets: [new targets.LambdaFunction(this.notifier.fn, { deadLetterQueue: this.notifier.deadLetterQueue, retryAttempts: 4 })],
    });

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: retentionDays(logRetentionDays), removalPolicy: RemovalPolicy.RETAIN });
    const api = new apigwv2.HttpApi(this, 'SlackApi', { description: 'Slack interactivity endpoint (signature verified in the function)', createDefaultStage: false });
    api.addRoutes({ path: '/slack/interactions', methods: [apigwv2.HttpMethod.POST], integration: new integrations.HttpLambdaIntegration('Approval', this.approval.fn) });
    const stage = new apigwv2.HttpStage(this, 'SlackApiStage', {
      httpApi: api,
      autoDeploy: true,
      throttle: { rateLimit: 10, burstLimit: 20 },
      accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(accessLogs) },
    });

    for (const fn of [this.responder, this.notifier, this.approval]) this.alarms(fn);

    new cloudformation.CfnStackSet(this, 'Members', {
      stackSetName: 'LambdaWardenMembers',
      description: 'Lambda Warden: forwarding rules (all regions) and the remediator role (home region) in every member account',
      permissionModel: 'SERVICE_MANAGED',
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      callAs: 'DELEGATED_ADMIN',
      capabilities: ['CAPABILITY_NAMED_IAM'],
      managedExecution: { Active: true },
      operationPreferences: { failureToleranceCount: 0, maxConcurrentPercentage: 25, regionConcurrencyType: 'PARALLEL' },
      parameters: [
        { parameterKey: 'WardenEventBusArn', parameterValue: this.bus.eventBusArn },
        { parameterKey: 'ResponderRoleArn', parameterValue: this.responder.role.roleArn },
      ],
      stackInstancesGroup: [{ deploymentTargets: { organizationalUnitIds: [...config.deployment.memberOus] }, regions: [...config.deployment.regions] }],
      templateBody: memberTemplate(config, rules),
    });

    new CfnOutput(this, 'SlackInteractivityUrl', { value: `${stage.url}slack/interactions` });
    new CfnOutput(this, 'EventBusArn', { value: this.bus.eventBusArn });
    new CfnOutput(this, 'ResponderRoleArn', { value: this.responder.role.roleArn });
    new CfnOutput(this, 'SlackBotTokenSecretArn', { value: slackToken.secretArn });
    new CfnOutput(this, 'SlackSigningSecretArn', { value: slackSigningSecret.secretArn });
  }

  private grantTable(role: iam.IRole, actions: readonly string[]): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...actions], resources: [this.table.tableArn] }));
  }

  private alarms(fn: WardenFunction): void {
    const id = fn.node.id;
    new cloudwatch.Alarm(this, `${id}Errors`, { metric: fn.fn.metricErrors({ period: Duration.minutes(5) }), threshold: 1, evaluationPeriods: 1, alarmDescription: `Lambda Warden ${id} failed` });
    new cloudwatch.Alarm(this, `${id}Throttles`, { metric: fn.fn.metricThrottles({ period: Duration.minutes(5) }), threshold: 1, evaluationPeriods: 1, alarmDescription: `Lambda Warden ${id} was throttled` });
    new cloudwatch.Alarm(this, `${id}DeadLetters`, {
      metric: fn.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      alarmDescription: `Lambda Warden ${id} has events in its dead-letter queue`,
    });
  }
}
