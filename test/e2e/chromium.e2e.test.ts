import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type ChromiumHandle } from './support/chromium';
import { FreshContexts, countPromptsOpened, logFor, outcomesOf, proxyLabel, readWaitingCount } from './support/chromium-session';
import { CHROME_DIST, OPTIONS_PATH } from './support/extension';
import { ORIGIN_TITLE, startOrigin, type Origin } from './support/origin';
import { makePacUrl } from './support/pac';
import { sleep } from './support/ports';
import { TEST_HOSTS, challenges, failedAttempts, startSquid, type Squid } from './support/squid';
import {
  backgroundStarts,
  filterOptionsLog,
  readShowing,
  listCredentials,
  navigate,
  readLog,
  readPrompt,
  seedCredential,
  signIn,
  waitUntil,
} from './support/steps';

// The built extension (dist/chrome) in Debian's Chromium 156, against a real
// squid. Each scenario has its own squid port, so saved credentials (which are
// extension-wide) and log records never mix between scenarios.

const ALICE = { user: 'alice', password: 's3cret' };
const BOB = { user: 'bob', password: 'b0b-pa55' };
const WRONG_PASSWORD = 'not-alices-password';
const ARTIFACTS = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../test-artifacts');

let squid: Squid;
let origin: Origin;
let chromium: ChromiumHandle;
let contexts: FreshContexts;
/** An extension page to talk to the background from, the way the product's own pages do. */
let ext: Page;
const facts: Record<string, unknown> = {};

