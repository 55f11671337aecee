/**
 * Wires the deployed responder from its environment: STS, per-account clients, DynamoDB store and
 * baselines (function baselines keyed by the HMAC key in Secrets Manager), EventBridge sink, and the
 * runner of Slack decisions on the same parts.
 */
import { actionClients } from '../aws/action-clients';
import { loadCloudTrail, loadCloudWatchLogs, loadEc2, loadSecretsManager, moduleExports } from '../aws/sdk-module';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { IAMClient } from '@aws-sdk/client-iam';
import { IamStateReader, withRoleReader } from '../aws/iam-state-reader';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RULES } from '../../../rules';
import { AccountClients, clientConfig } from '../aws/clients';
import { CloudTrailStateReader, withTrailReader } from '../aws/cloudtrail-state-reader';
import { Ec2StateReader, withSecurityGroupReader } from '../aws/ec2-state-reader';
import { ApiGatewayStateReader, withApiReader } from '../aws/api-gateway-state-reader';
import { CrossAccountCredentials } from '../aws/credentials';
import { LambdaStateReader } from '../aws/lambda-state-reader';
import { parseConfigJson } from '../config/config';
import { withCentralStack } from '../self/central-resources';
import type { ResponderEnv } from '../env';
import { Executor } from '../executor/executor';
import { tagsFromReader } from '../executor/resource-tags';
import { powertoolsTelemetry, tracer } from '../observability';
import { DynamoDbStateStore } from '../store/dynamodb-state-store';
import { Integrity, integrityKeyFromSecret } from '../store/integrity';
import { responderView } from '../store/state-store';
import { DecisionRunner } from './decision-runner';
import { deployedBaselines } from '../baseline/deployed-baselines';
import { Responder } from './responder';
import { EventBridgeSink } from '../bus/warden-events';

export interface DeployedResponder {
  /** CloudTrail events. */
  readonly responder: Responder;
  /** "Warden Decision" events from the approval endpoint. */
  readonly decisions: DecisionRunner;
}

/** Builds the responder the Lambda handler runs (once per container). */
export function createDeployedResponder(env: ResponderEnv): DeployedResponder {
  const config = withCentralStack(parseConfigJson(env.configJson, 'WARDEN_CONFIG'), { securityAccount: env.securityAccount, stackName: env.centralStackName });
  const own = <C extends object>(client: C): C => tracer.captureAWSv3Client(client);
  const credentials = new CrossAccountCredentials({ sts: own(new STSClient(clientConfig(env.region))), config });
  const clients = new AccountClients({ credentials, onClient: (client) => tracer.captureAWSv3Client(client) });
  const documents = DynamoDBDocumentClient.from(own(new DynamoDBClient(clientConfig(env.region))), { marshallOptions: { removeUndefinedValues: true } });
  // The responder's view: only the methods its role's table grants allow (`TABLE_ACCESS.responder`).
  const store = responderView(new DynamoDbStateStore(documents, env.tableName));
  const roleReader = withRoleReader(
    withTrailReader(
      new LambdaStateReader((account, region) => clients.client(LambdaClient, account, region), { logsFor: async (account, region) => clients.client((await loadCloudWatchLogs()).CloudWatchLogsClient, account, region) }),
      new CloudTrailStateReader(async (account, region) => clients.client((await loadCloudTrail()).CloudTrailClient, account, region)),
    ),
    new IamStateReader((account, region) => clients.client(IAMClient, account, region), {
      lambdaFor: (account, region) => clients.client(LambdaClient, account, region),
      functionRegions: config.deployment.regions,
    }),
  );
  // API Gateway (issue #17): its SDK clients load only when an API event arrives.
  const apiReader = withApiReader(
    roleReader,
    new ApiGatewayStateReader(
      async (account, region) => clients.client(moduleExports(await import('@aws-sdk/client-api-gateway'), 'APIGatewayClient').APIGatewayClient, account, region),
      async (account, region) => clients.client(moduleExports(await import('@aws-sdk/client-apigatewayv2'), 'ApiGatewayV2Client').ApiGatewayV2Client, account, region),
    ),
  );
  // Security group rules (issue #17 rule 5): read only for an EC2 egress record; the EC2 SDK loads then.
  const reader = withSecurityGroupReader(apiReader, new Ec2StateReader(async (account, region) => clients.client((await loadEc2()).EC2Client, account, region), (account, region) => clients.client(LambdaClient, account, region)));
  const baselines = deployedBaselines({ config, documents, tableName: env.tableName, region: env.region, keySecretArn: env.baselineKeySecretArn, own });
  // Integrity keys, each read once per container and only when first needed (the SDK loads then too).
  const secretsClient = async () => own(new (await loadSecretsManager()).SecretsManagerClient(clientConfig(env.region)));
  const integrity = new Integrity({
    record: integrityKeyFromSecret({ secretArn: env.recordKeySecretArn, what: 'record integrity key', client: secretsClient }),
    exemption: integrityKeyFromSecret({ secretArn: env.exemptionKeySecretArn, what: 'exemption integrity key', client: secretsClient }),
  });
  const tagsOf = tagsFromReader(reader);
  const executor = new Executor({
    config,
    store,
    integrity,
    clientsFor: (account, region, findingId) => actionClients(clients, account, region, findingId),
    tagsOf,
    // The finding's session is assumed while its claim and exemption are read (issue #16); `clientsFor` then reuses it.
    prepareSession: (account, region, findingId) => credentials.forAccount(account, region, findingId),
  });
  const sink = new EventBridgeSink(own(new EventBridgeClient(clientConfig(env.region))), env.eventBusName);
  return {
    responder: new Responder({ rules: RULES, config, reader, executor, sink, baselines, telemetry: powertoolsTelemetry, lifecycle: store }),
    decisions: new DecisionRunner({ store, executor, sink, rules: RULES, config, reader, baselines, tagsOf, telemetry: powertoolsTelemetry }),
  };
}
