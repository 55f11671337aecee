/**
 * Each function bundled exactly as the CDK app bundles it (`bundleFunction`, `WARDEN_BUNDLING`: split into
 * chunks): what Node reads at start (the entry and the chunks it imports statically), the whole asset
 * (lazily imported chunks and source maps too: they ship in the zip) and the entry's module-load time,
 * paired and interleaved against a bare `node`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { Metafile } from 'esbuild';
import { bundleFunction, type WardenFunctionName } from '../infra/warden-function';
import { median, round } from './stats';

export const FUNCTION_NAMES = ['responder', 'notifier', 'approval', 'scanner', 'heartbeat'] as const satisfies readonly WardenFunctionName[];
/** Issue #16's targets for the responder: what loads at start ≤ 1 MB, its load ≤ 250 ms above a bare `node`. */
export const TARGETS = { responderStartBytes: 1_000_000, loadMsAboveBareNode: 250 } as const;
/** Pairs per function (bare, import); odd, so the medians are measured values. */
const LOAD_PAIRS = 11;

export interface BundleSizes {
  /** The entry and every chunk it imports statically, transitively: what Node reads and runs at start. */
  readonly startBytes: number;
  /** Every `.mjs` file of the asset, the lazily imported chunks included. */
  readonly codeBytes: number;
  /** Every file of the asset (code and source maps), as it ships in the zip (uncompressed). */
  readonly assetBytes: number;
  readonly chunks: number;
  /** The packages (or the project's own code) with the most bytes in what loads at start, largest first. */
  readonly largestAtStart: readonly { readonly input: string; readonly bytes: number }[];
  /** The packages only the lazily imported chunks hold, with their bytes. */
  readonly lazyOnly: readonly { readonly input: string; readonly bytes: number }[];
}

export interface PairedLoad {
  /** Median wall time of a bare `node` (`-e 0`, as an ES module). */
  readonly bareMs: number;
  /** Median wall time of a `node` that imports the entry. */
  readonly loadMs: number;
  /** Median over the pairs of import − bare. */
  readonly aboveBareMs: number;
  /** Median over the pairs of import / bare: comparable across machine loads. */
  readonly ratio: number;
  readonly pairs: number;
}

export type BundleReport = { readonly name: string; readonly skipped: string } | ({ readonly name: string; readonly load: PairedLoad } & BundleSizes);

/** The package an input file belongs to (`@smithy/core`, `zod`), or `(project)` for the project's own sources. */
export function packageOf(input: string): string {
  const at = input.lastIndexOf('node_modules/');
  if (at === -1) return '(project)';
  const parts = input.slice(at + 'node_modules/'.length).split('/');
  return parts[0]?.startsWith('@') === true ? `${parts[0]}/${parts[1] ?? ''}` : (parts[0] ?? input);
}

/** The output files reached from `entry` over static imports (`import-statement`), the entry included. */
export function staticClosure(metafile: Metafile, entry: string): Set<string> {
  const seen = new Set<string>();
  const queue = [entry];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const imported of metafile.outputs[file]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) queue.push(imported.path);
    }
  }
  return seen;
}

function bytesByPackage(metafile: Metafile, files: Iterable<string>): Map<string, number> {
  const totals = new Map<string, number>();
  for (const file of files) {
    for (const [input, { bytesInOutput }] of Object.entries(metafile.outputs[file]?.inputs ?? {})) {
      totals.set(packageOf(input), (totals.get(packageOf(input)) ?? 0) + bytesInOutput);
    }
  }
  return totals;
}

const largestFirst = (totals: Map<string, number>, n: number): { input: string; bytes: number }[] =>
  [...totals].map(([input, bytes]) => ({ input, bytes })).sort((a, b) => b.bytes - a.bytes).slice(0, n);

/** Sizes of a bundle written to `outdir` by `bundleFunction` (its metafile's paths are relative to `root`). */
export function bundleSizes(metafile: Metafile, outdir: string, root: string): BundleSizes {
  const entry = relative(root, join(outdir, 'index.mjs'));
  if (metafile.outputs[entry] === undefined) throw new Error(`the metafile has no output ${entry}`);
  const atStart = staticClosure(metafile, entry);
  const code = Object.keys(metafile.outputs).filter((file) => file.endsWith('.mjs'));
  const size = (file: string): number => statSync(resolve(root, file)).size;
  const startPackages = bytesByPackage(metafile, atStart);
  const lazyPackages = bytesByPackage(metafile, code.filter((file) => !atStart.has(file)));
  for (const name of startPackages.keys()) lazyPackages.delete(name);
  return {
    startBytes: [...atStart].reduce((sum, file) => sum + size(file), 0),
    codeBytes: code.reduce((sum, file) => sum + size(file), 0),
    assetBytes: readdirSync(outdir).reduce((sum, file) => sum + statSync(join(outdir, file)).size, 0),
    chunks: code.length,
    largestAtStart: largestFirst(startPackages, 8),
    lazyOnly: largestFirst(lazyPackages, 8),
  };
}

