import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { ALICE } from '../../e2e/support/accounts';
import type { BrowserName, BrowserUnderTest } from '../../e2e/support/browser';
import { CHROMIUM_BIN, killProcessTree } from '../../e2e/support/chromium';
import { CHROME_DIST } from '../../e2e/support/extension';
import { launchFirefox } from '../../e2e/support/firefox';
import { sleep } from '../../e2e/support/ports';
import type { AccessEntry, Squid } from '../../e2e/support/squid';
import type { Stack } from '../../e2e/support/stack';
import { navigate } from '../../e2e/support/steps';
import { GECKO_ID } from '../../../vite.config';

/** Loads the origin's /many page (n fetches spread over `hosts`, each through its route) and waits until every one settled. */
export async function loadMany(stack: Stack, page: Page, n: number, hosts: readonly string[]): Promise<void> {
  const url = stack.directUrl(`/many?n=${n}&kinds=fetch&hosts=${hosts.join(',')}`);
  const status = await navigate(page, url, 30_000);
  if (status !== 200) throw new Error(`/many: ${status}`);
  await page.waitForFunction(() => document.body.dataset['done'] === 'true', { timeout: 60_000 });
}

/** How many of the /many page's fetches loaded, from its title. */
export async function loadedCount(page: Page): Promise<number> {
  const match = /loaded (\d+)\//.exec(await page.title());
  return match ? Number(match[1]) : 0;
}

/** Page time from the page's own Navigation Timing: navigation start to the end of its load event. */
export async function readPageTime(page: Page): Promise<number> {
  return page.evaluate(() => {
    const [nav] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
    return nav === undefined ? Number.NaN : nav.loadEventEnd - nav.startTime;
  });
}

/** Loads `url` and returns its status (or error text) and its page time. */
export async function timedLoad(page: Page, url: string, timeoutMs = 10_000): Promise<{ status: number | string; pageMs: number }> {
  const status = await page.goto(url, { timeout: timeoutMs, waitUntil: 'load' }).then(
    (r) => r?.status() ?? 'no response',
    (error: unknown) => `error: ${error instanceof Error ? error.message : String(error)}`,
  );
  const pageMs = typeof status === 'number' ? await readPageTime(page).catch(() => Number.NaN) : Number.NaN;
  return { status, pageMs };
}

/**
 * squid's own gap for one challenged request: from logging the 407 (which
 * carried no credentials) to the arrival of the retry it let through
 * (logged time minus `%tr`), in ms. undefined when the log has no such pair.
 */
export function answerGapMs(entries: readonly AccessEntry[], port: number, url: string): number | undefined {
  const mine = entries.filter((e) => e.port === port && e.url === url);
  const challenge = mine.find((e) => e.status === 407 && e.user === null);
  if (challenge === undefined) return undefined;
  const retry = mine.find((e) => e.status === 200 && e.user !== null && e.time >= challenge.time - 0.5);
  if (retry === undefined) return undefined;
  const arrival = retry.time - (retry.elapsedMs ?? 0) / 1000;
  return Math.round((arrival - challenge.time) * 1_000_000) / 1000;
}

/** Waits for squid to log the accepted retry of `url` on `port`, then returns the gap. */
export async function waitForAnswerGap(squid: Squid, port: number, url: string): Promise<number | undefined> {
  const entries = await squid
    .waitForAccessLog((all) => all.some((e) => e.port === port && e.url === url && e.status === 200), 5_000)
    .catch(() => undefined);
  return entries === undefined ? undefined : answerGapMs(entries, port, url);
}

/**
 * Stops the background and confirms, without waking or attaching to it, that
 * it is stopped; a few tries, since something in the browser may wake it.
 */
export async function stopAndConfirm(browser: BrowserUnderTest): Promise<boolean> {
  for (let attempt = 0; attempt < 3; attempt++) {
    await browser.stopBackground();
    await sleep(50);
    if (!(await browser.isBackgroundRunning())) return true;
  }
  return false;
}

