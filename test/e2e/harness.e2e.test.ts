import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type ChromiumHandle } from './support/chromium';
import { GECKO_ID, PROMPT_PATH } from './support/extension';
import { launchFirefox, type FirefoxHandle } from './support/firefox';
import { ORIGIN_TITLE, startOrigin, type Origin } from './support/origin';
import { makePacUrl } from './support/pac';
import { basicAuthHeader, proxyConnect, proxyGet, proxyGetWithDigest } from './support/proxy-client';
import { failedAttempts, startSquid, type Squid } from './support/squid';

// Proves the harness itself (squid, origin, PAC, launchers) without the real
// extension, so a failing extension test can be trusted to be about the extension.

const ALICE = { user: 'alice', password: 's3cret' };
const BASIC_REALM = 'Harness Basic';
const DIGEST_REALM = 'Harness Digest';

let squid: Squid;
let origin: Origin;
let extensionDir: string;

beforeAll(async () => {
  origin = await startOrigin();
  squid = await startSquid({
    ports: [
      { name: 'basic', auth: 'basic' },
      { name: 'digest', auth: 'digest' },
      { name: 'open', auth: 'none' },
    ],
    users: [ALICE],
    basicRealm: BASIC_REALM,
    digestRealm: DIGEST_REALM,
  });
  extensionDir = await writeThrowawayExtension();
});

afterAll(async () => {
  await squid?.stop();
  await origin?.stop();
  if (extensionDir !== undefined) await rm(extensionDir, { recursive: true, force: true });
});

function originUrl(path = '/', host = 'origin.test'): string {
  return `http://${host}:${origin.httpPort}${path}`;
}

