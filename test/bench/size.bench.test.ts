import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { build } from 'vite';
import { CHROME_DIST, FIREFOX_DIST, REPO_ROOT } from '../e2e/support/extension';
import { bytesByGroup } from './source-shares';
import { recordFigures, type TableRow } from './figures';

/**
 * Bytes a browser loads for each entry of the built extension: the entry's JS,
 * every module it imports statically (followed through the chunks), and its
 * stylesheets, each file gzipped on its own (as a store or server would send it).
 */
const ENTRIES = {
  prompt: 'src/ui/prompt/index.html',
  popup: 'src/ui/popup/index.html',
  options: 'src/ui/options/index.html',
} as const;
const TARGETS: Partial<Record<string, number>> = { background: 12_000, prompt: 12_000 };

async function backgroundScript(dist: string): Promise<string> {
  const manifest = JSON.parse(await readFile(resolve(dist, 'manifest.json'), 'utf8')) as {
    background: { service_worker?: string; scripts?: string[] };
  };
  const script = manifest.background.service_worker ?? manifest.background.scripts?.[0];
  if (script === undefined) throw new Error(`no background in ${dist}/manifest.json`);
  return script;
}

/** Files (relative to dist) an HTML entry loads directly: module scripts, preloads and stylesheets. */
function htmlAssets(html: string, htmlPath: string): string[] {
  const refs = [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
  return refs.filter((r) => /\.(m?js|css)$/.test(r)).map((r) => (r.startsWith('/') ? r.slice(1) : posix.join(posix.dirname(htmlPath), r)));
}

/** Static imports of a built JS module (`import … from "./x.js"`, `import "./x.js"`), relative to dist. */
function jsImports(code: string, jsPath: string): string[] {
  const specs = [
    ...code.matchAll(/\bimport\s*(?:[\w*{}\s,$]+\s*from\s*)?["']([^"']+\.js)["']/g),
    ...code.matchAll(/\bexport\s*[\w*{}\s,$]*\s*from\s*["']([^"']+\.js)["']/g),
  ].map((m) => m[1]!);
  return specs.map((s) => (s.startsWith('/') ? s.slice(1) : posix.normalize(posix.join(posix.dirname(jsPath), s))));
}

async function entryFiles(dist: string, roots: string[]): Promise<Set<string>> {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (file.endsWith('.js')) queue.push(...jsImports(await readFile(resolve(dist, file), 'utf8'), file));
  }
  return seen;
}

async function measure(dist: string) {
  const roots: Record<string, string[]> = { background: [await backgroundScript(dist)] };
  for (const [name, html] of Object.entries(ENTRIES)) {
    roots[name] = htmlAssets(await readFile(resolve(dist, html), 'utf8'), html);
  }
  const out: Record<
    string,
    { files: number; rawBytes: number; gzipBytes: number; js: number; css: number; byFile: Record<string, number> }
  > = {};
  for (const [name, files] of Object.entries(roots)) {
    let raw = 0;
    let gz = 0;
    let js = 0;
    let css = 0;
    const byFile: Record<string, number> = {};
    const all = await entryFiles(dist, files);
    for (const file of all) {
      const bytes = await readFile(resolve(dist, file));
      const g = gzipSync(bytes, { level: 9 }).length;
      raw += bytes.length;
      gz += g;
      byFile[file] = g;
      if (file.endsWith('.css')) css += g;
      else js += g;
    }
    out[name] = { files: all.size, rawBytes: raw, gzipBytes: gz, js, css, byFile };
  }
  return out;
}

/** The Chrome build again, with source maps, into a folder of its own: which parts of the tree the background's bytes come from. */
async function backgroundShares(): Promise<Map<string, number>> {
  const outDir = await mkdtemp(join(tmpdir(), 'pk-bench-size-'));
  try {
    await build({
      root: REPO_ROOT,
      configFile: resolve(REPO_ROOT, 'vite.config.ts'),
      mode: 'chrome',
      logLevel: 'silent',
      build: { outDir, sourcemap: true, emptyOutDir: true },
    });
    return await bytesByGroup(outDir, await entryFiles(outDir, [await backgroundScript(outDir)]));
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

it('gzip bytes of each entry (JS + CSS) in both builds', async () => {
  const chrome = await measure(CHROME_DIST);
  const firefox = await measure(FIREFOX_DIST);
  const kB = (b: number) => `${(b / 1000).toFixed(1)} kB`;
  const rows: TableRow[] = Object.keys(chrome).map((name) => ({
    figure: `gzip size: ${name} (JS + CSS), chromium / firefox build`,
    browser: 'both',
    value: `${kB(chrome[name]!.gzipBytes)} / ${kB(firefox[name]!.gzipBytes)}`,
    baseline: `raw ${kB(chrome[name]!.rawBytes)}, ${chrome[name]!.files} files`,
    ...(TARGETS[name] === undefined ? {} : { target: `≤ ${kB(TARGETS[name])}` }),
  }));
  const shares = await backgroundShares();
  const ownBytes = [...shares].filter(([g]) => g.startsWith('src/')).reduce((sum, [, b]) => sum + b, 0);
  const total = [...shares.values()].reduce((sum, b) => sum + b, 0);
  const top = [...shares].sort((a, b) => b[1] - a[1]);
  rows.push({
    figure: 'background, what its minified bytes are made of (chromium build, from source maps)',
    browser: 'both',
    value: top.map(([g, b]) => `${g} ${kB(b)}`).join(', '),
    baseline: `our own code ${kB(ownBytes)} of ${kB(total)} (${Math.round((ownBytes / total) * 100)} %)`,
  });
  await recordFigures('size', { chrome, firefox, root: dirname(CHROME_DIST), backgroundBytesByGroup: Object.fromEntries(top) }, rows);
  // The background is one classic script (vite.config.ts entriesAsOneScript), its shares read from its own map.
  expect(chrome['background']!.files).toBe(1);
  expect(shares.has('(build glue)')).toBe(false);
  expect(firefox['prompt']!.gzipBytes).toBeGreaterThan(0);
});
