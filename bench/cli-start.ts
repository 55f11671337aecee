/**
 * `npm run bench:cli`: whole-process start time of `warden rules` and `warden --help` against a bare `node -e 0`,
 * paired and interleaved (bare, warden, bare, warden, …) so both see the same machine load; medians of 10 pairs.
 * Run `npm run build` first: the figure is for the prebuilt CLI.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { median, round } from './stats';

const PAIRS = 10;

function timed(args: readonly string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const elapsed = performance.now() - start;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${String(result.status)}`);
  return elapsed;
}

if (!existsSync('dist/cli/warden.mjs')) throw new Error('no dist/cli/warden.mjs: run `npm run build` first');
console.log(`${cpus()[0]?.model ?? 'unknown CPU'}, ${String(cpus().length)} cores, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
for (const command of [['rules'], ['--help']]) {
  timed(['bin/warden.mjs', ...command]); // warm the file cache
  const ratios: number[] = [];
  const bare: number[] = [];
  const warden: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const b = timed(['-e', '0']);
    const w = timed(['bin/warden.mjs', ...command]);
    bare.push(b);
    warden.push(w);
    ratios.push(w / b);
  }
  console.log(
    `warden ${command.join(' ')}: median ${String(round(median(warden), 0))} ms, bare node median ${String(round(median(bare), 0))} ms, ` +
      `median of paired ratios ${String(round(median(ratios), 2))}× (target < 5×)`,
  );
}
