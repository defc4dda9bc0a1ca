import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE } from './support/accounts';
import { BROWSER_NAMES, type BrowserUnderTest } from './support/browser';
import { GECKO_ID, PROMPT_PATH } from './support/extension';
import { ORIGIN_TITLE } from './support/origin';
import { makePacUrl } from './support/pac';
import { getFreePorts } from './support/ports';
import { basicAuthHeader, proxyConnect, proxyGet, proxyGetWithDigest } from './support/proxy-client';
import { failedAttempts, startSquid } from './support/squid';
import { launchBrowser, useOriginAndSquid } from './support/stack';

// Proves the harness itself (squid, origin, PAC, launchers) without the real
// extension, so a failing extension test can be trusted to be about the extension.

const BASIC_REALM = 'Harness Basic';
const DIGEST_REALM = 'Harness Digest';

const bare = useOriginAndSquid({
  ports: [
    { name: 'basic', auth: 'basic' },
    { name: 'digest', auth: 'digest' },
    { name: 'open', auth: 'none' },
  ],
  users: [ALICE],
  basicRealm: BASIC_REALM,
  digestRealm: DIGEST_REALM,
});
let extensionDir: string;

beforeAll(async () => {
  extensionDir = await writeThrowawayExtension();
});

afterAll(async () => {
  if (extensionDir !== undefined) await rm(extensionDir, { recursive: true, force: true });
});

function originUrl(path = '/', host = 'origin.test'): string {
  return `http://${host}:${bare.origin.httpPort}${path}`;
}

