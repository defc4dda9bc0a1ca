import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { captureConsole, type BrowserUnderTest, type CapturedConsole, type LaunchOptions, type PromptWatch } from './browser';
import { killProcessTree } from './chromium';
import { FIREFOX_EXTENSION_UUID, GECKO_ID, OPTIONS_PATH, PROMPT_PATH } from './extension';
import { readBadgeText, sendFromPage } from './messages';
import { sleep } from './ports';

export const FIREFOX_BIN = '/usr/bin/firefox-esr';
/** Short enough that stopBackground() takes seconds; the default is 30 000 ms. */
const SHORT_IDLE_MS = 1_000;

export interface FirefoxLaunchOptions extends LaunchOptions {
  /** Gecko id whose moz-extension:// host is pinned. Default GECKO_ID. */
  geckoId?: string;
  extraPrefs?: Record<string, unknown>;
}

export interface FirefoxUnderTest extends BrowserUnderTest {
  readonly name: 'firefox';
  readonly profileDir: string;
  /** The id the BiDi install returned (the gecko id). */
  readonly extensionId: string;
  /** Closes and starts Firefox again on the same profile: the extension's storage and address survive. */
  relaunch(extraPrefs?: Record<string, unknown>): Promise<void>;
  /** What about:addons → "Run in Private Windows" → Allow does. */
  allowInPrivateWindows(): Promise<void>;
  /** Forgets every password the browser cached for proxies and sites. */
  clearHttpAuthCache(): Promise<void>;
  /** The background page's memory (about:memory's reports for its window) and its process's, after garbage and cycle collection. */
  backgroundMemory(): Promise<{ windowBytes: number; processBytes: number }>;
}

export function asFirefox(browser: BrowserUnderTest): FirefoxUnderTest {
  if (!(browser instanceof Firefox)) throw new Error(`not Firefox: ${browser.name}`);
  return browser;
}

export async function launchFirefox(opts: FirefoxLaunchOptions): Promise<FirefoxUnderTest> {
  const profileDir = await mkdtemp(join(tmpdir(), 'pk-firefox-'));
  const firefox = new Firefox(opts, profileDir);
  try {
    await firefox.start();
  } catch (error) {
    await firefox.close();
    throw error;
  }
  return firefox;
}

function buildFirefoxPrefs(opts: FirefoxLaunchOptions): Record<string, unknown> {
  return {
    // Every console message (extension pages and the event page) to stdout: BrowserUnderTest.consoleText.
    'devtools.console.stdout.content': true,
    'devtools.console.stdout.chrome': true,
    ...proxyPrefs(opts),
    // Otherwise Firefox never proxies 127.0.0.1/localhost.
    'network.proxy.allow_hijacking_localhost': true,
    'network.proxy.no_proxies_on': '',
    // Pin moz-extension://<uuid>/ so pages have a known address across runs.
    'extensions.webextensions.uuids': JSON.stringify({ [opts.geckoId ?? GECKO_ID]: FIREFOX_EXTENSION_UUID }),
    // The temporary add-on is gone after close; with these its storage and
    // address survive a relaunch on this profile.
    'extensions.webextensions.keepStorageOnUninstall': true,
    'extensions.webextensions.keepUuidOnUninstall': true,
    // <all_urls> must be granted at install or onAuthRequired never fires
    // for the proxy (default on 153; set so an older default cannot bite).
    'extensions.originControls.grantByDefault': true,
    // Grants optional permissions without the doorhanger a headless test cannot
    // click (the request itself still comes from a click in the page).
    'extensions.webextOptionalPermissionPrompts': false,
    // Firefox opens at most 32 connections to one proxy by default; with 60
    // challenges parked, the requests queued behind them sometimes never
    // completed after the one submit (seen once in a full run): the
    // many-challenges scenario gives the proxy room. docs/browser-behaviour.md#parking-limits
    'network.http.max-persistent-connections-per-proxy': 128,
    ...quietPrefs(),
    ...(opts.language !== undefined ? { 'intl.locale.requested': opts.language.replace('_', '-') } : {}),
    ...(opts.extraPrefs ?? {}),
  };
}