beforeAll(async () => {
  origin = await startOrigin();
  squid = await startSquid({
    ports: [
      { name: 'savedDigest', auth: 'digest' },
      { name: 'promptDigest', auth: 'digest' },
      { name: 'wrong', auth: 'basic' },
      { name: 'site', auth: 'basic' },
      { name: 'first', auth: 'basic' },
      { name: 'second', auth: 'basic' },
      { name: 'https', auth: 'basic' },
      { name: 'many', auth: 'basic' },
      { name: 'long', auth: 'basic' },
      { name: 'idle', auth: 'basic' },
      { name: 'killed', auth: 'basic' },
    ],
    users: [ALICE, BOB],
  });
  // No --proxy-server for the default context: every scenario brings its own
  // context (and proxy port). The worker is not attached (launcher default).
  chromium = await launchChromium({ extensionDir: CHROME_DIST });
  contexts = new FreshContexts(chromium);
  ext = await chromium.openExtensionPage('manifest.json');
  // A round trip to the background: its onAuthRequired listener is registered
  // before the first proxied request (installExtension can return earlier).
  await listCredentials(ext);
  await mkdir(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  console.log(`chromium e2e facts: ${JSON.stringify(facts, null, 1)}`);
  await contexts?.closeAll();
  await chromium?.close();
  await squid?.stop();
  await origin?.stop();
});

function port(name: string): number {
  const p = squid.ports[name];
  if (p === undefined) throw new Error(`no squid port ${name}`);
  return p;
}

function originUrl(path = '/', host = 'origin.test'): string {
  return `http://${host}:${origin.httpPort}${path}`;
}

function waitForSquid200(p: number, user: string, url?: string, method?: string) {
  return squid.waitForAccessLog(
    (entries) =>
      entries.some(
        (e) =>
          e.port === p &&
          e.status === 200 &&
          e.user === user &&
          (url === undefined || e.url === url) &&
          (method === undefined || e.method === method),
      ),
    10_000,
  );
}

describe('Chromium: answering proxy challenges', () => {
  it('a. answers from a saved Digest credential without opening a prompt', async () => {
    const p = port('savedDigest');
    await seedCredential(ext, { host: '127.0.0.1', port: p, username: ALICE.user, password: ALICE.password });
    const prompts = countPromptsOpened(chromium);
    try {
      const page = await contexts.page(p);
      const url = originUrl('/');
      expect(await navigate(page, url, 30_000)).toBe(200);
      expect(await page.title()).toBe(ORIGIN_TITLE);
      expect(await chromium.countPromptWindows()).toBe(0);
      expect(prompts.count()).toBe(0);

      const entries = await waitForSquid200(p, ALICE.user, url);
      // The browser really was challenged (Digest), and answered by us.
      expect(challenges(entries, p)).toBeGreaterThanOrEqual(1);
      const rows = await logFor(ext, p);
      expect(rows).toContainEqual(expect.objectContaining({ outcome: 'answered-saved', scheme: 'digest', username: ALICE.user, url }));
      expect(outcomesOf(rows)).not.toContain('prompted');
    } finally {
      prompts.stop();
    }
  });

  it('b. prompts when nothing is saved, then answers the next fresh challenge from what was typed', async () => {
    const p = port('promptDigest');
    const url = originUrl('/');
    const page = await contexts.page(p);
    const loading = navigate(page, url, 30_000);
    const prompt = await chromium.waitForPrompt();
    const text = await readPrompt(prompt);
    expect(text).toContain(proxyLabel(p));
    await signIn(prompt, ALICE.user, ALICE.password);
    expect(await loading).toBe(200);
    expect(await page.title()).toBe(ORIGIN_TITLE);
    // After a successful submit the prompt window closes itself.
    await waitUntil(async () => (await chromium.countPromptWindows()) === 0, 10_000, 'prompt window to close');
    await waitForSquid200(p, ALICE.user, url);

    // A new context has an empty proxy-auth cache: Chromium is challenged
    // again, and this time the credential typed above answers it.
    const prompts = countPromptsOpened(chromium);
    try {
      const again = await contexts.page(p);
      const url2 = originUrl('/hello.txt');
      expect(await navigate(again, url2, 30_000)).toBe(200);
      expect(await chromium.countPromptWindows()).toBe(0);
      expect(prompts.count()).toBe(0);
      const rows = await logFor(ext, p);
      expect(rows).toContainEqual(expect.objectContaining({ outcome: 'prompted', url }));
      expect(rows).toContainEqual(expect.objectContaining({ outcome: 'answered-prompt', url, username: ALICE.user }));
      expect(rows).toContainEqual(expect.objectContaining({ outcome: 'answered-saved', url: url2, username: ALICE.user }));
      await waitForSquid200(p, ALICE.user, url2);
    } finally {
      prompts.stop();
    }
  });

  it('c. tries a wrong saved password exactly once, says so in the prompt, and takes the right one', async () => {
    const p = port('wrong');
    await seedCredential(ext, { host: '127.0.0.1', port: p, username: ALICE.user, password: WRONG_PASSWORD });
    const [seeded] = (await listCredentials(ext)).filter((c) => c.proxy.port === p);
    expect(seeded).toMatchObject({ username: ALICE.user, rejected: false });

    const page = await contexts.page(p);
    const url = originUrl('/');
    const loading = navigate(page, url, 30_000);
    const prompt = await chromium.waitForPrompt();
    await readPrompt(prompt);
    const rejectedLine = await prompt.waitForSelector('[data-testid=rejected]', { timeout: 10_000 });
    expect(await rejectedLine?.evaluate((el) => el.textContent)).toContain('refused');
    expect(await chromium.countPromptWindows()).toBe(1);
    // While the prompt is open the wrong password has been sent once, and the
    // credential is marked rejected (persisted) so nothing sends it again.
    const whileOpen = await squid.waitForAccessLog((e) => failedAttempts(e, ALICE.user, p) >= 1);
    expect(failedAttempts(whileOpen, ALICE.user, p)).toBe(1);
    expect((await listCredentials(ext)).find((c) => c.id === seeded?.id)?.rejected).toBe(true);
    await prompt.screenshot({ path: resolve(ARTIFACTS, 'chromium-prompt.png') });

    await signIn(prompt, ALICE.user, ALICE.password);
    expect(await loading).toBe(200);
    const entries = await waitForSquid200(p, ALICE.user, url);
    // Chromium alone would have retried ~31 times (ERR_TOO_MANY_RETRIES after
    // 32 challenges, shared/E2E.md); the ground truth says exactly one.
    expect(failedAttempts(entries, ALICE.user, p)).toBe(1);
    facts['c.failedAttemptsWithWrongPassword'] = failedAttempts(entries, ALICE.user, p);

    // Re-entered: the same saved credential, no longer rejected.
    const after = (await listCredentials(ext)).filter((c) => c.proxy.port === p);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: seeded?.id, username: ALICE.user, rejected: false });
    const outcomes = outcomesOf(await logFor(ext, p));
    expect(outcomes).toEqual(expect.arrayContaining(['answered-saved', 'rejected', 'prompted', 'answered-prompt']));
  });

  it("d. leaves a site's own 401 alone: no proxy password, no Authorization, no prompt, no log record", async () => {
    const p = port('site');
    await seedCredential(ext, { host: '127.0.0.1', port: p, username: ALICE.user, password: ALICE.password });
    const page = await contexts.page(p);
    // Warm the context's proxy-auth cache first, so the request to /site-401
    // meets only the site's 401 (Chromium then sends Proxy-Authorization
    // preemptively for this proxy) and any log record for its URL could only
    // come from the 401.
    expect(await navigate(page, originUrl('/'), 30_000)).toBe(200);
    const headersBefore = origin.authHeadersSeen.length;
    const prompts = countPromptsOpened(chromium);
    try {
      const url = originUrl('/site-401');
      // Quirk: headless Chromium 156 has no login dialog; a 401 nobody answers
      // ends in net::ERR_INVALID_AUTH_CREDENTIALS (measured the same with a
      // do-nothing extension in place of ours). That is "the browser's own
      // handling" here. Bounded in case a dialog ever blocks the load instead.
      const result = await navigate(page, url, 10_000);
      facts['d.siteNavigation'] = result;
      expect(result).toBe(`error: net::ERR_INVALID_AUTH_CREDENTIALS at ${url}`);
      await squid.waitForAccessLog((e) => e.some((x) => x.port === p && x.url === url && x.status === 401));

      const basicProxyPassword = Buffer.from(`${ALICE.user}:${ALICE.password}`).toString('base64');
      expect(origin.authHeadersSeen.some((h) => h.includes(basicProxyPassword) || h.includes(ALICE.password))).toBe(false);
      expect(origin.authHeadersSeen.slice(headersBefore)).toEqual([]);
      expect(await chromium.countPromptWindows()).toBe(0);
      expect(prompts.count()).toBe(0);
      const log = await readLog(ext);
      expect(log.filter((r) => r.url === url)).toEqual([]);
    } finally {
      prompts.stop();
    }
  });

  it("e. prompts for a second proxy with nothing saved and never sends it the first proxy's credential", async () => {
    const first = port('first');
    const second = port('second');
    await seedCredential(ext, { host: '127.0.0.1', port: first, username: ALICE.user, password: ALICE.password });
    const firstPage = await contexts.page(first);
    expect(await navigate(firstPage, originUrl('/'), 30_000)).toBe(200);

    const page = await contexts.page(second);
    const url = originUrl('/hello.txt');
    const loading = navigate(page, url, 30_000);
    const prompt = await chromium.waitForPrompt();
    const text = await readPrompt(prompt);
    expect(text).toContain(proxyLabel(second));
    expect(text).not.toContain(proxyLabel(first));
    await signIn(prompt, BOB.user, BOB.password, 'session');
    expect(await loading).toBe(200);

    const entries = await waitForSquid200(second, BOB.user, url);
    const onSecond = entries.filter((e) => e.port === second);
    // squid accepts alice on every port: had the extension sent her there,
    // the log would show it (as a 200 even).
    expect(onSecond.filter((e) => e.user === ALICE.user)).toEqual([]);
    const rows = await logFor(ext, second);
    expect(outcomesOf(rows)).not.toContain('answered-saved');
    expect(rows).toContainEqual(expect.objectContaining({ outcome: 'answered-prompt', username: BOB.user }));
  });

  it('f. answers the CONNECT challenge of an https origin', async () => {
    const p = port('https');
    await seedCredential(ext, { host: '127.0.0.1', port: p, username: ALICE.user, password: ALICE.password });
    const page = await contexts.page(p);
    const url = `https://origin.test:${origin.httpsPort}/`;
    expect(await navigate(page, url, 30_000)).toBe(200);
    expect(await page.title()).toBe(ORIGIN_TITLE);
    // origin.test resolves only inside squid: reaching it proves the tunnel.
    expect(origin.requestsSeen).toContainEqual(
      expect.objectContaining({ secure: true, host: `origin.test:${origin.httpsPort}`, url: '/' }),
    );
    expect(await logFor(ext, p)).toContainEqual(expect.objectContaining({ outcome: 'answered-saved', username: ALICE.user }));
    // squid logs a CONNECT when its tunnel closes: closing the context ends it.
    await page.browserContext().close();
    const entries = await waitForSquid200(p, ALICE.user, `origin.test:${origin.httpsPort}`, 'CONNECT');
    expect(challenges(entries, p)).toBeGreaterThanOrEqual(1);
  });
});

