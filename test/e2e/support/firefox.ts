import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { killProcessTree } from './chromium';
import { FIREFOX_EXTENSION_UUID, GECKO_ID, PROMPT_PATH } from './extension';
import { sleep } from './ports';

const FIREFOX_BIN = '/usr/bin/firefox-esr';

export interface FirefoxOptions {
  extensionDir: string;
  /** squid port for HTTP and HTTPS (CONNECT); loopback is proxied too. */
  proxyPort?: number;
  /** PAC URL (e.g. from makePacUrl); wins over proxyPort. */
  pacUrl?: string;
  /**
   * Reuse a profile from an earlier launch (close({ keepProfile: true })).
   * Firefox caches proxy credentials per browser process, so a relaunch with
   * the same profile is how a test gets a fresh challenge while keeping what
   * the extension stored.
   */
  profileDir?: string;
  /** Gecko id whose moz-extension:// host is pinned. Default GECKO_ID. */
  geckoId?: string;
  extraPrefs?: Record<string, unknown>;
}

export interface FirefoxHandle {
  browser: Browser;
  profileDir: string;
  pid: number | undefined;
  /** Id returned by the BiDi install (the gecko id). */
  extensionId: string;
  extensionUrl(path: string): string;
  openExtensionPage(path: string, timeoutMs?: number): Promise<Page>;
  waitForPrompt(timeoutMs?: number): Promise<Page>;
  countPromptWindows(): Promise<number>;
  /** Closes Firefox; removes the profile unless keepProfile is set. */
  close(opts?: { keepProfile?: boolean }): Promise<void>;
}

export async function makeFirefoxProfileDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'pk-firefox-'));
}

export async function launchFirefox(opts: FirefoxOptions): Promise<FirefoxHandle> {
  const profileDir = opts.profileDir ?? (await makeFirefoxProfileDir());
  let browser: Browser | undefined;
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX_BIN,
      headless: true,
      protocol: 'webDriverBiDi',
      // BiDi webExtension.install needs system access on ESR 153.
      args: ['--remote-allow-system-access'],
      userDataDir: profileDir,
      // The https origin is self-signed; this is the BiDi session capability.
      acceptInsecureCerts: true,
      extraPrefsFirefox: buildFirefoxPrefs(opts),
    });
    // Installed as a temporary add-on; it is gone after close, but with the
    // keep* prefs its storage and UUID survive a relaunch on this profile.
    const extensionId = await browser.installExtension(opts.extensionDir);
    return makeHandle(browser, extensionId, profileDir);
  } catch (error) {
    await shutDownFirefox(browser, profileDir, opts.profileDir !== undefined);
    throw error;
  }
}

export function buildFirefoxPrefs(opts: FirefoxOptions): Record<string, unknown> {
  return {
    ...proxyPrefs(opts),
    // Otherwise Firefox never proxies 127.0.0.1/localhost.
    'network.proxy.allow_hijacking_localhost': true,
    'network.proxy.no_proxies_on': '',
    // Pin moz-extension://<uuid>/ so pages have a known address across runs.
    'extensions.webextensions.uuids': JSON.stringify({
      [opts.geckoId ?? GECKO_ID]: FIREFOX_EXTENSION_UUID,
    }),
    'extensions.webextensions.keepStorageOnUninstall': true,
    'extensions.webextensions.keepUuidOnUninstall': true,
    // <all_urls> must be granted at install or onAuthRequired never fires
    // for the proxy (default on 153; set so an older default cannot bite).
    'extensions.originControls.grantByDefault': true,
    ...quietPrefs(),
    ...(opts.extraPrefs ?? {}),
  };
}

function proxyPrefs(opts: FirefoxOptions): Record<string, unknown> {
  if (opts.pacUrl !== undefined) {
    return { 'network.proxy.type': 2, 'network.proxy.autoconfig_url': opts.pacUrl };
  }
  if (opts.proxyPort !== undefined) {
    return {
      'network.proxy.type': 1,
      'network.proxy.share_proxy_settings': false,
      'network.proxy.http': '127.0.0.1',
      'network.proxy.http_port': opts.proxyPort,
      'network.proxy.ssl': '127.0.0.1',
      'network.proxy.ssl_port': opts.proxyPort,
    };
  }
  return { 'network.proxy.type': 0 };
}

