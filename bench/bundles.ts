/**
 * Bundled size and module-load time of each function, bundled with esbuild exactly as the CDK app
 * bundles it (`WARDEN_BUNDLING`); a function whose entry is missing is reported as skipped.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { WARDEN_BUNDLING } from '../infra/warden-function';
import { median, round } from './stats';

export const FUNCTION_NAMES = ['responder', 'notifier', 'approval'] as const;
/** Issue #7's targets for the responder. */
export const TARGETS = { responderBytes: 1_000_000, loadMsAboveBareNode: 250 } as const;
const LOAD_RUNS = 7;

export type BundleReport =
  | { readonly name: string; readonly skipped: string }
  | {
      readonly name: string;
      readonly bytes: number;
      readonly loadMsMedian: number;
      /** Median over pairs (a bare `node`, then the import, run one after the other) of the import's time minus the bare start's. */
      readonly loadMsAboveBareNode: number;
      /** Median over the same pairs of import time / bare start time: comparable across machine loads. */
      readonly loadRatioToBareNode: number;
    };

/** Wall time of one fresh `node` process running `code` (an ES module). */
function nodeOnceMs(code: string): number {
  const t0 = performance.now();
  execFileSync(process.execPath, ['--input-type=module', '-e', code], { env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1' }, stdio: 'ignore' });
  return performance.now() - t0;
}

/**
 * Paired, interleaved runs (bare, import, bare, import …), so a machine whose load changes during the run
 * shifts both halves of a pair alike: medians of the import time, of the differences and of the ratios.
 */
function pairedLoad(code: string): { loadMs: number; aboveBareMs: number; ratio: number } {
  const loads: number[] = [];
  const above: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < LOAD_RUNS; i += 1) {
    const bare = nodeOnceMs('');
    const load = nodeOnceMs(code);
    loads.push(load);
    above.push(load - bare);
    ratios.push(load / bare);
  }
  return { loadMs: median(loads), aboveBareMs: median(above), ratio: median(ratios) };
}

/** Bundles each function (minified ESM, as deployed) and times `import()` of it against a bare `node`. */
export async function bundleBench(root = process.cwd()): Promise<BundleReport[]> {
  const outdir = mkdtempSync(join(tmpdir(), 'warden-bundles-'));
  try {
    const reports: BundleReport[] = [];
    for (const name of FUNCTION_NAMES) {
      const entry = join(root, 'functions', name, 'handler.ts');
      if (!existsSync(entry)) {
        reports.push({ name, skipped: `no entry functions/${name}/handler.ts` });
        continue;
      }
      const outfile = join(outdir, name, 'index.mjs');
      await build({
        entryPoints: [entry],
        bundle: true,
        platform: 'node',
        outfile,
        format: WARDEN_BUNDLING.format,
        minify: WARDEN_BUNDLING.minify,
        sourcemap: WARDEN_BUNDLING.sourceMap,
        target: WARDEN_BUNDLING.target,
        mainFields: [...WARDEN_BUNDLING.mainFields],
        banner: { js: WARDEN_BUNDLING.banner },
        logLevel: 'error',
      });
      const load = pairedLoad(`await import(${JSON.stringify(outfile)});`);
      reports.push({ name, bytes: statSync(outfile).size, loadMsMedian: round(load.loadMs, 1), loadMsAboveBareNode: round(load.aboveBareMs, 1), loadRatioToBareNode: round(load.ratio, 2) });
    }
    return reports;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** One line per function, for people: `responder 1.14 MB, loads in 180 ms above a bare node (targets ≤ 1 MB, ≤ 250 ms)`. */
export function describeBundles(reports: readonly BundleReport[]): string[] {
  return reports.map((r) => {
    if ('skipped' in r) return `${r.name}: skipped (${r.skipped})`;
    const targets = r.name === 'responder' ? ` (targets ≤ ${String(TARGETS.responderBytes / 1e6)} MB, ≤ ${String(TARGETS.loadMsAboveBareNode)} ms)` : '';
    return `${r.name}: ${(r.bytes / 1e6).toFixed(2)} MB minified, loads in ${String(r.loadMsAboveBareNode)} ms above a bare node (paired; ${String(r.loadRatioToBareNode)}× a bare node)${targets}`;
  });
}

// `npx tsx bench/bundles.ts`: this part of `npm run bench` alone.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of describeBundles(await bundleBench())) console.log(line);
}