describe('Chromium: many concurrent challenges through a PAC', () => {
  let pacBrowser: ChromiumHandle | undefined;

  afterAll(async () => {
    await pacBrowser?.close();
  });

  it('g. opens exactly one prompt for 50+ concurrent challenges from 12 origins; one submit loads everything', async () => {
    const p = port('many');
    // A browser of its own: the PAC routes origin*.test through the auth port
    // while the page on 127.0.0.1 goes DIRECT (loopback is always DIRECT under
    // PAC), so every subresource meets its own 407. Through --proxy-server the
    // whole page would be challenged once and the answer reused.
    pacBrowser = await launchChromium({ extensionDir: CHROME_DIST, pacUrl: makePacUrl({ authProxyPort: p }) });
    const pacExt = await pacBrowser.openExtensionPage('manifest.json');
    await listCredentials(pacExt);
    const prompts = countPromptsOpened(pacBrowser);
    try {
      const page = await pacBrowser.browser.newPage();
      const failed: { url: string; error: string }[] = [];
      page.on('requestfailed', (r) => failed.push({ url: r.url(), error: r.failure()?.errorText ?? '' }));
      // Every test name squid resolves: Chromium parks at most 6 challenged
      // requests per destination host (its per-host socket limit also holds
      // through a proxy: 6 hosts gave 36 at once, 8 gave 48), so 12 hosts
      // let 60 challenges wait at once.
      const hosts = [...TEST_HOSTS];
      const n = 60;
      // Fetches only for the burst. Quirk (measured on 156): Chromium never
      // lets a cross-origin <img> authenticate, to a proxy either.
      // onAuthRequired is not fired for it and the 407 page is dropped as
      // net::ERR_BLOCKED_BY_ORB (net::ERR_FAILED with crossorigin=anonymous),
      // while same-origin images and cross-origin fetches are challenged and
      // answered normally. Presumably the guard against image-borne auth
      // phishing (policy AllowCrossOriginAuthPrompt,
      // https://bugs.chromium.org/p/chromium/issues/detail?id=21628). Such
      // images load once the browser has the proxy credential (second pass).
      const burstUrl = `http://127.0.0.1:${origin.httpPort}/many?n=${n}&kinds=fetch&hosts=${hosts.join(',')}`;
      const manyUrl = `http://127.0.0.1:${origin.httpPort}/many?n=${n}&hosts=${hosts.join(',')}`;
      const started = Date.now();
      expect(await navigate(page, burstUrl, 30_000)).toBe(200);
      const prompt = await pacBrowser.waitForPrompt();
      await readPrompt(prompt);

      // Let the challenges gather: wait until the count has not moved for a
      // second, recording the largest count shown.
      let maxWaiting = 0;
      let last = -1;
      let stableSince = Date.now();
      await waitUntil(
        async () => {
          const count = (await readWaitingCount(prompt)) ?? 0;
          maxWaiting = Math.max(maxWaiting, count);
          if (count !== last) {
            last = count;
            stableSince = Date.now();
          }
          return count >= 50 && Date.now() - stableSince >= 1_000;
        },
        30_000,
        'at least 50 waiting challenges',
      );
      facts['g.maxWaitingShown'] = maxWaiting;
      expect(maxWaiting).toBeGreaterThanOrEqual(50);
      expect(await pacBrowser.countPromptWindows()).toBe(1);

      await signIn(prompt, ALICE.user, ALICE.password, 'session');
      await page.waitForFunction(() => document.body.dataset['done'] === 'true', { timeout: 60_000 });
      facts['g.firstPassTitle'] = await page.title();
      facts['g.firstPassMs'] = Date.now() - started;
      // One submit: every one of the 60 resources loaded.
      expect(await page.title()).toBe(`loaded ${n}/${n}`);
      expect(failed).toEqual([]);

      const rows = await logFor(pacExt, p);
      const prompted = rows.filter((r) => r.outcome === 'prompted');
      const entries = await squid.accessLog();
      facts['g.logRecords'] = rows.length;
      facts['g.logPrompted'] = prompted.length;
      facts['g.logAnsweredPrompt'] = rows.filter((r) => r.outcome === 'answered-prompt').length;
      facts['g.logAnsweredSaved'] = rows.filter((r) => r.outcome === 'answered-saved').length;
      facts['g.squidChallenges'] = challenges(entries, p);
      facts['g.sitesInLog'] = new Set(rows.map((r) => new URL(r.url).host)).size;
      // Every parked challenge was answered by the one submit. (Fetches that
      // only reached the proxy after it were sent with the now-cached
      // credential and never challenged.)
      expect(prompted.length).toBeGreaterThanOrEqual(2);
      const answeredIds = new Set(rows.filter((r) => r.outcome === 'answered-prompt').map((r) => r.requestId));
      expect(answeredIds).toEqual(new Set(prompted.map((r) => r.requestId)));
      // Nothing cancelled, timed out, capped or rejected.
      expect(outcomesOf(rows).filter((o) => !['prompted', 'answered-prompt', 'answered-saved'].includes(o))).toEqual([]);
      expect(new Set(prompted.map((r) => new URL(r.url).host)).size).toBeGreaterThanOrEqual(2);
      expect(failedAttempts(entries, ALICE.user, p)).toBe(0);

      expect(answeredIds.size).toBeGreaterThanOrEqual(50);

      // With images: Chromium now sends the proxy credential it got from the
      // extension up front, so the cross-origin images load too; no new prompt.
      failed.length = 0;
      expect(await navigate(page, manyUrl, 30_000)).toBe(200);
      await page.waitForFunction(() => document.body.dataset['done'] === 'true', { timeout: 60_000 });
      expect(await page.title()).toBe(`loaded ${2 * n}/${2 * n}`);
      expect(failed).toEqual([]);
      expect(prompts.count()).toBe(1);
      facts['g.totalMs'] = Date.now() - started;
    } finally {
      prompts.stop();
      await pacBrowser.close();
      pacBrowser = undefined;
    }
  });
});