// puppeteer already disables updates, telemetry, safebrowsing and first-run
// pages; these cover the background requests it leaves on, which would reach
// the proxy as extra (possibly challenged) requests.
function quietPrefs(): Record<string, unknown> {
  return {
    'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false,
    'network.dns.disablePrefetch': true,
    'network.prefetch-next': false,
    'network.predictor.enabled': false,
    'network.trr.mode': 5,
    'browser.aboutwelcome.enabled': false,
    'browser.region.network.url': '',
    'browser.region.update.enabled': false,
    'browser.newtabpage.activity-stream.feeds.section.topstories': false,
    'browser.newtabpage.activity-stream.feeds.snippets': false,
    'browser.newtabpage.activity-stream.default.sites': '',
    'browser.topsites.contile.enabled': false,
    'browser.search.geoSpecificDefaults': false,
    'extensions.blocklist.enabled': false,
    'extensions.getAddons.showPane': false,
    'extensions.htmlaboutaddons.recommendations.enabled': false,
    'geo.provider.network.url': '',
    'identity.fxaccounts.enabled': false,
    'media.gmp-gmpopenh264.enabled': false,
    'security.OCSP.enabled': 0,
    'security.remote_settings.crlite_filters.enabled': false,
    'toolkit.telemetry.enabled': false,
    'toolkit.telemetry.unified': false,
    'app.shield.optoutstudies.enabled': false,
  };
}

function makeHandle(browser: Browser, extensionId: string, profileDir: string): FirefoxHandle {
  const extensionUrl = (path: string) => `moz-extension://${FIREFOX_EXTENSION_UUID}/${path.replace(/^\//, '')}`;
  return {
    browser,
    profileDir,
    pid: browser.process()?.pid,
    extensionId,
    extensionUrl,
    openExtensionPage: (path, timeoutMs = 15_000) => openPageWithoutWaiting(browser, extensionUrl(path), timeoutMs),
    waitForPrompt: (timeoutMs = 15_000) => waitForPromptPage(browser, timeoutMs),
    countPromptWindows: async () => (await findPromptPages(browser)).length,
    close: ({ keepProfile = false } = {}) => shutDownFirefox(browser, profileDir, keepProfile),
  };
}

/**
 * page.goto('moz-extension://…') never resolves over BiDi on ESR 153, so the
 * navigation is started without awaiting and the document is polled.
 */
async function openPageWithoutWaiting(browser: Browser, url: string, timeoutMs: number): Promise<Page> {
  const page = await browser.newPage();
  void page.goto(url, { timeout: timeoutMs }).catch(() => undefined);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const state = await readLocation(page);
    if (state !== null && state.href.startsWith(url) && state.readyState === 'complete') return page;
    await sleep(100);
  }
  await page.close().catch(() => undefined);
  throw new Error(`extension page did not load within ${timeoutMs} ms: ${url}`);
}

async function readLocation(page: Page): Promise<{ href: string; readyState: string } | null> {
  try {
    // Bounded: evaluate on a page that is mid-navigation or hung can stall.
    return await Promise.race([
      page.evaluate(() => ({ href: location.href, readyState: document.readyState })),
      sleep(2_000).then(() => null),
    ]);
  } catch {
    return null;
  }
}

/** The prompt popup's page.url() can read about:blank, so ask each page itself. */
async function findPromptPages(browser: Browser): Promise<Page[]> {
  const found: Page[] = [];
  for (const page of await browser.pages()) {
    const state = await readLocation(page);
    const href = state?.href ?? page.url();
    if (href.startsWith(`moz-extension://${FIREFOX_EXTENSION_UUID}/`) && href.includes(PROMPT_PATH)) {
      found.push(page);
    }
  }
  return found;
}

async function waitForPromptPage(browser: Browser, timeoutMs: number): Promise<Page> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [page] = await findPromptPages(browser);
    if (page !== undefined) return page;
    await sleep(200);
  }
  throw new Error(`no prompt window within ${timeoutMs} ms`);
}

async function shutDownFirefox(browser: Browser | undefined, profileDir: string, keepProfile: boolean): Promise<void> {
  const pid = browser?.process()?.pid;
  if (browser !== undefined) {
    await Promise.race([browser.close().catch(() => undefined), sleep(10_000)]);
  }
  if (pid !== undefined) {
    killProcessTree(pid);
    // The profile lock must be released before a relaunch on the same profile.
    await waitForProcessEnd(pid, 5_000);
  }
  if (!keepProfile) await rm(profileDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 200 });
}

async function waitForProcessEnd(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && isAlive(pid)) await sleep(100);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface BidiConnection {
  send(method: string, params: unknown): Promise<{ result?: unknown }>;
}

/** puppeteer's BiDi Browser exposes its session's connection; commands it does not wrap go through it. */
export function bidiSend(browser: Browser, method: string, params: unknown): Promise<{ result?: unknown }> {
  const connection = (browser as unknown as { connection?: BidiConnection }).connection;
  if (connection === undefined) throw new Error('not a WebDriver BiDi browser');
  return connection.send(method, params);
}
