import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type BrowserContext, type CDPSession, type Page, type Target } from 'puppeteer-core';
import { PROMPT_PATH } from './extension';
import { sleep } from './ports';

const CHROMIUM_BIN = '/usr/bin/chromium';

export interface ChromiumOptions {
  extensionDir: string;
  /** squid port for `--proxy-server`; loopback is proxied too (`<-loopback>`). */
  proxyPort?: number;
  /** PAC data: URL (see makePacUrl); wins over proxyPort for the default context. */
  pacUrl?: string;
  /**
   * Attach puppeteer to the extension's service worker. Off by default: an
   * attached DevTools client keeps the worker alive and hides the bugs where
   * the worker dies in the middle of a challenge.
   */
  attachToWorker?: boolean;
  extraArgs?: string[];
}

export interface ChromiumHandle {
  browser: Browser;
  extensionId: string;
  pid: number | undefined;
  extensionUrl(path: string): string;
  /** Incognito-like context: own proxy-auth cache and sockets. */
  newContext(proxyPort?: number): Promise<BrowserContext>;
  openExtensionPage(path: string, context?: BrowserContext): Promise<Page>;
  waitForPrompt(timeoutMs?: number): Promise<Page>;
  countPromptWindows(): Promise<number>;
  /** Stops the extension's worker(s) and waits until CDP reports them stopped. */
  stopServiceWorkers(): Promise<void>;
  /** e.g. ['running'], ['stopped'] or [] (never started), without attaching to the worker. */
  serviceWorkerStatuses(): Promise<string[]>;
  close(): Promise<void>;
}

export async function launchChromium(opts: ChromiumOptions): Promise<ChromiumHandle> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'pk-chromium-'));
  let browser: Browser | undefined;
  try {
    browser = await puppeteer.launch({
      executablePath: CHROMIUM_BIN,
      headless: true,
      pipe: true,
      enableExtensions: true,
      userDataDir,
      args: buildChromiumArgs(opts),
      ...(opts.attachToWorker === true ? {} : { targetFilter: isNotServiceWorker }),
    });
    // Browser contexts made by newContext() are incognito, so the extension must
    // be enabled there: CDP's Extensions.loadUnpacked takes `enableInIncognito`
    // (puppeteer-core 24's installExtension does not pass it on).
    const session = await browser.target().createCDPSession();
    const { id: extensionId } = (await session.send('Extensions.loadUnpacked', {
      path: opts.extensionDir,
      enableInIncognito: true,
    } as { path: string })) as { id: string };
    await session.detach();
    return makeHandle(browser, extensionId, userDataDir, opts);
  } catch (error) {
    await shutDownChromium(browser, userDataDir);
    throw error;
  }
}

function isNotServiceWorker(target: Target): boolean {
  return target.type() !== 'service_worker';
}

function buildChromiumArgs(opts: ChromiumOptions): string[] {
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
    '--ignore-certificate-errors',
  ];
  if (opts.pacUrl !== undefined) {
    args.push(`--proxy-pac-url=${opts.pacUrl}`);
  } else if (opts.proxyPort !== undefined) {
    // Without <-loopback>, Chromium never proxies 127.0.0.1/localhost.
    args.push(`--proxy-server=http://127.0.0.1:${opts.proxyPort}`, '--proxy-bypass-list=<-loopback>');
  }
  return [...args, ...(opts.extraArgs ?? [])];
}

function makeHandle(browser: Browser, extensionId: string, userDataDir: string, opts: ChromiumOptions): ChromiumHandle {
  const extensionUrl = (path: string) => `chrome-extension://${extensionId}/${path.replace(/^\//, '')}`;
  const openExtensionPage = async (path: string, context?: BrowserContext) => {
    const page = await (context ?? browser).newPage();
    await page.goto(extensionUrl(path), { waitUntil: 'load' });
    return page;
  };
  return {
    browser,
    extensionId,
    pid: browser.process()?.pid,
    extensionUrl,
    newContext: (proxyPort = opts.proxyPort) => createContext(browser, proxyPort),
    openExtensionPage,
    waitForPrompt: (timeoutMs = 15_000) => waitForPromptPage(browser, extensionId, timeoutMs),
    countPromptWindows: async () => listPromptTargets(browser, extensionId).length,
    stopServiceWorkers: () => stopExtensionWorkers(browser, extensionId, openExtensionPage),
    serviceWorkerStatuses: () => readWorkerStatuses(browser, extensionId, openExtensionPage),
    close: () => shutDownChromium(browser, userDataDir),
  };
}

