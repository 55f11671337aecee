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
