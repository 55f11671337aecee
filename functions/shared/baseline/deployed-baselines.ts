/**
 * The deployed last-known-good baselines, shared by the responder and the scheduled scanner: the
 * state table holds them, sealed with an integrity tag under a sub-key of the HMAC key kept in
 * Secrets Manager (read once per container; the SDK is loaded on first use), which also keys the
 * hashes of variable values in function baselines.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clientConfig } from '../aws/clients';
import type { WardenConfig } from '../config/config';
import { baselineKeeperByKind, type BaselineKeeper } from './baseline-keeper';
import { baselineKeyFromSecret } from './baseline-key';
import { DynamoDbBaselineStore } from './dynamodb-baseline-store';
import { FunctionBaselineKeeper } from './function-baseline';
import { RoleBaselineKeeper } from './role-baseline';
import { loadSecretsManager } from '../aws/sdk-module';

export interface DeployedBaselinesOptions {
  readonly config: WardenConfig;
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly region: string;
  /** `WARDEN_BASELINE_KEY_SECRET_ARN`. */
  readonly keySecretArn: string;
  /** Wraps each AWS client the keeper creates (tracing). */
  readonly own: <C extends object>(client: C) => C;
}

/** Function and role baseline keepers on the state table. */
export function deployedBaselines(options: DeployedBaselinesOptions): BaselineKeeper {
  const store = new DynamoDbBaselineStore(options.documents, options.tableName);
  const key = baselineKeyFromSecret({
    secretArn: options.keySecretArn,
    client: async () => options.own(new (await loadSecretsManager()).SecretsManagerClient(clientConfig(options.region))),
  });
  return baselineKeeperByKind({
    'lambda-function': new FunctionBaselineKeeper({ store, key }),
    'iam-role': new RoleBaselineKeeper({ store, config: options.config, key }),
  });
}
