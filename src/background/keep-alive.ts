/**
 * While a prompt is open the background must not be put to sleep, or the
 * parked requests fail: Chrome stops an idle service worker ~30 s into an
 * unanswered prompt, and calling an extension API resets its idle timer
 * (docs/browser-behaviour.md#chromium-worker-idle-kill). Firefox suspends the
 * event page after ~60 s even with a pending Promise; there the open prompt
 * page pings the background as well (docs/browser-behaviour.md#firefox-event-page-suspend).
 */
export const KEEP_ALIVE_INTERVAL_MS = 20_000;

export class KeepAlive {
  #timer: ReturnType<typeof setInterval> | undefined;

  /** `ping` is any cheap extension API call. */
  constructor(private readonly ping: () => Promise<unknown>) {}

  /** Keep awake while `needed` is true. */
  update(needed: boolean): void {
    if (needed && this.#timer === undefined) {
      this.#timer = setInterval(() => void this.ping().catch(() => undefined), KEEP_ALIVE_INTERVAL_MS);
    } else if (!needed && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}
