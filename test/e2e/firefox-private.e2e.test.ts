import { afterAll, beforeAll, expect, it } from 'vitest';
import { FIREFOX_DIST, GECKO_ID, OPTIONS_PATH } from './support/extension';
import { launchFirefox, type FirefoxHandle } from './support/firefox';
import { allowInPrivateWindows } from './support/firefox-session';
import { startOrigin, type Origin } from './support/origin';
import { startSquid, type Squid } from './support/squid';
import { listCredentials, readLog, seedCredential, waitUntil } from './support/steps';

// Private windows in Firefox: once the user allows Proxy Keyring there
// (about:addons → "Run in Private Windows"), a challenge from a private
// window is answered like any other. (Chromium's incognito is covered by
// chromium.e2e.test.ts: every scenario there runs in an incognito context.)

const ALICE = { user: 'alice', password: 's3cret' };
let squid: Squid;
let origin: Origin;
let firefox: FirefoxHandle | undefined;

beforeAll(async () => {
  origin = await startOrigin();
  squid = await startSquid({ ports: [{ name: 'private', auth: 'basic' }], users: [ALICE] });
  firefox = await launchFirefox({ extensionDir: FIREFOX_DIST, proxyPort: squid.ports['private']! });
});

afterAll(async () => {
  await firefox?.close();
  await squid?.stop();
  await origin?.stop();
});

it('answers a challenge from a private window once the user allows the extension there', async () => {
  await allowInPrivateWindows(firefox!.browser, GECKO_ID);
  const ext = await firefox!.openExtensionPage(OPTIONS_PATH);
  await listCredentials(ext);
  const port = squid.ports['private']!;
  await seedCredential(ext, { host: '127.0.0.1', port, username: ALICE.user, password: ALICE.password });
  const url = `http://origin.test:${origin.httpPort}/`;
  // A private window, opened the way the extension API reports it.
  const window = await ext.evaluate(async (u) => {
    const api = (globalThis as unknown as { browser: { windows: { create(o: object): Promise<{ incognito: boolean }> } } }).browser;
    return (await api.windows.create({ incognito: true, url: u })).incognito;
  }, url);
  expect(window).toBe(true);
  const record = await waitUntil(
    async () => (await readLog(ext)).find((r) => r.url === url && r.final !== undefined),
    15_000,
    'the private window challenge to end',
  );
  expect(record).toMatchObject({ outcome: 'answered-saved', username: ALICE.user, final: { statusCode: 200 } });
  const entries = await squid.accessLog();
  expect(entries.some((e) => e.status === 200 && e.user === ALICE.user && e.url === url)).toBe(true);
});
