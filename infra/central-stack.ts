/**
 * The central stack, in the security (delegated administrator) account's home region: the Warden
 * event bus (organization-only), the three event-driven functions and the scheduled scan, each
 * function with its own role, the state table, the SNS topic, the Slack secrets, alarms, and the
 * member StackSet that covers every account.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
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
import { CLOUDTRAIL_DETAIL_TYPE } from '../functions/shared/event/cloudtrail-event';
import { DETAIL_TYPES, EVENT_SOURCE } from '../functions/shared/contract/warden-events';
import { WARDEN_BUS_NAME } from '../functions/shared/self/central-resources';
import type { AnyRule } from '../rules/rule';
import type { DeployConfig } from './deploy-config';
import { eventBridgeSource, FINDING_ACCOUNT_FIELDS, findingTriggerIndex, triggerIndex } from './event-patterns';
import { memberTemplate } from './member-stack';
import { ScheduledScan } from './scheduled-scan';
import { tableGrantStatements } from './table-grants';
import type { TableFunction } from '../functions/shared/store/table-access';
import { Heartbeat, HEARTBEAT_DETAIL_TYPE, HEARTBEAT_SOURCE } from './heartbeat';
import { retentionDays, WardenFunction } from './warden-function';

export interface CentralStackProps extends StackProps {
  readonly config: DeployConfig;
  readonly rules: readonly AnyRule[];
}

/** The Warden events the notifier turns into Slack messages and SNS notifications. */
export const NOTIFIED_DETAIL_TYPES = [DETAIL_TYPES.finding, DETAIL_TYPES.remediation, DETAIL_TYPES.decision, DETAIL_TYPES.alert] as const;

/** The Warden event bus's name in the security account (self-protection knows it by this name). */
export { WARDEN_BUS_NAME };


export class CentralStack extends Stack {
  readonly bus: events.EventBus;
  readonly responder: WardenFunction;
  readonly notifier: WardenFunction;
  readonly approval: WardenFunction;
  readonly table: dynamodb.Table;
  readonly topic: sns.Topic;
  readonly slackToken: secretsmanager.Secret;
  readonly slackSigningSecret: secretsmanager.Secret;
  readonly baselineKey: secretsmanager.Secret;
  /** Integrity key of approval and restore records: the responder alone reads it (it writes and verifies them). */
  readonly recordKey: secretsmanager.Secret;
  /** Integrity key of decided exemptions: the responder (Restore; verifies) and the approval endpoint (Reject and exempt). */
  readonly exemptionKey: secretsmanager.Secret;
  readonly api: apigwv2.HttpApi;
  readonly scheduledScan: ScheduledScan;
  /** Member heartbeats and the silence check. */
  readonly heartbeat: Heartbeat;

