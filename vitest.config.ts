import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    coverage: {
      provider: 'v8',
      include: ['rules/**/*.ts', 'functions/shared/**/*.ts'],
      reporter: ['text-summary'],
      thresholds: {
        'rules/**/*.ts': { lines: 90, branches: 80 },
        'functions/shared/engine/**/*.ts': { lines: 90, branches: 80 },
      },
    },
  },
});
