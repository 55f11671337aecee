import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main, type Io } from '../../cli/main';
import { ORG_ID } from '../fixtures/accounts';

const ACCOUNTS = Array.from({ length: 40 }, (_, i) => String(100000000000 + i));
const NO_CREDENTIALS = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
const NO_NETWORK = Object.assign(new Error('getaddrinfo ENOTFOUND sts.us-east-1.amazonaws.com'), { code: 'ENOTFOUND' });

describe('warden scan without usable credentials', () => {
  let sts: ReturnType<typeof mockClient>;
  let organizations: ReturnType<typeof mockClient>;
  let dir: string;
  let config: string;

  beforeEach(async () => {
    sts = mockClient(STSClient);
    organizations = mockClient(OrganizationsClient);
    dir = await mkdtemp(join(tmpdir(), 'warden-scan-credentials-'));
    config = join(dir, 'warden.config.json');
    await writeFile(config, JSON.stringify({ organization: { id: ORG_ID, accounts: ACCOUNTS } }));
  });
  afterEach(async () => {
    sts.restore();
    organizations.restore();
    await rm(dir, { recursive: true });
  });

  async function run(argv: readonly string[]): Promise<{ status: number; out: string[]; err: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    const io: Io = { out: (line) => out.push(line), err: (line) => err.push(line) };
    return { status: await main(argv, io), out, err };
  }

  it.each([[[]], [['--accounts', ACCOUNTS.join(',')]]])('says once how to fix missing credentials, with the underlying error, and touches no account (%j)', async (extra) => {
    sts.on(GetCallerIdentityCommand).rejects(NO_CREDENTIALS);
    const { status, out, err } = await run(['scan', '--config', config, ...extra]);
    expect(status).toBe(78);
    expect(out).toEqual([]);
    expect(err).toEqual([
      'warden: no usable AWS credentials (CredentialsProviderError: Could not load credentials from any providers). Give the scan AWS credentials for the management or delegated administrator account: set AWS_PROFILE=<profile> (for IAM Identity Center run `aws sso login --profile <profile>` first), or export AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN; `aws sts get-caller-identity` shows whether they work.',
    ]);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
    expect(organizations.commandCalls(ListAccountsCommand)).toHaveLength(0);
  });

  it('without network prints the error name, code and message once', async () => {
    sts.on(GetCallerIdentityCommand).rejects(NO_NETWORK);
    const { status, err } = await run(['scan', '--config', config, '--accounts', ACCOUNTS.join(',')]);
    expect(status).toBe(78);
    expect(err).toEqual([
      'warden: cannot reach AWS STS to check the credentials (Error (ENOTFOUND): getaddrinfo ENOTFOUND sts.us-east-1.amazonaws.com); check the network, proxy (HTTPS_PROXY) and AWS_REGION',
    ]);
  });

  it('names the underlying ListAccounts error and the way out when the organization cannot be listed', async () => {
    await writeFile(config, JSON.stringify({ organization: { id: ORG_ID } }));
    organizations.on(ListAccountsCommand).rejects(Object.assign(new Error('You don\'t have permissions to access this resource.'), { name: 'AccessDeniedException' }));
    const { status, err } = await run(['scan', '--config', config]);
    expect(status).toBe(78);
    expect(err).toEqual([
      'warden: organizations:ListAccounts failed (AccessDeniedException: You don\'t have permissions to access this resource.). Run the scan with credentials of the management or delegated administrator account, or give --accounts (or organization.accounts in the configuration)',
    ]);
  });

  it('prints the same failure in many accounts once, with the count', async () => {
    sts.on(AssumeRoleCommand).rejects(Object.assign(new Error('User is not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied' }));
    const { status, out } = await run(['scan', '--config', config, '--accounts', ACCOUNTS.join(','), '--regions', 'us-east-1']);
    expect(status).toBe(4);
    const errors = out.join('\n').split('\n').filter((line) => line.startsWith('  ! '));
    expect(errors).toEqual([
      `  ! 40 accounts (${ACCOUNTS.slice(0, 3).join(', ')} and 37 more): unreachable: AssumeRoleError: AssumeRole arn:aws:iam::<account>:role/WardenAuditor failed: AccessDenied`,
    ]);
    expect(out.join('\n')).toContain('40 error(s): the scan is incomplete');
  });
});
