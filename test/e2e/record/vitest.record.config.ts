import { defineConfig } from 'vitest/config';

// Records real onAuthRequired payloads into test/fixtures (not part of npm test:
// it rewrites committed files). Run: npx vitest run --config test/e2e/record/vitest.record.config.ts
export default defineConfig({
  test: {
    include: ['test/e2e/record/*.record.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
