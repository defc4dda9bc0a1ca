import { defineConfig } from 'vite';
import { crx, type ManifestV3Export } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import sourceManifest from './manifest.json' with { type: 'json' };

/** The Gecko id is the extension's stable identity in Firefox (storage, uuid). */
export const GECKO_ID = 'proxy-keyring@proxy-keyring.dev';

type Target = 'chrome' | 'firefox';

/**
 * One source manifest (Chrome's shape) becomes each browser's manifest.
 * Firefox runs an event page (`background.scripts`), answers onAuthRequired
 * with `webRequestBlocking` instead of `webRequestAuthProvider`, and needs a
 * Gecko id, a minimum version and data-collection permissions.
 */
export function manifestFor(target: Target): ManifestV3Export {
  const manifest = structuredClone(sourceManifest) as Record<string, unknown> & typeof sourceManifest;
  if (target === 'chrome') return manifest;
  const { service_worker } = manifest.background;
  // Chrome's alone: `key` fixes Chrome's extension id (policies name it), `storage.managed_schema` checks Chrome's
  // policy; Firefox names the extension by its Gecko id and reads policies.json without a schema.
  const { key: _key, storage: _storage, ...shared } = manifest;
  return {
    ...shared,
    background: { scripts: [service_worker], type: 'module' },
    permissions: manifest.permissions.map((p) => (p === 'webRequestAuthProvider' ? 'webRequestBlocking' : p)),
    browser_specific_settings: {
      gecko: {
        id: GECKO_ID,
        strict_min_version: '142.0',
        data_collection_permissions: { required: ['none'] },
      },
    },
  } as unknown as ManifestV3Export;
}

export default defineConfig(({ mode }) => {
  const target: Target = mode === 'firefox' ? 'firefox' : 'chrome';
  return {
    plugins: [preact(), crx({ manifest: manifestFor(target), browser: target })],
    build: {
      outDir: `dist/${target}`,
      emptyOutDir: true,
      // The prompt window is opened with windows.create, so no manifest key
      // names it: it has to be a build input of its own.
      rolldownOptions: { input: { prompt: 'src/ui/prompt/index.html' } },
    },
  };
});
