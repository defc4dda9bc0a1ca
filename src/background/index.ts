/**
 * The background's entry: wiring only. It hands the real browser to
 * `startBackground`, which registers every listener synchronously.
 */
// First: the time the script began, before any other module is evaluated.
import { SCRIPT_STARTED_MS } from './script-started';
import type { Browser } from 'webextension-polyfill';
import type { CallbackAuthEvent } from './background-api';
import { withCallbackReplies, type CallbackRuntime } from './callback-replies';
import { startBackground } from './start-background';

/** Every imported module is evaluated by now: the start's first figure (lifecycle.ts StartTimings). */
const scriptMs = performance.now();

/**
 * The browser's own namespaces. Firefox's `browser`, and Chrome's from 148 on
 * (the same objects as `chrome`), return promises, and there
 * webextension-polyfill hands back that same object unwrapped: the background
 * uses it directly and bundles no polyfill (docs/benchmarks.md, item 8). A
 * Chrome without `browser` has `chrome`, whose Manifest V3 calls return
 * promises too; only its onMessage ignores a listener's returned promise.
 */
type Chrome = Omit<Browser, 'runtime'> & { runtime: CallbackRuntime; webRequest: { onAuthRequired: CallbackAuthEvent } };
const scope = globalThis as { browser?: Browser; chrome?: Chrome };
const native: Omit<Browser, 'runtime'> | undefined = scope.browser ?? scope.chrome;
if (native === undefined) throw new Error('Proxy Keyring: no extension API in this context.');

/** Chrome's own namespace: only its onAuthRequired takes asyncBlocking and a callback. Firefox has one too; the manifest decides which is used. */
const chromeWebRequest = scope.chrome?.webRequest;

startBackground(
  {
    runtime: scope.browser ? scope.browser.runtime : withCallbackReplies(scope.chrome!.runtime),
    storage: native.storage,
    webRequest: native.webRequest,
    ...(chromeWebRequest ? { chromeWebRequest } : {}),
    windows: native.windows,
    tabs: native.tabs,
    action: native.action,
    i18n: native.i18n,
    permissions: native.permissions,
    // Read when needed: the namespace appears only once the optional permission is granted.
    get proxy() {
      return native.proxy;
    },
  },
  { startedMs: SCRIPT_STARTED_MS, scriptMs },
);