function proxyPrefs(opts: LaunchOptions): Record<string, unknown> {
  if (opts.pacUrl !== undefined) return { 'network.proxy.type': 2, 'network.proxy.autoconfig_url': opts.pacUrl };
  if (opts.proxyPort === undefined) return { 'network.proxy.type': 0 };
  return {
    'network.proxy.type': 1,
    'network.proxy.share_proxy_settings': false,
    'network.proxy.http': '127.0.0.1',
    'network.proxy.http_port': opts.proxyPort,
    'network.proxy.ssl': '127.0.0.1',
    'network.proxy.ssl_port': opts.proxyPort,
  };
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

class Firefox implements FirefoxUnderTest {
  readonly name = 'firefox';
  readonly extensionOrigin = `moz-extension://${FIREFOX_EXTENSION_UUID}/`;
  readonly quirks = {
    // Firefox opens its own login dialog for the 401 (invisible headless): the load hangs.
    unansweredSite401: () => undefined,
    cancelledStatus: undefined,
    // onErrorOccurred carries proxyInfo in Firefox.
    errorsNameTheProxy: true,
    reportName: /Browser: Firefox 153/,
    // No answer goes out while other challenges for the proxy wait: docs/browser-behaviour.md#firefox-holds-auth-answers
    holdsAnswersWhileOthersWait: true,
    // Seen under CI load only (scenario L1: 6 failed logins at squid). docs/browser-behaviour.md#credential-caches
    resendsGivenPasswordUnderLoad: true,
  } as const;
  extensionId = '';
  #browser: Browser | undefined;
  #messaging: Page | undefined;
  #downloadDir: string | undefined;
  /** The console of every process this harness launched (relaunches included). */
  readonly #consoles: CapturedConsole[] = [];
  /** Squid ports this process has met a challenge from (and so may hold credentials for). */
  readonly #challenged = new Set<number>();
  /** Tabs freshPage opened since the last closeFreshPages (a relaunch ends them all). */
  readonly #fresh: Page[] = [];

  constructor(
    private readonly opts: FirefoxLaunchOptions,
    readonly profileDir: string,
  ) {}

  get browser(): Browser {
    if (this.#browser === undefined) throw new Error('Firefox is not running');
    return this.#browser;
  }

  async start(extraPrefs: Record<string, unknown> = {}): Promise<void> {
    this.#browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: this.opts.executablePath ?? FIREFOX_BIN,
      headless: this.opts.headless ?? true,
      handleSIGINT: this.opts.handleSignals ?? true,
      handleSIGTERM: this.opts.handleSignals ?? true,
      handleSIGHUP: this.opts.handleSignals ?? true,
      protocol: 'webDriverBiDi',
      // BiDi webExtension.install and the chrome scope need system access on ESR 153.
      args: ['--remote-allow-system-access'],
      userDataDir: this.profileDir,
      // The https origin is self-signed; this is the BiDi session capability.
      acceptInsecureCerts: true,
      extraPrefsFirefox: { ...buildFirefoxPrefs(this.opts), ...extraPrefs },
      // Puppeteer's 30 s was once not enough for Firefox's remote agent to come up on this shared machine (a full e2e
      // run, 1 December 2026); a slow start is not what these tests test.
      timeout: 90_000,
    });
    this.#consoles.push(captureConsole(this.#browser, 'stdout', /^console\.|^JavaScript (error|warning)/));
    if (this.opts.language !== undefined) await this.#useLanguage(this.opts.language);
    this.extensionId = await this.#browser.installExtension(this.opts.extensionDir);
    this.#challenged.clear();
    this.#fresh.length = 0;
    this.#messaging = undefined;
    if (this.#downloadDir !== undefined) await this.allowDownloads(this.#downloadDir);
  }

  async relaunch(extraPrefs?: Record<string, unknown>): Promise<void> {
    await this.#flushLog();
    await this.#stopProcess();
    await this.start(extraPrefs);
  }

  consoleText(): string {
    return this.#consoles.map((c) => c.text()).join('\n');
  }

  extensionUrl(path: string): string {
    return `${this.extensionOrigin}${path.replace(/^\//, '')}`;
  }

  /**
   * Firefox's fresh pages are tabs of the one profile. Left open, a whole run's
   * tabs piled up in one process until the next relaunch, each with what its
   * scenario loaded; every scenario now starts without those of the ones
   * before it (context.ts).
   */
  async closeFreshPages(): Promise<void> {
    for (const page of this.#fresh.splice(0)) if (!page.isClosed()) await page.close().catch(() => undefined);
  }

  /**
   * Firefox hook: it caches proxy credentials per browser process, and a new
   * BrowserContext shares that cache (no fresh challenge). So a proxy this
   * process has already met is made fresh by a relaunch on the same profile.
   * docs/browser-behaviour.md#credential-caches
   */
  async freshPage(proxyPort: number): Promise<Page> {
    if (this.#challenged.has(proxyPort)) await this.relaunch();
    this.#challenged.add(proxyPort);
    const page = await this.browser.newPage();
    this.#fresh.push(page);
    return page;
  }

  /**
   * page.goto('moz-extension://…') never resolves over BiDi on ESR 153, so
   * the navigation is started without awaiting and the document is polled.
   * docs/browser-behaviour.md#firefox-extension-pages
   */
  async openExtensionPage(path: string, timeoutMs = 15_000): Promise<Page> {
    const url = this.extensionUrl(path);
    const page = await this.browser.newPage();
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

  /**
   * The log writer holds a batch up to 250 ms (src/storage/event-log.ts) and a
   * browser that closes loses it; a relaunch is the harness's doing (a fresh
   * proxy-auth cache), so what was logged is written first. Seen in CI:
   * scenario b's sign-in records were missing after its relaunch.
   */
  async #flushLog(): Promise<void> {
    const page = this.#messaging;
    if (page === undefined || page.isClosed() || this.#browser === undefined) return;
    await Promise.race([sendFromPage(page, 'log:flush', {}).catch(() => undefined), sleep(3_000)]);
  }

  /**
   * The extension page the tests send messages from. Once in a full run (ESR
   * 153, 1 December 2026, during lockout L1's 60 requests) its browsing
   * context was gone while puppeteer still called the page open, and every
   * later scenario failed on "no such frame"; so it is checked by a call and
   * opened again, and the console says so.
   */
  async messagingPage(): Promise<Page> {
    const page = this.#messaging;
    if (page !== undefined && !page.isClosed()) {
      const location = await readLocation(page);
      if (location?.href.startsWith(this.extensionUrl(OPTIONS_PATH)) === true) return page;
      console.warn('firefox: the messaging page had lost its browsing context; opening it again');
      await page.close().catch(() => undefined);
    }
    this.#messaging = await this.openExtensionPage(OPTIONS_PATH);
    return this.#messaging;
  }

  async waitForPrompt(timeoutMs = 15_000): Promise<Page> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const [page] = await this.#findPromptPages();
      if (page !== undefined) return page;
      await sleep(200);
    }
    const open = await Promise.all(
      (await this.browser.pages()).map(async (p) => (await readLocation(p))?.href ?? `${p.url()} (not answering)`),
    );
    throw new Error(
      `no prompt window within ${timeoutMs} ms; background ${(await this.isBackgroundRunning()) ? 'running' : 'stopped'}; pages: ${open.join(', ')}`,
    );
  }

  async countPromptWindows(): Promise<number> {
    return (await this.#findPromptPages()).length;
  }

  /** BiDi reports the popup's URL late (about:blank), so the watch polls each page's own location. */
  watchPromptWindows(): PromptWatch {
    const seen = new Set<Page>();
    let running = true;
    void (async () => {
      while (running) {
        for (const page of await this.#findPromptPages().catch(() => [])) seen.add(page);
        await sleep(150);
      }
    })();
    return {
      count: () => seen.size,
      stop: () => {
        running = false;
      },
    };
  }

  async readBadge(): Promise<string> {
    return readBadgeText(await this.messagingPage());
  }

  /**
   * Firefox suspends an idle event page after extensions.background.idle.timeout
   * ms. The timer is armed with the value at its start, so the pref is set at a
   * relaunch; once the event page is stopped the pref is cleared again, so the
   * page the next event wakes idles as usual. docs/browser-behaviour.md#firefox-event-page-suspend
   */
  async stopBackground(): Promise<void> {
    await this.stopBackgroundAfter(() => Promise.resolve());
  }

  /**
   * The relaunch that sets the short idle timeout comes before `prepare`.
   * Installing the add-on starts the event page, which idles out
   * SHORT_IDLE_MS later; `prepare` runs once it has (a message sent while it
   * was suspending once met "Receiving end does not exist"), wakes it with
   * its messages, and it idles out again SHORT_IDLE_MS after the last.
   */
  async stopBackgroundAfter(prepare: () => Promise<void>): Promise<void> {
    await this.relaunch({ 'extensions.background.idle.timeout': SHORT_IDLE_MS });
    await this.#waitForSuspended();
    await prepare();
    await this.#waitForSuspended();
    await this.#evaluateInChrome(`Services.prefs.clearUserPref("extensions.background.idle.timeout"); "ok"`);
  }

  async #waitForSuspended(): Promise<void> {
    const deadline = Date.now() + 15_000;
    while ((await this.isBackgroundRunning()) && Date.now() < deadline) await sleep(100);
    if (await this.isBackgroundRunning()) throw new Error('the event page did not suspend');
  }

  async isBackgroundRunning(): Promise<boolean> {
    const state = await this.#evaluateInChrome(`WebExtensionPolicy.getByID(${JSON.stringify(this.extensionId)}).extension.backgroundState`);
    return state !== 'stopped';
  }

  /** BiDi browser.setDownloadBehavior with no userContexts covers every context, extension pages included. */
  async allowDownloads(dir: string): Promise<void> {
    this.#downloadDir = dir;
    await bidiSend(this.browser, 'browser.setDownloadBehavior', { downloadBehavior: { type: 'allowed', destinationFolder: dir } });
  }

  /**
   * ESR 153 has no BiDi colour-scheme emulation and puppeteer's
   * emulateMediaFeatures is CDP-only, so the content override pref is set
   * (with a dark OS theme, for the native widgets a dark-mode user has).
   */
  async setColorScheme(_page: Page, scheme: 'dark' | 'light'): Promise<void> {
    const dark = scheme === 'dark';
    await this.#evaluateInChrome(
      `Services.prefs.setIntPref("layout.css.prefers-color-scheme.content-override", ${dark ? 0 : 1});
       Services.prefs.setIntPref("ui.systemUsesDarkTheme", ${dark ? 1 : 0}); "ok"`,
    );
  }

  async allowInPrivateWindows(): Promise<void> {
    const id = JSON.stringify(this.extensionId);
    const result = await this.#evaluateInChrome(`(async () => {
      const { ExtensionPermissions } = ChromeUtils.importESModule("resource://gre/modules/ExtensionPermissions.sys.mjs");
      const { AddonManager } = ChromeUtils.importESModule("resource://gre/modules/AddonManager.sys.mjs");
      await ExtensionPermissions.add(${id}, { permissions: ["internal:privateBrowsingAllowed"], origins: [] });
      await (await AddonManager.getAddonByID(${id})).reload();
      return "allowed";
    })()`);
    if (result !== 'allowed') throw new Error(`could not allow private windows: ${String(result)}`);
    this.#messaging = undefined;
  }

  async close(): Promise<void> {
    await this.#stopProcess();
    await rm(this.profileDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 200 });
  }

  async #stopProcess(): Promise<void> {
    const browser = this.#browser;
    this.#browser = undefined;
    const pid = browser?.process()?.pid;
    if (browser !== undefined) await Promise.race([browser.close().catch(() => undefined), sleep(10_000)]);
    if (pid === undefined) return;
    killProcessTree(pid);
    // The profile lock must be released before a relaunch on the same profile.
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && isAlive(pid)) await sleep(100);
  }

  /** The prompt popup's page.url() can read about:blank, so each page is asked itself. */
  /**
   * Every page is asked at once: a page whose navigation waits on a challenge
   * can stall an evaluate for the whole 2 s bound, and asked one after another
   * a few such pages made a single pass outlast waitForPrompt's deadline.
   */
  async #findPromptPages(): Promise<Page[]> {
    const pages = await this.browser.pages();
    const hrefs = await Promise.all(pages.map(async (page) => (await readLocation(page))?.href ?? page.url()));
    return pages.filter((_, i) => hrefs[i]!.startsWith(this.extensionUrl(PROMPT_PATH)));
  }

  /**
   * Firefox picks an extension's _locales from its app locales, which only
   * include languages it has a language pack for (Debian's firefox-esr has
   * en-US alone), so `intl.locale.requested` by itself changes nothing. Made
   * available here, before the add-on is installed, the language is chosen.
   * docs/browser-behaviour.md#ui-language
   */
  async #useLanguage(language: string): Promise<void> {
    const tag = JSON.stringify(language.replace('_', '-'));
    const chosen = await this.#evaluateInChrome(
      `Services.locale.availableLocales = [${tag}, "en-US"]; Services.locale.requestedLocales = [${tag}]; Services.locale.appLocaleAsBCP47`,
    );
    if (chosen !== language.replace('_', '-')) throw new Error(`Firefox did not switch to ${language}: ${String(chosen)}`);
  }

  /**
   * Forgets every password the browser cached for proxies and sites
   * (nsIHttpAuthManager.clearAll): the next request through each proxy is
   * challenged again, in the same browser and background.
   */
  async clearHttpAuthCache(): Promise<void> {
    await this.#evaluateInChrome(`Cc["@mozilla.org/network/http-auth-manager;1"].getService(Ci.nsIHttpAuthManager).clearAll(); "ok"`);
  }

  /**
   * What the event page holds, in bytes: after asking every child process to
   * collect garbage and cycles twice (as about:memory's buttons do), the sum
   * of about:memory's "explicit" reports for the background page's window
   * (its JS realm, DOM and layout), and the extension process's resident
   * unique memory beside it (`ChromeUtils.requestProcInfo`, what
   * about:processes shows).
   */
  async backgroundMemory(): Promise<{ windowBytes: number; processBytes: number }> {
    const page = JSON.stringify(`${this.extensionOrigin.replace('moz-extension://', '')}_generated_background_page.html`);
    const read = (await this.#evaluateInChrome(`(async () => {
      for (let i = 0; i < 2; i++) {
        Services.obs.notifyObservers(null, "child-gc-request");
        Services.obs.notifyObservers(null, "child-cc-request");
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      const manager = Cc["@mozilla.org/memory-reporter-manager;1"].getService(Ci.nsIMemoryReporterManager);
      let windowBytes = 0;
      await new Promise((resolve) => manager.getReports((process, path, kind, units, amount) => {
        // Report paths write a URL's slashes as backslashes.
        if (units === Ci.nsIMemoryReporter.UNITS_BYTES && path.startsWith("explicit/window-objects/") && path.replaceAll("\\\\", "/").includes(${page})) windowBytes += amount;
      }, null, resolve, null, false));
      const info = await ChromeUtils.requestProcInfo();
      const extension = info.children.filter((child) => child.type === "extension");
      return JSON.stringify({ windowBytes, processBytes: extension.length === 1 ? extension[0].memory : -extension.length });
    })()`)) as string;
    const { windowBytes, processBytes } = JSON.parse(read) as { windowBytes?: unknown; processBytes?: unknown };
    if (typeof windowBytes !== 'number' || windowBytes <= 0) throw new Error(`no memory reports for the background page: ${read}`);
    if (typeof processBytes !== 'number' || processBytes <= 0) throw new Error(`not one extension process: ${read}`);
    return { windowBytes, processBytes };
  }

  /** Runs privileged script in the browser's chrome scope, which --remote-allow-system-access opens to BiDi. */
  async #evaluateInChrome(expression: string): Promise<unknown> {
    const tree = (await bidiSend(this.browser, 'browsingContext.getTree', { 'moz:scope': 'chrome', maxDepth: 0 })).result as {
      contexts: Array<{ context: string }>;
    };
    const context = tree.contexts[0]?.context;
    if (context === undefined) throw new Error('no chrome browsing context');
    const reply = (await bidiSend(this.browser, 'script.evaluate', { expression, target: { context }, awaitPromise: true })).result as {
      type?: string;
      result?: { value?: unknown };
      exceptionDetails?: unknown;
    };
    if (reply.type !== 'success') throw new Error(`chrome-scope script failed: ${JSON.stringify(reply)}`);
    return reply.result?.value;
  }
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
function bidiSend(browser: Browser, method: string, params: unknown): Promise<{ result?: unknown }> {
  const connection = (browser as unknown as { connection?: BidiConnection }).connection;
  if (connection === undefined) throw new Error('not a WebDriver BiDi browser');
  return connection.send(method, params);
}
