import { AssumeRoleCommand, STSClient, type ServiceInputTypes, type ServiceOutputTypes, type STSClientResolvedConfig } from '@aws-sdk/client-sts';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountNotInOrganizationError, AssumeRoleError, CrossAccountCredentials, roleSessionName } from '../../../../functions/shared/aws/credentials';
import { clientConfig } from '../../../../functions/shared/aws/clients';
import { WARDEN_SOURCE_IDENTITY } from '../../../../functions/shared/self/own-sessions';
import { parseConfig } from '../../../../functions/shared/config/config';
import { ACCOUNT, FOREIGN_ACCOUNT, ORG_ACCOUNT } from '../../../fixtures/accounts';

const config = parseConfig({ organization: { accounts: [ACCOUNT, ORG_ACCOUNT] }, remediatorRoleName: 'WardenRemediator' });
let sts: AwsStub<ServiceInputTypes, ServiceOutputTypes, STSClientResolvedConfig>;
let now: number;
let calls: { RoleArn?: string; RoleSessionName?: string; SourceIdentity?: string }[];

beforeEach(() => {
  now = Date.parse('2025-03-14T09:30:00Z');
  calls = [];
  sts = mockClient(STSClient);
  sts.on(AssumeRoleCommand).callsFake((input: { RoleArn?: string; RoleSessionName?: string; SourceIdentity?: string }) => {
    calls.push(input);
    return { Credentials: { AccessKeyId: `ASIA${String(calls.length)}`, SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(now + 3_600_000) } };
  });
});
afterEach(() => {
  sts.restore();
});

function credentials(): CrossAccountCredentials {
  return new CrossAccountCredentials({ sts: new STSClient({ region: 'us-east-1' }), config, now: () => new Date(now) });
}

describe('CrossAccountCredentials', () => {
  it('assumes the remediator role in the partition of the region', async () => {
    const c = credentials();
    await c.forAccount(ACCOUNT, 'us-east-1', 'wf-1');
    await c.forAccount(ACCOUNT, 'cn-north-1', 'wf-1');
    await c.forAccount(ORG_ACCOUNT, 'us-gov-west-1');
    expect(calls.map((call) => call.RoleArn)).toEqual([
      'arn:aws:iam::111122223333:role/WardenRemediator',
      'arn:aws-cn:iam::111122223333:role/WardenRemediator',
      'arn:aws-us-gov:iam::222233334444:role/WardenRemediator',
    ]);
  });

  it('shares one AssumeRole among concurrent callers and caches until 5 minutes before expiry', async () => {
    const c = credentials();
    const first = await Promise.all(Array.from({ length: 10 }, () => c.forAccount(ACCOUNT, 'us-east-1')));
    expect(new Set(first.map((x) => x.accessKeyId))).toEqual(new Set(['ASIA1']));
    now += 54 * 60_000;
    expect((await c.forAccount(ACCOUNT, 'eu-west-1')).accessKeyId).toBe('ASIA1');
    now += 60_001;
    expect((await c.forAccount(ACCOUNT, 'us-east-1')).accessKeyId).toBe('ASIA2');
    expect(calls).toHaveLength(2);
  });

  it('uses one session per finding by default, or one per account when configured', async () => {
    const perFinding = credentials();
    await perFinding.forAccount(ACCOUNT, 'us-east-1');
    await perFinding.forAccount(ACCOUNT, 'us-east-1', 'wf-1');
    await perFinding.forAccount(ACCOUNT, 'us-east-1', 'wf-1');
    expect(calls.map((call) => call.RoleSessionName)).toEqual(['warden-read', 'warden-wf-1']);
    const perAccount = new CrossAccountCredentials({ sts: new STSClient({ region: 'us-east-1' }), config, now: () => new Date(now), sessionPerFinding: false });
    await perAccount.forAccount(ACCOUNT, 'us-east-1');
    await perAccount.forAccount(ACCOUNT, 'us-east-1', 'wf-2');
    expect(calls).toHaveLength(3);
  });

  it("marks every remediator session with the bot's source identity, and no audit role session", async () => {
    await credentials().forAccount(ACCOUNT, 'us-east-1', 'wf-1');
    const audit = new CrossAccountCredentials({ sts: new STSClient({ region: 'us-east-1' }), config, now: () => new Date(now), roleName: config.auditRoleName });
    await audit.forAccount(ACCOUNT, 'us-east-1');
    expect(calls.map((call) => [call.RoleArn, call.SourceIdentity])).toEqual([
      ['arn:aws:iam::111122223333:role/WardenRemediator', WARDEN_SOURCE_IDENTITY],
      ['arn:aws:iam::111122223333:role/WardenAuditor', undefined],
    ]);
    expect(WARDEN_SOURCE_IDENTITY).toMatch(/^[\w+=,.@-]{2,64}$/);
  });

  it('refuses an account outside the organization without calling STS', async () => {
    await expect(credentials().forAccount(FOREIGN_ACCOUNT, 'us-east-1')).rejects.toBeInstanceOf(AccountNotInOrganizationError);
    expect(calls).toEqual([]);
  });

  it('wraps an STS failure and retries on the next call', async () => {
    sts.on(AssumeRoleCommand).rejectsOnce(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    const c = credentials();
    await expect(c.forAccount(ACCOUNT, 'us-east-1')).rejects.toBeInstanceOf(AssumeRoleError);
    sts.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'ASIAOK', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(now + 3_600_000) } });
    expect((await c.forAccount(ACCOUNT, 'us-east-1')).accessKeyId).toBe('ASIAOK');
  });

  it.each([
    ['wf-0123456789abcdef0123', 'warden-wf-0123456789abcdef0123'],
    [undefined, 'warden-read'],
    ['a b/c:d*e', 'warden-a-b-c-d-e'],
    ['x'.repeat(100), `warden-${'x'.repeat(57)}`],
  ])('names the session for %s as %s', (findingId, expected) => {
    const name = roleSessionName(findingId);
    expect(name).toBe(expected);
    expect(name).toMatch(/^[\w+=,.@-]{2,64}$/);
  });

  it('gives clients only region, credentials and retry settings (no endpoint)', () => {
    expect(Object.keys(clientConfig('eu-west-1', () => Promise.resolve({ accessKeyId: 'a', secretAccessKey: 'b' }))).sort()).toEqual(['credentials', 'maxAttempts', 'region', 'retryMode']);
  });
});