export async function waitForBackground(browser: BrowserUnderTest, running: boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await browser.isBackgroundRunning()) === running) return true;
    await sleep(50);
  }
  return (await browser.isBackgroundRunning()) === running;
}

/**
 * A Chromium with no extension at all, behind the same PAC: the DevTools
 * baseline, where puppeteer's page.authenticate answers the proxy's 407.
 */
export async function launchPlainChromium(pacUrl: string): Promise<{ browser: Browser; close(): Promise<void> }> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'pk-bench-plain-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM_BIN,
    headless: true,
    pipe: true,
    userDataDir,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-default-apps',
      `--proxy-pac-url=${pacUrl}`,
    ],
  });
  return {
    browser,
    close: async () => {
      const pid = browser.process()?.pid;
      await Promise.race([browser.close().catch(() => undefined), sleep(10_000)]);
      if (pid !== undefined) killProcessTree(pid);
      await rm(userDataDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 200 });
    },
  };
}

/**
 * A Firefox whose only add-on asks for no permission at all (the launcher
 * installs one), behind the given PAC: the baseline where WebDriver BiDi
 * (puppeteer's page.authenticate, network.continueWithAuth) answers the 407.
 */
export async function launchPlainFirefox(pacUrl: string): Promise<{ browser: Browser; close(): Promise<void> }> {
  const blank = await mkdtemp(join(tmpdir(), 'pk-bench-blank-ext-'));
  const geckoId = 'pk-bench-blank@proxy-keyring.dev';
  await writeFile(
    join(blank, 'manifest.json'),
    JSON.stringify({
      manifest_version: 3,
      name: 'blank',
      version: '1.0',
      browser_specific_settings: { gecko: { id: geckoId, strict_min_version: '142.0' } },
    }),
  );
  try {
    const firefox = await launchFirefox({ extensionDir: blank, pacUrl, geckoId });
    return {
      browser: firefox.browser,
      close: async () => {
        await firefox.close();
        await rm(blank, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(blank, { recursive: true, force: true });
    throw error;
  }
}

/**
 * The floor under Proxy Keyring's answers: an extension whose background does
 * nothing but answer every proxy challenge at once with one fixed account (no
 * storage, no log, no decision), with the listener shape auth-listener.ts uses
 * in each browser. What it costs is what the browser itself takes to hand a
 * challenge to an extension and to start a stopped background.
 */
function floorBackground(name: BrowserName): string {
  const answer = JSON.stringify({ authCredentials: { username: ALICE.user, password: ALICE.password } });
  return name === 'chromium'
    ? `chrome.webRequest.onAuthRequired.addListener((d, callback) => callback(d.isProxy ? ${answer} : {}), { urls: ['<all_urls>'] }, ['asyncBlocking']);\n`
    : `browser.webRequest.onAuthRequired.addListener((d) => (d.isProxy ? ${answer} : {}), { urls: ['<all_urls>'] }, ['blocking']);\n`;
}

function floorManifest(name: BrowserName): object {
  const shared = { manifest_version: 3, name: 'floor', version: '1.0', host_permissions: ['<all_urls>'] };
  return name === 'chromium'
    ? { ...shared, permissions: ['webRequest', 'webRequestAuthProvider'], background: { service_worker: 'background.js' } }
    : {
        ...shared,
        permissions: ['webRequest', 'webRequestBlocking'],
        background: { scripts: ['background.js'] },
        // The harness finds the add-on by Proxy Keyring's Gecko id; the floor's browser has no other add-on.
        browser_specific_settings: { gecko: { id: GECKO_ID, strict_min_version: '142.0' } },
      };
}

/** The floor extension in a temporary folder (remove it when done); the icons are there for the harness's quiet page. */
export async function writeFloorExtension(name: BrowserName): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `pk-bench-floor-${name}-`));
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(floorManifest(name)));
  await writeFile(join(dir, 'background.js'), floorBackground(name));
  await cp(join(CHROME_DIST, 'icons'), join(dir, 'icons'), { recursive: true });
  return dir;
}
