import { defineConfig } from 'vitest/config';

// Real browsers and a real squid: slow, stateful and heavy on a 2-core box,
// so files run one at a time and nothing is retried (a flaky pass would hide
// exactly the timing bugs these tests exist for).
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 180_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
    fileParallelism: false,
    retry: 0,
    pool: 'forks',
  },
});
