import { defineConfig } from 'vitest/config';

/** Test files that synthesize CDK stacks: each synthesizes once per file (beforeAll), and one synthesis (with
 * esbuild bundling of the functions) takes 20–60 s on a busy 2-core machine, so they get their own timeouts. */
const CDK_TESTS = ['test/infra/**/*.test.ts'];

export default defineConfig({
  test: {
    reporters: ['default', './test/support/closing-line-reporter.ts'],
    // The SDK warns on every module copy that Node 20 support ends in 2027 (33 copies per run); the README says it once.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    setupFiles: ['./test/support/quiet-output.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: CDK_TESTS, testTimeout: 20_000 } },
      // Holds at load average 10+ on 2 cores: 120 s per test and hook (a synthesis measured 22 s where 20 s was the limit).
      { extends: true, test: { name: 'cdk', include: CDK_TESTS, testTimeout: 120_000, hookTimeout: 180_000 } },
    ],
    coverage: {
      provider: 'v8',
      include: ['rules/**/*.ts', 'functions/shared/**/*.ts'],
      // Written to coverage/coverage-summary.json; printed after the test summary it would hide CI's closing line.
      reporter: ['json-summary'],
      thresholds: {
        'rules/**/*.ts': { lines: 90, branches: 80 },
        'functions/shared/engine/**/*.ts': { lines: 90, branches: 80 },
      },
    },
  },
});
