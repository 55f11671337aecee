/**
 * The exports of a module loaded with `await import()`, however the bundler hands them over: esbuild's
 * split chunks give a CommonJS package (the AWS SDK's clients are) as `{ default: module.exports }`
 * without the named exports, so `const { Command } = await import(…)` would be undefined there.
 */
export function moduleExports<T extends object>(loaded: T, probe: keyof T): T {
  if (loaded[probe] !== undefined) return loaded;
  const fallback = (loaded as { readonly default?: unknown }).default;
  if (typeof fallback === 'object' && fallback !== null && probe in fallback) return fallback as T;
  throw new TypeError(`the loaded module has no export ${String(probe)}`);
}

/*
 * The SDK packages a typical event never calls, loaded on first use: the bundles keep each in a chunk of its
 * own (`WARDEN_BUNDLING` splits on `await import()`), so a function's start neither reads nor runs them.
 * A static value import of one of these packages anywhere in a function's graph would pull it back into the
 * start; `test/infra/function-bundles.test.ts` checks that none does.
 */

/** The EC2 SDK (about 560 KB minified): security group events and actions only (issue #17 rule 5). */
export const loadEc2 = async () => moduleExports(await import('./ec2-sdk'), 'EC2Client');

/** The CloudTrail SDK: trail events and the `start-trail-logging` action only. */
export const loadCloudTrail = async () => moduleExports(await import('./cloudtrail-sdk'), 'CloudTrailClient');

/** The Secrets Manager SDK: the integrity and baseline keys, each read once per container. */
export const loadSecretsManager = async () => moduleExports(await import('./secrets-sdk'), 'SecretsManagerClient');

/** The CloudWatch Logs SDK: log group events only. */
export const loadCloudWatchLogs = async () => moduleExports(await import('./logs-sdk'), 'CloudWatchLogsClient');
