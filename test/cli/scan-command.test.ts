import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { main } from '../../cli/main';
import { SCAN_PERMISSIONS } from '../../functions/shared/scan/scan-permissions';
import { RULES } from '../../rules';
import { installOrganizationMocks, type OrganizationMockHandle } from '../../sim/organization-mock';
import { ACCOUNT, ORG_ACCOUNT, ORG_ID } from '../fixtures/accounts';
import { plantedSecret, SCAN_ACCOUNTS, scanWorld, UNREACHABLE_ACCOUNT, type ScanWorld } from '../fixtures/organization';

/** The fields SARIF 2.1.0 requires (and those code-scanning tools read) of what `--sarif` prints. */
const SarifSchema = z.object({
  version: z.literal('2.1.0'),
  $schema: z.url(),
  runs: z
    .array(
      z.object({
        tool: z.object({
          driver: z.object({
            name: z.string().min(1),
            rules: z.array(z.object({ id: z.string().min(1), shortDescription: z.object({ text: z.string().min(1) }), defaultConfiguration: z.object({ level: z.enum(['error', 'warning', 'note']) }) })),
          }),
        }),
        results: z.array(
          z.object({
            ruleId: z.string(),
            ruleIndex: z.number().int().nonnegative(),
            level: z.enum(['error', 'warning', 'note']),
            message: z.object({ text: z.string().min(1) }),
            locations: z
              .array(
                z.object({
                  physicalLocation: z.object({ artifactLocation: z.object({ uri: z.string().startsWith('arn:') }) }),
                  logicalLocations: z.array(z.object({ fullyQualifiedName: z.string().startsWith('arn:'), kind: z.string() })).min(1),
                }),
              )
              .min(1),
          }),
        ),
      }),
    )
    .length(1),
});

const SimulateFindingSchema = z.strictObject({
  ruleId: z.string(),
  severity: z.enum(['critical', 'high', 'medium', 'low']),
  resource: z.string(),
  summary: z.string(),
  mode: z.enum(['alert', 'approve', 'auto']),
  remediation: z.strictObject({ action: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])) }).nullable(),
});

interface Captured {
  readonly out: string[];
  readonly err: string[];
  readonly progress: string[];
}

function capture(withProgress: boolean): Captured & { io: Parameters<typeof main>[1] } {
  const c = { out: [] as string[], err: [] as string[], progress: [] as string[] };
  return {
    ...c,
    io: {
      out: (line: string) => c.out.push(line),
      err: (line: string) => c.err.push(line),
      ...(withProgress ? { progress: (line: string) => c.progress.push(line) } : {}),
    },
  };
}