describe('squid + origin over node http', () => {
  it('challenges on the basic port with a Basic realm', async () => {
    const res = await proxyGet(squid.ports.basic!, originUrl());
    expect(res.status).toBe(407);
    expect(res.headers['proxy-authenticate']).toBe(`Basic realm="${BASIC_REALM}"`);
  });

  it('lets the right Basic credentials through to the origin', async () => {
    const res = await proxyGet(squid.ports.basic!, originUrl('/hello.txt'), {
      'Proxy-Authorization': basicAuthHeader(ALICE),
    });
    expect(res.status).toBe(200);
    expect(res.body).toContain('hello from origin');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('refuses a wrong password and logs the attempt with the user name', async () => {
    const before = failedAttempts(await squid.accessLog(), 'alice', squid.ports.basic);
    const res = await proxyGet(squid.ports.basic!, originUrl('/hello.txt'), {
      'Proxy-Authorization': basicAuthHeader({ user: 'alice', password: 'wrong' }),
    });
    expect(res.status).toBe(407);
    const entries = await squid.waitForAccessLog((e) => failedAttempts(e, 'alice', squid.ports.basic) === before + 1);
    const last = entries.filter((e) => e.user === 'alice').at(-1);
    expect(last).toMatchObject({ status: 407, method: 'GET', port: squid.ports.basic });
  });

  it('offers only Digest on the digest port and accepts a Digest answer', async () => {
    const url = originUrl('/hello.txt');
    const { challenge, response } = await proxyGetWithDigest(squid.ports.digest!, url, ALICE);
    expect(challenge.status).toBe(407);
    const offered = challenge.headers['proxy-authenticate'];
    expect(typeof offered).toBe('string');
    expect(offered as string).toMatch(/^Digest realm="Harness Digest"/);
    expect(response.status).toBe(200);
  });

  it('does not accept Basic credentials on the digest port', async () => {
    const res = await proxyGet(squid.ports.digest!, originUrl('/hello.txt'), {
      'Proxy-Authorization': basicAuthHeader(ALICE),
    });
    expect(res.status).toBe(407);
    expect(String(res.headers['proxy-authenticate'])).toMatch(/^Digest /);
  });

  it('serves through the open port without credentials', async () => {
    const res = await proxyGet(squid.ports.open!, originUrl('/'));
    expect(res.status).toBe(200);
    expect(res.body).toContain(`<title>${ORIGIN_TITLE}</title>`);
  });

  it('tunnels CONNECT to the https origin with the right credentials', async () => {
    const res = await proxyConnect(squid.ports.basic!, `127.0.0.1:${origin.httpsPort}`, {
      'Proxy-Authorization': basicAuthHeader(ALICE),
    });
    expect(res.status).toBe(200);
    expect(res.statusMessage).toMatch(/connection established/i);
    expect(res.tunneledBody).toContain('hello from origin');
  });

  it('challenges CONNECT without credentials', async () => {
    const res = await proxyConnect(squid.ports.basic!, `origin.test:${origin.httpsPort}`);
    expect(res.status).toBe(407);
  });

  it('denies non-loopback destinations before auth, without touching the network', async () => {
    const started = Date.now();
    const res = await proxyGet(squid.ports.basic!, 'http://example.com/');
    expect(res.status).toBe(403);
    expect(Date.now() - started).toBeLessThan(2_000);
    const entries = await squid.waitForAccessLog((e) => e.some((x) => x.url === 'http://example.com/'));
    expect(entries.find((x) => x.url === 'http://example.com/')).toMatchObject({ status: 403, user: null });
  });

  it('records origin 401 challenges and every auth header the origin sees', async () => {
    const unauth = await proxyGet(squid.ports.open!, originUrl('/site-401'));
    expect(unauth.status).toBe(401);
    expect(unauth.headers['www-authenticate']).toBe('Basic realm="site"');
    const header = basicAuthHeader({ user: 'site', password: 'pw' });
    const auth = await proxyGet(squid.ports.open!, originUrl('/site-401'), { Authorization: header });
    expect(auth.status).toBe(200);
    expect(origin.authHeadersSeen).toContain(`authorization: ${header}`);
    // squid consumes Proxy-Authorization; the proxy password never reaches the origin.
    expect(origin.authHeadersSeen.some((h) => h.startsWith('proxy-authorization'))).toBe(false);
  });

  it('makes a changed password effective and the old one fail (setUsers)', async () => {
    await squid.setUsers([{ user: 'alice', password: 'n3w' }]);
    const old = await proxyGet(squid.ports.basic!, originUrl('/hello.txt'), {
      'Proxy-Authorization': basicAuthHeader(ALICE),
    });
    const fresh = await proxyGet(squid.ports.basic!, originUrl('/hello.txt'), {
      'Proxy-Authorization': basicAuthHeader({ user: 'alice', password: 'n3w' }),
    });
    const digest = await proxyGetWithDigest(squid.ports.digest!, originUrl('/hello.txt'), {
      user: 'alice',
      password: 'n3w',
    });
    await squid.setUsers([ALICE]);
    expect(old.status).toBe(407);
    expect(fresh.status).toBe(200);
    expect(digest.response.status).toBe(200);
  });
});

describe('Chromium launcher', () => {
  let chromium: ChromiumHandle | undefined;

  afterAll(async () => {
    await chromium?.close();
  });

  it('loads an extension and an origin page through the open squid port', async () => {
    chromium = await launchChromium({ extensionDir, proxyPort: squid.ports.open! });
    expect(chromium.extensionId).toMatch(/^[a-p]{32}$/);

    const page = await chromium.browser.newPage();
    await page.goto(originUrl('/'));
    expect(await page.title()).toBe(ORIGIN_TITLE);
    await squid.waitForAccessLog((e) => e.some((x) => x.port === squid.ports.open && x.url === originUrl('/') && x.status === 200));

    const extPage = await chromium.openExtensionPage('page.html');
    expect(await extPage.title()).toBe('harness extension page');
    expect(await chromium.serviceWorkerStatuses()).toContain('running');
    await chromium.stopServiceWorkers();
    expect(await chromium.serviceWorkerStatuses()).toEqual(['stopped']);
    expect(await chromium.countPromptWindows()).toBe(0);
    await openPromptWindow(extPage);
    const prompt = await chromium.waitForPrompt(10_000);
    expect(await prompt.title()).toBe('harness prompt');
    expect(await chromium.countPromptWindows()).toBe(1);

    const context = await chromium.newContext();
    const incognito = await context.newPage();
    await incognito.goto(originUrl('/', 'origin2.test'));
    expect(await incognito.title()).toBe(ORIGIN_TITLE);
    await context.close();
  });

  it('routes only origin*.test through the PAC proxy and counts /many loads', async () => {
    await chromium?.close();
    chromium = undefined;
    // The open port stands in for the auth port: no extension answers here.
    const pacUrl = makePacUrl({ authProxyPort: squid.ports.open! });
    chromium = await launchChromium({ extensionDir, pacUrl });
    const page = await chromium.browser.newPage();
    const hosts = 'origin.test,origin2.test,origin3.test,origin4.test,origin5.test,origin6.test';
    // The page itself is DIRECT (loopback); its subresources go through squid.
    await page.goto(`http://127.0.0.1:${origin.httpPort}/many?n=12&hosts=${hosts}`);
    await page.waitForFunction(() => document.body.dataset.done === 'true', { timeout: 30_000 });
    expect(await page.title()).toBe('loaded 24/24');
    const entries = await squid.accessLog();
    expect(entries.some((e) => e.url.startsWith(`http://origin6.test:${origin.httpPort}/`))).toBe(true);
    expect(entries.some((e) => e.url.includes(`127.0.0.1:${origin.httpPort}/many`))).toBe(false);
  });
});

describe('Firefox launcher', () => {
  let firefox: FirefoxHandle | undefined;

  afterAll(async () => {
    await firefox?.close();
  });

  it('loads an extension and an origin page through the open squid port, and relaunches', async () => {
    firefox = await launchFirefox({ extensionDir, proxyPort: squid.ports.open! });
    expect(firefox.extensionId).toBe(GECKO_ID);

    const page = await firefox.browser.newPage();
    await page.goto(originUrl('/'));
    expect(await page.title()).toBe(ORIGIN_TITLE);
    await squid.waitForAccessLog((e) => e.some((x) => x.port === squid.ports.open && x.url === originUrl('/') && x.status === 200));

    const extPage = await firefox.openExtensionPage('page.html');
    expect(await extPage.title()).toBe('harness extension page');
    await extPage.evaluate(() => localStorage.setItem('harness', 'kept'));
    expect(await firefox.countPromptWindows()).toBe(0);
    await openPromptWindow(extPage);
    const prompt = await firefox.waitForPrompt(10_000);
    expect(await prompt.evaluate(() => document.title)).toBe('harness prompt');
    expect(await firefox.countPromptWindows()).toBe(1);

    // Same profile, fresh process: the pinned UUID (and with it the origin's storage) survive.
    const profileDir = firefox.profileDir;
    await firefox.close({ keepProfile: true });
    firefox = await launchFirefox({ extensionDir, proxyPort: squid.ports.open!, profileDir });
    const again = await firefox.openExtensionPage('page.html');
    expect(await again.evaluate(() => localStorage.getItem('harness'))).toBe('kept');
  });

  it('reaches the https origin through CONNECT on the open port', async () => {
    const page = await firefox!.browser.newPage();
    await page.goto(`https://origin.test:${origin.httpsPort}/`);
    expect(await page.title()).toBe(ORIGIN_TITLE);
    // origin.test resolves only inside squid, so reaching it proves the CONNECT
    // went through the proxy. (squid logs a CONNECT only once the tunnel
    // closes, and Firefox keeps it open, so the access log cannot show it yet.)
    expect(origin.requestsSeen).toContainEqual(
      expect.objectContaining({ secure: true, host: `origin.test:${origin.httpsPort}`, url: '/' }),
    );
  });

  it('routes origin*.test through a PAC data: URL', async () => {
    await firefox?.close();
    firefox = undefined;
    const pacUrl = makePacUrl({ authProxyPort: squid.ports.open! });
    firefox = await launchFirefox({ extensionDir, pacUrl });
    const page = await firefox.browser.newPage();
    await page.goto(`http://127.0.0.1:${origin.httpPort}/many?n=6&hosts=origin7.test,origin8.test`);
    await page.waitForFunction(() => document.body.dataset.done === 'true', { timeout: 30_000 });
    expect(await page.title()).toBe('loaded 12/12');
    const entries = await squid.accessLog();
    expect(entries.some((e) => e.url.startsWith(`http://origin8.test:${origin.httpPort}/`))).toBe(true);
  });
});

/** Opens the prompt page the way the extension does: a popup window. */
async function openPromptWindow(extensionPage: Page): Promise<void> {
  await extensionPage.evaluate(async (path) => {
    const api = (globalThis as unknown as { chrome: { windows: { create(o: object): Promise<unknown> } } }).chrome;
    await api.windows.create({ url: path, type: 'popup', width: 420, height: 360 });
  }, PROMPT_PATH);
}

/** An MV3 extension that does nothing: one manifest valid for both browsers. */
async function writeThrowawayExtension(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pk-throwaway-ext-'));
  const manifest = {
    manifest_version: 3,
    name: 'Harness throwaway',
    version: '0.0.1',
    background: { service_worker: 'background.js', scripts: ['background.js'] },
    browser_specific_settings: {
      gecko: {
        id: GECKO_ID,
        strict_min_version: '142.0',
        data_collection_permissions: { required: ['none'] },
      },
    },
  };
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  await writeFile(join(dir, 'background.js'), '// Intentionally empty: the harness only needs a loadable extension.\n');
  await mkdir(join(dir, 'src/ui/prompt'), { recursive: true });
  await writeFile(
    join(dir, PROMPT_PATH),
    '<!doctype html><html><head><meta charset="utf-8"><title>harness prompt</title></head><body>prompt</body></html>\n',
  );
  await writeFile(
    join(dir, 'page.html'),
    '<!doctype html><html><head><meta charset="utf-8"><title>harness extension page</title></head><body>ok</body></html>\n',
  );
  return dir;
}
