/**
 * The scheduled scan: a daily EventBridge schedule starts a Step Functions state machine whose
 * distributed map runs the scanner once per account × region (bounded concurrency, retries); the
 * scanner reports new findings on the Warden bus. The scanner has its own role, and assumes the
 * read-only audit role (`auditRoleName`) in member accounts.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { ArnFormat, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { WardenConfig } from '../functions/shared/config/config';
import { tableActionsOf } from '../functions/shared/store/table-access';
import { tableGrantStatements } from './table-grants';
import { retentionDays, WardenFunction } from './warden-function';

export interface ScheduledScanProps {
  /** Accounts (`organization.accounts`), regions (`deployment.regions`), the role to assume, log retention. */
  readonly config: WardenConfig & { readonly organization: { readonly id: string } };
  /** The Warden event bus: new findings go there as "Warden Finding" events. */
  readonly bus: events.IEventBus;
  /** The state table: scan findings are claimed there once. */
  readonly table: dynamodb.ITable;
  /** The HMAC key of the function baselines the scan refreshes (`WARDEN_BASELINE_KEY_SECRET_ARN`). */
  readonly baselineKey: secretsmanager.ISecret;
  /** When to scan (default: every day at 03:00 UTC). */
  readonly schedule?: events.Schedule;
  /** Account × region items scanned at once (default 4): each is one scanner invocation. */
  readonly maxConcurrency?: number;
}

/** The state table actions the scanner's claims of findings and its baselines call (`TABLE_ACCESS.scanner`). */
export const SCANNER_TABLE_ACTIONS = tableActionsOf('scanner');

/**
 * What the state machine's role needs for Step Functions to deliver its logs (Step Functions developer guide,
 * "Logging using CloudWatch Logs"), less `logs:PutResourcePolicy`: the log group's resource policy is part of
 * the stack. None of these actions supports a resource-level permission (IAM service authorization reference).
 */
export const STATE_MACHINE_LOG_DELIVERY_ACTIONS = [
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
] as const;

/** The fan-out items: every configured account × region. */
export function scanItems(config: Pick<WardenConfig, 'organization' | 'deployment'>): { account: string; region: string }[] {
  return config.organization.accounts.flatMap((account) => config.deployment.regions.map((region) => ({ account, region })));
}

/**
 * @example
 * new ScheduledScan(this, 'ScheduledScan', { config, bus: this.bus, table: this.table });
 */
