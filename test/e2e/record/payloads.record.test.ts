import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE } from '../support/accounts';
import { BROWSER_NAMES, type BrowserUnderTest } from '../support/browser';
import { GECKO_ID, REPO_ROOT } from '../support/extension';
import { makePacUrl } from '../support/pac';
import { sleep } from '../support/ports';
import { launchBrowser, useOriginAndSquid } from '../support/stack';
import { navigate, waitUntil } from '../support/steps';

const FIXTURES = resolve(REPO_ROOT, 'test/fixtures');
const VERSIONS = { chromium: 'chromium-156', firefox: 'firefox-153' } as const;

type Details = Record<string, unknown> & { requestId: string; url: string; isProxy: boolean };

/**
 * A recorder add-on keeps every onAuthRequired `details` object as the browser
 * sent it (storage.local) and answers: the right password, except the first
 * challenge of a URL with `wrong=1` (so the browser asks again for the same
 * request), and cancels a site's 401.
 */
const RECORDER = `
const api = globalThis.browser ?? globalThis.chrome;
const recorded = [];
const seen = {};
function decide(details) {
  recorded.push(details);
  void api.storage.local.set({ recorded });
  if (!details.isProxy) return { cancel: true };
  seen[details.requestId] = (seen[details.requestId] ?? 0) + 1;
  const wrong = details.url.includes('wrong=1') && seen[details.requestId] === 1;
  return { authCredentials: { username: ${JSON.stringify(ALICE.user)}, password: wrong ? 'wrong' : ${JSON.stringify(ALICE.password)} } };
}
// Chromium 156 has a 'browser' global too: only Firefox answers with a returned Promise.
if (navigator.userAgent.includes('Firefox')) {
  api.webRequest.onAuthRequired.addListener((d) => Promise.resolve(decide(d)), { urls: ['<all_urls>'] }, ['blocking']);
} else {
  api.webRequest.onAuthRequired.addListener((d, cb) => void setTimeout(() => cb(decide(d)), 20), { urls: ['<all_urls>'] }, ['asyncBlocking']);
}
`;

async function writeRecorder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pk-recorder-'));
  const manifest = {
    manifest_version: 3,
    name: 'onAuthRequired recorder',
    version: '0.0.1',
    permissions: ['webRequest', 'webRequestAuthProvider', 'webRequestBlocking', 'storage'],
    host_permissions: ['<all_urls>'],
    background: { service_worker: 'background.js', scripts: ['background.js'] },
    browser_specific_settings: {
      gecko: { id: GECKO_ID, strict_min_version: '142.0', data_collection_permissions: { required: ['none'] } },
    },
  };
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  await writeFile(join(dir, 'background.js'), RECORDER);
  await writeFile(join(dir, 'page.html'), '<!doctype html><title>recorder</title>\n');
  return dir;
}

async function readRecorded(page: Page): Promise<Details[]> {
  const { recorded } = await page.evaluate(async () => {
    const api = (globalThis as unknown as { chrome: { storage: { local: { get(k: string): Promise<Record<string, unknown>> } } } }).chrome;
    return await api.storage.local.get('recorded');
  });
  return Array.isArray(recorded) ? (recorded as Details[]) : [];
}

const bare = useOriginAndSquid({
  ports: [
    { name: 'basic', auth: 'basic' },
    { name: 'digest', auth: 'digest' },
    { name: 'connect', auth: 'basic' },
    { name: 'ipv6', auth: 'basic', address: '::1' },
  ],
  users: [ALICE],
  hosts: { 'basic.test': '127.0.0.1', 'digest.test': '127.0.0.1', 'connect.test': '127.0.0.1', 'ipv6.test': '127.0.0.1' },
});
let recorderDir: string;

beforeAll(async () => {
  recorderDir = await writeRecorder();
  await mkdir(FIXTURES, { recursive: true });
});

afterAll(async () => {
  if (recorderDir !== undefined) await rm(recorderDir, { recursive: true, force: true });
});

describe.each(BROWSER_NAMES)('%s', (name) => {
  let b: BrowserUnderTest | undefined;
  afterAll(async () => b?.close());

  it('records Digest, a repeat challenge, a site 401, a CONNECT and an IPv6 challenger', async () => {
    const p = bare.squid.ports;
    b = await launchBrowser(name, {
      extensionDir: recorderDir,
      pacUrl: makePacUrl({
        'basic.test': p['basic']!,
        'digest.test': p['digest']!,
        'connect.test': p['connect']!,
        'ipv6.test': `[::1]:${p['ipv6']!}`,
      }),
    });
    const page = await b.openExtensionPage('page.html');
    const web = await b.browser.newPage();
    const at = (host: string, path: string) => `http://${host}:${bare.origin.httpPort}${path}`;
    const visits: [string, string][] = [
      ['proxy-digest', at('digest.test', '/')],
      ['proxy-basic-repeat', at('basic.test', '/?wrong=1')],
      ['site-basic', at('basic.test', '/site-401')],
      ['proxy-basic-connect', `https://connect.test:${bare.origin.httpsPort}/`],
      ['proxy-basic-ipv6', at('ipv6.test', '/')],
    ];
    for (const [, url] of visits) await navigate(web, url, 10_000);
    await sleep(500);
    const recorded = await waitUntil(
      async () => {
        const all = await readRecorded(page);
        return all.length >= visits.length + 1 && all;
      },
      5_000,
      'every challenge recorded',
    ).catch(() => readRecorded(page));
    const pick: Record<string, Details | undefined> = {
      'proxy-digest': recorded.find((d) => d.url.includes('digest.test')),
      // The second challenge of the same request, after the wrong answer.
      'proxy-basic-repeat': recorded.filter((d) => d.url.includes('wrong=1')).at(1),
      'site-basic': recorded.find((d) => d.isProxy === false),
      'proxy-basic-connect': recorded.find((d) => d.url.startsWith('https://connect.test')),
      'proxy-basic-ipv6': recorded.find((d) => d.url.includes('ipv6.test')),
    };
    console.log(name, JSON.stringify(recorded.map((d) => [d.requestId, d.url, d['challenger'], d.isProxy])));
    const missing = Object.entries(pick).filter(([, details]) => details === undefined);
    console.log(
      name,
      'not given by this browser here:',
      missing.map(([kind]) => kind),
    );
    expect(pick['proxy-digest'] && pick['proxy-basic-connect'] && pick['proxy-basic-ipv6']).toBeDefined();
    for (const [kind, details] of Object.entries(pick)) {
      if (details === undefined) continue;
      await writeFile(join(FIXTURES, `${VERSIONS[name]}-${kind}.json`), `${JSON.stringify(details, null, 2)}\n`);
    }
    console.log(name, JSON.stringify(recorded.map((d) => [d.requestId, d.url, d['challenger'], d.isProxy])));
  });
});