function createContext(browser: Browser, proxyPort: number | undefined): Promise<BrowserContext> {
  if (proxyPort === undefined) return browser.createBrowserContext();
  return browser.createBrowserContext({
    proxyServer: `http://127.0.0.1:${proxyPort}`,
    proxyBypassList: ['<-loopback>'],
  });
}

function isPromptTarget(target: Target, extensionId: string): boolean {
  const url = target.url();
  return target.type() === 'page' && url.startsWith(`chrome-extension://${extensionId}/`) && url.includes(PROMPT_PATH);
}

function listPromptTargets(browser: Browser, extensionId: string): Target[] {
  return browser.targets().filter((t) => isPromptTarget(t, extensionId));
}

async function waitForPromptPage(browser: Browser, extensionId: string, timeoutMs: number): Promise<Page> {
  const target = await browser.waitForTarget((t) => isPromptTarget(t, extensionId), {
    timeout: timeoutMs,
  });
  return target.asPage();
}

/**
 * Stops the extension's worker the way Chrome does when it idles out, so the
 * next challenge meets a cold worker. The ServiceWorker CDP domain must be
 * enabled first, on a session of a page (the browser target has no such
 * domain), and an extension page is used so no web page is involved.
 */
async function stopExtensionWorkers(
  browser: Browser,
  extensionId: string,
  openExtensionPage: (path: string) => Promise<Page>,
): Promise<void> {
  const existing = await findExtensionPage(browser, extensionId);
  const page = existing ?? (await openExtensionPage('manifest.json'));
  const session = await page.createCDPSession();
  try {
    const seen = trackWorkerStatuses(session, extensionId, true);
    await session.send('ServiceWorker.enable');
    await session.send('ServiceWorker.stopAllWorkers');
    await waitForAllStopped(seen, 5_000);
  } finally {
    await session.detach().catch(() => undefined);
    if (existing === undefined) await page.close().catch(() => undefined);
  }
}

// ServiceWorker.enable replays every known version as workerVersionUpdated, so
// this map reflects the extension's workers without attaching to them (an
// attached client would keep the worker alive).
// With `history`, each version's statuses accumulate, so a worker that was
// stopped and at once woken again (a pending event, an open extension page
// sending a message) still counts as stopped.
function trackWorkerStatuses(session: CDPSession, extensionId: string, history = false): Map<string, string> {
  const statuses = new Map<string, string>();
  session.on('ServiceWorker.workerVersionUpdated', (event) => {
    for (const version of event.versions) {
      if (version.scriptURL.startsWith(`chrome-extension://${extensionId}/`)) {
        const before = history ? statuses.get(version.versionId) : undefined;
        statuses.set(version.versionId, before === undefined ? version.runningStatus : `${before},${version.runningStatus}`);
      }
    }
  });
  return statuses;
}

async function waitForAllStopped(seen: Map<string, string>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (seen.size > 0 && [...seen.values()].every((s) => s.split(',').includes('stopped'))) return;
    await sleep(50);
  }
  throw new Error(`extension service worker did not stop: ${JSON.stringify([...seen])}`);
}

/** Running status of the extension's worker(s), e.g. ['running'] or ['stopped'], observed without attaching. */
async function readWorkerStatuses(
  browser: Browser,
  extensionId: string,
  openExtensionPage: (path: string) => Promise<Page>,
): Promise<string[]> {
  const existing = await findExtensionPage(browser, extensionId);
  const page = existing ?? (await openExtensionPage('manifest.json'));
  const session = await page.createCDPSession();
  try {
    const statuses = trackWorkerStatuses(session, extensionId);
    await session.send('ServiceWorker.enable');
    // The replay of known versions arrives right after enable.
    await sleep(200);
    return [...statuses.values()];
  } finally {
    await session.detach().catch(() => undefined);
    if (existing === undefined) await page.close().catch(() => undefined);
  }
}

async function findExtensionPage(browser: Browser, extensionId: string): Promise<Page | undefined> {
  for (const page of await browser.pages()) {
    if (page.url().startsWith(`chrome-extension://${extensionId}/`)) return page;
  }
  return undefined;
}

async function shutDownChromium(browser: Browser | undefined, userDataDir: string): Promise<void> {
  const pid = browser?.process()?.pid;
  if (browser !== undefined) {
    await Promise.race([browser.close().catch(() => undefined), sleep(10_000)]);
  }
  if (pid !== undefined) killProcessTree(pid);
  await rm(userDataDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 200 });
}

// puppeteer starts Chromium detached (its own process group); killing the
// group also reaps zygote/renderer children if close() did not finish.
export function killProcessTree(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
