import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';

/**
 * What `npm run build` makes of each target, built here into a folder of its
 * own (vite.config.ts): the background and the prompt as one classic script
 * each, named where the browser looks for them.
 */
const ROOT = resolve(import.meta.dirname, '../../..');

describe.each(['chrome', 'firefox'] as const)('the %s build', (mode) => {
  let outDir: string;
  const read = (file: string) => readFile(join(outDir, file), 'utf8');

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), `pk-build-${mode}-`));
    await build({
      root: ROOT,
      configFile: resolve(ROOT, 'vite.config.ts'),
      mode,
      logLevel: 'silent',
      build: { outDir, emptyOutDir: true },
    });
  }, 60_000);

  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  it('names one classic background script in the manifest, and it is there', async () => {
    const manifest = JSON.parse(await read('manifest.json')) as { background: Record<string, unknown> };
    expect(manifest.background).toEqual(mode === 'chrome' ? { service_worker: 'background.js' } : { scripts: ['background.js'] });
    const script = await read('background.js');
    // A classic script: one function run at once, no module syntax.
    expect(script.startsWith('(function(){')).toBe(true);
    expect(script).not.toMatch(/^\s*(import|export)\b/m);
    expect(script).toContain('onAuthRequired');
  });

  it('writes the prompt page with its own script and stylesheet, and no module graph', async () => {
    const page = await read('src/ui/prompt/index.html');
    expect(page).toContain('<script src="/assets/prompt.js" defer></script>');
    expect(page).toContain('<link rel="stylesheet" href="/assets/prompt.css" />');
    expect(page).not.toContain('type="module"');
    const script = await read('assets/prompt.js');
    expect(script.startsWith('(function(){')).toBe(true);
    expect(script).not.toMatch(/^\s*(import|export)\b/m);
    // No polyfill in the prompt (src/messaging/browser-namespace.ts).
    expect(script).not.toContain('webextension-polyfill');
    expect((await read('assets/prompt.css')).length).toBeGreaterThan(0);
  });

  it('leaves nothing of crxjs’s own background behind', async () => {
    const top = await readdir(outDir);
    expect(top).not.toContain('service-worker-loader.js');
    expect(top).toContain('background.js');
  });
});
