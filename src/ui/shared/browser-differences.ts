import { browserNamespace } from '../../messaging/browser-namespace';
/*
 * Every place where a page does something because of one browser, in one
 * file, so the list of Chrome/Firefox splits in the pages is this file.
 * (The background's splits live in src/background.)
 */

/**
 * The browser's name and version for the admin report. Firefox answers
 * `runtime.getBrowserInfo()`; Chrome has no such call, so its name and
 * version are read from the user agent.
 */
export async function describeBrowser(): Promise<string> {
  const runtime = browserNamespace()?.runtime;
  if (runtime?.getBrowserInfo) {
    const { name, version } = await runtime.getBrowserInfo();
    return `${name} ${version}`;
  }
  const brand = /(Chrom(?:e|ium))\/([\d.]+)/.exec(navigator.userAgent);
  return brand ? `${brand[1]} ${brand[2]}` : navigator.userAgent;
}

/**
 * How often an open prompt window pings the background. Firefox suspends an
 * idle event page about 60 s into an open prompt, and the parked request
 * then fails (docs/browser-behaviour.md#firefox-event-page-suspend); a
 * message resets its idle timer. Chrome's worker is kept alive from the
 * background itself (docs/browser-behaviour.md#chromium-worker-idle-kill),
 * so there the ping is harmless but not needed. It is sent in both to keep
 * one code path.
 */
export const PROMPT_PING_MS = 15_000;
