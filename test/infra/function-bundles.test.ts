import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageOf, staticClosure } from '../../bench/bundles';
import { bundleFunction, type WardenFunctionName } from '../../infra/warden-function';
import { ACCOUNT, REGION } from '../fixtures/accounts';
import { updateMethod, updateRoute } from '../fixtures/api-gateway';
import { cloudTrailEvent } from '../fixtures/cloudtrail';
import { ALL_TO_WORLD, authorizeEgressEvent, GROUP_ID } from '../fixtures/ec2';
import { deleteLogGroupEvent } from '../fixtures/log-groups';
import { RESPONDER_ENV } from '../fixtures/responder-env';

/**
 * The functions as deployed (`bundleFunction`: split into chunks): the SDK packages a typical event never calls
 * stay out of what loads at start, and each lazily loaded chunk works in the built bundle, where esbuild's
 * chunks can hand a package over differently than tsx or vitest do (`… is not a constructor`).
 */

/** Packages only some events or actions need, each loaded with `await import()` on first use. */
const LAZY_PACKAGES = ['@aws-sdk/client-ec2', '@aws-sdk/client-cloudtrail', '@aws-sdk/client-cloudwatch-logs', '@aws-sdk/client-api-gateway', '@aws-sdk/client-apigatewayv2', '@aws-sdk/client-secrets-manager'];
/** The scanner reads every function's log group on each scan: CloudWatch Logs is part of its start. */
const LAZY_IN: Record<'responder' | 'scanner', readonly string[]> = { responder: LAZY_PACKAGES, scanner: LAZY_PACKAGES.filter((p) => p !== '@aws-sdk/client-cloudwatch-logs') };
/** Whole processes under load: generous. */
const SLOW = 180_000;

let workdir: string;
const built = new Map<WardenFunctionName, { dir: string; metafile: Metafile }>();

function build(name: WardenFunctionName): { dir: string; metafile: Metafile } {
  const dir = join(workdir, name);
  const metafile = bundleFunction(name, dir).metafile;
  built.set(name, { dir, metafile });
  return { dir, metafile };
}

/** The packages in the given output files of a bundle. */
function packagesIn(metafile: Metafile, files: Iterable<string>): Set<string> {
  return new Set([...files].flatMap((file) => Object.keys(metafile.outputs[file]?.inputs ?? {}).map(packageOf)));
}

function startAndLazy(name: WardenFunctionName): { start: Set<string>; lazy: Set<string> } {
  const { dir, metafile } = built.get(name) ?? build(name);
  const entry = relative(process.cwd(), join(dir, 'index.mjs'));
  const atStart = staticClosure(metafile, entry);
  return { start: packagesIn(metafile, atStart), lazy: packagesIn(metafile, Object.keys(metafile.outputs).filter((f) => f.endsWith('.mjs') && !atStart.has(f))) };
}

beforeAll(() => {
  workdir = mkdtempSync(join(tmpdir(), 'warden-function-bundles-'));
  build('responder');
}, SLOW);
afterAll(() => {
  rmSync(workdir, { recursive: true, force: true });
});

/** Runs `node` on a script to the end; its exit status and output. */
function runNode(script: string, env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => {
      resolve({ status, stdout, stderr });
    });
  });
}