  constructor(scope: Construct, id: string, props: CentralStackProps) {
    super(scope, id, props);
    const { config, rules } = props;
    const orgId = config.organization.id;
    const logRetentionDays = config.deployment.logRetentionDays;

    this.bus = new events.EventBus(this, 'Bus', { eventBusName: WARDEN_BUS_NAME, description: 'Lambda Warden: CloudTrail events from the organization and the bot\'s own events' });

    this.table = new dynamodb.Table(this, 'State', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'ttl',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.topic = new sns.Topic(this, 'Alerts', { masterKey: kms.Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns'), enforceSSL: true });
    // CloudFormation cannot create a secret without a value: each starts as a random placeholder that
    // is in no template and works nowhere (Slack refuses the token, no signature verifies) until the
    // operator puts the real value (README: "Fill the Slack secrets").
    this.slackToken = new secretsmanager.Secret(this, 'SlackBotToken', {
      description: 'Lambda Warden: Slack bot token (xoxb-...). Put the real value after deploy.',
      generateSecretString: { excludePunctuation: true, passwordLength: 32 },
    });
    this.slackSigningSecret = new secretsmanager.Secret(this, 'SlackSigningSecret', {
      description: 'Lambda Warden: Slack app signing secret. Put the real value after deploy.',
      generateSecretString: { excludePunctuation: true, passwordLength: 32 },
    });

    // The HMAC key of the baselines' keyed hashes of environment values: generated, never in a template,
    // never rotated casually (after a rotation every stored hash looks changed until recaptured).
    this.baselineKey = new secretsmanager.Secret(this, 'BaselineKey', {
      description: 'Lambda Warden: HMAC key for the keyed hashes of environment variable values in baselines. Generated; do not rotate casually.',
      generateSecretString: { excludePunctuation: true, passwordLength: 64 },
    });

    // Integrity keys of the stored items that can cause a change, one per item family (see
    // functions/shared/store/integrity.ts): generated, never in a template, each readable only by the
    // functions that write or verify that family.
    this.recordKey = new secretsmanager.Secret(this, 'RecordIntegrityKey', {
      description: 'Lambda Warden: HMAC key of the integrity tags of approval and restore records. Generated; read by the responder only.',
      generateSecretString: { excludePunctuation: true, passwordLength: 64 },
    });
    this.exemptionKey = new secretsmanager.Secret(this, 'ExemptionIntegrityKey', {
      description: 'Lambda Warden: HMAC key of the integrity tags of exemptions decided in Slack. Generated; read by the responder and the approval function only.',
      generateSecretString: { excludePunctuation: true, passwordLength: 64 },
    });

    // The functions get the configuration as JSON (deployment included: the responder reads its regions).
    const runtimeConfig = JSON.stringify(config);
    this.responder = new WardenFunction(this, 'Responder', {
      name: 'responder',
      logRetentionDays,
      timeout: Duration.seconds(60),
      reservedConcurrency: 20,
      environment: {
        WARDEN_EVENT_BUS_NAME: this.bus.eventBusName,
        WARDEN_TABLE_NAME: this.table.tableName,
        WARDEN_BASELINE_KEY_SECRET_ARN: this.baselineKey.secretArn,
        WARDEN_RECORD_KEY_SECRET_ARN: this.recordKey.secretArn,
        WARDEN_EXEMPTION_KEY_SECRET_ARN: this.exemptionKey.secretArn,
        WARDEN_CONFIG: runtimeConfig,
        // Self-protection: this stack's resources in this account are the bot's own.
        WARDEN_SECURITY_ACCOUNT: this.account,
        WARDEN_STACK_NAME: this.stackName,
      },
    });
    this.notifier = new WardenFunction(this, 'Notifier', {
      name: 'notifier',
      logRetentionDays,
      timeout: Duration.seconds(30),
      reservedConcurrency: 5,
      environment: {
        WARDEN_TABLE_NAME: this.table.tableName,
        WARDEN_TOPIC_ARN: this.topic.topicArn,
        WARDEN_SLACK_TOKEN_SECRET_ARN: this.slackToken.secretArn,
        WARDEN_CONFIG: runtimeConfig,
      },
    });
    // Slack wants an answer within 3 seconds: more memory is more CPU for the cold start.
    this.approval = new WardenFunction(this, 'Approval', {
      name: 'approval',
      logRetentionDays,
      timeout: Duration.seconds(10),
      memorySize: 1024,
      reservedConcurrency: 5,
      environment: {
        WARDEN_TABLE_NAME: this.table.tableName,
        WARDEN_EVENT_BUS_NAME: this.bus.eventBusName,
        WARDEN_SLACK_TOKEN_SECRET_ARN: this.slackToken.secretArn,
        WARDEN_SLACK_SIGNING_SECRET_ARN: this.slackSigningSecret.secretArn,
        WARDEN_EXEMPTION_KEY_SECRET_ARN: this.exemptionKey.secretArn,
        WARDEN_CONFIG: runtimeConfig,
      },
    });

    // Each role holds only what its function's code calls (the construct adds logs, X-Ray and its DLQ).
    // The state table: each role only the item families (key prefixes) its code touches (`TABLE_ACCESS`).
    this.allowTable(this.responder, 'responder');
    this.allow(this.responder, 'PutWardenEvents', ['events:PutEvents'], [this.bus.eventBusArn]);
    this.allow(this.responder, 'ReadBaselineKey', ['secretsmanager:GetSecretValue'], [this.baselineKey.secretArn]);
    this.allow(this.responder, 'ReadIntegrityKeys', ['secretsmanager:GetSecretValue'], [this.recordKey.secretArn, this.exemptionKey.secretArn]);
    this.responder.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AssumeTheRemediatorRoleInOrganizationAccounts',
        // SetSourceIdentity: every remediator session carries the bot's source identity (own calls are recognised by it).
        actions: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
        resources: [`arn:${this.partition}:iam::*:role/${config.remediatorRoleName}`],
        conditions: { StringEquals: { 'aws:ResourceOrgID': orgId } },
      }),
    );
    this.allowTable(this.notifier, 'notifier');
    this.allow(this.notifier, 'PublishAlerts', ['sns:Publish'], [this.topic.topicArn]);
    this.allow(this.notifier, 'ReadSlackToken', ['secretsmanager:GetSecretValue'], [this.slackToken.secretArn]);
    this.allowTable(this.approval, 'approval');
    this.allow(this.approval, 'PutWardenEvents', ['events:PutEvents'], [this.bus.eventBusArn]);
    this.allow(this.approval, 'ReadSlackSecrets', ['secretsmanager:GetSecretValue'], [this.slackToken.secretArn, this.slackSigningSecret.secretArn]);
    this.allow(this.approval, 'ReadExemptionKey', ['secretsmanager:GetSecretValue'], [this.exemptionKey.secretArn]);

    this.scheduledScan = new ScheduledScan(this, 'ScheduledScan', { config, bus: this.bus, table: this.table, baselineKey: this.baselineKey });
    this.heartbeat = new Heartbeat(this, 'Heartbeat', { config, bus: this.bus, table: this.table });
    this.setBusPolicy(orgId, rules);

    new events.Rule(this, 'ToResponder', {
      eventBus: this.bus,
      description: 'CloudTrail events forwarded by member accounts',
      eventPattern: withOrganizationAccounts({ source: forwardedSources(rules), detailType: [CLOUDTRAIL_DETAIL_TYPE] }, config.organization.accounts),
      targets: [new targets.LambdaFunction(this.responder.fn, { deadLetterQueue: this.responder.deadLetterQueue, retryAttempts: 4 })],
    });
    const findingSources = [...findingTriggerIndex(rules).keys()];
    if (findingSources.length > 0) {
      new events.Rule(this, 'FindingsToResponder', {
        eventBus: this.bus,
        description: `Detector findings (${findingDetailTypes(rules).join(', ')}) about Lambda functions and layer versions, forwarded by member, delegated administrator and analyzer accounts`,
        eventPattern: findingsOfOrganization(withOrganizationAccounts({ source: findingSources, detailType: findingDetailTypes(rules) }, config.organization.accounts), findingDetailTypes(rules)),
        targets: [new targets.LambdaFunction(this.responder.fn, { deadLetterQueue: this.responder.deadLetterQueue, retryAttempts: 4 })],
      });
    }
    new events.Rule(this, 'DecisionsToResponder', {
      eventBus: this.bus,
      description: 'Approvers\' decisions from Slack: the responder runs approved plans (re-read from the state store)',
      eventPattern: { source: [EVENT_SOURCE], detailType: [DETAIL_TYPES.decision] },
      targets: [new targets.LambdaFunction(this.responder.fn, { deadLetterQueue: this.responder.deadLetterQueue, retryAttempts: 4 })],
    });
    new events.Rule(this, 'ToNotifier', {
      eventBus: this.bus,
      description: 'Warden findings, remediations, decisions and alerts',
      eventPattern: { source: [EVENT_SOURCE], detailType: [...NOTIFIED_DETAIL_TYPES] },
      targets: [new targets.LambdaFunction(this.notifier.fn, { deadLetterQueue: this.notifier.deadLetterQueue, retryAttempts: 4 })],
    });

    const { api, stage } = this.slackApi(logRetentionDays);
    this.api = api;

    for (const fn of [this.responder, this.notifier, this.approval]) this.alarms(fn);

    new cloudformation.CfnStackSet(this, 'Members', {
      stackSetName: 'LambdaWardenMembers',
      description: 'Lambda Warden: forwarding rules (all regions), the remediator and audit roles (home region) in every member account',
      permissionModel: 'SERVICE_MANAGED',
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      callAs: 'DELEGATED_ADMIN',
      capabilities: ['CAPABILITY_NAMED_IAM'],
      managedExecution: { Active: true },
      operationPreferences: { failureToleranceCount: 0, maxConcurrentPercentage: 25, regionConcurrencyType: 'PARALLEL' },
      parameters: [
        { parameterKey: 'WardenEventBusArn', parameterValue: this.bus.eventBusArn },
        { parameterKey: 'ResponderRoleArn', parameterValue: this.responder.role.roleArn },
        { parameterKey: 'ScannerRoleArn', parameterValue: this.scheduledScan.scanner.role.roleArn },
        { parameterKey: 'WardenFunctionArns', parameterValue: this.functionArns() },
        { parameterKey: 'WardenRoleArns', parameterValue: this.roleArns() },
      ],
      stackInstancesGroup: [{ deploymentTargets: { organizationalUnitIds: [...config.deployment.memberOus] }, regions: [...config.deployment.regions] }],
      templateBody: memberTemplate(config, rules),
    });

    new CfnOutput(this, 'SlackInteractivityUrl', { value: `${stage.url}slack/interactions`, description: 'Slack app > Interactivity > Request URL' });
    new CfnOutput(this, 'EventBusArn', { value: this.bus.eventBusArn, description: 'Parameter WardenEventBusArn of the management account stack' });
    new CfnOutput(this, 'ResponderRoleArn', { value: this.responder.role.roleArn, description: 'Parameter ResponderRoleArn of the management account stack' });
    new CfnOutput(this, 'ScannerRoleArn', { value: this.scheduledScan.scanner.role.roleArn, description: 'Parameter ScannerRoleArn of the management account stack' });
    new CfnOutput(this, 'WardenFunctionArns', { value: this.functionArns(), description: 'Parameter WardenFunctionArns of the management account stack' });
    new CfnOutput(this, 'WardenRoleArns', { value: this.roleArns(), description: 'Parameter WardenRoleArns of the management account stack' });
    new CfnOutput(this, 'SlackBotTokenSecretArn', { value: this.slackToken.secretArn });
    new CfnOutput(this, 'SlackSigningSecretArn', { value: this.slackSigningSecret.secretArn });
    new CfnOutput(this, 'AlertsTopicArn', { value: this.topic.topicArn });
  }

