import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../cli/main';
import { addPermissionEvent } from '../fixtures/cloudtrail';

const EXAMPLES = [
  'examples/events/01-public-invoke-permission.json',
  'examples/events/02-s3-permission-without-source-arn.json',
  'examples/events/03-cross-account-invoke-permission.json',
  'examples/events/04-function-url-auth-none.json',
  'examples/events/05-public-layer-permission.json',
  'examples/events/06-s3-permission-with-source-arn.json',
  'examples/events/07-function-url-aws-iam.json',
  'examples/events/08-org-account-invoke-permission.json',
  'examples/events/09-failed-add-permission.json',
  'examples/events/10-remediator-own-action.json',
  'examples/events/11-layer-permission-for-organization.json',
];

async function run(argv: readonly string[]): Promise<{ status: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (line) => out.push(line), err: (line) => err.push(line) };
  const status = await main(argv, io);
  return { status, out, err };
}

function tempFile(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'warden-cli-'));
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

const JSON_KEYS = ['file', 'eventId', 'eventName', 'ignored', 'error', 'findings', 'outcomes'];
const FINDING_KEYS = ['ruleId', 'severity', 'resource', 'summary', 'mode', 'remediation'];

describe('warden simulate --json', () => {
  it('prints one object per event in exactly the documented shape', async () => {
    const { status, out } = await run(['simulate', '--json', '--config', 'warden.config.example.yaml', '--state', 'examples/state.json', ...EXAMPLES]);
    expect(status).toBe(0);
    const records = out.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toHaveLength(12);
    for (const record of records) {
      expect(Object.keys(record)).toEqual(JSON_KEYS);
      for (const finding of record.findings as Record<string, unknown>[]) {
        expect(Object.keys(finding)).toEqual(FINDING_KEYS);
        const remediation = (finding.remediation ?? { action: 'none', params: {} }) as Record<string, unknown>;
        expect(Object.keys(remediation)).toEqual(['action', 'params']);
      }
    }
    const fired = records.map((r) => [(r.file as string).split('/').pop(), (r.findings as { ruleId: string }[]).map((f) => f.ruleId), r.ignored !== null]);
    expect(fired).toEqual([
      ['01-public-invoke-permission.json', ['function-public-access'], false],
      ['02-s3-permission-without-source-arn.json', ['function-service-principal-unrestricted'], false],
      ['03-cross-account-invoke-permission.json', ['function-cross-account-principal'], false],
      ['04-function-url-auth-none.json', ['function-url-public'], false],
      ['04-function-url-auth-none.json', ['function-public-access'], false],
      ['05-public-layer-permission.json', ['layer-version-public'], false],
      ['06-s3-permission-with-source-arn.json', [], false],
      ['07-function-url-aws-iam.json', [], false],
      ['08-org-account-invoke-permission.json', [], false],
      ['09-failed-add-permission.json', [], true],
      ['10-remediator-own-action.json', [], true],
      ['11-layer-permission-for-organization.json', [], false],
    ]);
  });

  it('keeps the statements of the seeded state and flags only the added one', async () => {
    const { out } = await run(['simulate', '--json', '--config', 'warden.config.example.yaml', '--state', 'examples/state.json', EXAMPLES[0] ?? '']);
    const record = JSON.parse(out[0] ?? '{}') as { findings: { remediation: { params: { statementId: string } } }[] };
    expect(record.findings.map((f) => f.remediation.params.statementId)).toEqual(['allow-everyone']);
  });

  it('reports an invalid event with its error, runs the others, and exits 2', async () => {
    const bad = tempFile('bad.json', JSON.stringify([{ 'detail-type': 'AWS API Call via CloudTrail', detail: { eventName: 'AddPermission20150331v2' } }, addPermissionEvent({ statementId: 'open', principal: '*' })]));
    const broken = tempFile('broken.json', '{ not json');
    const { status, out } = await run(['simulate', '--json', bad, broken, 'does-not-exist.json']);
    expect(status).toBe(2);
    const records = out.map((line) => JSON.parse(line) as { error: string | null; eventName: string | null; findings: unknown[] });
    expect(records).toHaveLength(4);
    expect(records[0]?.error).toMatch(/^Invalid CloudTrail event: .*\bid\b/);
    expect(records[0]?.eventName).toBe('AddPermission20150331v2');
    expect(records[0]?.findings).toEqual([]);
    expect(records[1]?.error).toBeNull();
    expect(records[1]?.findings).toHaveLength(1);
    expect(records[2]?.error).toMatch(/not valid JSON/);
    expect(records[3]?.error).toMatch(/cannot read does-not-exist.json \(ENOENT\)/);
  });

  it('accepts a bare CloudTrail record and a CloudTrail log file', async () => {
    const { detail } = addPermissionEvent({ statementId: 'open', principal: '*' });
    const log = tempFile('log.json', JSON.stringify({ Records: [detail] }));
    const { status, out } = await run(['simulate', '--json', log]);
    expect(status).toBe(0);
    expect((JSON.parse(out[0] ?? '{}') as { findings: unknown[] }).findings).toHaveLength(1);
  });
});

describe('warden simulate (text)', () => {
  it('says what was found, why, who did it and what would be done, in dry-run', async () => {
    const { status, out } = await run(['simulate', '--config', 'warden.config.example.yaml', EXAMPLES[0] ?? '', EXAMPLES[8] ?? '']);
    expect(status).toBe(0);
    const text = out.join('\n');
    expect(text).toContain('CRITICAL  function-public-access  arn:aws:lambda:us-east-1:111122223333:function:orders-api');
    expect(text).toContain('Why:  Anyone on the internet');
    expect(text).toContain('Who:  IAMUser arn:aws:iam::111122223333:user/alice from 203.0.113.42');
    expect(text).toContain('Plan (auto, dry-run): would revert at once lambda:RemovePermission FunctionName=arn:aws:lambda:us-east-1:111122223333:function:orders-api StatementId=allow-everyone');
    expect(text).toContain('– ignored: failed call (AccessDenied): nothing changed');
  });
});

describe('warden CLI errors', () => {
  it('rejects an invalid config naming the field', async () => {
    const config = tempFile('warden.config.yaml', 'organization:\n  accounts: ["12345"]\ndryRun: maybe\n');
    const { status, err } = await run(['simulate', '--config', config, EXAMPLES[0] ?? '']);
    expect(status).toBe(78);
    expect(err.join('\n')).toMatch(/organization\.accounts\.0: must be a 12-digit AWS account id/);
    expect(err.join('\n')).toMatch(/dryRun/);
  });

  it('rejects an invalid state file naming the field', async () => {
    const state = tempFile('state.json', JSON.stringify({ functions: [{ Account: '111122223333', Region: 'us-east-1', Configuration: {} }] }));
    const { status, err } = await run(['simulate', '--state', state, EXAMPLES[0] ?? '']);
    expect(status).toBe(78);
    expect(err.join('\n')).toMatch(/FunctionName/);
  });

  it.each([[['simulate']], [['frobnicate']], [['simulate', '--bogus', 'x.json']]])('exits 64 on usage errors: %j', async (argv) => {
    const { status, err } = await run(argv);
    expect(status).toBe(64);
    expect(err.join('\n')).toContain('Usage:');
  });

  it('lists the rules as JSON', async () => {
    const { status, out } = await run(['rules', '--json']);
    expect(status).toBe(0);
    const rules = JSON.parse(out.join('\n')) as { id: string; permissions: string[] }[];
    expect(rules.map((r) => r.id)).toContain('function-url-public');
    expect(rules.every((r) => Array.isArray(r.permissions))).toBe(true);
  });
});
