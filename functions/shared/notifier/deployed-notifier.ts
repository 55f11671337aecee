/** Wires the deployed notifier from its environment: DynamoDB store, SNS topic, Slack client (token from Secrets Manager). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseConfigJson } from '../config/config';
import type { NotifierEnv } from '../env';
import { powertoolsTelemetry, tracer } from '../observability';
import { createSlackClient, parseSlackApiUrl } from '../slack/slack-client';
import { DynamoDbStateStore } from '../store/dynamodb-state-store';
import { notifierView } from '../store/state-store';
import { Notifier } from './notifier';

/** Few attempts: a failed invocation is retried by EventBridge, then lands in the dead-letter queue. */
const clientConfig = (region: string) => ({ region, maxAttempts: 3 });

/** Builds the notifier the Lambda handler runs (once per container); the Slack token is read on first use. */
export function createDeployedNotifier(env: NotifierEnv): Notifier {
  const config = parseConfigJson(env.configJson, 'WARDEN_CONFIG');
  const slackApiUrl = env.slackApiUrl === undefined ? undefined : parseSlackApiUrl(env.slackApiUrl);
  const own = <C extends object>(client: C): C => tracer.captureAWSv3Client(client);
  const store = notifierView(
    new DynamoDbStateStore(DynamoDBDocumentClient.from(own(new DynamoDBClient(clientConfig(env.region))), { marshallOptions: { removeUndefinedValues: true } }), env.tableName),
  );
  const secrets = own(new SecretsManagerClient(clientConfig(env.region)));
  return new Notifier({
    config,
    store,
    slack: () => createSlackClient({ secrets, tokenSecretArn: env.slackTokenSecretArn, ...(slackApiUrl === undefined ? {} : { slackApiUrl }) }),
    sns: { client: own(new SNSClient(clientConfig(env.region))), topicArn: env.topicArn },
    telemetry: powertoolsTelemetry,
  });
}
