/**
 * Issue #13, gap 8: a scan judges the resource policies and URLs of aliases and of the versions
 * they point to (one ListAliases per function), and the plans act on that qualifier.
 */
import { STSClient } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CrossAccountCredentials } from '../../../../functions/shared/aws/credentials';
import { CallGuard } from '../../../../functions/shared/scan/call-guard';
import { scanClients } from '../../../../functions/shared/scan/scan-clients';
import { Scanner } from '../../../../functions/shared/scan/scanner';
import { RULES } from '../../../../rules';
import { InMemoryAccount } from '../../../../sim/in-memory-account';
import { installOrganizationMocks, type OrganizationMockHandle } from '../../../../sim/organization-mock';
import { ACCOUNT } from '../../../fixtures/accounts';
import { SCAN_CONFIG } from '../../../fixtures/organization';

const REGION = 'us-east-1';
const fn = (name: string, qualifier?: string) => ({ kind: 'lambda-function' as const, account: ACCOUNT, region: REGION, functionName: name, ...(qualifier === undefined ? {} : { qualifier }) });
const arn = (name: string, qualifier?: string): string => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}${qualifier === undefined ? '' : `:${qualifier}`}`;

function world(): InMemoryAccount {
  const w = new InMemoryAccount();
  const role = `arn:aws:iam::${ACCOUNT}:role/orders-role`;
  w.iam.createRole(ACCOUNT, 'orders-role', { trust: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] } });
  for (const name of ['orders-api', 'reports', 'quiet']) w.lambda.createFunction({ account: ACCOUNT, region: REGION, functionName: name }, { Runtime: 'nodejs22.x', Role: role, Handler: 'index.handler' });
  // orders-api: $LATEST is clean; version 3 is public, and alias "live" points to it with a public URL.
  w.lambda.publishVersion(fn('orders-api'), '3');
  w.lambda.putAlias(fn('orders-api'), 'live', '3');
  w.lambda.addPermission(fn('orders-api', '3'), { StatementId: 'v3-public', Action: 'lambda:InvokeFunction', Principal: '*' });
  w.lambda.createFunctionUrlConfig(fn('orders-api', 'live'), { AuthType: 'NONE' });
  w.lambda.addPermission(fn('orders-api', 'live'), { StatementId: 'FunctionURLAllowPublicAccess', Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE' });
  // reports: alias "prod" lets an account outside the organization invoke it.
  w.lambda.putAlias(fn('reports'), 'prod');
  w.lambda.addPermission(fn('reports', 'prod'), { StatementId: 'partner', Action: 'lambda:InvokeFunction', Principal: '999988887777' });
  // quiet: an alias with a clean URL.
  w.lambda.putAlias(fn('quiet'), 'blue');
  w.lambda.createFunctionUrlConfig(fn('quiet', 'blue'), { AuthType: 'AWS_IAM' });
  return w;
}

describe('a scan of aliases and versions', () => {
  let org: OrganizationMockHandle;
  let account: InMemoryAccount;
  beforeEach(() => {
    account = world();
    org = installOrganizationMocks(account);
  });
  afterEach(() => {
    org.restore();
  });

  const scan = () => {
    const credentials = new CrossAccountCredentials({ sts: new STSClient({ region: REGION }), config: SCAN_CONFIG, roleName: SCAN_CONFIG.auditRoleName });
    return new Scanner({ rules: RULES, config: SCAN_CONFIG, clients: scanClients(credentials), guard: new CallGuard({ sleep: () => Promise.resolve() }) }).scan([{ account: ACCOUNT, regions: [REGION] }]);
  };

  it('finds what is public or shared on an alias or version, with plans on that qualifier', async () => {
    const report = await scan();
    const found = report.findings.map((f) => [f.ruleId, f.resource, f.remediation?.params.qualifier ?? null]);
    expect(found).toEqual(
      expect.arrayContaining([
        ['function-public-access', arn('orders-api', '3'), '3'],
        ['function-public-access', arn('orders-api', 'live'), 'live'],
        ['function-url-public', arn('orders-api', 'live'), 'live'],
        ['function-cross-account-principal', arn('reports', 'prod'), 'prod'],
      ]),
    );
    expect(report.findings.filter((f) => f.resource.startsWith(arn('quiet')))).toEqual([]);
    expect(report.findings.filter((f) => f.resource === arn('orders-api'))).toEqual([]);
    const publicVersion = report.findings.find((f) => f.resource === arn('orders-api', '3'));
    expect(publicVersion?.remediation?.params).toEqual({ functionName: arn('orders-api'), statementId: 'v3-public', qualifier: '3', revisionId: expect.any(String) as unknown });
  });

  it('makes one ListAliases call per function, and reads policies and URLs only of qualifiers that exist', async () => {
    await scan();
    expect(org.lambda.callsOf('ListAliases')).toHaveLength(3);
    const qualified = (command: string) => org.lambda.callsOf(command).map((c) => (c.input as { Qualifier?: string }).Qualifier).filter((q) => q !== undefined).sort();
    expect(qualified('GetPolicy')).toEqual(['3', 'blue', 'live', 'prod']);
    // Versions have no URL: only aliases are asked.
    expect(qualified('GetFunctionUrlConfig')).toEqual(['blue', 'live', 'prod']);
  });
});
