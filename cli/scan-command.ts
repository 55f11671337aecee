/**
 * `warden scan`: with the operator's credentials (standard chain), lists the organization's
 * accounts (or takes `--accounts`), assumes the read-only audit role (or `--role-name`) in each, and judges every function, layer
 * version and execution role in the configured regions. Read-only: it never remediates.
 */
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import * as z from 'zod';
import { clientConfig } from '../functions/shared/aws/clients';
import { CrossAccountCredentials } from '../functions/shared/aws/credentials';
import type { WardenConfig } from '../functions/shared/config/config';
import { WardenError } from '../functions/shared/errors';
import { CallGuard } from '../functions/shared/scan/call-guard';
import { scanClients } from '../functions/shared/scan/scan-clients';
import { SCAN_CALLS } from '../functions/shared/scan/scan-permissions';
import { DEFAULT_CONCURRENCY, Scanner, type ScanProgress, type ScanReport } from '../functions/shared/scan/scanner';
import { iamRegionFor } from '../functions/shared/state/resources';
import { RULES } from '../rules';
import type { AnyRule } from '../rules/rule';
import { loadConfigFile } from './config-file';
import { parseCommandArgs, type CommandSpec } from './help';
import { renderScanText, scanJson, scanSarif } from './scan-output';
import { toolVersion } from './version';

/** An option of `warden scan` is invalid: nothing was called. */
export class InvalidScanOptionError extends WardenError {}

/** The organization's accounts could not be listed and no other list was given. */
export class AccountListError extends WardenError {}

const list = (item: z.ZodString, what: string) =>
  z
    .string()
    .transform((text) => text.split(',').map((s) => s.trim()).filter((s) => s !== ''))
    .pipe(z.array(item).min(1, `${what}: give at least one`));

export const ScanArgsSchema = z.strictObject({
  accounts: list(z.string().regex(/^\d{12}$/, 'must be a 12-digit account id'), '--accounts').optional(),
  regions: list(z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be an AWS region such as "eu-west-1"'), '--regions').optional(),
  'role-name': z.string().regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name').optional(),
  concurrency: z.coerce.number().int().min(1).max(64).optional(),
  json: z.boolean(),
  sarif: z.boolean(),
  plan: z.boolean(),
});
export type ScanArgs = z.infer<typeof ScanArgsSchema>;

/** Validates the parsed options. @throws InvalidScanOptionError naming the option. */
export function parseScanArgs(values: Readonly<Record<string, unknown>>): ScanArgs {
  const parsed = ScanArgsSchema.safeParse(values);
  if (parsed.success) {
    if (parsed.data.json && parsed.data.sarif) throw new InvalidScanOptionError('--json and --sarif: choose one');
    return parsed.data;
  }
  const issue = parsed.error.issues[0];
  throw new InvalidScanOptionError(`--${String(issue?.path[0] ?? 'option')}: ${issue?.message ?? 'invalid'}`);
}

/** The operator's AWS credentials are missing, expired or rejected, or AWS cannot be reached: nothing was scanned. */
export class ScanCredentialsError extends WardenError {}

/** Errors that mean "your credentials", not "this account": the fix is the same for every account. */
const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError',
  'TokenProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'InvalidToken',
]);

/** The underlying error as people need it: its name, its code when it has one (network errors), its message. */
export function describeError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const code = 'code' in e && typeof e.code === 'string' && e.code !== e.name ? ` (${e.code})` : '';
  return `${e.name}${code}: ${e.message === '' ? '(no message)' : e.message}`;
}

export const CREDENTIALS_HINT =
  'Give the scan AWS credentials for the management or delegated administrator account: set AWS_PROFILE=<profile> ' +
  '(for IAM Identity Center run `aws sso login --profile <profile>` first), or export AWS_ACCESS_KEY_ID, ' +
  'AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN; `aws sts get-caller-identity` shows whether they work.';

/**
 * Checks the operator's credentials once, before any account is touched (sts:GetCallerIdentity needs no permission),
 * so missing credentials or no network are said once, not once per account.
 * @throws ScanCredentialsError with the fix and the underlying error.
 */
export async function checkCallerIdentity(sts: STSClient): Promise<void> {
  try {
    await sts.send(new GetCallerIdentityCommand({}));
  } catch (e: unknown) {
    const name = e instanceof Error ? e.name : '';
    if (CREDENTIAL_ERRORS.has(name)) throw new ScanCredentialsError(`no usable AWS credentials (${describeError(e)}). ${CREDENTIALS_HINT}`, { cause: e });
    throw new ScanCredentialsError(`cannot reach AWS STS to check the credentials (${describeError(e)}); check the network, proxy (HTTPS_PROXY) and AWS_REGION`, { cause: e });
  }
}

