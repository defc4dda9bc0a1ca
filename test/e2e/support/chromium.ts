import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { TargetType, type Browser, type BrowserContext, type CDPSession, type Page, type Target } from 'puppeteer-core';
import { captureConsole, type BrowserUnderTest, type CapturedConsole, type LaunchOptions, type PromptWatch } from './browser';
import { PROMPT_PATH } from './extension';
import { readBadgeText } from './messages';
import { sleep } from './ports';

export const CHROMIUM_BIN = '/usr/bin/chromium';
/** An extension resource that sends no message: stopping the worker from it leaves the worker stopped. */
const QUIET_PAGE = 'icons/icon-16.png';
/** The page the tests send the product's messages from. */
const MESSAGING_PAGE = 'manifest.json';

export interface ChromiumUnderTest extends BrowserUnderTest {
  readonly name: 'chromium';
  readonly extensionId: string;
  /** e.g. ['running'], ['stopped'] or [] (never started), without attaching to the worker. */
  readWorkerStatuses(): Promise<string[]>;
}

export async function launchChromium(opts: LaunchOptions): Promise<ChromiumUnderTest> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'pk-chromium-'));
  let browser: Browser | undefined;
  try {
    browser = await puppeteer.launch({
      executablePath: opts.executablePath ?? CHROMIUM_BIN,
      headless: opts.headless ?? true,
      handleSIGINT: opts.handleSignals ?? true,
      handleSIGTERM: opts.handleSignals ?? true,
      handleSIGHUP: opts.handleSignals ?? true,
      pipe: true,
      enableExtensions: true,
      userDataDir,
      args: buildChromiumArgs(opts),
      // Chromium on Linux reads its UI language from the environment; --lang picks the extension's.
      ...(opts.language !== undefined ? { env: { ...process.env, LANGUAGE: opts.language } } : {}),
      // Never attach to the extension's worker: an attached DevTools client keeps
      // it alive and hides the bugs where it dies mid-challenge.
      // docs/browser-behaviour.md#chromium-worker-idle-kill
      targetFilter: (target: Target) => target.type() !== TargetType.SERVICE_WORKER,
    });
    const session = await browser.target().createCDPSession();
    // freshPage() contexts are incognito, so the extension must be enabled there:
    // CDP's Extensions.loadUnpacked takes `enableInIncognito` (puppeteer-core
    // 24's installExtension has no such option). docs/browser-behaviour.md#incognito
    const { id } = await session.send('Extensions.loadUnpacked', { path: opts.extensionDir, enableInIncognito: true });
    return new Chromium(browser, session, id, userDataDir, captureConsole(browser, 'stderr', /:CONSOLE[:(]/));
  } catch (error) {
    await shutDown(browser, userDataDir);
    throw error;
  }
}

function buildChromiumArgs(opts: LaunchOptions): string[] {
  const args = [
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-default-apps',
    '--enable-unsafe-extension-debugging',
    // Every console message, the worker's included, goes to stderr as a CONSOLE line (BrowserUnderTest.consoleText).
    '--enable-logging=stderr',
    '--v=0',
    // The https origin is self-signed.
    '--ignore-certificate-errors',
  ];
  // --lang chooses the extension's _locales (chrome.i18n) even where Debian ships no
  // chromium-l10n .pak for it; --accept-lang sets navigator.language to match.
  // docs/browser-behaviour.md#ui-language
  if (opts.language !== undefined) args.push(`--lang=${opts.language}`, `--accept-lang=${opts.language}`);
  if (opts.pacUrl !== undefined) args.push(`--proxy-pac-url=${opts.pacUrl}`);
  // Without <-loopback>, Chromium never proxies 127.0.0.1/localhost.
  else if (opts.proxyPort !== undefined) args.push(`--proxy-server=http://127.0.0.1:${opts.proxyPort}`, '--proxy-bypass-list=<-loopback>');
  return args;
}

class Chromium implements ChromiumUnderTest {
  readonly name = 'chromium';
  readonly extensionOrigin: string;
  readonly quirks = {
    // Headless Chromium has no login dialog: a 401 nobody answers fails.
    unansweredSite401: (url: string) => `error: net::ERR_INVALID_AUTH_CREDENTIALS at ${url}`,
    // `{cancel: true}` cancels the authentication, not the request: the proxy's 407 page shows.
    cancelledStatus: 407,
    // onErrorOccurred carries no proxy in Chromium.
    errorsNameTheProxy: false,
    reportName: /Browser: Chrom(e|ium) \d+/,
    holdsAnswersWhileOthersWait: false,
    resendsGivenPasswordUnderLoad: true,
  } as const;
  readonly #contexts: BrowserContext[] = [];
  #messaging: Page | undefined;

  constructor(
    readonly browser: Browser,
    private readonly session: CDPSession,
    readonly extensionId: string,
    private readonly userDataDir: string,
    private readonly console: CapturedConsole,
  ) {
    this.extensionOrigin = `chrome-extension://${extensionId}/`;
  }

  consoleText(): string {
    return this.console.text();
  }

  extensionUrl(path: string): string {
    return `${this.extensionOrigin}${path.replace(/^\//, '')}`;
  }

  /**
   * Chromium hook: a new incognito context has its own proxy-auth cache and
   * sockets, so its first request is challenged afresh (the PAC of the launch
   * applies in it too). The extension is enabled in incognito, so every
   * scenario also proves it answers there. docs/browser-behaviour.md#credential-caches
   */
  async freshPage(_proxyPort: number): Promise<Page> {
    const context = await this.browser.createBrowserContext();
    this.#contexts.push(context);
    return context.newPage();
  }

