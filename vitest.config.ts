import { defineConfig } from 'vitest/config';
import preact from '@preact/preset-vite';

/** Unit tests: the real code against in-memory fakes; no crx plugin, no browser. */
export default defineConfig({
  plugins: [preact()],
  test: {
    include: ['test/unit/**/*.test.{ts,tsx}'],
    environment: 'node',
    setupFiles: ['test/unit/setup.ts'],
    coverage: { provider: 'v8', include: ['src/**'] },
  },
});
