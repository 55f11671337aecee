import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    reporters: ['default', './test/support/closing-line-reporter.ts'],
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
