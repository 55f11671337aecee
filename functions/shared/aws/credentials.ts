/**
 * Cross-account access: assumes the remediator role in the target account with STS, the session
 * named after the finding and marked with the bot's source identity, caches credentials per account until shortly before they expire, and
 * refuses any account that is not in the configured organization.
 */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { WardenConfig } from '../config/config';
import { WardenError } from '../errors';
import { partitionOf } from '../state/resources';
import { WARDEN_SOURCE_IDENTITY } from '../self/own-sessions';

/** The bot was asked to act on, or read, an account outside its organization. */
export class AccountNotInOrganizationError extends WardenError {
  constructor(readonly account: string) {
    super(`Account ${account} is not in the organization's account list: refusing to assume a role there`);
  }
}

/** AssumeRole failed or returned no credentials. */
export class AssumeRoleError extends WardenError {}

/** Credentials are refreshed this long before they expire. */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** `arn:<partition>:iam::<account>:role/<name>`. */
export function remediatorRoleArn(partition: string, account: string, roleName: string): string {
  return `arn:${partition}:iam::${account}:role/${roleName}`;
}

/**
 * A valid `RoleSessionName` (`[\w+=,.@-]`, 2–64 characters): `warden-<finding id>` for a
 * remediation, so CloudTrail ties each change to its finding; `warden-read` for state reads.
 */
export function roleSessionName(findingId: string | undefined): string {
  const safe = (findingId ?? 'read').replace(/[^\w+=,.@-]/g, '-');
  return `warden-${safe}`.slice(0, 64);
}

export interface CrossAccountCredentialsOptions {
  readonly sts: STSClient;
  readonly config: WardenConfig;
  readonly now?: () => Date;
  readonly durationSeconds?: number;
  /**
   * true (default): each remediation gets its own session `warden-<finding id>`, so CloudTrail in the
   * member account ties every change to its finding (one AssumeRole per remediation; reads share the
   * cached `warden-read` session). false: one cached session per account for everything.
   */
  readonly sessionPerFinding?: boolean;
  /** The role to assume (default `config.remediatorRoleName`; scans pass `config.auditRoleName`). */
  readonly roleName?: string;
}

/** The source identity set when assuming a role: {@link WARDEN_SOURCE_IDENTITY} for the remediator role, none for any other (the audit role's trust does not allow it). */
function sourceIdentityFor(roleName: string, config: WardenConfig): string | undefined {
  return roleName === config.remediatorRoleName ? WARDEN_SOURCE_IDENTITY : undefined;
}

/**
 * @example
 * const credentials = new CrossAccountCredentials({ sts: new STSClient({ region }), config });
 * const lambda = new LambdaClient({ region, credentials: credentials.provider('111122223333', region, finding.id) });
 */
export class CrossAccountCredentials {
  /** Per account and session name: the AssumeRole call, and its expiry once it has answered. */
  private readonly cache = new Map<string, { readonly pending: Promise<AwsCredentialIdentity>; expiresAt?: number }>();
  private readonly now: () => Date;

  constructor(private readonly options: CrossAccountCredentialsOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Throws `AccountNotInOrganizationError` unless the account is in `config.organization.accounts`. */
  assertInOrganization(account: string): void {
    if (!this.options.config.organization.accounts.includes(account)) throw new AccountNotInOrganizationError(account);
  }

  /**
   * Credentials of the remediator role (or `roleName`) in the account, cached per account and session name until
   * 5 minutes before they expire; concurrent callers share one AssumeRole.
   * @throws AccountNotInOrganizationError before any call for an account outside the organization.
   */
  forAccount(account: string, region: string, findingId?: string): Promise<AwsCredentialIdentity> {
    if (!this.options.config.organization.accounts.includes(account)) return Promise.reject(new AccountNotInOrganizationError(account));
    const partition = partitionOf(region);
    const perFinding = this.options.sessionPerFinding ?? true;
    const key = perFinding ? `${partition}:${account}:${roleSessionName(findingId)}` : `${partition}:${account}`;
    const now = this.now().getTime();
    for (const [k, entry] of this.cache) if (entry.expiresAt !== undefined && entry.expiresAt - REFRESH_MARGIN_MS <= now) this.cache.delete(k);
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached.pending;
    const entry: { pending: Promise<AwsCredentialIdentity>; expiresAt?: number } = { pending: this.assume(partition, account, findingId) };
    this.cache.set(key, entry);
    entry.pending.then(
      (c) => {
        entry.expiresAt = c.expiration?.getTime() ?? Number.POSITIVE_INFINITY;
      },
      () => {
        if (this.cache.get(key) === entry) this.cache.delete(key);
      },
    );
    return entry.pending;
  }

  /** An SDK credential provider for the account (clients get only `region` and `credentials`). */
  provider(account: string, region: string, findingId?: string): AwsCredentialIdentityProvider {
    return () => this.forAccount(account, region, findingId);
  }

  private async assume(partition: string, account: string, findingId: string | undefined): Promise<AwsCredentialIdentity> {
    const roleName = this.options.roleName ?? this.options.config.remediatorRoleName;
    const roleArn = remediatorRoleArn(partition, account, roleName);
    const sourceIdentity = sourceIdentityFor(roleName, this.options.config);
    let out;
    try {
      out = await this.options.sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: roleSessionName(findingId),
          DurationSeconds: this.options.durationSeconds ?? 3600,
          ...(sourceIdentity === undefined ? {} : { SourceIdentity: sourceIdentity }),
        }),
      );
    } catch (e: unknown) {
      throw new AssumeRoleError(`AssumeRole ${roleArn} failed: ${e instanceof Error ? e.name : 'unknown error'}`, { cause: e });
    }
    const c = out.Credentials;
    if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined) throw new AssumeRoleError(`AssumeRole ${roleArn} returned no credentials`);
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration, accountId: account };
  }
}
