import { defineConfig } from 'vitest/config';

/**
 * `npm run bench`: timings of the hot answer, the cold start, the log writer
 * and the options page with 100,000 records in real Chromium. Figures go to
 * test-artifacts/bench.json; nothing here asserts a time (shared, noisy machines).
 */
export default defineConfig({
  test: {
    include: ['test/bench/**/*.bench.test.ts'],
    environment: 'node',
    setupFiles: ['test/unit/setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
