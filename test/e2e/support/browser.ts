import type { Browser, Page } from 'puppeteer-core';

export type BrowserName = 'chromium' | 'firefox';
export const BROWSER_NAMES: readonly BrowserName[] = ['chromium', 'firefox'];

export interface LaunchOptions {
  /** A built extension (dist/chrome, dist/firefox) or a throwaway one. */
  extensionDir: string;
  /** PAC data: URL (makePacUrl): how the scenarios give each case a proxy of its own. */
  pacUrl?: string;
  /** Or one proxy for everything, loopback included. */
  proxyPort?: number;
  /** A visible window (the demo, `npm start`); default headless. */
  headless?: boolean;
  /** Another browser binary than the Debian one the tests drive. */
  executablePath?: string;
  /** false: puppeteer leaves Ctrl-C and SIGTERM/SIGHUP to the caller, who stops everything it started. */
  handleSignals?: boolean;
  /**
   * The browser's language (a `_locales` name such as 'de'), which picks the
   * extension's messages; default the system's (English here).
   * docs/browser-behaviour.md#ui-language
   */
  language?: string;
}

/** Counts prompt windows from the moment it is made, not only those open at one instant. */
export interface PromptWatch {
  count(): number;
  stop(): void;
}

/**
 * What a scenario may expect that differs between the browsers. Each is a
 * measured browser behaviour, documented under docs/browser-behaviour.md.
 */
export interface BrowserQuirks {
  /**
   * How a navigation to a site's 401 ends when nothing answers it, or
   * undefined when it never ends by itself (a native login dialog waits,
   * invisible in headless mode). docs/browser-behaviour.md#same-request-id-401
   */
  unansweredSite401(url: string): string | undefined;
  /**
   * The status a navigation ends with when the user cancels the prompt, where
   * the browser shows the proxy's own 407 page; undefined where it does not
   * say. docs/browser-behaviour.md#cancel-ends-with-407
   */
  readonly cancelledStatus: number | undefined;
  /**
   * Whether a request that failed at the proxy (unreachable) names the proxy
   * in its error event. docs/browser-behaviour.md#proxy-errors
   */
  readonly errorsNameTheProxy: boolean;
  /** How the admin report names this browser. */
  readonly reportName: RegExp;
  /**
   * Whether the browser acts on no proxy-auth answer while other challenges
   * for that proxy wait unanswered, so that the requests waiting behind the
   * one that checks a new password are ended (outcome held-back) and load on
   * the next try. docs/browser-behaviour.md#firefox-holds-auth-answers
   */
  readonly holdsAnswersWhileOthersWait: boolean;
  /**
   * Whether requests the browser itself held back (at most 32 sockets per
   * proxy in Chromium) can still go out with a password the extension just
   * gave, before the proxy judged it: on a loaded machine Chromium sent a
   * second account's wrong password 8 times in a full run while the extension
   * sent it once (1 when run alone), and Firefox a stale saved one 6 times
   * (CI, scenario L1, when 57 of its 60 challenges reached the extension only
   * after the proxy's verdict). docs/browser-behaviour.md#credential-caches
   */
  readonly resendsGivenPasswordUnderLoad: boolean;
}

/**
 * A browser under test, with the built extension installed. Both browsers
 * implement it (support/chromium.ts, support/firefox.ts); every scenario is
 * written once against it.
 */
export interface BrowserUnderTest {
  readonly name: BrowserName;
  /** The current puppeteer handle. Firefox's changes when it relaunches: never keep it. */
  readonly browser: Browser;
  /** `chrome-extension://<id>/` or `moz-extension://<uuid>/`. */
  readonly extensionOrigin: string;
  readonly quirks: BrowserQuirks;
  /** Every console message the browser printed since launch (its pages and the extension's background), as it logs them. */
  consoleText(): string;
  extensionUrl(path: string): string;
  /**
   * A page whose next request through the squid port `proxyPort` meets a fresh
   * challenge, as if the browser had never answered that proxy.
   */
  freshPage(proxyPort: number): Promise<Page>;
  /**
   * Closes what freshPage opened. Chromium's freshPage contexts are puppeteer
   * browser contexts, each an off-the-record profile of its own that the
   * extension cannot reach: a tab the extension opens in the last focused
   * window lands there when one is in front ("No tab with id"). A user's
   * incognito windows are one profile the extension can reach.
   */
  closeFreshPages(): Promise<void>;
  openExtensionPage(path: string): Promise<Page>;
  /** An extension page kept open to send the product's messages from (reopened when it went away). */
  messagingPage(): Promise<Page>;
  waitForPrompt(timeoutMs?: number): Promise<Page>;
  countPromptWindows(): Promise<number>;
  watchPromptWindows(): PromptWatch;
  readBadge(): Promise<string>;
  /** Stops the background (worker or event page) the way the browser does when it idles out. */
  stopBackground(): Promise<void>;
  /**
   * Runs `prepare`, then lets the background stop within the same browser
   * session (no restart after `prepare`: `storage.session` keeps what it left).
   */
  stopBackgroundAfter(prepare: () => Promise<void>): Promise<void>;
  /** Whether any background of the extension runs now, observed without waking or attaching to it. */
  isBackgroundRunning(): Promise<boolean>;
  /** Downloads land in `dir` without a dialog. */
  allowDownloads(dir: string): Promise<void>;
  setColorScheme(page: Page, scheme: 'dark' | 'light'): Promise<void>;
  close(): Promise<void>;
}

export interface CapturedConsole {
  text(): string;
}

/**
 * The console messages a browser writes to its own output, kept from launch
 * on: the only record of the background's console that needs no DevTools
 * attached to it (an attached client would keep the worker alive).
 */
export function captureConsole(browser: Browser, stream: 'stdout' | 'stderr', isConsoleLine: RegExp): CapturedConsole {
  const lines: string[] = [];
  let partial = '';
  browser.process()?.[stream]?.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString('utf8');
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) if (isConsoleLine.test(line) && lines.length < CONSOLE_LINES_KEPT) lines.push(line);
  });
  return { text: () => [...lines, ...(isConsoleLine.test(partial) ? [partial] : [])].join('\n') };
}

const CONSOLE_LINES_KEPT = 20_000;
