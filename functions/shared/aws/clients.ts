/**
 * SDK clients per target account and region, on the remediator role's credentials: only `region`
 * and `credentials` are set (plus retries), so `AWS_ENDPOINT_URL` and the rest of the standard
 * configuration keep working. Throttling is retried by the SDK (adaptive mode).
 */
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { roleSessionName, type CrossAccountCredentials } from './credentials';

/** Attempts per call (the first and retries), with the SDK's adaptive retry mode. */
export const MAX_ATTEMPTS = 5;

export interface BaseClientConfig {
  readonly region: string;
  readonly credentials?: AwsCredentialIdentityProvider;
  readonly maxAttempts: number;
  readonly retryMode: 'adaptive';
}

/** The configuration every client gets. */
export function clientConfig(region: string, credentials?: AwsCredentialIdentityProvider): BaseClientConfig {
  return { region, ...(credentials === undefined ? {} : { credentials }), maxAttempts: MAX_ATTEMPTS, retryMode: 'adaptive' };
}

type ClientClass<C> = new (config: BaseClientConfig) => C;

export interface AccountClientsOptions {
  readonly credentials: CrossAccountCredentials;
  /** Called on each new client (tracing: `tracer.captureAWSv3Client`; tests: middleware). */
  readonly onClient?: (client: object) => void;
}

/**
 * @example
 * const clients = new AccountClients({ credentials });
 * const lambda = await clients.client(LambdaClient, '111122223333', 'eu-west-1', finding.id);
 */
export class AccountClients {
  private readonly clients = new Map<string, object>();

  constructor(private readonly options: AccountClientsOptions) {}

  /**
   * A client of the given class for the account and region, on the remediator role's session for
   * the finding (or the shared read session). Credentials are fetched first, so a refused account
   * or a failed AssumeRole surfaces here as a typed error, before any call.
   * @throws AccountNotInOrganizationError for an account outside the organization.
   * @throws AssumeRoleError when the role cannot be assumed.
   */
  async client<C extends object>(Client: ClientClass<C>, account: string, region: string, findingId?: string): Promise<C> {
    await this.options.credentials.forAccount(account, region, findingId);
    const key = `${Client.name}/${account}/${region}/${roleSessionName(findingId)}`;
    let client = this.clients.get(key) as C | undefined;
    if (client === undefined) {
      client = new Client(clientConfig(region, this.options.credentials.provider(account, region, findingId)));
      this.options.onClient?.(client);
      this.clients.set(key, client);
    }
    return client;
  }
}
