/**
 * Wires the deployed approval endpoint from its environment: Secrets Manager (token, signing secret),
 * the Slack WebClient (approver groups), the DynamoDB state store and the EventBridge sink. It has
 * no cross-account credentials: the plan runs in the responder.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LogLevel, WebClient } from '@slack/web-api';
import { clientConfig } from '../aws/clients';
import { parseConfigJson } from '../config/config';
import type { ApprovalEnv } from '../env';
import { powertoolsTelemetry, tracer, type Telemetry } from '../observability';
import { EventBridgeSink } from '../bus/warden-events';
import { DynamoDbStateStore } from '../store/dynamodb-state-store';
import { Integrity, integrityKeyFromSecret } from '../store/integrity';
import { approvalView } from '../store/state-store';
import { ApprovalEndpoint } from './approval-endpoint';
import { ApprovalService } from './approval-service';
import { ApproverCheck } from './approvers';
import { ResponseUrlReplier } from './response-url';
import { SecretCache } from './slack-secrets';

export interface ApprovalWiringOverrides {
  /** Tests: a local Slack API server. */
  readonly slackApiUrl?: string;
  /** Tests: a local `response_url` origin. */
  readonly responseUrlOrigins?: readonly string[];
  readonly telemetry?: Telemetry;
  readonly now?: () => Date;
}

/** Builds the endpoint the Lambda handler runs (once per container). */
export function createDeployedApproval(env: ApprovalEnv, overrides: ApprovalWiringOverrides = {}): ApprovalEndpoint {
  const config = parseConfigJson(env.configJson, 'WARDEN_CONFIG');
  const own = <C extends object>(client: C): C => tracer.captureAWSv3Client(client);
  const telemetry = overrides.telemetry ?? powertoolsTelemetry;
  const secrets = new SecretCache(own(new SecretsManagerClient(clientConfig(env.region))));
  let slack: Promise<WebClient> | undefined;
  const slackClient = (): Promise<WebClient> => {
    slack ??= secrets.get(env.slackTokenSecretArn, 'Slack bot token').then(
      (token) =>
        new WebClient(token, {
          // Slack must have its answer within 3 s: one quick retry, never a 429 wait.
          retryConfig: { retries: 1, maxTimeout: 300 },
          timeout: 1200,
          rejectRateLimitedCalls: true,
          logLevel: LogLevel.ERROR,
          ...(overrides.slackApiUrl === undefined ? {} : { slackApiUrl: overrides.slackApiUrl }),
        }),
    );
    slack.catch(() => {
      slack = undefined;
    });
    return slack;
  };
  // The approval endpoint's view (`TABLE_ACCESS.approval`: decisions on records, exemptions) and its one key.
  const store = approvalView(
    new DynamoDbStateStore(DynamoDBDocumentClient.from(own(new DynamoDBClient(clientConfig(env.region))), { marshallOptions: { removeUndefinedValues: true } }), env.tableName),
  );
  const integrity = new Integrity({
    exemption: integrityKeyFromSecret({ secretArn: env.exemptionKeySecretArn, what: 'exemption integrity key', client: () => own(new SecretsManagerClient(clientConfig(env.region))) }),
  });
  const sink = new EventBridgeSink(own(new EventBridgeClient(clientConfig(env.region))), env.eventBusName);
  const now = overrides.now ?? (() => new Date());
  const approvers = new ApproverCheck({ approvers: config.slack.approvers, client: slackClient, now });
  return new ApprovalEndpoint({
    signingSecret: () => secrets.get(env.slackSigningSecretArn, 'Slack signing secret'),
    service: new ApprovalService({ store, approvers, sink, integrity, telemetry, now }),
    replier: new ResponseUrlReplier(overrides.responseUrlOrigins === undefined ? {} : { allowedOrigins: overrides.responseUrlOrigins }),
    telemetry,
    now,
  });
}
