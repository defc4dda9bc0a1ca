/**
 * The background's entry: wiring only. It hands the real browser to
 * `startBackground`, which registers every listener synchronously.
 */
// First: the time the script began, before any other module is evaluated.
import { SCRIPT_STARTED_MS } from './script-started';
import browser from 'webextension-polyfill';
import type { BackgroundApi } from './background-api';
import { startBackground } from './start-background';

/** Every imported module is evaluated by now: the start's first figure (lifecycle.ts StartTimings). */
const scriptMs = performance.now();

/** Chrome's own namespace: the polyfill cannot pass onAuthRequired's asyncBlocking callback. Firefox has one too; the manifest decides which is used. */
const chromeWebRequest = (globalThis as { chrome?: { webRequest?: BackgroundApi['chromeWebRequest'] } }).chrome?.webRequest;

startBackground(
  {
    runtime: browser.runtime,
    storage: browser.storage,
    webRequest: browser.webRequest,
    ...(chromeWebRequest ? { chromeWebRequest } : {}),
    windows: browser.windows,
    tabs: browser.tabs,
    action: browser.action,
    i18n: browser.i18n,
    permissions: browser.permissions,
    // Read when needed: the namespace appears only once the optional permission is granted.
    get proxy() {
      return browser.proxy;
    },
  },
  { startedMs: SCRIPT_STARTED_MS, scriptMs },
);
