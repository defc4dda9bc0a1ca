import { defineConfig } from 'vitest/config';
import preact from '@preact/preset-vite';

/** Every folder of src must keep at least this share of its lines run by the unit tests. */
const FOLDER_LINES = { lines: 85 };

/** Unit tests: the real code against in-memory fakes; no crx plugin, no browser. */
export default defineConfig({
  plugins: [preact()],
  test: {
    include: ['test/unit/**/*.test.{ts,tsx}'],
    environment: 'node',
    setupFiles: ['test/unit/setup.ts'],
    coverage: {
      provider: 'v8',
      include: ['src/**/*.{ts,tsx}'],
      thresholds: {
        'src/background/**': FOLDER_LINES,
        'src/core/**': FOLDER_LINES,
        'src/messaging/**': FOLDER_LINES,
        'src/settings/**': FOLDER_LINES,
        'src/storage/**': FOLDER_LINES,
        'src/ui/**': FOLDER_LINES,
      },
    },
  },
});