  /**
   * The bus's resource policy. Member accounts may put only CloudTrail events of the services the
   * catalog watches (sources starting with `aws.` cannot be put by hand, only forwarded by a rule).
   * The functions' own PutEvents come from this account and need no statement here (their identity
   * policies allow them); the two denials keep every other principal, in any account, from putting
   * a Warden event — a forged "Warden Decision" must never reach the responder — and one denial per
   * detail-type keeps each to the function that emits it (decisions only from the approval endpoint).
   */
  private setBusPolicy(orgId: string, rules: readonly AnyRule[]): void {
    const emitters = [this.responder.role.roleArn, this.approval.role.roleArn, this.scheduledScan.scanner.role.roleArn, this.heartbeat.fn.role.roleArn];
    // The bus's own ARN, spelled out: a reference to its Arn attribute from its own policy is a cycle.
    const busArn = this.formatArn({ service: 'events', resource: 'event-bus', resourceName: WARDEN_BUS_NAME });
    const cfnBus = this.bus.node.defaultChild as events.CfnEventBus;
    cfnBus.policy = new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          sid: 'OrganizationCloudTrailEventsOnly',
          principals: [new iam.AnyPrincipal()],
          actions: ['events:PutEvents'],
          resources: [busArn],
          conditions: {
            StringEquals: { 'aws:PrincipalOrgID': orgId, 'events:detail-type': CLOUDTRAIL_DETAIL_TYPE, 'events:source': forwardedSources(rules) },
          },
        }),
        // Each member account × region's heartbeat: the scheduled event of its heartbeat rule (sources `aws.` cannot be put by hand).
        new iam.PolicyStatement({
          sid: 'OrganizationHeartbeatsOnly',
          principals: [new iam.AnyPrincipal()],
          actions: ['events:PutEvents'],
          resources: [busArn],
          conditions: { StringEquals: { 'aws:PrincipalOrgID': orgId, 'events:detail-type': HEARTBEAT_DETAIL_TYPE, 'events:source': HEARTBEAT_SOURCE } },
        }),
        // Detector findings the catalog judges (GuardDuty, Inspector2 and Access Analyzer Finding), from organization accounts only.
        ...(findingTriggerIndex(rules).size === 0
          ? []
          : [
              new iam.PolicyStatement({
                sid: 'OrganizationFindingsOnly',
                principals: [new iam.AnyPrincipal()],
                actions: ['events:PutEvents'],
                resources: [busArn],
                conditions: { StringEquals: { 'aws:PrincipalOrgID': orgId, 'events:detail-type': findingDetailTypes(rules), 'events:source': [...findingTriggerIndex(rules).keys()] } },
              }),
            ]),
        new iam.PolicyStatement({
          sid: 'WardenSourceOnlyFromWardenFunctions',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['events:PutEvents'],
          resources: [busArn],
          conditions: { StringEquals: { 'events:source': EVENT_SOURCE }, ArnNotEquals: { 'aws:PrincipalArn': emitters } },
        }),
        new iam.PolicyStatement({
          sid: 'WardenDetailTypesOnlyFromWardenFunctions',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['events:PutEvents'],
          resources: [busArn],
          conditions: { StringEquals: { 'events:detail-type': Object.values(DETAIL_TYPES) }, ArnNotEquals: { 'aws:PrincipalArn': emitters } },
        }),
        // Each Warden event only from the function whose code emits it: above all, a "Warden Decision"
        // (which makes the responder run a stored plan) only from the approval endpoint.
        ...Object.entries(this.emittersByDetailType()).map(
          ([detailType, roles]) =>
            new iam.PolicyStatement({
              sid: `${detailType.replace(/[^A-Za-z]/g, '')}OnlyFrom${roles.map((r) => r.node.scope?.node.id ?? '').join('And')}`,
              effect: iam.Effect.DENY,
              principals: [new iam.AnyPrincipal()],
              actions: ['events:PutEvents'],
              resources: [busArn],
              conditions: { StringEquals: { 'events:detail-type': detailType }, ArnNotEquals: { 'aws:PrincipalArn': roles.map((r) => r.roleArn) } },
            }),
        ),
      ],
    }).toJSON() as unknown;
  }

  /** The bot's functions, comma-separated: the member template denies the remediator any Lambda write on them. */
  functionArns(): string {
    return [this.responder, this.notifier, this.approval, this.scheduledScan.scanner, this.heartbeat.fn].map((f) => f.fn.functionArn).join(',');
  }

  /** The bot's roles in this account, comma-separated: the member template denies the remediator any IAM write on them. */
  roleArns(): string {
    return [
      ...[this.responder, this.notifier, this.approval, this.scheduledScan.scanner, this.heartbeat.fn].map((f) => f.role.roleArn),
      this.scheduledScan.stateMachine.role.roleArn,
      this.scheduledScan.scheduleRole.roleArn,
    ].join(',');
  }

  /** Which function's role emits each Warden detail-type (responder: findings, remediations, alerts; scanner: findings; heartbeat: alerts; approval: decisions). */
  emittersByDetailType(): Record<string, iam.IRole[]> {
    return {
      [DETAIL_TYPES.finding]: [this.responder.role, this.scheduledScan.scanner.role],
      [DETAIL_TYPES.remediation]: [this.responder.role],
      [DETAIL_TYPES.alert]: [this.responder.role, this.heartbeat.fn.role],
      [DETAIL_TYPES.decision]: [this.approval.role],
    };
  }

  /** The Slack interactivity endpoint: an HTTP API (throttled, JSON access logs) in front of the approval function. */
  private slackApi(logRetentionDays: number): { api: apigwv2.HttpApi; stage: apigwv2.HttpStage } {
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: retentionDays(logRetentionDays), removalPolicy: RemovalPolicy.RETAIN });
    const api = new apigwv2.HttpApi(this, 'SlackApi', { description: 'Lambda Warden: Slack interactivity endpoint (Slack signature verified in the function)', createDefaultStage: false });
    api.addRoutes({ path: '/slack/interactions', methods: [apigwv2.HttpMethod.POST], integration: new integrations.HttpLambdaIntegration('Approval', this.approval.fn) });
    const stage = new apigwv2.HttpStage(this, 'SlackApiStage', {
      httpApi: api,
      autoDeploy: true,
      throttle: { rateLimit: 10, burstLimit: 20 },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: apigw.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            integrationStatus: '$context.integrationStatus',
            integrationLatency: '$context.integrationLatency',
          }),
        ),
      },
    });
    return { api, stage };
  }

  private allow(fn: WardenFunction, sid: string, actions: readonly string[], resources: readonly string[]): void {
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid, actions: [...actions], resources: [...resources] }));
  }

  private allowTable(fn: WardenFunction, name: TableFunction): void {
    for (const statement of tableGrantStatements(name, this.table.tableArn)) fn.role.addToPrincipalPolicy(statement);
  }

  private alarms(fn: WardenFunction): void {
    const id = fn.node.id;
    const period = Duration.minutes(5);
    const common = { threshold: 1, evaluationPeriods: 1, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING };
    new cloudwatch.Alarm(this, `${id}Errors`, { ...common, metric: fn.fn.metricErrors({ period }), alarmDescription: `Lambda Warden ${id} failed` });
    new cloudwatch.Alarm(this, `${id}Throttles`, { ...common, metric: fn.fn.metricThrottles({ period }), alarmDescription: `Lambda Warden ${id} was throttled` });
    new cloudwatch.Alarm(this, `${id}DeadLetters`, {
      ...common,
      metric: fn.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period }),
      alarmDescription: `Lambda Warden ${id} has events in its dead-letter queue`,
    });
  }
}

