/**
 * Wires the deployed scheduled scanner from its environment: STS (the audit role), per-account clients, DynamoDB store,
 * the deployed baselines (refreshed for every compliant resource the scan judges), EventBridge sink.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RULES } from '../../../rules';
import { clientConfig } from '../aws/clients';
import type { BaselineKeeper } from '../baseline/baseline-keeper';
import { deployedBaselines } from '../baseline/deployed-baselines';
import { CrossAccountCredentials } from '../aws/credentials';
import { parseConfigJson } from '../config/config';
import { withCentralStack } from '../self/central-resources';
import type { ScannerEnv } from '../env';
import { powertoolsTelemetry, tracer } from '../observability';
import { EventBridgeSink } from '../bus/warden-events';
import { DynamoDbStateStore } from '../store/dynamodb-state-store';
import { scannerView } from '../store/state-store';
import { scanClients } from './scan-clients';
import { Scanner } from './scanner';
import { runScheduledScan, type ScheduledScanResult } from './scheduled-scan';

/** Scans one fan-out item (`{ account, region }`) and reports its new findings. */
export type DeployedScan = (item: unknown) => Promise<ScheduledScanResult>;

/**
 * Builds the scan the Lambda handler runs (once per container). The scan refreshes the
 * last-known-good baselines of every compliant resource it judges (`baselines` replaces the
 * deployed keepers).
 */
export function createDeployedScan(env: ScannerEnv, options: { readonly baselines?: BaselineKeeper } = {}): DeployedScan {
  const config = withCentralStack(parseConfigJson(env.configJson, 'WARDEN_CONFIG'), { securityAccount: env.securityAccount, stackName: env.centralStackName });
  const own = <C extends object>(client: C): C => tracer.captureAWSv3Client(client);
  const credentials = new CrossAccountCredentials({ sts: own(new STSClient(clientConfig(env.region))), config, roleName: config.auditRoleName });
  const documents = DynamoDBDocumentClient.from(own(new DynamoDBClient(clientConfig(env.region))), { marshallOptions: { removeUndefinedValues: true } });
  const scanner = new Scanner({
    rules: RULES,
    config,
    clients: scanClients(credentials, (client) => tracer.captureAWSv3Client(client)),
    baselines: options.baselines ?? deployedBaselines({ config, documents, tableName: env.tableName, region: env.region, keySecretArn: env.baselineKeySecretArn, own }),
  });
  const store = scannerView(new DynamoDbStateStore(documents, env.tableName));
  const sink = new EventBridgeSink(own(new EventBridgeClient(clientConfig(env.region))), env.eventBusName);
  return (item) => runScheduledScan(item, { scanner, store, sink, config, telemetry: powertoolsTelemetry });
}