export class ScheduledScan extends Construct {
  readonly scanner: WardenFunction;
  readonly stateMachine: sfn.StateMachine;
  readonly rule: events.Rule;
  readonly scheduleRole: iam.Role;
  readonly scheduleDeadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: ScheduledScanProps) {
    super(scope, id);
    const { config } = props;
    const maxConcurrency = props.maxConcurrency ?? 4;
    this.scanner = new WardenFunction(this, 'Scanner', {
      name: 'scanner',
      logRetentionDays: config.deployment.logRetentionDays,
      // One account × region of a few thousand functions takes a minute or two; 15 minutes is Lambda's limit.
      timeout: Duration.minutes(15),
      memorySize: 1024,
      reservedConcurrency: maxConcurrency,
      environment: {
        WARDEN_EVENT_BUS_NAME: props.bus.eventBusName,
        WARDEN_TABLE_NAME: props.table.tableName,
        WARDEN_BASELINE_KEY_SECRET_ARN: props.baselineKey.secretArn,
        WARDEN_SECURITY_ACCOUNT: Stack.of(this).account,
        WARDEN_STACK_NAME: Stack.of(this).stackName,
        WARDEN_CONFIG: JSON.stringify({ ...config, deployment: undefined }),
      },
    });
    const partition = Stack.of(this).partition;
    this.scanner.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AssumeTheAuditRoleInOrganizationAccounts',
        actions: ['sts:AssumeRole'],
        resources: [`arn:${partition}:iam::*:role/${config.auditRoleName}`],
        conditions: { StringEquals: { 'aws:ResourceOrgID': config.organization.id } },
      }),
    );
    this.scanner.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ReadBaselineKey', actions: ['secretsmanager:GetSecretValue'], resources: [props.baselineKey.secretArn] }));
    for (const statement of tableGrantStatements('scanner', props.table.tableArn)) this.scanner.role.addToPrincipalPolicy(statement);
    this.scanner.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'PutFindingsOnTheWardenBus', actions: ['events:PutEvents'], resources: [props.bus.eventBusArn] }));

    const scanOne = new tasks.LambdaInvoke(this, 'ScanAccountRegion', {
      lambdaFunction: this.scanner.fn,
      // The item (`{ account, region }`) is the payload; the scanner's summary is the result.
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
    });
    scanOne.addRetry({ errors: ['States.TaskFailed', 'States.Timeout'], interval: Duration.minutes(1), maxAttempts: 2, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL });
    const fanOut = new sfn.DistributedMap(this, 'EachAccountRegion', {
      itemsPath: sfn.JsonPath.stringAt('$.items'),
      maxConcurrency,
      // One failing account × region must not stop the others: every item is tried; failures are alarmed below.
      toleratedFailurePercentage: 100,
      resultPath: sfn.JsonPath.DISCARD,
    });
    fanOut.itemProcessor(scanOne);
    const logGroup = new logs.LogGroup(this, 'StateMachineLogs', { retention: retentionDays(config.deployment.logRetentionDays), removalPolicy: RemovalPolicy.RETAIN });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(fanOut),
      timeout: Duration.hours(6),
      tracingEnabled: true,
    });
    this.logStateTransitions(logGroup);

    const scheduleDeadLetters = (this.scheduleDeadLetters = new sqs.Queue(this, 'ScheduleDeadLetters', { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) }));
    // The role the schedule starts the state machine with (the target grants it states:StartExecution on this machine only),
    // assumable by EventBridge for this one rule only. The rule has a fixed name so its ARN can be written here
    // without a reference to it (the rule refers to the role: a reference back would be a cycle).
    const stack = Stack.of(this);
    const ruleName = Names.uniqueResourceName(this, { maxLength: 64, separator: '-' });
    this.scheduleRole = new iam.Role(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnEquals: { 'aws:SourceArn': stack.formatArn({ service: 'events', resource: 'rule', resourceName: ruleName }) },
        },
      }),
      description: 'Lambda Warden: lets the daily schedule start the scan state machine',
    });
    this.rule = new events.Rule(this, 'Schedule', {
      ruleName,
      description: 'Lambda Warden: scan every account and region for existing problems',
      schedule: props.schedule ?? events.Schedule.cron({ minute: '0', hour: '3' }),
      targets: [
        new targets.SfnStateMachine(this.stateMachine, {
          input: events.RuleTargetInput.fromObject({ items: scanItems(config) }),
          role: this.scheduleRole,
          retryAttempts: 2,
          deadLetterQueue: scheduleDeadLetters,
        }),
      ],
    });

    const period = Duration.hours(1);
    const alarm = (id: string, metric: cloudwatch.IMetric, alarmDescription: string): void => {
      new cloudwatch.Alarm(this, id, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription,
      });
    };
    alarm('ScanFailed', this.stateMachine.metricFailed({ period }), 'Lambda Warden: the scheduled scan did not finish');
    alarm('ScannerErrors', this.scanner.fn.metricErrors({ period }), 'Lambda Warden: the scheduled scan of an account × region failed (see the state machine run)');
    // A throttled item is not an error of the function, and the map tolerates failed items: alarmed on its own.
    alarm('ScannerThrottles', this.scanner.fn.metricThrottles({ period }), 'Lambda Warden: the scanner was throttled (an account × region may not have been scanned)');
    alarm('ScannerDeadLetters', this.scanner.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period }), 'Lambda Warden: the scanner has events in its dead-letter queue');
    // A schedule that could not start the state machine leaves no failed execution: only its dead-letter queue shows it.
    alarm('ScheduleUndelivered', scheduleDeadLetters.metricApproximateNumberOfMessagesVisible({ period }), 'Lambda Warden: the daily scan could not be started (see the schedule\'s dead-letter queue)');
    this.suppressNagFindings([this.scanner.deadLetterQueue, scheduleDeadLetters], config.auditRoleName);
  }

  /**
   * Every state transition to the log group, without the execution data (items and summaries stay out of
   * the logs). Step Functions delivers through CloudWatch Logs' log delivery, whose actions support no
   * resource-level permission (`Resource: "*"` is the only form IAM accepts). The log group's resource
   * policy for the delivery service is written here, so the role needs no `logs:PutResourcePolicy` (which
   * would let it rewrite any resource policy of the account's logs): it keeps only the delivery actions and
   * the two reads that find the policy.
   */
  private logStateTransitions(logGroup: logs.LogGroup): void {
    const stack = Stack.of(this);
    const delivery = logGroup.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'StepFunctionsLogDelivery',
        principals: [new iam.ServicePrincipal('delivery.logs.amazonaws.com')],
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`${logGroup.logGroupArn}:log-stream:*`],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account }, ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'logs', resource: '*', arnFormat: ArnFormat.NO_RESOURCE_NAME }) } },
      }),
    );
    this.stateMachine.addToRolePolicy(new iam.PolicyStatement({ sid: 'StepFunctionsLogDelivery', actions: [...STATE_MACHINE_LOG_DELIVERY_ACTIONS], resources: ['*'] }));
    const cfn = this.stateMachine.node.defaultChild as sfn.CfnStateMachine;
    cfn.loggingConfiguration = { destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: logGroup.logGroupArn } }], level: sfn.LogLevel.ALL, includeExecutionData: false };
    if (delivery.policyDependable !== undefined) cfn.node.addDependency(delivery.policyDependable);
  }

  /** cdk-nag findings accepted on purpose, each on its resource (and wildcard), with its reason. */
  private suppressNagFindings(deadLetterQueues: readonly sqs.Queue[], roleName: string): void {
    const dlq = 'This queue is a dead-letter queue itself (kept 14 days, and alarmed on when it holds a message); a DLQ of a DLQ adds nothing.';
    for (const queue of deadLetterQueues) {
      NagSuppressions.addResourceSuppressions(queue, [
        { id: 'Serverless-SQSRedrivePolicy', reason: dlq },
        { id: 'AwsSolutions-SQS3', reason: dlq },
      ]);
    }
    NagSuppressions.addResourceSuppressions(
      this.scanner.role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'X-Ray PutTraceSegments/PutTelemetryRecords take no resource ("*"); sts:AssumeRole targets the read-only audit role name in every organization account, limited by aws:ResourceOrgID.',
          appliesTo: ['Resource::*', `Resource::arn:<AWS::Partition>:iam::*:role/${roleName}`],
        },
      ],
      true,
    );
    NagSuppressions.addResourceSuppressions(
      this.stateMachine,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'Invoking any version of the scanner (<arn>:*, generated by Step Functions); X-Ray and the CloudWatch Logs log-delivery actions (logs:CreateLogDelivery, Get/Update/Delete/ListLogDeliveries, DescribeResourcePolicies, DescribeLogGroups) support no resource-level permission, so IAM accepts only "*" (logs:PutResourcePolicy is not granted: the log group\'s resource policy is in the stack); and the distributed map managing its own child executions.',
          appliesTo: ['Resource::*', { regex: '/^Resource::<[A-Za-z0-9]*ScannerFunction[0-9A-F]*\\.Arn>:\\*$/g' }, { regex: '/^Resource::arn:<AWS::Partition>:states:.*:execution:.*$/g' }],
        },
      ],
      true,
    );
  }
}
