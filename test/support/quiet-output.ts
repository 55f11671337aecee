/**
 * Test-only noise filter (vitest `setupFiles`). The handler tests publish metrics with none stored on purpose,
 * and Powertools then writes "No application metrics to publish…" to stderr through its own console, once per
 * invocation; CDK announces each function it bundles. Production keeps both lines; the test log drops them.
 * (The AWS SDK's Node-version warning is turned off for tests by its own switch in vitest.config.ts.)
 */
const EMPTY_METRICS = 'No application metrics to publish.';
/** CDK's line before each local esbuild bundling of a function (esbuild itself logs warnings only: WARDEN_BUNDLING). */
const BUNDLING = 'Bundling asset ';

const write = process.stderr.write.bind(process.stderr);
process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]): boolean => {
  const text = String(chunk);
  if (text.startsWith(EMPTY_METRICS) || text.startsWith(BUNDLING)) return true;
  return write(chunk, ...rest);
});
