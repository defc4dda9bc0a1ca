import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { bidiSend } from './firefox';
import { sleep } from './ports';

/**
 * Helpers only the Firefox diagnostics scenarios use: raw WebDriver BiDi
 * commands puppeteer does not wrap for Firefox (downloads, colour scheme) and
 * reading downloaded files.
 */

/**
 * Downloads land in `dir` without a dialog. BiDi `browser.setDownloadBehavior`
 * (no userContexts = every context, extension pages included) works on ESR
 * 153; puppeteer only sends it for contexts it creates itself.
 */
export async function allowDownloads(browser: Browser, dir: string): Promise<void> {
  await bidiSend(browser, 'browser.setDownloadBehavior', {
    downloadBehavior: { type: 'allowed', destinationFolder: dir },
  });
}

/**
 * Forces `prefers-color-scheme` in web content, live. ESR 153 has no BiDi
 * colour-scheme emulation (`emulation.setColorSchemeOverride`: unknown
 * command) and puppeteer's emulateMediaFeatures is CDP-only, so the pref
 * `layout.css.prefers-color-scheme.content-override` (0 dark, 1 light) is set
 * from the browser's chrome context, which --remote-allow-system-access opens
 * to BiDi (`moz:scope: 'chrome'`). 'system' clears the overrides.
 */
export async function setContentColorScheme(browser: Browser, scheme: 'dark' | 'light' | 'system'): Promise<void> {
  const tree = (await bidiSend(browser, 'browsingContext.getTree', { 'moz:scope': 'chrome', maxDepth: 0 })).result as {
    contexts: Array<{ context: string }>;
  };
  const context = tree.contexts[0]?.context;
  if (context === undefined) throw new Error('no chrome browsing context');
  // The content override alone flips the media query but leaves native
  // widgets (scrollbars) light; a dark OS theme (ui.systemUsesDarkTheme) is
  // what a real dark-mode user has, so both are set.
  const prefs: Array<[string, number]> = [
    ['layout.css.prefers-color-scheme.content-override', scheme === 'dark' ? 0 : 1],
    ['ui.systemUsesDarkTheme', scheme === 'dark' ? 1 : 0],
  ];
  const expression =
    prefs
      .map(([name, value]) =>
        scheme === 'system'
          ? `Services.prefs.clearUserPref(${JSON.stringify(name)});`
          : `Services.prefs.setIntPref(${JSON.stringify(name)}, ${value});`,
      )
      .join(' ') + " 'ok'";
  await bidiSend(browser, 'script.evaluate', { expression, target: { context }, awaitPromise: false });
}

/**
 * Waits for a finished download whose name matches `pattern` and that is not
 * in `before`: Firefox writes to a `.part` file and renames it at the end, so
 * a matching name with a stable size is a complete file.
 */
export async function waitForDownload(
  dir: string,
  pattern: RegExp,
  before: ReadonlySet<string>,
  timeoutMs = 15_000,
): Promise<{ name: string; text: string }> {
  const deadline = Date.now() + timeoutMs;
  let lastSize = -1;
  while (Date.now() < deadline) {
    const name = (await readdir(dir)).find((n) => pattern.test(n) && !before.has(n) && !n.endsWith('.part'));
    if (name !== undefined) {
      const { size } = await stat(join(dir, name));
      if (size > 0 && size === lastSize) return { name, text: await readFile(join(dir, name), 'utf8') };
      lastSize = size;
    }
    await sleep(150);
  }
  throw new Error(`no download matching ${pattern} in ${dir} within ${timeoutMs} ms`);
}

/** The type of the browser window an extension page sits in (Firefox: browser.windows). */
export function readWindowType(extensionPage: Page): Promise<string> {
  return extensionPage.evaluate(async () =>
    String(
      (await (globalThis as unknown as { browser: { windows: { getCurrent(): Promise<{ type?: string }> } } }).browser.windows.getCurrent())
        .type,
    ),
  );
}