describe('warden scan', () => {
  let setup: ScanWorld;
  let org: OrganizationMockHandle;
  let dir: string;
  let config: string;

  beforeEach(async () => {
    setup = scanWorld();
    org = installOrganizationMocks(setup.world, { unreachable: [UNREACHABLE_ACCOUNT] });
    dir = await mkdtemp(join(tmpdir(), 'warden-scan-'));
    config = join(dir, 'warden.config.json');
    await writeFile(config, JSON.stringify({ organization: { id: ORG_ID, accounts: [ACCOUNT] }, deployment: { regions: ['us-east-1', 'eu-west-1'] } }));
  });
  afterEach(async () => {
    org.restore();
    await rm(dir, { recursive: true });
  });

  const accounts = `--accounts=${SCAN_ACCOUNTS.join(',')}`;

  it('prints findings grouped by severity with counts, the unreachable account, and exits 4 (incomplete)', async () => {
    const c = capture(false);
    const status = await main(['scan', '--config', config, accounts], c.io);
    const text = c.out.join('\n');
    expect(status).toBe(4);
    expect(text).toContain(`! ${UNREACHABLE_ACCOUNT}: unreachable: AssumeRoleError`);
    expect(text).toMatch(/^Scanned 3 account\(s\), 6 account × region: 69 functions, 3 layer versions, 69 execution roles/);
    expect(text).toContain('CRITICAL (2)\n  execution-role-admin-access  arn:aws:iam::222233334444:role/admin-fn-us-east-1-role');
    for (const e of setup.expected) expect(text).toContain(`  ${e.ruleId}  ${e.resource}`);
    expect(text).toContain('EXEMPT (1)');
    // Issue #17 scan coverage: a foreign event-source mapping (high) and a log group kept 1 day (medium) join the fixture.
    expect(text).toMatch(/Findings: 2 critical, 4 high, 2 medium, 0 low; 1 exempt; 1 error\(s\): the scan is incomplete$/);
    expect(text).not.toContain('Plan (');
    expect(text).not.toContain(plantedSecret());
  });

  it('exits 1 when every account was scanned and something was found', async () => {
    const c = capture(false);
    expect(await main(['scan', '--config', config, `--accounts=${ACCOUNT},${ORG_ACCOUNT}`], c.io)).toBe(1);
  });

  it('--plan prints the remediation each finding would get', async () => {
    const c = capture(false);
    await main(['scan', '--config', config, accounts, '--plan'], c.io);
    const text = c.out.join('\n');
    expect(text).toMatch(/function-public-access {2}arn:aws:lambda:us-east-1:111122223333:function:public-fn\n.*\n {4}Plan \((auto|approve|alert)\): .*open-to-all/);
    expect(text).toContain('Plan (alert): alert only, no automatic change');
  });

  it('--json prints the findings in simulate’s shape', async () => {
    const c = capture(false);
    await main(['scan', '--config', config, accounts, '--json'], c.io);
    const doc = z
      .object({ findings: z.array(SimulateFindingSchema), errors: z.array(z.object({ account: z.string(), stage: z.string() })), calls: z.object({ total: z.number() }) })
      .parse(JSON.parse(c.out.join('\n')));
    expect(doc.findings.map((f) => ({ ruleId: f.ruleId, resource: f.resource }))).toEqual(expect.arrayContaining([...setup.expected]));
    expect(doc.findings).toHaveLength(setup.expected.length);
    expect(doc.errors).toEqual([expect.objectContaining({ account: UNREACHABLE_ACCOUNT, stage: 'credentials' })]);
    expect(doc.calls.total).toBeGreaterThan(0);
  });

  it('--sarif prints valid SARIF 2.1.0 with the catalog as rules and each finding at its ARN', async () => {
    const c = capture(false);
    await main(['scan', '--config', config, accounts, '--sarif'], c.io);
    const sarif = SarifSchema.parse(JSON.parse(c.out.join('\n')));
    const run = sarif.runs[0]!;
    expect(run.tool.driver.name).toBe('lambda-warden');
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(RULES.map((r) => r.id));
    expect(run.results.map((r) => ({ ruleId: r.ruleId, resource: r.locations[0]?.logicalLocations[0]?.fullyQualifiedName }))).toEqual(expect.arrayContaining([...setup.expected]));
    expect(run.results).toHaveLength(setup.expected.length);
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex]?.id).toBe(r.ruleId);
    expect(run.results.find((r) => r.ruleId === 'execution-role-admin-access')?.level).toBe('error');
  });

  it('lists the accounts with organizations:ListAccounts, page by page, active ones only', async () => {
    const orgs = mockClient(OrganizationsClient);
    orgs
      .on(ListAccountsCommand, { NextToken: undefined })
      .resolves({ Accounts: [{ Id: ACCOUNT, State: 'ACTIVE' }, { Id: '999988887777', State: 'SUSPENDED' }], NextToken: 'p2' })
      .on(ListAccountsCommand, { NextToken: 'p2' })
      .resolves({ Accounts: [{ Id: ORG_ACCOUNT, Status: 'ACTIVE' }] });
    try {
      const c = capture(false);
      await main(['scan', '--config', config, '--json'], c.io);
      const doc = z.object({ accounts: z.array(z.object({ account: z.string() })) }).parse(JSON.parse(c.out.join('\n')));
      expect(doc.accounts.map((a) => a.account)).toEqual([ACCOUNT, ORG_ACCOUNT]);
      expect(orgs.commandCalls(ListAccountsCommand)).toHaveLength(2);
    } finally {
      orgs.restore();
    }
  });

  it('assumes the role given by --role-name, with the warden-scan session', async () => {
    const c = capture(false);
    await main(['scan', '--config', config, `--accounts=${ACCOUNT}`, '--regions', 'us-east-1', '--role-name', 'WardenAudit'], c.io);
    expect(org.assumeRoleCalls).toEqual([{ roleArn: `arn:aws:iam::${ACCOUNT}:role/WardenAudit`, sessionName: 'warden-scan' }]);
  });

  it('assumes the read-only audit role (auditRoleName, WardenAuditor by default) without --role-name', async () => {
    const c = capture(false);
    await main(['scan', '--config', config, `--accounts=${ACCOUNT}`, '--regions', 'us-east-1'], c.io);
    expect(org.assumeRoleCalls).toEqual([{ roleArn: `arn:aws:iam::${ACCOUNT}:role/WardenAuditor`, sessionName: 'warden-scan' }]);
  });

  it('shows progress on a terminal only, never on stdout', async () => {
    const c = capture(true);
    await main(['scan', '--config', config, accounts], c.io);
    expect(c.progress.at(-1)).toBe('');
    expect(c.progress.filter((l) => l !== '').at(-1)).toBe('scanning: 6/6 account × region done, 69/69 functions');
    expect(c.out.join('\n')).not.toContain('scanning:');
  });

  it('sends no mutating command', async () => {
    const c = capture(false);
    await main(['scan', '--config', config, accounts, '--plan'], c.io);
    const commands = [...org.lambda.calls, ...org.iam.calls].map((call) => call.command);
    expect(commands.length).toBeGreaterThan(100);
    expect(commands.filter((name) => !/^(Get|List)/.test(name))).toEqual([]);
    expect([...new Set([...org.lambda.calls.map((call) => `lambda:${call.command}`), ...org.iam.calls.map((call) => `iam:${call.command}`)])].filter((api) => !SCAN_PERMISSIONS.includes(api))).toEqual([]);
  });

  it.each([
    [['--accounts=12345'], '--accounts: must be a 12-digit account id'],
    [['--regions=mars-1'], '--regions: must be an AWS region'],
    [['--concurrency=0'], '--concurrency'],
    [[accounts, '--json', '--sarif'], '--json and --sarif: choose one'],
  ])('refuses %j before any call', async (args, message) => {
    const c = capture(false);
    expect(await main(['scan', '--config', config, ...args], c.io)).toBe(78);
    expect(c.err.join('\n')).toContain(message);
    expect(org.assumeRoleCalls).toHaveLength(0);
    expect(org.lambda.calls).toHaveLength(0);
  });
});
