#!/usr/bin/env node
// Launcher for the `warden` CLI: runs the TypeScript sources through tsx (no build step).
import { register } from 'tsx/esm/api';

// The SDK warns on every start that Node 20 support ends in 2027; the deployed functions run on
// nodejs22.x, and the CLI's offline commands make no AWS call, so keep their output clean.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