/** Wall time of one fresh `node` process running `code` as an ES module. */
function nodeOnceMs(code: string): number {
  const t0 = performance.now();
  execFileSync(process.execPath, ['--input-type=module', '-e', code], { env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1' }, stdio: 'ignore' });
  return performance.now() - t0;
}

/**
 * Paired, interleaved runs (A bare, B import, A, B …), so a machine whose load changes during the run shifts
 * both halves of a pair alike: medians of each side, of the differences and of the ratios.
 */
export function pairedLoad(file: string, pairs = LOAD_PAIRS): PairedLoad {
  const bare: number[] = [];
  const load: number[] = [];
  const above: number[] = [];
  const ratios: number[] = [];
  const importIt = `await import(${JSON.stringify(pathToFileURL(file).href)});`;
  for (let i = 0; i < pairs; i += 1) {
    const a = nodeOnceMs('0');
    const b = nodeOnceMs(importIt);
    bare.push(a);
    load.push(b);
    above.push(b - a);
    ratios.push(b / a);
  }
  return { bareMs: round(median(bare), 1), loadMs: round(median(load), 1), aboveBareMs: round(median(above), 1), ratio: round(median(ratios), 2), pairs };
}

/** Bundles each function as deployed into a temporary directory, sizes it and times the entry's import. */
export function bundleBench(root = process.cwd(), names: readonly WardenFunctionName[] = FUNCTION_NAMES): BundleReport[] {
  const outdir = mkdtempSync(join(tmpdir(), 'warden-bundles-'));
  try {
    return names.map((name) => {
      let metafile: Metafile;
      const dir = join(outdir, name);
      try {
        metafile = bundleFunction(name, dir, root).metafile;
      } catch (e: unknown) {
        return { name, skipped: `bundling failed: ${e instanceof Error ? e.message.split('\n')[0] ?? '' : 'unknown error'}` };
      }
      return { name, ...bundleSizes(metafile, dir, root), load: pairedLoad(join(dir, 'index.mjs')) };
    });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(3)} MB`;

/** Lines for people: sizes, the paired load, and for the responder whether each target is met. */
export function describeBundles(reports: readonly BundleReport[]): string[] {
  return reports.flatMap((r) => {
    if ('skipped' in r) return [`${r.name}: skipped (${r.skipped})`];
    const lines = [
      `${r.name}: ${mb(r.startBytes)} loaded at start (entry + static chunks), ${mb(r.codeBytes)} of code in ${String(r.chunks)} files, ${mb(r.assetBytes)} asset with source maps; ` +
        `load ${String(r.load.aboveBareMs)} ms above a bare node (paired ×${String(r.load.pairs)}: ${String(r.load.loadMs)} vs ${String(r.load.bareMs)} ms, ratio ${String(r.load.ratio)})`,
    ];
    if (r.name === 'responder') {
      const sizeMet = r.startBytes <= TARGETS.responderStartBytes;
      const loadMet = r.load.aboveBareMs <= TARGETS.loadMsAboveBareNode;
      lines.push(`  target ≤ 1 MB (judged on what loads at start; the lazily loaded chunks still ship in the zip): ${sizeMet ? 'met' : 'NOT met'}`);
      lines.push(`  target ≤ ${String(TARGETS.loadMsAboveBareNode)} ms above a bare node: ${loadMet ? 'met' : 'NOT met'}`);
      lines.push(`  largest at start: ${r.largestAtStart.map((p) => `${p.input} ${String(Math.round(p.bytes / 1e3))} KB`).join(', ')}`);
      lines.push(`  only in lazy chunks: ${r.lazyOnly.map((p) => `${p.input} ${String(Math.round(p.bytes / 1e3))} KB`).join(', ')}`);
    }
    return lines;
  });
}

// `npx tsx bench/bundles.ts [name …]`: this part of `npm run bench` alone.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const wanted = process.argv.slice(2).filter((a): a is WardenFunctionName => (FUNCTION_NAMES as readonly string[]).includes(a));
  for (const line of describeBundles(bundleBench(process.cwd(), wanted.length > 0 ? wanted : FUNCTION_NAMES))) console.log(line);
}