describe('Chromium: the service worker', () => {
  it('h. keeps a request parked for 75 s on an open prompt, then answers it', async () => {
    const p = port('long');
    const page = await contexts.page(p);
    const url = originUrl('/');
    const loading = navigate(page, url, 150_000);
    const prompt = await chromium.waitForPrompt();
    await readPrompt(prompt);
    const opened = Date.now();
    // The scenario is about time: without a keep-alive, Chromium stops the
    // (unattached) worker ~30 s into the wait and the request fails with
    // ERR_INVALID_AUTH_CREDENTIALS (shared/E2E.md).
    await sleep(75_000);
    facts['h.workerAfter75s'] = await chromium.serviceWorkerStatuses();
    await signIn(prompt, ALICE.user, ALICE.password, 'session');
    expect(await loading).toBe(200);
    const elapsed = Date.now() - opened;
    facts['h.promptOpenMs'] = elapsed;
    expect(elapsed).toBeGreaterThanOrEqual(75_000);
    await waitForSquid200(p, ALICE.user, url);
    const answered = (await logFor(ext, p)).find((r) => r.outcome === 'answered-prompt');
    expect(answered).toBeDefined();
  }, 150_000);

  it('h2. when the worker is killed anyway while the prompt is open, submitting still saves and says to reload', async () => {
    const p = port('killed');
    const page = await contexts.page(p);
    const url = originUrl('/');
    const loading = navigate(page, url, 30_000);
    const prompt = await chromium.waitForPrompt();
    await readPrompt(prompt);
    // Forced stop (DevTools' "stop" on the worker): the parked request is lost with it.
    await chromium.stopServiceWorkers();
    const lost = await loading;
    facts['h2.parkedRequestAfterKill'] = lost;
    expect(lost).not.toBe(200);

    // The user, unaware, signs in: the message wakes a fresh worker that no
    // longer knows the prompt, so it saves the credential and says to reload.
    await signIn(prompt, ALICE.user, ALICE.password);
    await prompt.waitForSelector('[data-testid=notice]', { timeout: 10_000 });
    const notice = await prompt.$eval('[data-testid=notice]', (el) => el.textContent ?? '');
    facts['h2.notice'] = notice;
    expect(notice).toContain('reload');
    const saved = (await listCredentials(ext)).find((c) => c.proxy.port === p);
    expect(saved).toMatchObject({ username: ALICE.user, rejected: false, scope: 'device' });
    await prompt.close();

    // The reload is then answered from what was saved, with no prompt.
    const prompts = countPromptsOpened(chromium);
    try {
      expect(await navigate(await contexts.page(p), url, 30_000)).toBe(200);
      expect(prompts.count()).toBe(0);
      await waitForSquid200(p, ALICE.user, url);
    } finally {
      prompts.stop();
    }
  });

  it('i. answers from the saved credential after the worker was stopped while idle', async () => {
    const p = port('idle');
    await seedCredential(ext, { host: '127.0.0.1', port: p, username: ALICE.user, password: ALICE.password });
    await readLog(ext); // flushes the log batch before the worker goes
    const startsBefore = await backgroundStarts(ext);
    expect(startsBefore.length).toBeGreaterThanOrEqual(1);

    await chromium.stopServiceWorkers();
    expect(await chromium.serviceWorkerStatuses()).toEqual(['stopped']);

    const prompts = countPromptsOpened(chromium);
    try {
      const page = await contexts.page(p);
      const url = originUrl('/');
      const started = Date.now();
      // The challenge wakes a cold worker; it must wait for its credential
      // load instead of letting the challenge through to the browser.
      expect(await navigate(page, url, 30_000)).toBe(200);
      facts['i.coldLoadMs'] = Date.now() - started;
      expect(await chromium.countPromptWindows()).toBe(0);
      expect(prompts.count()).toBe(0);
      const starts = await waitUntil(
        async () => {
          const s = await backgroundStarts(ext);
          return s.length > startsBefore.length ? s : undefined;
        },
        10_000,
        'a new background start',
      );
      expect(starts.at(-1)).toBeGreaterThanOrEqual(started - 1_000);
      await waitForSquid200(p, ALICE.user, url);
      expect(await logFor(ext, p)).toContainEqual(expect.objectContaining({ outcome: 'answered-saved', url, username: ALICE.user }));
    } finally {
      prompts.stop();
    }
  });
});

