import browser from 'webextension-polyfill';

/**
 * While a prompt is open the background must not be put to sleep, or the
 * parked requests fail: Chrome stops an idle service worker ~30 s into an
 * unanswered prompt (shared/E2E.md measured it; see
 * https://developer.chrome.com/docs/extensions/develop/concepts/service-workers/lifecycle
 * — "calling an extension API resets the idle timer", Chrome 110+). Firefox
 * suspends the event page after ~60 s even with a pending Promise; there the
 * open prompt page pings the background as well (see ui/prompt).
 */
const INTERVAL_MS = 20_000;

export class KeepAlive {
  #timer: ReturnType<typeof setInterval> | undefined;

  /** Keep awake while `needed` is true. */
  update(needed: boolean): void {
    if (needed && this.#timer === undefined) {
      this.#timer = setInterval(() => void browser.runtime.getPlatformInfo(), INTERVAL_MS);
    } else if (!needed && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}
