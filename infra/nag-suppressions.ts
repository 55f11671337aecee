/** cdk-nag findings accepted on purpose, each with its reason. */
import type { Stack } from 'aws-cdk-lib';
import { NagSuppressions } from 'cdk-nag';

export function applyNagSuppressions(stack: Stack): void {
  NagSuppressions.addStackSuppressions(stack, [
    {
      id: 'AwsSolutions-IAM5',
      reason:
        'X-Ray PutTraceSegments/PutTelemetryRecords take no resource; the remediator acts on any function, layer or role of its own account (Resource is scoped to the account and service); sts:AssumeRole targets the remediator role name in every organization account, limited by aws:ResourceOrgID.',
    },
    { id: 'AwsSolutions-SMG4', reason: 'The Slack bot token and signing secret are issued by Slack and rotated there; Secrets Manager cannot rotate them.' },
    { id: 'AwsSolutions-SQS3', reason: 'These queues are the dead-letter queues of the functions and rules; a DLQ of a DLQ adds nothing.' },
    { id: 'Serverless-SQSRedrivePolicy', reason: 'These queues are dead-letter queues themselves; nothing consumes them to redrive from.' },
  ]);
}
