/** Wires the deployed heartbeat function from its environment: the heartbeat items of the state table, the Warden bus. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clientConfig } from '../aws/clients';
import { parseConfigJson } from '../config/config';
import type { HeartbeatEnv } from '../env';
import { tracer } from '../observability';
import { EventBridgeSink } from '../bus/warden-events';
import { DynamoDbHeartbeatStore } from './dynamodb-heartbeat-store';
import { checkHeartbeats, classifyHeartbeatInput, recordHeartbeat, type BeatOutcome, type CheckResult } from './heartbeat';

export type HeartbeatResult = { readonly kind: 'check'; readonly result: CheckResult } | { readonly kind: 'beat'; readonly outcome: BeatOutcome };

/** Handles one invocation: a forwarded heartbeat (one write) or a scheduled check. */
export type DeployedHeartbeat = (input: unknown) => Promise<HeartbeatResult>;

/** Builds what the Lambda handler runs (once per container). */
export function createDeployedHeartbeat(env: HeartbeatEnv, now: () => Date = () => new Date()): DeployedHeartbeat {
  const config = parseConfigJson(env.configJson, 'WARDEN_CONFIG');
  const own = <C extends object>(client: C): C => tracer.captureAWSv3Client(client);
  const store = new DynamoDbHeartbeatStore(DynamoDBDocumentClient.from(own(new DynamoDBClient(clientConfig(env.region)))), env.tableName);
  const sink = new EventBridgeSink(own(new EventBridgeClient(clientConfig(env.region))), env.eventBusName);
  return async (input) => {
    const classified = classifyHeartbeatInput(input);
    if (classified.kind === 'check') return { kind: 'check', result: await checkHeartbeats({ config, store, sink, now: now() }) };
    return { kind: 'beat', outcome: await recordHeartbeat(classified.event, { config, store, now: now() }) };
  };
}
