import { readProxyConfig } from '../core/proxy-config';
import { formatEndpoint } from '../core/proxy-endpoint';
import type { BackgroundApi, RequestFilter } from './background-api';
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
 * How long the response listeners stay after the last tracked request
 * ended. Registering them costs the answer that follows about a millisecond
 * (docs/benchmarks.md, item 2), and challenges come in bursts. Far below
 * the 30 s after which both browsers stop an idle background, so one that
 * idles out has dropped them, and pages loaded after that do not wake it
 * (docs/browser-behaviour.md#idle-wakes).
 */
export const RESPONSE_LISTENERS_LINGER_MS = 5_000;

/**
 * What the background does with its response listeners in its first turn
 * (docs/browser-behaviour.md#idle-wakes). In both browsers it listens to
 * responses and completions only while a challenged request is tracked, so
 * pages that never meet the proxy do not wake it.
 * - Chrome (`add-and-remove`): a worker stopped while tracking is woken by
 *   each later page load for the listeners it had, until one of its starts
 *   adds and removes them; so each start does, after the first turn.
 * - Firefox (`keep-one-that-hears-nothing`): a listener added in the event
 *   page's first turn wakes it for every response it matches, even once
 *   removed; and without one there, listeners added when a challenge arrived
 *   heard nothing more of that request (its verdict and final result lost).
 *   So one of each kind stays from the first turn, for a URL no page has
 *   (`NO_PAGE`): it wakes nothing, and the later ones hear every request.
 */
export function responseListenersAtStart(permissions: readonly string[]): 'add-and-remove' | 'keep-one-that-hears-nothing' {
  return usesAsyncBlocking(permissions) ? 'add-and-remove' : 'keep-one-that-hears-nothing';
}

/** A filter no page's request matches: `.invalid` is reserved and never resolves (RFC 2606). */
export const NO_PAGE: RequestFilter = { urls: ['*://proxy-keyring.invalid/*'] };

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
