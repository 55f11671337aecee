import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDeployConfig } from '../../infra/deploy-config';
import { buildWardenApp } from '../../infra/warden-app';
import type { CfnTemplate } from '../support/cfn-template';

/** The command `cdk synth` runs (cdk.json "app"). */
const APP_COMMAND = (JSON.parse(readFileSync('cdk.json', 'utf8')) as { app: string }).app;
/** The project's own CDK CLI (devDependency), as `npx cdk synth` runs it. */
const CDK_CLI = join('node_modules', '.bin', 'cdk');
const OFFLINE_ENV = { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: 'warden-no-such-profile', AWS_REGION: '' };

let workdir: string;

beforeAll(() => {
  workdir = mkdtempSync(join(tmpdir(), 'warden-synth-'));
});
afterAll(() => {
  rmSync(workdir, { recursive: true, force: true });
});

interface Manifest {
  artifacts: Record<string, { type: string; metadata?: Record<string, { type: string; data: unknown }[]> }>;
}

describe('cdk synth (the CLI, on the app of cdk.json)', () => {
  it('synthesizes both stacks with bundled functions and no error, offline and without credentials', () => {
    expect(APP_COMMAND).toBe('npx tsx infra/app.ts');
    const outdir = join(workdir, 'cdk.out');
    const run = spawnSync(CDK_CLI, ['synth', '--quiet', '--output', outdir], { env: OFFLINE_ENV, encoding: 'utf8', timeout: 240_000 });
    expect(run.stderr).not.toMatch(/Error:|failed/i);
    expect(run.status).toBe(0);

    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as Manifest;
    const stacks = Object.entries(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack').map(([name]) => name);
    expect(stacks.sort()).toEqual(['WardenCentral', 'WardenManagementAccount']);
    const errors = Object.values(manifest.artifacts).flatMap((a) => Object.values(a.metadata ?? {}).flat().filter((m) => m.type === 'aws:cdk:error'));
    expect(errors).toEqual([]);

    // Each function's asset is an ESM bundle that Node loads and that exports the handler.
    const central = JSON.parse(readFileSync(join(outdir, 'WardenCentral.template.json'), 'utf8')) as CfnTemplate;
    const functions = Object.values(central.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    // responder, notifier, approval, the scheduled scanner and the heartbeat
    expect(functions).toHaveLength(5);
    expect(functions.map((fn) => (fn.Properties?.Environment as { Variables: { POWERTOOLS_SERVICE_NAME: string } }).Variables.POWERTOOLS_SERVICE_NAME).sort()).toEqual(
      ['warden-approval', 'warden-heartbeat', 'warden-notifier', 'warden-responder', 'warden-scanner'],
    );
    for (const fn of functions) {
      const key = (fn.Properties?.Code as { S3Key: string }).S3Key.replace(/\.zip$/, '');
      const bundle = join(outdir, `asset.${key}`, 'index.mjs');
      expect(existsSync(bundle)).toBe(true);
      expect(existsSync(`${bundle}.map`)).toBe(true);
      const exported = execFileSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(bundle)}); console.log(typeof m.handler);`], {
        env: { PATH: process.env.PATH },
        encoding: 'utf8',
      });
      expect(exported.trim()).toBe('function');
    }
  }, 300_000);

  it('fails on an invalid configuration with status 78, naming the field and what is wrong', () => {
    const file = join(workdir, 'bad.yaml');
    writeFileSync(file, 'organization:\n  id: o-a1b2c3d4e5\ndeployment:\n  logRetentionDays: -3\n  regions: [us-east-1]\n');
    const run = spawnSync('sh', ['-c', APP_COMMAND], { env: { ...OFFLINE_ENV, CDK_OUTDIR: join(workdir, 'bad.out'), WARDEN_CONFIG_FILE: file }, encoding: 'utf8', timeout: 120_000 });
    expect(run.status).toBe(78);
    expect(run.stderr).toMatch(/deployment\.logRetentionDays: .*/);
    expect(run.stderr).toContain(file);
    expect(existsSync(join(workdir, 'bad.out', 'manifest.json'))).toBe(false);
  }, 120_000);
});

describe('deployment limits', () => {
  it('refuses a configuration too large for a function environment, naming WARDEN_CONFIG', () => {
    const accounts = Array.from({ length: 300 }, (_, i) => `"${String(100000000000 + i)}"`).join(', ');
    const config = parseDeployConfig(`organization:\n  id: o-a1b2c3d4e5\n  accounts: [${accounts}]\n`, 'big');
    expect(() => buildWardenApp(config, { appProps: { context: { 'aws:cdk:bundling-stacks': [] } } })).toThrow(/environment would be \d+ bytes, over Lambda's 4096: .*WARDEN_CONFIG/);
  });

  it('refuses a log retention CloudWatch Logs does not offer', () => {
    const config = parseDeployConfig('organization:\n  id: o-a1b2c3d4e5\ndeployment:\n  logRetentionDays: 45\n', 'odd');
    expect(() => buildWardenApp(config, { appProps: { context: { 'aws:cdk:bundling-stacks': [] } } })).toThrow(/deployment\.logRetentionDays: 45 is not a retention/);
  });
});
