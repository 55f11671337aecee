#!/usr/bin/env node
// `npm run build` (and npm's `prepare`, which `npm ci` runs): bundles the CLI into dist/ with esbuild so
// `warden` starts without compiling TypeScript. Built at install, not committed: a reviewer reads the
// sources, never a multi-megabyte generated file, and the bundle cannot drift from a commit.
// dist/cli-inputs.json lists the project's own source files in the bundle: bin/warden.mjs runs the sources
// (through tsx) instead when one of them is newer than the bundle.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'cli');

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  // Installed without devDependencies: bin/warden.mjs runs the sources through tsx.
  console.error('warden: esbuild is not installed; the CLI will run from its TypeScript sources (slower start)');
  process.exit(0);
}

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: { warden: 'cli/main.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  // CommonJS dependencies (the AWS SDK) call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as __wardenRequire } from 'node:module'; const require = __wardenRequire(import.meta.url);" },
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});
const own = Object.keys(result.metafile.inputs).filter((file) => !file.includes('node_modules/') && !file.startsWith('<'));
writeFileSync(join(outdir, 'cli-inputs.json'), `${JSON.stringify(own)}\n`);
