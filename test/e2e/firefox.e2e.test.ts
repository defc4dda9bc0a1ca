import { mkdir, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIREFOX_DIST, OPTIONS_PATH } from './support/extension';
import { launchFirefox, makeFirefoxProfileDir, type FirefoxHandle } from './support/firefox';
import { listCredentialsWithProblems, makeRoutingPacUrl, readOptionsLogRows, readText, readWaitingCount } from './support/firefox-session';
import { ORIGIN_TITLE, startOrigin, type Origin } from './support/origin';
import { sleep } from './support/ports';
import { challenges, failedAttempts, startSquid, TEST_HOSTS, type AccessEntry, type Squid } from './support/squid';
import {
  backgroundStarts,
  filterOptionsLog,
  listCredentials,
  navigate,
  readLog,
  readPrompt,
  seedCredential,
  signIn,
  waitUntil,
  type LogRow,
} from './support/steps';

/**
 * Proxy Keyring in Firefox ESR 153 (WebDriver BiDi) against a real squid.
 *
 * Firefox caches proxy credentials per browser process — a new BrowserContext
 * shares that cache — so one browser serves most scenarios, each on its own
 * squid port picked per host name by a PAC script. A fresh challenge for a
 * port that was already answered needs a relaunch on the same profile
 * (close({keepProfile}) + launchFirefox({profileDir})): that is scenario b's
 * second half and scenario i.
 */

const ALICE = { user: 'alice', password: 's3cret' };
const BOB = { user: 'bob', password: 'b0b-pass' };
const WRONG = 'not-the-password';
const ARTIFACTS = resolve(__dirname, '../../test-artifacts');

let squid: Squid;
let origin: Origin;
let firefox: FirefoxHandle | undefined;
let profileDir: string | undefined;
let ext: Page;
let pacUrl: string;
const facts: Record<string, unknown> = {};

// Each scenario's own squid port, so credentials (extension-wide) and
// Firefox's proxy-auth cache (browser-wide) never leak between scenarios.
const port = (name: string): number => {
  const p = squid.ports[name];
  if (p === undefined) throw new Error(`no squid port ${name}`);
  return p;
};
const proxyOf = (name: string) => `127.0.0.1:${port(name)}`;
const httpUrl = (host: string, path = '/') => `http://${host}:${origin.httpPort}${path}`;
const ff = (): FirefoxHandle => {
  if (firefox === undefined) throw new Error('Firefox is not running');
  return firefox;
};

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  origin = await startOrigin();
  squid = await startSquid({
    ports: [
      { name: 'saved', auth: 'basic' }, // a, d, i
      { name: 'digest', auth: 'digest' }, // b
      { name: 'wrong', auth: 'basic' }, // c
      { name: 'second', auth: 'basic' }, // e
      { name: 'tls', auth: 'basic' }, // f
      { name: 'many', auth: 'basic' }, // g
      { name: 'slow', auth: 'basic' }, // h
    ],
    users: [ALICE, BOB],
    // squid's hosts_file replaces /etc/hosts, so `localhost` would not resolve
    // there (502); h gets a test name of its own.
    hosts: { ...Object.fromEntries(TEST_HOSTS.map((h) => [h, '127.0.0.1'])), 'slow.test': '127.0.0.1' },
  });
  pacUrl = makeRoutingPacUrl({
    'origin.test': port('saved'),
    'origin2.test': port('second'),
    'origin3.test': port('wrong'),
    'origin4.test': port('tls'),
    'origin5.test': port('digest'),
    'origin6.test': port('many'),
    'origin7.test': port('many'),
    'origin8.test': port('many'),
    'slow.test': port('slow'),
    // Everything else, 127.0.0.1 included (g's page), is DIRECT.
  });
  profileDir = await makeFirefoxProfileDir();
  firefox = await launchFirefox({ extensionDir: FIREFOX_DIST, pacUrl, profileDir });
  ext = await ff().openExtensionPage(OPTIONS_PATH);
  // A round trip to the background: its onAuthRequired listener is registered.
  await listCredentials(ext);
});

