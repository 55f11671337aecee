import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
/** bin/warden.mjs as people run it (the prebuilt bundle, or the sources when it is missing or stale): whole processes, under load. */
const SLOW = 120_000;

describe('bin/warden.mjs', () => {
  it(
    'prints the version and help and exits 0',
    () => {
      const version = spawnSync(process.execPath, ['bin/warden.mjs', '--version'], { encoding: 'utf8' });
      expect([version.status, version.stdout.trim()]).toEqual([0, VERSION]);
      const help = spawnSync(process.execPath, ['bin/warden.mjs', 'rules', '--help'], { encoding: 'utf8' });
      expect(help.status).toBe(0);
      expect(help.stdout).toContain('Usage: warden rules');
    },
    SLOW,
  );

  it(
    'ends quietly with status 0 when its reader closes the pipe (`warden rules --markdown | head -1`)',
    async () => {
      const child = spawn(process.execPath, ['bin/warden.mjs', 'rules', '--markdown'], { stdio: ['ignore', 'pipe', 'pipe'] });
      // Close the reading end before the CLI writes: every write of it meets EPIPE.
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const status = await new Promise<number | null>((resolve) => child.on('close', (code) => {
        resolve(code);
      }));
      expect(stderr).not.toMatch(/EPIPE|Error|at /);
      expect(status).toBe(0);
    },
    SLOW,
  );

  it(
    'runs the demo over every example event and exits 0 (the prebuilt bundle after `npm ci`: lazily loaded SDK clients included)',
    () => {
      const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { demo: string } };
      const args = pkg.scripts.demo.replace(/^node /, '').replace('examples/events/*.json', '').trim().split(/\s+/);
      const events = readdirSync('examples/events').filter((f) => f.endsWith('.json')).map((f) => `examples/events/${f}`);
      const demo = spawnSync(process.execPath, [...args, ...events], { encoding: 'utf8' });
      expect(demo.stderr).not.toMatch(/failed: TypeError|is not a constructor/);
      expect(demo.status).toBe(0);
      expect(demo.stdout).toMatch(/\d+ event\(s\): \d+ finding\(s\)/);
    },
    SLOW,
  );
});
