#!/usr/bin/env node
// Launcher for the `warden` CLI. Runs the prebuilt bundle (dist/cli/warden.mjs, built by `npm run build`, which
// `npm ci` runs as `prepare`) when it is there and no source file in it changed since; otherwise the TypeScript
// sources through tsx (same behaviour, slower start).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist', 'cli', 'warden.mjs');

/** The reason the bundle cannot be used, or null when it is current. */
function bundleProblem() {
  if (!existsSync(bundle)) return 'no prebuilt CLI (dist/cli/warden.mjs)';
  try {
    const built = statSync(bundle).mtimeMs;
    const inputs = JSON.parse(readFileSync(join(root, 'dist', 'cli', 'cli-inputs.json'), 'utf8'));
    const changed = inputs.find((file) => !existsSync(join(root, file)) || statSync(join(root, file)).mtimeMs > built);
    return changed === undefined ? null : `${changed} changed since the CLI was built`;
  } catch {
    return 'the prebuilt CLI has no readable input list';
  }
}

const problem = bundleProblem();
let runCli;
if (problem === null) {
  ({ runCli } = await import(bundle));
} else {
  if (process.stderr.isTTY) process.stderr.write(`warden: ${problem}: running from source (\`npm run build\` makes it start fast)\n`);
  const { register } = await import('tsx/esm/api');
  register();
  ({ runCli } = await import('../cli/main.ts'));
}
await runCli(process.argv.slice(2));