afterAll(async () => {
  console.log(`Firefox e2e facts:\n${JSON.stringify(facts, null, 2)}`);
  await firefox?.close().catch(() => undefined);
  if (profileDir !== undefined) await rm(profileDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 200 });
  await squid?.stop();
  await origin?.stop();
});

async function relaunch(extraPrefs?: Record<string, unknown>): Promise<void> {
  await ff().close({ keepProfile: true });
  firefox = undefined;
  firefox = await launchFirefox({
    extensionDir: FIREFOX_DIST,
    pacUrl,
    profileDir: profileDir!,
    ...(extraPrefs ? { extraPrefs } : {}),
  });
  ext = await ff().openExtensionPage(OPTIONS_PATH);
}

const rowsFor = (log: LogRow[], proxyName: string, outcome?: string) =>
  log.filter((r) => r.proxy === proxyOf(proxyName) && (outcome === undefined || r.outcome === outcome));
const since = (entries: AccessEntry[], ms: number) => entries.filter((e) => e.time * 1000 >= ms - 1_000);

describe('Proxy Keyring in Firefox ESR 153', () => {
  it('a. answers from a saved credential without opening a prompt', async () => {
    await seedCredential(ext, { host: '127.0.0.1', port: port('saved'), username: ALICE.user, password: ALICE.password });
    const page = await ff().browser.newPage();
    const status = await navigate(page, httpUrl('origin.test'));
    expect(status).toBe(200);
    expect(await page.title()).toBe(ORIGIN_TITLE);
    expect(await ff().countPromptWindows()).toBe(0);
    const entries = await squid.waitForAccessLog((e) =>
      e.some((x) => x.port === port('saved') && x.status === 200 && x.user === ALICE.user),
    );
    const log = await readLog(ext);
    expect(rowsFor(log, 'saved', 'answered-saved').length).toBeGreaterThanOrEqual(1);
    expect(rowsFor(log, 'saved', 'prompted')).toEqual([]);
    facts.a = { squid: entries.filter((e) => e.port === port('saved')).map((e) => `${e.status} ${e.user ?? '-'} ${e.url}`) };
    await page.close();
  });

  it('b. (Digest) prompts when nothing is saved; after a relaunch the fresh challenge needs no prompt', async () => {
    const page = await ff().browser.newPage();
    const loaded = navigate(page, httpUrl('origin5.test'));
    const prompt = await ff().waitForPrompt();
    const text = await readPrompt(prompt);
    expect(text).toContain(proxyOf('digest'));
    expect(text).toMatch(/digest/i);
    await signIn(prompt, ALICE.user, ALICE.password, 'device');
    expect(await loaded).toBe(200);
    await waitUntil(async () => (await ff().countPromptWindows()) === 0, 10_000, 'the prompt window to close itself');
    const log = await readLog(ext);
    expect(rowsFor(log, 'digest', 'prompted').length).toBeGreaterThanOrEqual(1);
    expect(rowsFor(log, 'digest', 'answered-prompt').length).toBeGreaterThanOrEqual(1);
    await squid.waitForAccessLog((e) => e.some((x) => x.port === port('digest') && x.status === 200 && x.user === ALICE.user));
    await page.close();
    // Second half (fresh challenge) runs after the relaunch below: "b2".
  });

  it('c. a wrong saved password is tried exactly once, then the prompt says it was refused', async () => {
    await seedCredential(ext, { host: '127.0.0.1', port: port('wrong'), username: ALICE.user, password: WRONG });
    const page = await ff().browser.newPage();
    const loaded = navigate(page, httpUrl('origin3.test'));
    const prompt = await ff().waitForPrompt();
    await readPrompt(prompt);
    const rejected = await readText(prompt, '[data-testid=rejected]');
    expect(rejected).toContain('refused');
    await prompt.screenshot({ path: resolve(ARTIFACTS, 'firefox-prompt.png') });
    // While the prompt is open the wrong password has been tried once, and only once.
    expect(failedAttempts(await squid.accessLog(), ALICE.user, port('wrong'))).toBe(1);
    await signIn(prompt, ALICE.user, ALICE.password, 'device');
    expect(await loaded).toBe(200);
    const entries = await squid.waitForAccessLog((e) =>
      e.some((x) => x.port === port('wrong') && x.status === 200 && x.user === ALICE.user),
    );
    expect(failedAttempts(entries, ALICE.user, port('wrong'))).toBe(1);
    const saved = (await listCredentials(ext)).filter((c) => c.proxy.port === port('wrong'));
    expect(saved).toEqual([expect.objectContaining({ username: ALICE.user, rejected: false })]);
    const log = await readLog(ext);
    expect(rowsFor(log, 'wrong', 'rejected').length).toBe(1);
    facts.c = {
      squid: entries.filter((e) => e.port === port('wrong')).map((e) => `${e.status} ${e.user ?? '-'} ${e.url}`),
      log: rowsFor(log, 'wrong')
        .map((r) => `${r.outcome} #${r.attempt} ${r.username ?? ''}`)
        .reverse(),
    };
    await page.close();
  });

  it("e. a second proxy with nothing saved gets its own prompt and never sees the first proxy's user", async () => {
    const page = await ff().browser.newPage();
    const loaded = navigate(page, httpUrl('origin2.test'));
    const prompt = await ff().waitForPrompt();
    const text = await readPrompt(prompt);
    expect(text).toContain(String(port('second')));
    expect(await ff().countPromptWindows()).toBe(1);
    await signIn(prompt, BOB.user, BOB.password, 'session');
    expect(await loaded).toBe(200);
    const entries = await squid.waitForAccessLog((e) =>
      e.some((x) => x.port === port('second') && x.status === 200 && x.user === BOB.user),
    );
    const onSecond = entries.filter((e) => e.port === port('second'));
    expect(onSecond.filter((e) => e.user === ALICE.user)).toEqual([]);
    expect(rowsFor(await readLog(ext), 'second', 'answered-saved')).toEqual([]);
    facts.e = { squid: onSecond.map((e) => `${e.status} ${e.user ?? '-'} ${e.url}`) };
    await page.close();
  });

  it('f. answers the CONNECT challenge of an https origin', async () => {
    await seedCredential(ext, { host: '127.0.0.1', port: port('tls'), username: ALICE.user, password: ALICE.password });
    const page = await ff().browser.newPage();
    const url = `https://origin4.test:${origin.httpsPort}/`;
    expect(await navigate(page, url)).toBe(200);
    expect(await page.title()).toBe(ORIGIN_TITLE);
    expect(origin.requestsSeen).toContainEqual(
      expect.objectContaining({ secure: true, host: `origin4.test:${origin.httpsPort}`, url: '/' }),
    );
    expect(await ff().countPromptWindows()).toBe(0);
    const rows = rowsFor(await readLog(ext), 'tls', 'answered-saved');
    expect(rows.length).toBeGreaterThanOrEqual(1);
    facts.f = { log: rows.map((r) => `${r.outcome} ${r.url}`) };
    await page.close();
  });

  it('g. 60 concurrent challenges from 3 origins share one prompt and one submit', async () => {
    const hosts = 'origin6.test,origin7.test,origin8.test';
    const page = await ff().browser.newPage();
    // The page is DIRECT (127.0.0.1); its 30 images + 30 fetches go through the `many` port.
    void navigate(page, `http://127.0.0.1:${origin.httpPort}/many?n=30&hosts=${hosts}`);
    const prompt = await ff().waitForPrompt();
    await readPrompt(prompt);
    let maxWaiting = 0;
    let stableSince = Date.now();
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && Date.now() - stableSince < 1_500) {
      const n = (await readWaitingCount(prompt)) ?? 0;
      if (n > maxWaiting) {
        maxWaiting = n;
        stableSince = Date.now();
      }
      await sleep(200);
    }
    const windowsWhileWaiting = await ff().countPromptWindows();
    expect(windowsWhileWaiting).toBe(1);
    expect(maxWaiting).toBeGreaterThanOrEqual(2);
    await signIn(prompt, ALICE.user, ALICE.password, 'device');
    await page.waitForFunction(() => document.body.dataset['done'] === 'true', { timeout: 30_000 });
    expect(await page.title()).toBe('loaded 60/60');
    const log = await readLog(ext);
    const prompted = rowsFor(log, 'many', 'prompted').length;
    const answered = rowsFor(log, 'many', 'answered-prompt').length;
    const entries = await squid.accessLog();
    facts.g = {
      maxWaiting,
      windowsWhileWaiting,
      logPrompted: prompted,
      logAnsweredPrompt: answered,
      squidChallenges: challenges(entries, port('many')),
      squid200: entries.filter((e) => e.port === port('many') && e.status === 200).length,
    };
    expect(answered).toBe(prompted);
    await waitUntil(async () => (await ff().countPromptWindows()) === 0, 10_000, 'the prompt window to close itself');
    await page.close();
  });

  it('h. a prompt left open 75 s still completes the parked request', async () => {
    const startsBefore = await backgroundStarts(ext);
    const page = await ff().browser.newPage();
    const started = Date.now();
    const loaded = navigate(page, httpUrl('slow.test'), 150_000);
    const prompt = await ff().waitForPrompt();
    expect(await readPrompt(prompt)).toContain(proxyOf('slow'));
    // The scenario is about time: Firefox suspends an idle event page after
    // 30 s, and ~60 s into an unanswered prompt (shared/E2E.md) unless the
    // prompt's pings keep it awake. Nothing of the test talks to the
    // background meanwhile, and BiDi attaches no DevTools toolbox to it (an
    // attached toolbox stops the suspension and would hide the bug:
    // https://github.com/huhu/rust-search-extension/issues/300).
    await sleep(75_000);
    // The background still knows the prompt (its view would be null after a restart).
    expect(await readText(prompt, '[data-testid=ended]')).toBeNull();
    const waitingAfter75s = await readText(prompt, '[data-testid=waiting]');
    expect(waitingAfter75s).not.toBeNull();
    await signIn(prompt, ALICE.user, ALICE.password, 'device');
    const status = await loaded;
    const elapsedMs = Date.now() - started;
    expect(status).toBe(200);
    // No restart happened while the request was parked.
    expect(await backgroundStarts(ext)).toEqual(startsBefore);
    facts.h = { elapsedMs, status, waitingAfter75s, backgroundStarts: startsBefore.length };
    await page.close();
  });

  it("j. the options page shows this run's events", async () => {
    const options = await ff().openExtensionPage(OPTIONS_PATH);
    // The table is virtualised: find each event through the page's own filters.
    const has = async (proxy: string, outcome: string) =>
      (await filterOptionsLog(options, { proxy, outcome })).some((r) => r.proxy === proxy && r.outcome === outcome);
    await waitUntil(async () => has(proxyOf('wrong'), 'answered-prompt'), 10_000, 'the options log to show scenario c');
    expect(await has(proxyOf('saved'), 'answered-saved')).toBe(true);
    expect(await has(proxyOf('wrong'), 'rejected')).toBe(true);
    expect(await has(proxyOf('wrong'), 'prompted')).toBe(true);
    expect(await has(proxyOf('wrong'), 'answered-prompt')).toBe(true);
    expect(await has(proxyOf('digest'), 'answered-prompt')).toBe(true);
    await filterOptionsLog(options, {});
    const rows = await readOptionsLogRows(options);
    const credentialsText = await readText(options, '[data-testid=credentials]');
    expect(credentialsText).toContain(String(port('saved')));
    // The full page (132 rows) is too tall to read; the top shows the saved
    // credentials and the newest rows.
    await options.setViewport({ width: 1280, height: 1400 });
    await options.screenshot({ path: resolve(ARTIFACTS, 'firefox-options.png') });
    facts.j = { rows: rows.length, outcomes: [...new Set(rows.map((r) => r.outcome))] };
    await options.close();
  });

  it("d. a site's own 401 behind the proxy gets nothing from the extension", async () => {
    const page = await ff().browser.newPage();
    const before = origin.authHeadersSeen.length;
    // Firefox's own auth dialog opens for the 401 (invisible headless), so the
    // load hangs: bound it and judge by the origin and the log. (puppeteer
    // surfaces BiDi network.authRequired only for intercepted requests.)
    const status = await navigate(page, httpUrl('origin.test', '/site-401'), 8_000);
    expect(origin.requestsSeen.some((r) => r.host === `origin.test:${origin.httpPort}` && r.url === '/site-401')).toBe(true);
    const seen = origin.authHeadersSeen.slice(before);
    expect(seen.filter((h) => h.startsWith('authorization:'))).toEqual([]);
    expect(origin.authHeadersSeen.join('\n')).not.toContain(ALICE.password);
    expect(origin.authHeadersSeen.join('\n')).not.toContain(Buffer.from(`${ALICE.user}:${ALICE.password}`).toString('base64'));
    expect(await ff().countPromptWindows()).toBe(0);
    const log = await readLog(ext);
    expect(log.filter((r) => r.url.includes('/site-401'))).toEqual([]);
    facts.d = { navigation: status };
    await Promise.race([page.close().catch(() => undefined), sleep(5_000)]);
  });

  it('b2. after a relaunch (fresh proxy-auth cache) the saved Digest credential answers with no prompt', async () => {
    await relaunch();
    const relaunchedAt = Date.now();
    const { credentials, problems } = await listCredentialsWithProblems(ext);
    // The vault key lives in IndexedDB, the encrypted entries in storage.local:
    // both must survive the re-install of the temporary add-on.
    expect(problems).toEqual([]);
    expect(credentials.filter((c) => c.proxy.port === port('digest'))).toEqual([
      expect.objectContaining({ username: ALICE.user, rejected: false }),
    ]);
    // The event log (IndexedDB too) survived as well.
    expect(rowsFor(await readLog(ext), 'wrong', 'rejected').length).toBe(1);
    const page = await ff().browser.newPage();
    expect(await navigate(page, httpUrl('origin5.test'))).toBe(200);
    expect(await ff().countPromptWindows()).toBe(0);
    const entries = since(
      await squid.waitForAccessLog((e) =>
        e.some((x) => x.port === port('digest') && x.status === 200 && x.time * 1000 >= relaunchedAt - 1_000),
      ),
      relaunchedAt,
    );
    // A real challenge after the relaunch, answered by the extension.
    expect(challenges(entries, port('digest'))).toBeGreaterThanOrEqual(1);
    const rows = (await readLog(ext)).filter((r) => r.proxy === proxyOf('digest'));
    expect(rows[0]?.outcome).toBe('answered-saved');
    facts.b2 = {
      credentialsAfterRelaunch: credentials.map((c) => `${c.proxy.port} ${c.username} ${c.scope}${c.rejected ? ' rejected' : ''}`),
      squidAfterRelaunch: entries.filter((e) => e.port === port('digest')).map((e) => `${e.status} ${e.user ?? '-'}`),
    };
    await page.close();
  });

  it('i. after the idle event page was suspended, a fresh challenge wakes it and is answered from the saved credential', async () => {
    const IDLE_MS = 2_000;
    // Firefox suspends an idle event page after extensions.background.idle.timeout
    // ms (default 30 000); lowered here so the scenario takes seconds. When
    // browsers suspend: https://github.com/w3c/webextensions/issues/147
    await relaunch({ 'extensions.background.idle.timeout': IDLE_MS });
    await listCredentials(ext);
    const startsBefore = await backgroundStarts(ext);
    expect(startsBefore.length).toBeGreaterThanOrEqual(1);
    // The scenario is about idle time: let the event page go idle and be
    // suspended. Reading storage.session from a page does not wake it.
    await sleep(IDLE_MS + 3_000);
    const challengedAt = Date.now();
    const page = await ff().browser.newPage();
    expect(await navigate(page, httpUrl('origin.test'), 15_000)).toBe(200);
    expect(await ff().countPromptWindows()).toBe(0);
    const startsAfter = await backgroundStarts(ext);
    expect(startsAfter.length).toBeGreaterThan(startsBefore.length);
    expect(startsAfter.at(-1)!).toBeGreaterThanOrEqual(challengedAt);
    const row = (await readLog(ext)).find((r) => r.proxy === proxyOf('saved'));
    expect(row?.outcome).toBe('answered-saved');
    facts.i = {
      startsBefore: startsBefore.map((t) => t - challengedAt),
      startsAfter: startsAfter.map((t) => t - challengedAt),
    };
    await page.close();
  });
});
