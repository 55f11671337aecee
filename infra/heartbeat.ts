/**
 * The central half of the heartbeat: a function that records each member heartbeat arriving on the
 * Warden bus (one conditional write, its own partition key of the state table) and, every
 * `heartbeat.rateMinutes`, checks each configured account × region for silence longer than
 * `heartbeat.silenceMinutes` (critical "Warden Alert"s on the bus). The member half is the
 * `warden-forward-heartbeat` scheduled rule of the member stack.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { WardenConfig } from '../functions/shared/config/config';
import { tableGrantStatements } from './table-grants';
import { HEARTBEAT_CHECK_INPUT } from '../functions/shared/heartbeat/heartbeat';
import { HEARTBEAT_RULE_NAME } from '../functions/shared/self/member-resources';
import { WardenFunction } from './warden-function';


/** The EventBridge detail-type and source of a scheduled rule's events (the heartbeats). */
export const HEARTBEAT_DETAIL_TYPE = 'Scheduled Event';
export const HEARTBEAT_SOURCE = 'aws.events';

export interface HeartbeatProps {
  readonly config: WardenConfig;
  /** The Warden bus: heartbeats arrive there, alerts go there. */
  readonly bus: events.IEventBus;
  readonly table: dynamodb.ITable;
}

export class Heartbeat extends Construct {
  readonly fn: WardenFunction;
  /** Forwarded heartbeats (Warden bus) → the function. */
  readonly beats: events.Rule;
  /** The check's schedule (default bus: nothing put on the Warden bus can start a check). */
  readonly check: events.Rule;

  constructor(scope: Construct, id: string, props: HeartbeatProps) {
    super(scope, id);
    const { config, bus, table } = props;
    this.fn = new WardenFunction(this, 'Heartbeat', {
      name: 'heartbeat',
      logRetentionDays: config.deployment.logRetentionDays,
      timeout: Duration.seconds(60),
      reservedConcurrency: 5,
      environment: {
        WARDEN_EVENT_BUS_NAME: bus.eventBusName,
        WARDEN_TABLE_NAME: table.tableName,
        WARDEN_CONFIG: JSON.stringify(config),
      },
    });
    // Only its own items: the partition key HEARTBEAT (TABLE_ACCESS.heartbeat; no other function's role may touch it).
    for (const statement of tableGrantStatements('heartbeat', table.tableArn)) this.fn.role.addToPrincipalPolicy(statement);
    this.fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'PutWardenAlerts', actions: ['events:PutEvents'], resources: [bus.eventBusArn] }));

    const target = (input?: events.RuleTargetInput): targets.LambdaFunction =>
      new targets.LambdaFunction(this.fn.fn, { deadLetterQueue: this.fn.deadLetterQueue, retryAttempts: 4, ...(input === undefined ? {} : { event: input }) });
    this.beats = new events.Rule(this, 'Beats', {
      eventBus: bus,
      description: 'Heartbeats of the member accounts × regions (their warden-forward-heartbeat rule)',
      eventPattern: { source: [HEARTBEAT_SOURCE], detailType: [HEARTBEAT_DETAIL_TYPE], resources: events.Match.suffix(`:rule/${HEARTBEAT_RULE_NAME}`) },
      targets: [target()],
    });
    this.check = new events.Rule(this, 'Check', {
      description: `Lambda Warden: report account × region pairs without a heartbeat for ${String(config.heartbeat.silenceMinutes)} minutes`,
      schedule: events.Schedule.rate(Duration.minutes(config.heartbeat.rateMinutes)),
      targets: [target(events.RuleTargetInput.fromObject(HEARTBEAT_CHECK_INPUT))],
    });

    const period = Duration.minutes(15);
    const common = { threshold: 1, evaluationPeriods: 1, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING };
    // The check itself must not fall silent unnoticed.
    new cloudwatch.Alarm(this, 'HeartbeatErrors', { ...common, metric: this.fn.fn.metricErrors({ period }), alarmDescription: 'Lambda Warden: the heartbeat function failed (a check may not have run)' });
    new cloudwatch.Alarm(this, 'HeartbeatThrottles', { ...common, metric: this.fn.fn.metricThrottles({ period }), alarmDescription: 'Lambda Warden: the heartbeat function was throttled (a heartbeat may be late)' });
    new cloudwatch.Alarm(this, 'HeartbeatDeadLetters', {
      ...common,
      metric: this.fn.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period }),
      alarmDescription: 'Lambda Warden: the heartbeat function has events in its dead-letter queue',
    });
    NagSuppressions.addResourceSuppressions(this.fn.deadLetterQueue, [
      { id: 'Serverless-SQSRedrivePolicy', reason: 'This queue is a dead-letter queue itself (kept 14 days, and alarmed on when it holds a message); a DLQ of a DLQ adds nothing.' },
    ]);
    NagSuppressions.addResourceSuppressions(
      this.fn.role,
      [{ id: 'AwsSolutions-IAM5', reason: 'X-Ray PutTraceSegments and PutTelemetryRecords (active tracing) support no resource-level permission: Resource must be "*".', appliesTo: ['Resource::*'] }],
      true,
    );
  }
}