  async closeFreshPages(): Promise<void> {
    for (const context of this.#contexts.splice(0)) await context.close().catch(() => undefined);
  }

  async openExtensionPage(path: string): Promise<Page> {
    const page = await this.browser.newPage();
    await page.goto(this.extensionUrl(path), { waitUntil: 'load' });
    return page;
  }

  async messagingPage(): Promise<Page> {
    if (this.#messaging === undefined || this.#messaging.isClosed()) this.#messaging = await this.openExtensionPage(MESSAGING_PAGE);
    return this.#messaging;
  }

  async waitForPrompt(timeoutMs = 15_000): Promise<Page> {
    const target = await this.browser.waitForTarget((t) => this.#isPrompt(t), { timeout: timeoutMs });
    return target.asPage();
  }

  async countPromptWindows(): Promise<number> {
    return Promise.resolve(this.browser.targets().filter((t) => this.#isPrompt(t)).length);
  }

  watchPromptWindows(): PromptWatch {
    const seen = new Set<Target>();
    const onTarget = (target: Target) => {
      if (this.#isPrompt(target)) seen.add(target);
    };
    this.browser.on('targetcreated', onTarget);
    this.browser.on('targetchanged', onTarget);
    return {
      count: () => seen.size,
      stop: () => {
        this.browser.off('targetcreated', onTarget);
        this.browser.off('targetchanged', onTarget);
      },
    };
  }

  async readBadge(): Promise<string> {
    return readBadgeText(await this.messagingPage());
  }

  /**
   * Stops the worker the way Chrome does when it idles out (DevTools' "stop").
   * CDP's ServiceWorker domain needs a page session and `enable` first; the
   * page is an icon, which sends no message, and stays open (closing a window
   * is an event that wakes the worker). Resolves once CDP reported the stop;
   * whether something woke it again since is isBackgroundRunning()'s question.
   * docs/browser-behaviour.md#waking-the-worker
   */
  async stopBackground(): Promise<void> {
    const page = await this.#quietPage();
    const session = await page.createCDPSession();
    try {
      const seen = this.#trackWorkerStatuses(session, true);
      await session.send('ServiceWorker.enable');
      await session.send('ServiceWorker.stopAllWorkers');
      await waitForStop(seen, 5_000);
    } finally {
      await session.detach().catch(() => undefined);
    }
  }

  async stopBackgroundAfter(prepare: () => Promise<void>): Promise<void> {
    await prepare();
    await this.stopBackground();
  }

  /** The browser target lists every running worker; a stopped one is gone from the list. */
  async isBackgroundRunning(): Promise<boolean> {
    const { targetInfos } = await this.session.send('Target.getTargets');
    return targetInfos.some((t) => t.type === 'service_worker' && t.url.startsWith(this.extensionOrigin));
  }

  async readWorkerStatuses(): Promise<string[]> {
    const session = await (await this.#quietPage()).createCDPSession();
    try {
      const statuses = this.#trackWorkerStatuses(session, false);
      await session.send('ServiceWorker.enable');
      // The replay of known versions arrives right after enable.
      await sleep(200);
      return [...statuses.values()];
    } finally {
      await session.detach().catch(() => undefined);
    }
  }

  /**
   * Browser.setDownloadBehavior is browser-level: on the browser target's
   * session it also covers downloads started from a blob: URL.
   */
  async allowDownloads(dir: string): Promise<void> {
    await this.session.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: dir, eventsEnabled: true });
  }

  async setColorScheme(page: Page, scheme: 'dark' | 'light'): Promise<void> {
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
  }

  async close(): Promise<void> {
    for (const context of this.#contexts.splice(0)) await context.close().catch(() => undefined);
    await shutDown(this.browser, this.userDataDir);
  }

  #isPrompt(target: Target): boolean {
    return target.type() === TargetType.PAGE && target.url().startsWith(this.extensionUrl(PROMPT_PATH));
  }

  #quiet: Page | undefined;
  async #quietPage(): Promise<Page> {
    if (this.#quiet === undefined || this.#quiet.isClosed()) this.#quiet = await this.openExtensionPage(QUIET_PAGE);
    return this.#quiet;
  }

  // ServiceWorker.enable replays every known version as workerVersionUpdated,
  // so this reflects the extension's workers without attaching to them. With
  // `history`, each version's statuses accumulate, so a stop is seen even if
  // something woke the worker right after.
  #trackWorkerStatuses(session: CDPSession, history: boolean): Map<string, string> {
    const statuses = new Map<string, string>();
    session.on('ServiceWorker.workerVersionUpdated', (event) => {
      for (const version of event.versions) {
        if (!version.scriptURL.startsWith(this.extensionOrigin)) continue;
        const before = history ? statuses.get(version.versionId) : undefined;
        statuses.set(version.versionId, before === undefined ? version.runningStatus : `${before},${version.runningStatus}`);
      }
    });
    return statuses;
  }
}

async function waitForStop(seen: Map<string, string>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (seen.size > 0 && [...seen.values()].every((s) => s.split(',').includes('stopped'))) return;
    await sleep(50);
  }
  throw new Error(`extension service worker did not stop: ${JSON.stringify([...seen])}`);
}

async function shutDown(browser: Browser | undefined, userDataDir: string): Promise<void> {
  const pid = browser?.process()?.pid;
  if (browser !== undefined) await Promise.race([browser.close().catch(() => undefined), sleep(10_000)]);
  if (pid !== undefined) killProcessTree(pid);
  await rm(userDataDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 200 });
}

// puppeteer starts the browser detached (its own process group); killing the
// group also reaps children if close() did not finish.
export function killProcessTree(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
