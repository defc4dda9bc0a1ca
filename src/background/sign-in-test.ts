import type { LogRecord } from '../core/log-record';
import type { ProxyEndpoint } from '../core/proxy-endpoint';
import { classifyProxyError } from '../core/proxy-error';
import { describeErrorSafely } from '../core/redact-url';
import { buildSignInReport, type SignInObservation, type SignInReport } from '../core/sign-in-test';
import type { BackgroundApi, CompletedDetails, ErrorDetails, RequestFilter } from './background-api';

export interface SignInTesterDeps {
  readonly tabs: BackgroundApi['tabs'];
  readonly webRequest: Pick<BackgroundApi['webRequest'], 'onCompleted' | 'onErrorOccurred'>;
  /** The address to open (the `testUrl` setting). */
  readonly testUrl: () => string;
  readonly savedProxies: () => readonly ProxyEndpoint[];
  /** Which proxy a failed request went to, where the browser tells (browser-differences.ts). */
  readonly proxyOf: (details: ErrorDetails) => Promise<string>;
  /** How long a prompt may wait for the user (the `promptTimeoutSec` setting). */
  readonly promptTimeoutMs: () => number;
  readonly now: () => number;
  readonly timers: { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(handle: unknown): void };
}

/** How long the page may take to end, unless a prompt waits for the user. */
export const SIGN_IN_TEST_TIMEOUT_MS = 20_000;
/** After the prompt's own time is up, its end still has to reach the page. */
const PROMPT_GRACE_MS = 5_000;

interface Run {
  readonly observation: {
    url: string;
    startedAt: number;
    records: LogRecord[];
    final?: SignInObservation['final'];
    timedOutAt?: number;
  };
  tabId?: number;
  requestId?: string;
  timer?: unknown;
  ended: boolean;
  stopListening?: () => void;
}

/**
 * "Test my proxy sign-in": opens the test address in a background tab (a
 * request from an extension page never reaches onAuthRequired in Chromium:
 * docs/browser-behaviour.md#extension-page-requests), follows that tab's
 * page request through the answerer's log records and its own end, and
 * closes the tab when it ended or the time is up. One test at a time; the
 * last report stays readable until the next one starts.
 */
export class SignInTester {
  #run: Run | undefined;

  constructor(private readonly deps: SignInTesterDeps) {}

  /** Starts a test unless one runs; the report so far either way. */
  start(): SignInReport {
    if (this.#run && !this.#run.ended) return this.#report(this.#run);
    const run: Run = { observation: { url: this.deps.testUrl(), startedAt: this.deps.now(), records: [] }, ended: false };
    this.#run = run;
    this.#arm(run, SIGN_IN_TEST_TIMEOUT_MS);
    void this.#open(run);
    return this.#report(run);
  }

  /** The running or last test's report; null before the first. */
  report(): SignInReport | null {
    return this.#run ? this.#report(this.#run) : null;
  }

  /** Every log record the answerer makes: the test tab's page request is followed through them. */
  observeRecord(record: LogRecord): void {
    const run = this.#run;
    if (!run || run.ended || !this.#isTestRequest(run, record)) return;
    run.observation.records.push(record);
    // A prompt waits for the user: give it its own time.
    if (record.outcome === 'prompted') this.#arm(run, this.deps.promptTimeoutMs() + PROMPT_GRACE_MS);
  }

  async #open(run: Run): Promise<void> {
    try {
      // Blank first, so the tab's id is known before its first request.
      const tab = await this.deps.tabs.create({ url: 'about:blank', active: false });
      if (tab.id === undefined) throw new Error('The browser gave the test tab no id.');
      run.tabId = tab.id;
      if (run.ended) {
        void this.deps.tabs.remove(tab.id).catch(() => undefined);
        return;
      }
      run.stopListening = this.#listen(run, tab.id);
      await this.deps.tabs.update(tab.id, { url: run.observation.url });
    } catch (error) {
      this.#end(run, { time: this.deps.now(), error: describeErrorSafely(error) });
    }
  }

  #listen(run: Run, tabId: number): () => void {
    const filter: RequestFilter = { urls: ['<all_urls>'], tabId, types: ['main_frame'] };
    const onCompleted = (details: CompletedDetails) => {
      if (this.#isTestRequest(run, details)) this.#end(run, { time: this.deps.now(), statusCode: details.statusCode });
    };
    const onError = (details: ErrorDetails) => {
      if (!this.#isTestRequest(run, details)) return;
      const time = this.deps.now();
      if (!classifyProxyError(details.error)) {
        this.#end(run, { time, error: details.error });
        return;
      }
      void this.deps.proxyOf(details).then(
        (proxy) => this.#end(run, { time, error: details.error, ...(proxy ? { proxy } : {}) }),
        () => this.#end(run, { time, error: details.error }),
      );
    };
    this.deps.webRequest.onCompleted.addListener(onCompleted, filter);
    this.deps.webRequest.onErrorOccurred.addListener(onError, filter);
    return () => {
      this.deps.webRequest.onCompleted.removeListener(onCompleted);
      this.deps.webRequest.onErrorOccurred.removeListener(onError);
    };
  }

  /** The tab's page request: the first one of type main_frame seen in the test tab. */
  #isTestRequest(run: Run, details: { requestId: string; tabId?: number; type?: string }): boolean {
    if (run.tabId === undefined || details.tabId !== run.tabId || details.type !== 'main_frame') return false;
    run.requestId ??= details.requestId;
    return details.requestId === run.requestId;
  }

  #arm(run: Run, ms: number): void {
    if (run.timer !== undefined) this.deps.timers.clearTimeout(run.timer);
    run.timer = this.deps.timers.setTimeout(() => {
      run.timer = undefined;
      if (run.ended) return;
      run.observation.timedOutAt = this.deps.now();
      this.#end(run);
    }, ms);
  }

  #end(run: Run, final?: SignInObservation['final']): void {
    if (run.ended) return;
    run.ended = true;
    if (final) run.observation.final = final;
    if (run.timer !== undefined) this.deps.timers.clearTimeout(run.timer);
    run.stopListening?.();
    if (run.tabId !== undefined) void this.deps.tabs.remove(run.tabId).catch(() => undefined);
  }

  #report(run: Run): SignInReport {
    return buildSignInReport({ ...run.observation, savedProxies: this.deps.savedProxies() });
  }
}