describe('Chromium: the options page', () => {
  it("j. shows this run's proxies and outcomes, and updates live", async () => {
    const options = await chromium.openExtensionPage(OPTIONS_PATH);
    await options.waitForSelector('[data-testid=log-row]');
    // The table is virtualised: find each event through the page's own filters.
    const has = async (outcome: string, p: number) =>
      (await filterOptionsLog(options, { proxy: proxyLabel(p), outcome })).some((r) => r.outcome === outcome && r.proxy === proxyLabel(p));
    expect(await has('answered-saved', port('savedDigest'))).toBe(true);
    expect(await has('prompted', port('promptDigest'))).toBe(true);
    expect(await has('answered-prompt', port('promptDigest'))).toBe(true);
    expect(await has('rejected', port('wrong'))).toBe(true);
    expect(await has('answered-saved', port('idle'))).toBe(true);
    await filterOptionsLog(options, {});
    const credentials = await options.$eval('[data-testid=credentials]', (el) => el.textContent ?? '');
    expect(credentials).toContain(proxyLabel(port('wrong')));
    await options.screenshot({ path: resolve(ARTIFACTS, 'chromium-options.png'), fullPage: true });

    // Live: a new challenge shows up without reloading the page.
    const before = (await readShowing(options))!.total;
    const page = await contexts.page(port('first'));
    expect(await navigate(page, originUrl('/hello.txt'), 30_000)).toBe(200);
    await waitUntil(async () => ((await readShowing(options))?.total ?? 0) > before, 10_000, 'a new log row on the open options page');
    facts['j.rows'] = (await readShowing(options))?.total;
  });
});
