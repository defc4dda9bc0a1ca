import { defineConfig } from 'vitest/config';

/**
 * `npm run bench`: in process (the hot answer, the heap, sizes) and on the
 * built extension in real Chromium and Firefox against squid (warm and cold
 * answers, page loads, bursts, the log, the options page with 100,000
 * records, idle wakes). Figures go to test-artifacts/bench.json and a table is
 * printed at the end; nothing here asserts a time (shared, noisy machines).
 * docs/benchmarks.md says how to read them.
 */
export default defineConfig({
  test: {
    include: ['test/bench/**/*.bench.test.ts'],
    environment: 'node',
    setupFiles: ['test/unit/setup.ts'],
    globalSetup: ['test/bench/print-table.ts'],
    testTimeout: 600_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