/** The organization's active accounts (`organizations:ListAccounts`, every page). */
export async function organizationAccounts(client: OrganizationsClient): Promise<string[]> {
  const accounts: string[] = [];
  let token: string | undefined;
  do {
    const out = await client.send(new ListAccountsCommand({ NextToken: token }));
    for (const a of out.Accounts ?? []) {
      const active = a.State === undefined ? a.Status === 'ACTIVE' : a.State === 'ACTIVE';
      if (a.Id !== undefined && active) accounts.push(a.Id);
    }
    token = out.NextToken;
  } while (token !== undefined && token !== '');
  return accounts;
}

export interface ScanIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Rewrites one status line (a terminal); absent when not a TTY or in CI. */
  readonly progress?: (line: string) => void;
}

function progressLine(p: ScanProgress): string {
  return `scanning: ${String(p.targetsDone)}/${String(p.targetsTotal)} account × region done, ${String(p.functionsDone)}/${String(p.functionsListed)} functions`;
}

/** 0: complete, nothing found; 1: findings; 4: incomplete (an account, region or resource could not be read). */
export function scanExitCode(report: ScanReport): number {
  if (report.errors.length > 0) return 4;
  return report.findings.length > 0 ? 1 : 0;
}

/**
 * @example
 * const status = await runScan(parseScanArgs({ json: false, sarif: true, plan: false, regions: 'eu-west-1' }), config, RULES, io);
 */
export async function runScan(args: ScanArgs, config: WardenConfig, rules: readonly AnyRule[], io: ScanIo): Promise<number> {
  const regions = args.regions ?? config.deployment.regions;
  const home = iamRegionFor(regions[0] ?? config.deployment.homeRegion);
  const sts = new STSClient(clientConfig(home));
  await checkCallerIdentity(sts);
  let accounts = args.accounts;
  if (accounts === undefined) {
    try {
      accounts = await organizationAccounts(new OrganizationsClient(clientConfig(home)));
    } catch (e: unknown) {
      const why = describeError(e);
      if (config.organization.accounts.length === 0) {
        throw new AccountListError(
          `organizations:ListAccounts failed (${why}). Run the scan with credentials of the management or delegated administrator account, or give --accounts (or organization.accounts in the configuration)`,
          { cause: e },
        );
      }
      io.err(`warden scan: organizations:ListAccounts failed (${why}); scanning the configuration's organization.accounts`);
      accounts = [...config.organization.accounts];
    }
  }
  if (accounts.length === 0) throw new AccountListError('no account to scan');
  const roleName = args['role-name'] ?? config.auditRoleName;
  // The scan may read exactly the accounts it was given, with the role it was told to assume (default: the read-only audit role).
  const credentialConfig: WardenConfig = { ...config, organization: { ...config.organization, accounts } };
  const credentials = new CrossAccountCredentials({ sts, config: credentialConfig, roleName });
  const scanner = new Scanner({
    rules,
    config,
    clients: scanClients(credentials),
    guard: new CallGuard({ allowedApis: SCAN_CALLS }),
    ...(args.concurrency === undefined ? {} : { concurrency: { accounts: args.concurrency, lambdaPerRegion: DEFAULT_CONCURRENCY.lambdaPerRegion } }),
    ...(io.progress === undefined ? {} : { onProgress: (p: ScanProgress) => io.progress?.(progressLine(p)) }),
  });
  const report = await scanner.scan(accounts.map((account) => ({ account, regions })));
  io.progress?.('');
  if (args.sarif) io.out(JSON.stringify(scanSarif(report, rules, toolVersion()), null, 2));
  else if (args.json) io.out(JSON.stringify(scanJson(report, { plan: args.plan }), null, 2));
  else io.out(renderScanText(report, { plan: args.plan }));
  return scanExitCode(report);
}

/** `warden scan` as a command: parses its options, reads the configuration, runs the scan. */
export async function scanCommand(spec: CommandSpec, args: readonly string[], io: ScanIo): Promise<number> {
  const { values } = parseCommandArgs(spec, args);
  const { config: file, ...options } = values;
  return runScan(parseScanArgs(options), await loadConfigFile(typeof file === 'string' ? file : undefined), RULES, io);
}