describe('the deployed bundles (split into chunks)', () => {
  it.each(['responder', 'scanner'] as const)('%s: the SDK clients a typical event does not call are in lazily loaded chunks, not in what loads at start', (name) => {
    const { start } = startAndLazy(name);
    expect(LAZY_IN[name].filter((p) => start.has(p))).toEqual([]);
    // What a typical event calls stays at start: no lazy load on the hot path.
    expect(['@aws-sdk/client-lambda', '@aws-sdk/client-dynamodb', '@aws-sdk/client-sts', '@aws-sdk/client-eventbridge'].filter((p) => !start.has(p))).toEqual([]);
  }, SLOW);

  it('responder: each of them ships in a lazily loaded chunk', () => {
    const { lazy } = startAndLazy('responder');
    expect(LAZY_PACKAGES.filter((p) => !lazy.has(p))).toEqual([]);
  });

  it(
    'responder: imports the entry and every chunk of the asset without error',
    async () => {
      const { dir } = built.get('responder') ?? build('responder');
      const files = readdirSync(dir).filter((f) => f.endsWith('.mjs'));
      expect(files).toContain('index.mjs');
      expect(files.length).toBeGreaterThan(6);
      const urls = files.map((f) => pathToFileURL(join(dir, f)).href);
      const run = await runNode(`const m = await import(${JSON.stringify(urls[files.indexOf('index.mjs')])}); for (const u of ${JSON.stringify(urls)}) await import(u); console.log(typeof m.handler);`, { AWS_REGION: REGION });
      expect(run.stderr).not.toMatch(/Error/);
      expect([run.status, run.stdout.trim()]).toEqual([0, 'function']);
    },
    SLOW,
  );

  describe('responder: each lazily loaded SDK client, reached by the built handler, sends its first request', () => {
    let server: Server;
    const requests: string[] = [];

    /** The signing scope names the service: `Credential=AKID/20261204/us-east-1/ec2/aws4_request`. */
    const serviceOf = (req: IncomingMessage): string => /Credential=[^/]+\/\d+\/[^/]+\/([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? 'unsigned';

    beforeAll(async () => {
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          const service = serviceOf(req);
          const target = req.headers['x-amz-target'];
          const action = /(?:^|&)Action=(\w+)/.exec(body)?.[1];
          requests.push(`${service} ${typeof target === 'string' ? target : (action ?? `${req.method ?? ''} ${(req.url ?? '').split('?')[0] ?? ''}`)}`);
          if (service === 'sts' && action === 'AssumeRole') {
            res.writeHead(200, { 'content-type': 'text/xml' });
            res.end(
              '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>ASIABUNDLETEST</AccessKeyId>' +
                '<SecretAccessKey>bundle-test</SecretAccessKey><SessionToken>bundle-test</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>' +
                `<AssumedRoleUser><AssumedRoleId>AROABUNDLETEST:warden</AssumedRoleId><Arn>arn:aws:sts::${ACCOUNT}:assumed-role/WardenRemediator/warden</Arn></AssumedRoleUser>` +
                '</AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>',
            );
            return;
          }
          // Every other call is refused (not retried): the request having arrived is what the test needs.
          res.writeHead(403, { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' });
          res.end(JSON.stringify({ __type: 'AccessDeniedException', message: 'refused by the bundle test' }));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    it(
      'EC2 (security group rule), CloudTrail (trail), CloudWatch Logs (log group), API Gateway REST and HTTP (route)',
      async () => {
        const { dir } = built.get('responder') ?? build('responder');
        const trailArn = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/management`;
        const events = [
          authorizeEgressEvent(GROUP_ID, [ALL_TO_WORLD]),
          cloudTrailEvent('cloudtrail.amazonaws.com', 'StopLogging', { name: trailArn }),
          deleteLogGroupEvent(),
          updateMethod([{ op: 'replace', path: '/authorizationType', value: 'NONE' }]),
          updateRoute('NONE'),
        ];
        const eventsFile = join(workdir, 'events.json');
        writeFileSync(eventsFile, JSON.stringify(events));
        const script = `
          import { readFileSync } from 'node:fs';
          const { handler } = await import(${JSON.stringify(pathToFileURL(join(dir, 'index.mjs')).href)});
          for (const event of JSON.parse(readFileSync(${JSON.stringify(eventsFile)}, 'utf8'))) {
            try { await handler(event); } catch (e) { console.error('handled:', e?.name, String(e?.message).slice(0, 200), String(e?.cause?.name), String(e?.cause?.message).slice(0, 200)); }
          }
          // Reads started beside a failed one still go out: give them a moment, then leave.
          setTimeout(() => process.exit(0), 1500);
        `;
        const run = await runNode(script, {
          ...RESPONDER_ENV,
          AWS_ACCESS_KEY_ID: 'AKIABUNDLETEST',
          AWS_SECRET_ACCESS_KEY: 'bundle-test',
          AWS_ENDPOINT_URL: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`,
          AWS_SUPPRESS_NODE_DEPRECATION_WARNING: 'true',
        });
        expect(run.stderr).not.toMatch(/is not a constructor|is not a function|Cannot find module|ERR_MODULE_NOT_FOUND/);
        expect(run.status).toBe(0);
        // Each lazily loaded client sent a request: its chunk loaded, and the client and the command were built from it.
        expect(requests).toEqual(
          expect.arrayContaining([
            'ec2 DescribeSecurityGroupRules',
            expect.stringMatching(/^cloudtrail .*GetTrail/) as unknown as string,
            expect.stringMatching(/^logs .*DescribeLogGroups/) as unknown as string,
            expect.stringMatching(/^apigateway GET \/restapis\//) as unknown as string,
            expect.stringMatching(/^apigateway GET \/v2\/apis\//) as unknown as string,
          ]),
        );
      },
      SLOW,
    );
  });
});
