import type { Browser, Page } from 'puppeteer-core';
import { bidiSend } from './firefox';
import { sendFromExtensionPage, type SavedCredential } from './steps';
import { sleep } from './ports';

/**
 * Helpers only the Firefox scenarios use. Firefox caches proxy credentials per
 * browser process (a new BrowserContext shares the cache), so one browser
 * serves many scenarios by giving each its own squid port, chosen per host
 * name by a PAC script; a fresh challenge for an already answered port needs
 * a relaunch on the same profile.
 */

/** Host name (shExpMatch pattern) → squid port; anything else goes DIRECT. */
export type HostRoutes = Record<string, number>;

export function makeRoutingPacUrl(routes: HostRoutes): string {
  const script = `function FindProxyForURL(url, host) {
  var routes = ${JSON.stringify(routes)};
  for (var pattern in routes) {
    if (shExpMatch(host, pattern)) return "PROXY 127.0.0.1:" + routes[pattern];
  }
  return "DIRECT";
}
`;
  return `data:application/x-ns-proxy-autoconfig;base64,${Buffer.from(script).toString('base64')}`;
}

export interface CredentialListing {
  credentials: SavedCredential[];
  /** Vault problems, e.g. "could not be decrypted (the key changed)". */
  problems: string[];
}

export function listCredentialsWithProblems(extensionPage: Page): Promise<CredentialListing> {
  return sendFromExtensionPage<CredentialListing>(extensionPage, 'credentials:list', {});
}

/** The number in the prompt's "N requests are waiting…" line, or 0/1 for the other wordings. */
export async function readWaitingCount(prompt: Page): Promise<number | undefined> {
  const text = await Promise.race([
    prompt.evaluate(() => document.querySelector('[data-testid=waiting]')?.textContent ?? null),
    sleep(2_000).then(() => null),
  ]);
  if (text === null) return undefined;
  const n = /\d+/.exec(text);
  return n === null ? undefined : Number(n[0]);
}

/** Text of an element, bounded (a page can be mid-navigation). */
export async function readText(page: Page, selector: string): Promise<string | null> {
  return Promise.race([page.evaluate((s) => document.querySelector(s)?.textContent ?? null, selector), sleep(2_000).then(() => null)]);
}

/** Log rows the options page has on screen (it is virtualised: the newest ones). */
export function readOptionsLogRows(options: Page): Promise<Array<{ proxy: string; outcome: string }>> {
  return options.evaluate(() =>
    [...document.querySelectorAll('[data-testid=log-row]')].map((tr) => ({
      proxy: tr.getAttribute('data-proxy') ?? '',
      outcome: tr.getAttribute('data-outcome') ?? '',
    })),
  );
}

/**
 * What the user does in about:addons → Proxy Keyring → "Run in Private
 * Windows" → Allow: about:addons adds the internal permission and reloads the
 * add-on. Done here from the browser's chrome context, which
 * --remote-allow-system-access opens to BiDi (`moz:scope: 'chrome'`).
 */
export async function allowInPrivateWindows(browser: Browser, addonId: string): Promise<void> {
  const tree = (await bidiSend(browser, 'browsingContext.getTree', { 'moz:scope': 'chrome', maxDepth: 0 })).result as {
    contexts: Array<{ context: string }>;
  };
  const context = tree.contexts[0]?.context;
  if (context === undefined) throw new Error('no chrome browsing context');
  const id = JSON.stringify(addonId);
  const expression = `(async () => {
    const { ExtensionPermissions } = ChromeUtils.importESModule("resource://gre/modules/ExtensionPermissions.sys.mjs");
    const { AddonManager } = ChromeUtils.importESModule("resource://gre/modules/AddonManager.sys.mjs");
    await ExtensionPermissions.add(${id}, { permissions: ["internal:privateBrowsingAllowed"], origins: [] });
    await (await AddonManager.getAddonByID(${id})).reload();
    return "allowed";
  })()`;
  const reply = (await bidiSend(browser, 'script.evaluate', { expression, target: { context }, awaitPromise: true })).result as {
    type?: string;
    result?: { value?: unknown };
  };
  if (reply.type !== 'success' || reply.result?.value !== 'allowed')
    throw new Error(`could not allow private windows: ${JSON.stringify(reply)}`);
}
