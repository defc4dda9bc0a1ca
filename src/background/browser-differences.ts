import { readProxyConfig } from '../core/proxy-config';
import { formatEndpoint } from '../core/proxy-endpoint';
import type { BackgroundApi } from './background-api';
import { DEFAULT_VERIFIER_OPTIONS, type VerifierOptions } from '../core/verifier';

/**
 * Every place the background does one thing in Chrome and another in
 * Firefox, in one file, so each split is findable. The answer itself is
 * translated by auth-listener.ts, which asks `usesAsyncBlocking` here which
 * way to listen.
 */

/**
 * Which way this build answers onAuthRequired, read from our own manifest so
 * the build decides (docs/browser-behaviour.md#auth-answer-per-browser):
 * Chrome's MV3 build asks for `webRequestAuthProvider` and answers through
 * `asyncBlocking` and a callback; Firefox's asks for `webRequestBlocking` and
 * answers with a returned Promise.
 */
export function usesAsyncBlocking(permissions: readonly string[]): boolean {
  return permissions.includes('webRequestAuthProvider');
}

/**
 * How the verifier treats requests that wait behind a probe.
 * - Chrome sends the probe while others wait, but retries every request whose
 *   407 arrives after it with the password it was just given, before the proxy
 *   judged it (docs/browser-behaviour.md#credential-caches). So the probe is
 *   held until the burst has gone quiet: the burst is parked with us, and a
 *   wrong password reaches the proxy once.
 * - Firefox acts on no proxy-auth answer while other challenges for that proxy
 *   wait unanswered (measured: 0 of 60 loaded in 60 s, and squid never saw the
 *   probe), so there the waiting requests give way after a short while.
 *   docs/browser-behaviour.md#firefox-holds-auth-answers
 */
export function verifierOptionsFor(permissions: readonly string[]): VerifierOptions {
  if (usesAsyncBlocking(permissions)) return { ...DEFAULT_VERIFIER_OPTIONS, ...CHROME_QUIET };
  return { ...DEFAULT_VERIFIER_OPTIONS, stallMs: FIREFOX_STALL_MS };
}

/**
 * Chromium let the held requests go about 250 ms after the first challenge
 * (docs/browser-behaviour.md#credential-caches); a gap of 50 ms between two
 * challenges ends a burst; however it goes on, the probe goes after a second.
 */
const CHROME_QUIET = { quietMinMs: 350, quietMs: 50, quietMaxMs: 1_000 } as const;

/** Long enough for a probe that is not held back to come back on loopback or a LAN; short against a page load. */
const FIREFOX_STALL_MS = 300;

/**
 * Chrome: how long the response listeners stay after the last tracked request
 * ended. Registering them costs the answer that follows about a millisecond
 * (docs/benchmarks.md, item 2), and challenges come in bursts. Far below
 * Chrome's 30 s idle stop, so a worker that idles out has dropped them, and
 * pages loaded after that do not wake it (docs/browser-behaviour.md#idle-wakes).
 */
export const RESPONSE_LISTENERS_LINGER_MS = 5_000;

/**
 * How the background listens to responses and completions
 * (docs/browser-behaviour.md#idle-wakes):
 * - Chrome: only while a challenged request is tracked (`while-tracking`), so
 *   pages that never meet the proxy do not wake the worker; added and removed
 *   in the first turn too, which drops the registration a worker stopped while
 *   tracking leaves behind (Chrome wakes a worker for those). They stay
 *   `RESPONSE_LISTENERS_LINGER_MS` after the last tracked request ended.
 * - Firefox: from the first turn on, always (`always`). A listener added later
 *   does not wake the event page, but one added when a challenge arrives missed
 *   that request's end (its log record had no final result), and one added in
 *   the first turn stays one that wakes the event page even once removed. So
 *   Firefox's event page is still woken by page loads.
 */
export function responseListening(permissions: readonly string[]): 'while-tracking' | 'always' {
  return usesAsyncBlocking(permissions) ? 'while-tracking' : 'always';
}

/**
 * The `host:port` of the proxy a request failed at. Firefox says it in the
 * event (`proxyInfo`); Chrome does not (docs/browser-behaviour.md#proxy-errors),
 * so there it is read from the browser's proxy settings, when the user
 * granted the optional `proxy` permission. Empty when neither tells.
 */
export async function readFailedRequestProxy(details: unknown, api: Pick<BackgroundApi, 'permissions' | 'proxy'>): Promise<string> {
  const info = (details as { proxyInfo?: { host?: unknown; port?: unknown } | null }).proxyInfo;
  if (typeof info?.host === 'string' && info.host !== '' && typeof info.port === 'number' && info.port > 0) {
    return formatEndpoint({ host: info.host, port: info.port });
  }
  try {
    if (!(await api.permissions.contains({ permissions: ['proxy'] })) || !api.proxy) return '';
    const server = readProxyConfig(await api.proxy.settings.get({})).servers[0];
    return server ? formatEndpoint(server) : '';
  } catch {
    return '';
  }
}
