/**
 * The deployed last-known-good baselines, shared by the responder and the scheduled scanner: the
 * state table holds them, and function baselines hash variable values with the HMAC key kept in
 * Secrets Manager (read once per container; the SDK is loaded on first use).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clientConfig } from '../aws/clients';
import type { WardenConfig } from '../config/config';
import { baselineKeeperByKind, type BaselineKeeper } from './baseline-keeper';
import { baselineKeyFromSecret } from './baseline-key';
import { DynamoDbBaselineStore } from './dynamodb-baseline-store';
import { FunctionBaselineKeeper } from './function-baseline';
import { RoleBaselineKeeper } from './role-baseline';

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
  return baselineKeeperByKind({
    'lambda-function': new FunctionBaselineKeeper({
      store,
      key: baselineKeyFromSecret({
        secretArn: options.keySecretArn,
        client: async () => options.own(new (await import('@aws-sdk/client-secrets-manager')).SecretsManagerClient(clientConfig(options.region))),
      }),
    }),
    'iam-role': new RoleBaselineKeeper({ store, config: options.config }),
  });
}
