import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { build, defineConfig, type Plugin, type Rolldown } from 'vite';
import { crx, type ManifestV3Export } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import sourceManifest from './manifest.json' with { type: 'json' };

/** The Gecko id is the extension's stable identity in Firefox (storage, uuid). */
export const GECKO_ID = 'proxy-keyring@proxy-keyring.dev';

type Target = 'chrome' | 'firefox';

/** The background's source entry (the source manifest names it) and the one classic script it is built into. */
const BACKGROUND_ENTRY = sourceManifest.background.service_worker;
const BACKGROUND_SCRIPT = 'background.js';

type BuiltManifest = Record<string, unknown> & { readonly background: Readonly<Record<string, unknown>> };

/**
 * One source manifest (Chrome's shape) becomes each browser's manifest. Both
 * run the background as one classic script (backgroundAsOneScript below).
 * Firefox runs it as an event page (`background.scripts`), answers
 * onAuthRequired with `webRequestBlocking` instead of
 * `webRequestAuthProvider`, and needs a Gecko id, a minimum version and
 * data-collection permissions.
 */
export function manifestFor(target: Target): BuiltManifest {
  const manifest = structuredClone(sourceManifest) as Record<string, unknown> & typeof sourceManifest;
  if (target === 'chrome') return { ...manifest, background: { service_worker: BACKGROUND_SCRIPT } };
  // Chrome's alone: `key` fixes Chrome's extension id (policies name it), `storage.managed_schema` checks Chrome's
  // policy; Firefox names the extension by its Gecko id and reads policies.json without a schema.
  const { key: _key, storage: _storage, ...shared } = manifest;
  return {
    ...shared,
    background: { scripts: [BACKGROUND_SCRIPT] },
    permissions: manifest.permissions.map((p) => (p === 'webRequestAuthProvider' ? 'webRequestBlocking' : p)),
    browser_specific_settings: {
      gecko: {
        id: GECKO_ID,
        strict_min_version: '142.0',
        data_collection_permissions: { required: ['none'] },
      },
    },
  };
}

/**
 * The background is built on its own into one classic script, not as the
 * module graph crxjs makes of it (an entry and chunks shared with the pages).
 * A woken worker or event page evaluates it before it can answer the
 * challenge that woke it, and one classic file is the quickest to start:
 * measured in Chromium 156 (`npm run bench`, 20 cold wakes each), scripts
 * evaluated 50 ms after the worker began starting as five modules, 39 ms as
 * one module, 32–33.5 ms as one classic script (docs/benchmarks.md).
 * crxjs builds everything else from a manifest without a background; this
 * writes the script beside them and names it in the manifest crxjs wrote.
 */
function backgroundAsOneScript(target: Target, mode: string): Plugin {
  return {
    name: 'proxy-keyring:background-as-one-script',
    enforce: 'post',
    // After crxjs wrote its files (its manifest is emitted late in generateBundle, after this plugin would see it).
    async writeBundle(options) {
      const built = (await build({
        configFile: false,
        logLevel: 'warn',
        mode,
        build: {
          write: false,
          minify: true,
          lib: { entry: BACKGROUND_ENTRY, formats: ['iife'], name: 'proxyKeyringBackground', fileName: () => BACKGROUND_SCRIPT },
        },
      })) as Rolldown.RolldownOutput | Rolldown.RolldownOutput[];
      const chunks = (Array.isArray(built) ? built : [built]).flatMap((out) => out.output).filter((o) => o.type === 'chunk');
      if (chunks.length !== 1) throw new Error(`the background must build into one script, not ${chunks.length}`);
      const outDir = options.dir ?? `dist/${target}`;
      await writeFile(resolve(outDir, BACKGROUND_SCRIPT), chunks[0]!.code);
      const manifestPath = resolve(outDir, 'manifest.json');
      const written = JSON.parse(await readFile(manifestPath, 'utf8')) as Record<string, unknown>;
      await writeFile(manifestPath, `${JSON.stringify({ ...written, background: manifestFor(target).background }, null, 2)}\n`);
    },
  };
}

export default defineConfig(({ mode }) => {
  const target: Target = mode === 'firefox' ? 'firefox' : 'chrome';
  const { background: _built, ...withoutBackground } = manifestFor(target);
  return {
    plugins: [
      preact(),
      crx({ manifest: withoutBackground as unknown as ManifestV3Export, browser: target }),
      backgroundAsOneScript(target, mode),
    ],
    build: {
      outDir: `dist/${target}`,
      emptyOutDir: true,
      // The prompt window is opened with windows.create, so no manifest key
      // names it: it has to be a build input of its own.
      rolldownOptions: { input: { prompt: 'src/ui/prompt/index.html' } },
    },
  };
});
