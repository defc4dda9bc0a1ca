import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { build, defineConfig, type Plugin, type PluginOption, type Rolldown } from 'vite';
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
 * run the background as one classic script (entriesAsOneScript below).
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

/** The prompt window's page, its script and stylesheet (built on their own like the background, below). */
const PROMPT_HTML = 'src/ui/prompt/index.html';
const PROMPT_ENTRY = 'src/ui/prompt/main.tsx';
const PROMPT_SCRIPT = 'assets/prompt.js';
const PROMPT_STYLESHEET = 'assets/prompt.css';

type SourceMapSetting = boolean | 'inline' | 'hidden';

/** What one entry became: its script and, when asked for, its source map (and a page's stylesheet). */
interface OneScript {
  readonly script: string;
  readonly map?: string;
  readonly css?: string;
}

/**
 * One entry and everything it imports as one classic script `file` (and one
 * stylesheet, for a page), built as if into `outDir`, so that the source
 * map's paths and the script's link to it are right there.
 */
async function buildOneScript(
  entry: { readonly root: string; readonly source: string; readonly file: string; readonly outDir: string },
  mode: string,
  sourcemap: SourceMapSetting,
  plugins: PluginOption[] = [],
): Promise<OneScript> {
  const name = basename(entry.file, '.js');
  const built = (await build({
    configFile: false,
    root: entry.root,
    logLevel: 'warn',
    mode,
    plugins,
    build: {
      write: false,
      outDir: resolve(entry.outDir, dirname(entry.file)),
      minify: true,
      sourcemap,
      cssCodeSplit: false,
      lib: { entry: entry.source, formats: ['iife'], name: 'proxyKeyring', fileName: () => `${name}.js`, cssFileName: name },
    },
  })) as Rolldown.RolldownOutput | Rolldown.RolldownOutput[];
  const files = (Array.isArray(built) ? built : [built]).flatMap((out) => out.output);
  const chunks = files.filter((o) => o.type === 'chunk');
  if (chunks.length !== 1) throw new Error(`${entry.source} must build into one script, not ${chunks.length}`);
  const { code, map } = chunks[0]!;
  const css = files.find((o) => o.type === 'asset' && o.fileName.endsWith('.css'));
  return {
    script: code,
    ...(map && (sourcemap === true || sourcemap === 'hidden') ? { map: map.toString() } : {}),
    ...(css?.type === 'asset' ? { css: String(css.source) } : {}),
  };
}

async function writeOneScript(outDir: string, file: string, built: OneScript): Promise<void> {
  await mkdir(resolve(outDir, dirname(file)), { recursive: true });
  await writeFile(resolve(outDir, file), built.script);
  if (built.map !== undefined) await writeFile(resolve(outDir, `${file}.map`), built.map);
}

/** Every source file under `dir`, for `vite build --watch` to rebuild on (the two entries are not in crxjs's graph). */
async function sourcesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && /\.(tsx?|css|html)$/.test(e.name)).map((e) => resolve(e.parentPath, e.name));
}

/**
 * Two entries are built on their own, each into one classic script, not as
 * the module graph crxjs makes of them (an entry and chunks shared with the
 * other pages):
 *
 * - The background. A woken worker or event page evaluates it before it can
 *   answer the challenge that woke it, and one classic file is the quickest
 *   to start: measured in Chromium 156 (20 cold wakes each), its modules
 *   evaluated 50 ms after the worker began starting as crxjs's five modules,
 *   39 ms as one module, 32–33.5 ms as one classic script
 *   (docs/benchmarks.md, item 3). crxjs builds the rest from a manifest
 *   without a background; this names the script in the manifest crxjs wrote.
 * - The prompt window, for its size: its own script and stylesheet (Preact
 *   and the form, without the polyfill: src/messaging/browser-namespace.ts)
 *   are 10.3 kB gzipped, where its share of the pages' shared chunks was
 *   16.1 kB (docs/benchmarks.md, item 8).
 */
function entriesAsOneScript(target: Target, mode: string): Plugin {
  let sourcemap: SourceMapSetting = false;
  let root = process.cwd();
  return {
    name: 'proxy-keyring:entries-as-one-script',
    enforce: 'post',
    configResolved(config) {
      sourcemap = config.build.sourcemap;
      root = config.root;
    },
    async buildStart() {
      for (const file of await sourcesUnder(resolve(root, 'src'))) this.addWatchFile(file);
    },
    // After crxjs wrote its files (its manifest is emitted late in generateBundle, after this plugin would see it).
    async writeBundle(options) {
      const outDir = options.dir ?? resolve(root, `dist/${target}`);
      const [background, prompt] = await Promise.all([
        buildOneScript({ root, source: BACKGROUND_ENTRY, file: BACKGROUND_SCRIPT, outDir }, mode, sourcemap),
        buildOneScript({ root, source: PROMPT_ENTRY, file: PROMPT_SCRIPT, outDir }, mode, sourcemap, [preact()]),
      ]);
      await writeOneScript(outDir, BACKGROUND_SCRIPT, background);
      const manifestPath = resolve(outDir, 'manifest.json');
      const written = JSON.parse(await readFile(manifestPath, 'utf8')) as Record<string, unknown>;
      await writeFile(manifestPath, `${JSON.stringify({ ...written, background: manifestFor(target).background }, null, 2)}\n`);

      // The prompt is opened with windows.create, so no manifest key names it: its page is written here.
      const page = await readFile(resolve(root, PROMPT_HTML), 'utf8');
      const moduleTag = /<script type="module" src="\.\/main\.tsx"><\/script>/;
      if (!moduleTag.test(page)) throw new Error(`${PROMPT_HTML} no longer loads ./main.tsx as this build expects`);
      const withStylesheet = page.replace('</head>', `  <link rel="stylesheet" href="/${PROMPT_STYLESHEET}" />\n  </head>`);
      await mkdir(resolve(outDir, dirname(PROMPT_HTML)), { recursive: true });
      await writeFile(resolve(outDir, PROMPT_HTML), withStylesheet.replace(moduleTag, `<script src="/${PROMPT_SCRIPT}" defer></script>`));
      await writeOneScript(outDir, PROMPT_SCRIPT, prompt);
      await writeFile(resolve(outDir, PROMPT_STYLESHEET), prompt.css ?? '');
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
      entriesAsOneScript(target, mode),
    ],
    build: {
      outDir: `dist/${target}`,
      emptyOutDir: true,
    },
  };
});