/** EventBridge's default limit on an event pattern (characters). */
export const EVENT_PATTERN_LIMIT = 2048;

/**
 * Where the configuration lists the organization's accounts, only events recorded in them (envelope `account`
 * and `detail.recipientAccountId`) reach the responder — as far as the pattern stays within EventBridge's
 * default size limit: both filters, else the envelope account alone, else none. The responder refuses any
 * other event itself in every case; the pattern only keeps it from being invoked.
 */
export function withOrganizationAccounts(pattern: { readonly source: string[]; readonly detailType: string[] }, accounts: readonly string[]): events.EventPattern {
  if (accounts.length === 0) return pattern;
  const size = (p: Record<string, unknown>): number => JSON.stringify({ ...p, 'detail-type': p.detailType, detailType: undefined }).length;
  const both = { ...pattern, account: [...accounts], detail: { recipientAccountId: [...accounts] } };
  if (size(both) <= EVENT_PATTERN_LIMIT) return both;
  const envelope = { ...pattern, account: [...accounts] };
  return size(envelope) <= EVENT_PATTERN_LIMIT ? envelope : pattern;
}

/**
 * A finding names its account in its detail (GuardDuty and Access Analyzer `accountId`, Inspector `awsAccountId`: `FINDING_ACCOUNT_FIELDS`;
 * CloudTrail: `detail.recipientAccountId`); the envelope's is the sender's. Several fields: any of them (`$or`).
 */
function findingsOfOrganization(pattern: events.EventPattern, detailTypes: readonly string[] = []): events.EventPattern {
  const detail = pattern.detail as { recipientAccountId?: string[] } | undefined;
  if (detail?.recipientAccountId === undefined) return pattern;
  const accounts = detail.recipientAccountId;
  const fields = [...new Set(detailTypes.map((type) => FINDING_ACCOUNT_FIELDS[type] ?? 'accountId'))].sort();
  if (fields.length <= 1) return { ...pattern, detail: { [fields[0] ?? 'accountId']: accounts } };
  return { ...pattern, detail: { $or: fields.map((field) => ({ [field]: accounts })) } };
}

/** The detail-types of the detector findings the catalog judges (`Access Analyzer Finding`, `GuardDuty Finding`, `Inspector2 Finding`). */
export function findingDetailTypes(rules: readonly AnyRule[]): string[] {
  return [...new Set([...findingTriggerIndex(rules).values()].flat())].sort();
}

/** The EventBridge sources of the services the catalog watches (`aws.lambda`, `aws.iam`, …). */
export function forwardedSources(rules: readonly AnyRule[]): string[] {
  return [...triggerIndex(rules).keys()].map(eventBridgeSource).sort();
}
