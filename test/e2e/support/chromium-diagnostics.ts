import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { waitUntil } from './steps';

/**
 * Chromium-only helpers for test/e2e/chromium-diagnostics.e2e.test.ts:
 * downloads to a known folder, and the toolbar badge.
 */

/**
 * Lets every download of the default browser context land in `dir` without a
 * dialog. Browser.setDownloadBehavior is a browser-level CDP command, so it is
 * sent on a session of the browser target (a page session would only cover
 * that page's frame tree and misses downloads started from a blob: URL).
 */
export async function allowDownloads(browser: Browser, dir: string): Promise<void> {
  const session = await browser.target().createCDPSession();
  await session.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: dir, eventsEnabled: true });
}

/**
 * Waits for a finished download whose name matches `pattern` and returns its
 * name and text. Chromium writes `<name>.crdownload` first and renames it at
 * the end, so a matching final name means the file is complete.
 */
export async function waitForDownload(dir: string, pattern: RegExp, timeoutMs = 10_000): Promise<{ name: string; text: string }> {
  const name = await waitUntil(
    async () => (await readdir(dir)).find((f) => pattern.test(f) && !f.endsWith('.crdownload')),
    timeoutMs,
    `a download matching ${pattern} in ${dir}`,
  );
  return { name, text: await readFile(join(dir, name), 'utf8') };
}