describe('squid + origin over node http', () => {
  it('challenges on the basic port with a Basic realm', async () => {
    const res = await proxyGet(bare.squid.ports.basic!, originUrl());
    expect(res.status).toBe(407);
    expect(res.headers['proxy-authenticate']).toBe(`Basic realm="${BASIC_REALM}"`);
  });

  it('lets the right Basic credentials through to the origin', async () => {
    const res = await proxyGet(bare.squid.ports.basic!, originUrl('/hello.txt'), {
      'Proxy-Authorization': basicAuthHeader(ALICE),
    });
    expect(res.status).toBe(200);
    expect(res.body).toContain('hello from origin');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('refuses a wrong password and logs the attempt with the user name', async () => {
    const before = failedAttempts(await bare.squid.accessLog(), 'alice', bare.squid.ports.basic);
    const res = await proxyGet(bare.squid.ports.basic!, originUrl('/hello.txt'), {
      'Proxy-Authorization': basicAuthHeader({ user: 'alice', password: 'wrong' }),
    });
    expect(res.status).toBe(407);
    const entries = await bare.squid.waitForAccessLog((e) => failedAttempts(e, 'alice', bare.squid.ports.basic) === before + 1);
    const last = entries.filter((e) => e.user === 'alice').at(-1);
    expect(last).toMatchObject({ status: 407, method: 'GET', port: bare.squid.ports.basic });
  });

  it('offers only Digest on the digest port and accepts a Digest answer', async () => {
    const url = originUrl('/hello.txt');
    const { challenge, response } = await proxyGetWithDigest(bare.squid.ports.digest!, url, ALICE);
    expect(challenge.status).toBe(407);
    const offered = challenge.headers['proxy-authenticate'];
    expect(typeof offered).toBe('string');
    expect(offered as string).toMatch(/^Digest realm="Harness Digest"/);
    expect(response.status).toBe(200);
  });

  it('does not accept Basic credentials on the digest port', async () => {
    const res = await proxyGet(bare.squid.ports.digest!, originUrl('/hello.txt'), {
      'Proxy-Authorization': basicAuthHeader(ALICE),
    });
    expect(res.status).toBe(407);
    expect(String(res.headers['proxy-authenticate'])).toMatch(/^Digest /);
  });

  it('serves through the open port without credentials', async () => {
    const res = await proxyGet(bare.squid.ports.open!, originUrl('/'));
    expect(res.status).toBe(200);
    expect(res.body).toContain(`<title>${ORIGIN_TITLE}</title>`);
  });

  it('tunnels CONNECT to the https origin with the right credentials', async () => {
    const res = await proxyConnect(bare.squid.ports.basic!, `127.0.0.1:${bare.origin.httpsPort}`, {
      'Proxy-Authorization': basicAuthHeader(ALICE),
    });
    expect(res.status).toBe(200);
    expect(res.statusMessage).toMatch(/connection established/i);
    expect(res.tunneledBody).toContain('hello from origin');
  });

  it('challenges CONNECT without credentials', async () => {
    const res = await proxyConnect(bare.squid.ports.basic!, `origin.test:${bare.origin.httpsPort}`);
    expect(res.status).toBe(407);
  });

  it('denies non-loopback destinations before auth, without touching the network', async () => {
    const started = Date.now();
    const res = await proxyGet(bare.squid.ports.basic!, 'http://example.com/');
    expect(res.status).toBe(403);
    expect(Date.now() - started).toBeLessThan(2_000);
    const entries = await bare.squid.waitForAccessLog((e) => e.some((x) => x.url === 'http://example.com/'));
    expect(entries.find((x) => x.url === 'http://example.com/')).toMatchObject({ status: 403, user: null });
  });

  it('records origin 401 challenges and every auth header the origin sees', async () => {
    const unauth = await proxyGet(bare.squid.ports.open!, originUrl('/site-401'));
    expect(unauth.status).toBe(401);
    expect(unauth.headers['www-authenticate']).toBe('Basic realm="site"');
    const header = basicAuthHeader({ user: 'site', password: 'pw' });
    const auth = await proxyGet(bare.squid.ports.open!, originUrl('/site-401'), { Authorization: header });
    expect(auth.status).toBe(200);
    expect(bare.origin.authHeadersSeen).toContain(`authorization: ${header}`);
    // squid consumes Proxy-Authorization; the proxy password never reaches the bare.origin.
    expect(bare.origin.authHeadersSeen.some((h) => h.startsWith('proxy-authorization'))).toBe(false);
  });

  it('makes a changed password effective and the old one fail (setUsers)', async () => {
    await bare.squid.setUsers([{ user: 'alice', password: 'n3w' }]);
    const old = await proxyGet(bare.squid.ports.basic!, originUrl('/hello.txt'), {
      'Proxy-Authorization': basicAuthHeader(ALICE),
    });
    const fresh = await proxyGet(bare.squid.ports.basic!, originUrl('/hello.txt'), {
      'Proxy-Authorization': basicAuthHeader({ user: 'alice', password: 'n3w' }),
    });
    const digest = await proxyGetWithDigest(bare.squid.ports.digest!, originUrl('/hello.txt'), {
      user: 'alice',
      password: 'n3w',
    });
    await bare.squid.setUsers([ALICE]);
    expect(old.status).toBe(407);
    expect(fresh.status).toBe(200);
    expect(digest.response.status).toBe(200);
  });
});

describe('free ports', () => {
  // One squid takes up to 124 ports (the answer bench): asked for one by one and closed, the kernel gave the same port twice.
  it('gives as many different ports as asked for, each one free to listen on', async () => {
    const ports = await getFreePorts(300);
    expect(new Set(ports).size).toBe(300);
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(ports[0], '127.0.0.1', () => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  // Both browsers' stacks ask in one process; a port given to one and not yet bound must not go to the other.
  it('never gives a port twice in one process, even once the first ask closed its listeners', async () => {
    const first = await getFreePorts(100);
    const second = await getFreePorts(100);
    expect(second.filter((port) => first.includes(port))).toEqual([]);
  });

  it('squid never starts on a port another process holds: it takes another, and answers there itself', async () => {
    const holder = createServer((socket) => socket.on('error', () => undefined).end('HTTP/1.1 418 not squid\r\n\r\n'));
    const [held] = await getFreePorts(1);
    await new Promise<void>((resolve, reject) => holder.once('error', reject).listen(held, '127.0.0.1', () => resolve()));
    const squid = await startSquid({ ports: [{ name: 'basic', auth: 'basic' }], users: [ALICE], firstPorts: { basic: held! } });
    try {
      expect(squid.ports.basic).not.toBe(held);
      const res = await proxyGet(squid.ports.basic!, originUrl());
      expect(res.status).toBe(407);
    } finally {
      await squid.stop();
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });
});

describe.each(BROWSER_NAMES)('%s launcher', (name) => {
  let b: BrowserUnderTest | undefined;

  afterAll(async () => {
    await b?.close();
  });

  it('loads an extension and an origin page through the open squid port, opens a prompt window, stops the background', async () => {
    b = await launchBrowser(name, { extensionDir, proxyPort: bare.squid.ports.open! });
    // Chromium: an id of 32 letters a–p; Firefox: the uuid pinned for GECKO_ID.
    expect(b.extensionOrigin).toMatch(name === 'chromium' ? /^chrome-extension:\/\/[a-p]{32}\/$/ : /^moz-extension:\/\/[0-9a-f-]{36}\/$/);
    const page = await b.browser.newPage();
    await page.goto(originUrl('/'));
    // A squid error page names its error (ERR_ACCESS_DENIED, ERR_CONNECT_FAIL…): seen once in CI, cause not known.
    expect(await page.title(), await page.evaluate(() => document.body.innerText.slice(0, 800))).toBe(ORIGIN_TITLE);
    await bare.squid.waitForAccessLog((e) =>
      e.some((x) => x.port === bare.squid.ports.open && x.url === originUrl('/') && x.status === 200),
    );

    const extPage = await b.openExtensionPage('page.html');
    expect(await extPage.evaluate(() => document.title)).toBe('harness extension page');
    expect(await b.countPromptWindows()).toBe(0);
    await openPromptWindow(extPage);
    const prompt = await b.waitForPrompt(10_000);
    expect(await prompt.evaluate(() => document.title)).toBe('harness prompt');
    expect(await b.countPromptWindows()).toBe(1);

    expect(await b.isBackgroundRunning()).toBe(true);
    await b.stopBackground();
    expect(await b.isBackgroundRunning()).toBe(false);
  });

  it('gives a fresh page that keeps the extension storage, and reaches the https origin through CONNECT', async () => {
    b ??= await launchBrowser(name, { extensionDir, proxyPort: bare.squid.ports.open! });
    const extPage = await b.openExtensionPage('page.html');
    await extPage.evaluate(() => localStorage.setItem('harness', 'kept'));
    // Twice: in Firefox the second one for the same proxy is a relaunch.
    await b.freshPage(bare.squid.ports.open!);
    const page = await b.freshPage(bare.squid.ports.open!);
    await page.goto(`https://origin.test:${bare.origin.httpsPort}/`);
    expect(await page.title()).toBe(ORIGIN_TITLE);
    // origin.test resolves only inside squid, so reaching it proves the CONNECT
    // went through the proxy (squid logs a tunnel only once it closes).
    expect(bare.origin.requestsSeen).toContainEqual(
      expect.objectContaining({ secure: true, host: `origin.test:${bare.origin.httpsPort}`, url: '/' }),
    );
    const again = await b.openExtensionPage('page.html');
    expect(await again.evaluate(() => localStorage.getItem('harness'))).toBe('kept');
  });

  it('routes only *.test names through a PAC and counts /many loads', async () => {
    await b?.close();
    b = undefined;
    b = await launchBrowser(name, { extensionDir, pacUrl: makePacUrl({ 'origin*.test': bare.squid.ports.open! }) });
    const page = await b.browser.newPage();
    const hosts = 'origin.test,origin2.test,origin3.test,origin4.test,origin5.test,origin6.test';
    // The page itself is DIRECT (loopback); its subresources go through bare.squid.
    await page.goto(`http://127.0.0.1:${bare.origin.httpPort}/many?n=12&hosts=${hosts}`);
    await page.waitForFunction(() => document.body.dataset['done'] === 'true', { timeout: 30_000 });
    expect(await page.title()).toBe('loaded 24/24');
    const entries = await bare.squid.accessLog();
    expect(entries.some((e) => e.url.startsWith(`http://origin6.test:${bare.origin.httpPort}/`))).toBe(true);
    expect(entries.some((e) => e.url.includes(`127.0.0.1:${bare.origin.httpPort}/many`))).toBe(false);
  });
});

/** Opens the prompt page the way the extension does: a popup window. */
async function openPromptWindow(extensionPage: Page): Promise<void> {
  await extensionPage.evaluate(async (path) => {
    const api = (globalThis as unknown as { chrome: { windows: { create(o: object): Promise<unknown> } } }).chrome;
    await api.windows.create({ url: path, type: 'popup', width: 420, height: 360 });
  }, PROMPT_PATH);
}

const TINY_PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

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
  // The page the Chromium handle stops the worker from (it sends no message).
  await mkdir(join(dir, 'icons'), { recursive: true });
  await writeFile(join(dir, 'icons/icon-16.png'), Buffer.from(TINY_PNG_BASE64, 'base64'));
  await writeFile(
    join(dir, 'page.html'),
    '<!doctype html><html><head><meta charset="utf-8"><title>harness extension page</title></head><body>ok</body></html>\n',
  );
  return dir;
}
