import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIREFOX_DIST, OPTIONS_PATH, POPUP_PATH } from './support/extension';
import { launchFirefox, makeFirefoxProfileDir, type FirefoxHandle } from './support/firefox';
import { allowDownloads, readWindowType, setContentColorScheme, waitForDownload } from './support/firefox-diagnostics';
import { makeRoutingPacUrl, readText, readWaitingCount } from './support/firefox-session';
import { startOrigin, type Origin } from './support/origin';
import { getFreePort } from './support/ports';
import { startSquid, type Squid } from './support/squid';
import {
  cancelPromptWithEsc,
  filterOptionsLog,
  listCredentials,
  navigate,
  openFirstLogRow,
  parseCsv,
  readBadgeText,
  readLog,
  readPrompt,
  readShowing,
  seedCredential,
  signIn,
  waitUntil,
  type LogRow,
} from './support/steps';

/**
 * Proxy Keyring's diagnostics in Firefox ESR 153 (WebDriver BiDi) against a
 * real squid: a scripted run of every kind of outcome, then the options page
 * (causes, filters, exports, admin report), the toolbar popup and the badge.
 *
 * One browser serves the whole file: each scenario has its own squid port,
 * chosen per host name by a PAC script, because Firefox caches proxy
 * credentials per browser process (a fresh port is a fresh challenge).
 */

const ALICE = { user: 'alice', password: 's3cret' };
const BOB = { user: 'bob', password: 'b0b-pass' };
const CAROL = { user: 'carol', password: 'c4rol-popup' };
const WRONG = 'not-the-password';
const PASSWORDS = [ALICE.password, BOB.password, CAROL.password, WRONG];
// Every navigation carries a query: the log, exports and report must drop it.
const QUERY = '?session=q-secret-token';
const ARTIFACTS = resolve(__dirname, '../../test-artifacts');
const EXPORT_HEADER = 'time,requestId,proxy,scheme,realm,method,type,url,tabId,attempt,outcome,answerMs,username,status,error,cause';

let squid: Squid;
let origin: Origin;
let firefox: FirefoxHandle | undefined;
let profileDir: string | undefined;
let downloadDir: string | undefined;
let ext: Page;
/** A port nothing listens on: the unreachable proxy. */
let deadPort: number;
const facts: Record<string, unknown> = {};

const port = (name: string): number => {
  const p = squid.ports[name];
  if (p === undefined) throw new Error(`no squid port ${name}`);
  return p;
};
const proxyOf = (name: string) => `127.0.0.1:${port(name)}`;
const deadProxy = () => `127.0.0.1:${deadPort}`;
const urlOf = (host: string) => `http://${host}:${origin.httpPort}/${QUERY}`;
const ff = (): FirefoxHandle => {
  if (firefox === undefined) throw new Error('Firefox is not running');
  return firefox;
};

/** What step 1 produces: (proxy, outcome) → the cause the options page must show. */
const expectedCauses = () => [
  { proxy: proxyOf('saved'), outcome: 'answered-saved', cause: 'answered-ok' },
  { proxy: proxyOf('prompted'), outcome: 'prompted', cause: 'missing-credentials' },
  { proxy: proxyOf('prompted'), outcome: 'answered-prompt', cause: 'answered-ok' },
  // The silent answer the proxy refused is shown as refused, not as answered.
  { proxy: proxyOf('wrong'), outcome: 'answered-saved', cause: 'credentials-rejected' },
  { proxy: proxyOf('wrong'), outcome: 'rejected', cause: 'credentials-rejected' },
  { proxy: proxyOf('wrong'), outcome: 'prompted', cause: 'rejected-then-asked' },
  { proxy: proxyOf('wrong'), outcome: 'answered-prompt', cause: 'answered-ok' },
  { proxy: proxyOf('cancel'), outcome: 'cancelled-user', cause: 'cancelled' },
  { proxy: deadProxy(), outcome: 'proxy-error', cause: 'proxy-unreachable' },
];

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  origin = await startOrigin();
  squid = await startSquid({
    ports: [
      { name: 'saved', auth: 'basic' },
      { name: 'prompted', auth: 'basic' },
      { name: 'wrong', auth: 'basic' },
      { name: 'cancel', auth: 'basic' },
      { name: 'popup', auth: 'basic' },
      { name: 'bad', auth: 'basic' },
    ],
    users: [ALICE, BOB, CAROL],
  });
  deadPort = await getFreePort(); // never listened on
  const pacUrl = makeRoutingPacUrl({
    'origin.test': port('saved'),
    'origin2.test': port('prompted'),
    'origin3.test': port('wrong'),
    'origin4.test': port('cancel'),
    'origin5.test': deadPort,
    'origin6.test': port('popup'),
    'origin7.test': port('bad'),
  });
  profileDir = await makeFirefoxProfileDir();
  downloadDir = await mkdtemp(join(tmpdir(), 'pk-ff-downloads-'));
  firefox = await launchFirefox({
    extensionDir: FIREFOX_DIST,
    pacUrl,
    profileDir,
    // Grants optional permissions without the doorhanger a headless test cannot click
    // (the request itself still comes from the page's click, as for a user).
    extraPrefs: { 'extensions.webextOptionalPermissionPrompts': false },
  });
  await allowDownloads(ff().browser, downloadDir);
  ext = await ff().openExtensionPage(OPTIONS_PATH);
  await listCredentials(ext);
});

afterAll(async () => {
  console.log(`Firefox diagnostics facts:\n${JSON.stringify(facts, null, 2)}`);
  await firefox?.close().catch(() => undefined);
  if (profileDir !== undefined) await rm(profileDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 200 });
  if (downloadDir !== undefined) await rm(downloadDir, { recursive: true, force: true });
  await squid?.stop();
  await origin?.stop();
});

let options: Page | undefined;
const opts = (): Page => {
  if (options === undefined) throw new Error('options page not open');
  return options;
};

const count = (log: LogRow[], pred: (r: LogRow) => boolean) => log.filter(pred).length;

describe('Proxy Keyring diagnostics in Firefox ESR 153', () => {
  it('1. a scripted run of every outcome shows each with its cause on the diagnostics page', async () => {
    const nav: Record<string, number | string> = {};
    // answered from a saved credential
    await seedCredential(ext, { host: '127.0.0.1', port: port('saved'), username: ALICE.user, password: ALICE.password });
    const page = await ff().browser.newPage();
    nav.saved = await navigate(page, urlOf('origin.test'));
    expect(nav.saved).toBe(200);

    // prompted, then answered from the prompt
    let loaded = navigate(page, urlOf('origin2.test'));
    let prompt = await ff().waitForPrompt();
    await readPrompt(prompt);
    await signIn(prompt, BOB.user, BOB.password, 'device');
    nav.prompted = await loaded;
    expect(nav.prompted).toBe(200);
    await waitUntil(async () => (await ff().countPromptWindows()) === 0, 10_000, 'the prompt to close');

    // a wrong saved password is rejected, then fixed through the prompt
    await seedCredential(ext, { host: '127.0.0.1', port: port('wrong'), username: ALICE.user, password: WRONG });
    loaded = navigate(page, urlOf('origin3.test'));
    prompt = await ff().waitForPrompt();
    await readPrompt(prompt);
    expect(await readText(prompt, '[data-testid=rejected]')).toContain('refused');
    await prompt.screenshot({ path: resolve(ARTIFACTS, 'firefox-prompt-diagnostics.png') });
    // Does the prompt (with its "refused" line) fit the window it was opened in?
    facts.promptFit = await prompt.evaluate(() => ({
      innerWidth,
      innerHeight,
      scrollHeight: document.documentElement.scrollHeight,
      scrollWidth: document.documentElement.scrollWidth,
    }));
    await signIn(prompt, ALICE.user, ALICE.password, 'device');
    nav.wrong = await loaded;
    expect(nav.wrong).toBe(200);
    await waitUntil(async () => (await ff().countPromptWindows()) === 0, 10_000, 'the prompt to close');

    // cancelled with Esc: the waiting page must not end with 200
    loaded = navigate(page, urlOf('origin4.test'), 20_000);
    prompt = await ff().waitForPrompt();
    await readPrompt(prompt);
    await cancelPromptWithEsc(prompt);
    nav.cancel = await loaded;
    expect(nav.cancel).not.toBe(200);
    await waitUntil(async () => (await ff().countPromptWindows()) === 0, 10_000, 'the cancelled prompt to close');

    // proxy unreachable: nothing listens on deadPort
    nav.dead = await navigate(page, urlOf('origin5.test'), 20_000);
    expect(nav.dead).not.toBe(200);
    facts.navigation = nav;
    await page.close();

    const log = await waitUntil(
      async () => {
        const rows = await readLog(ext);
        return rows.some((r) => r.proxy === deadProxy() && r.outcome === 'proxy-error') ? rows : undefined;
      },
      10_000,
      'a proxy-error record for the unreachable proxy',
    );
    facts.log = log.map((r) => `${r.proxy} ${r.outcome} #${r.attempt} ${r.url} ${JSON.stringify(r.final ?? {})}`);

    options = await ff().openExtensionPage(OPTIONS_PATH);
    const o = opts();
    const byKind: Record<string, unknown> = {};
    for (const { proxy, outcome, cause } of expectedCauses()) {
      const rows = await waitUntil(
        async () => {
          const r = await filterOptionsLog(o, { proxy, outcome });
          return r.length > 0 ? r : undefined;
        },
        10_000,
        `options rows for ${proxy} ${outcome}`,
      );
      expect(rows.every((r) => r.proxy === proxy && r.outcome === outcome)).toBe(true);
      expect({ proxy, outcome, causes: [...new Set(rows.map((r) => r.cause))] }).toEqual({ proxy, outcome, causes: [cause] });
      const details = await openFirstLogRow(o);
      expect(details.cause).toBe(cause);
      expect(details.causeText).toMatch(/[A-Za-z]{3,}(?:\s+[A-Za-z]{2,}){2,}/);
      expect(details.fixText).toMatch(/[A-Za-z]{3,}(?:\s+[A-Za-z]{2,}){2,}/);
      byKind[`${outcome}@${proxy}`] = { rows: rows.length, cause: details.cause, causeText: details.causeText };
    }
    facts.step1 = byKind;

    await filterOptionsLog(o, {});
    const rejections = await o.$eval(`[data-testid=proxy-summary] tr[data-proxy="${proxyOf('wrong')}"]`, (tr) =>
      [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''),
    );
    // Columns: proxy, challenges, answered silently, prompts, rejections, ended well, last error.
    expect(Number(rejections[4])).toBeGreaterThanOrEqual(1);
    facts.summaryWrong = rejections;
  });

  it('2. the filters narrow the table to the counts the log gives', async () => {
    const o = opts();
    const log = await readLog(ext);
    await filterOptionsLog(o, {});
    const all = await waitUntil(
      async () => {
        const s = await readShowing(o);
        return s !== undefined && s.total === log.length && s.shown === s.total ? s : undefined;
      },
      10_000,
      `"${log.length} of ${log.length} records"`,
    );
    const expectShown = async (filter: Parameters<typeof filterOptionsLog>[1], expected: number, what: string) => {
      await filterOptionsLog(o, filter);
      const s = await waitUntil(
        async () => {
          const r = await readShowing(o);
          return r?.shown === expected ? r : undefined;
        },
        5_000,
        `${what}: ${expected} of ${all.total}`,
      ).catch(async () => readShowing(o));
      expect({ what, shown: s?.shown, total: s?.total }).toEqual({ what, shown: expected, total: all.total });
      return expected;
    };
    const rejected = await expectShown(
      { outcome: 'rejected' },
      count(log, (r) => r.outcome === 'rejected'),
      'outcome rejected',
    );
    const wrong = await expectShown(
      { proxy: proxyOf('wrong') },
      count(log, (r) => r.proxy === proxyOf('wrong')),
      'proxy wrong',
    );
    const text = await expectShown(
      { text: 'origin4.test' },
      count(log, (r) => r.url.includes('origin4.test')),
      'text origin4.test',
    );
    const site = await expectShown(
      { site: 'origin3.test' },
      count(log, (r) => new URL(r.url).hostname === 'origin3.test'),
      'site origin3.test',
    );
    const both = await expectShown(
      { proxy: proxyOf('prompted'), outcome: 'answered-prompt' },
      count(log, (r) => r.proxy === proxyOf('prompted') && r.outcome === 'answered-prompt'),
      'proxy prompted + answered-prompt',
    );
    for (const n of [rejected, wrong, text, site, both]) {
      expect(n).toBeGreaterThanOrEqual(1);
      expect(n).toBeLessThan(all.total);
    }
    facts.filters = { total: all.total, rejected, wrong, text, site, both };
    await filterOptionsLog(o, {});
  });

  it("3. JSON and CSV exports hold the run's records, no password and no query string", async () => {
    const o = opts();
    const dir = downloadDir!;
    const log = await readLog(ext);
    await filterOptionsLog(o, {});
    let before = new Set(await readdir(dir));
    await o.click('[data-testid=export-json]');
    const json = await waitForDownload(dir, /^proxy-keyring-log-\d{4}-\d{2}-\d{2}(?:\(\d+\))?\.json$/, before);
    before = new Set(await readdir(dir));
    await o.click('[data-testid=export-csv]');
    const csv = await waitForDownload(dir, /^proxy-keyring-log-\d{4}-\d{2}-\d{2}(?:\(\d+\))?\.csv$/, before);
    expect(json.name).toMatch(/^proxy-keyring-log-\d{4}-\d{2}-\d{2}\.json$/);
    expect(csv.name).toMatch(/^proxy-keyring-log-\d{4}-\d{2}-\d{2}\.csv$/);

    for (const password of PASSWORDS) {
      expect(json.text).not.toContain(password);
      expect(csv.text).not.toContain(password);
    }
    expect(json.text).not.toContain('session=');
    expect(csv.text).not.toContain('session=');

    const parsed = JSON.parse(json.text) as { format: string; version: number; records: Array<Record<string, unknown>> };
    expect(parsed.format).toBe('proxy-keyring-log');
    expect(parsed.version).toBe(1);
    expect(parsed.records.length).toBe(log.length);
    for (const r of parsed.records) {
      expect(typeof r['time'] === 'string' && !Number.isNaN(Date.parse(r['time']))).toBe(true);
      expect(String(r['url'])).not.toMatch(/[?#]/);
      expect(r).not.toHaveProperty('password');
    }
    const rows = parseCsv(csv.text);
    expect(rows[0]?.join(',')).toBe(EXPORT_HEADER);
    const header = rows[0]!;
    const csvRecords = rows.slice(1).map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])));
    expect(csvRecords.length).toBe(log.length);
    for (const { proxy, outcome, cause } of expectedCauses()) {
      expect(parsed.records).toContainEqual(expect.objectContaining({ proxy, outcome, cause }));
      expect(csvRecords).toContainEqual(expect.objectContaining({ proxy, outcome, cause }));
    }
    expect(csvRecords.every((r) => !/[?#]/.test(r['url'] ?? ''))).toBe(true);
    const dead = parsed.records.find((r) => r['outcome'] === 'proxy-error');
    facts.exports = {
      json: json.name,
      csv: csv.name,
      records: parsed.records.length,
      proxyErrorRecord: dead,
    };
  });

  it('4. the admin report names the proxies, counts and causes in words, with no password and origins only', async () => {
    const o = opts();
    await o.click('[data-testid=copy-report]');
    await o.waitForSelector('textarea[data-testid=report]');
    const report = await o.$eval('textarea[data-testid=report]', (t) => t.value);
    for (const p of [proxyOf('saved'), proxyOf('prompted'), proxyOf('wrong'), proxyOf('cancel'), deadProxy()]) {
      expect(report).toContain(`Proxy ${p}`);
    }
    expect(report).toMatch(/Browser: Firefox 153/);
    expect(report).toMatch(/Records: \d+/);
    // The rejected proxy's counts line, and the causes of its failures in words.
    const wrongBlock = report.split(`Proxy ${proxyOf('wrong')}`)[1]?.split('\nProxy ')[0] ?? '';
    expect(wrongBlock).toMatch(/Challenges: \d+; answered silently: \d+; prompts: \d+; rejected credentials: [1-9]/);
    expect(wrongBlock).toContain('The proxy refused the saved user name or password');
    const deadBlock = report.split(`Proxy ${deadProxy()}`)[1]?.split('\nProxy ')[0] ?? '';
    expect(deadBlock).toContain('The browser could not connect to the proxy');
    for (const password of PASSWORDS) expect(report).not.toContain(password);
    const urls = report.match(/https?:\/\/\S+/g) ?? [];
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(url).toMatch(/^https?:\/\/[^/?#\s]+$/);
    facts.report = report;
  });

  it('5. signing in through the toolbar popup answers a waiting challenge; a refused credential alone shows "!"', async () => {
    // The popup page is opened BEFORE the challenge: a page puppeteer opens
    // while the prompt window is up lands in that popup-type window (BiDi
    // browsingContext.create picks the most recent window), and closes with it.
    const popup = await ff().openExtensionPage(POPUP_PATH);
    await popup.setViewport({ width: 400, height: 700 });
    await popup.waitForSelector('[data-testid=nothing-waiting]');
    const page = await ff().browser.newPage();
    const loaded = navigate(page, urlOf('origin6.test'));
    await ff().waitForPrompt();
    const probe = await ff().openExtensionPage(POPUP_PATH);
    facts.windowOfPageOpenedDuringPrompt = await readWindowType(probe);
    await probe.close();
    // The popup follows the board live: no reload.
    await popup.waitForSelector('[data-testid=waiting-prompts] input[name=username]');
    const waiting = await waitUntil(async () => readWaitingCount(popup), 10_000, "the popup's waiting count");
    const badge = await readBadgeText(ext);
    expect(waiting).toBeGreaterThanOrEqual(1);
    expect(badge).toBe(String(waiting));
    expect(await readText(popup, '[data-testid=waiting-prompts]')).toContain(proxyOf('popup'));
    await popup.screenshot({ path: resolve(ARTIFACTS, 'firefox-popup.png') });
    await signIn(popup, CAROL.user, CAROL.password, 'device');
    expect(await loaded).toBe(200);
    await waitUntil(async () => (await ff().countPromptWindows()) === 0, 10_000, 'the prompt window to close after the popup sign-in');
    await popup.waitForSelector('[data-testid=nothing-waiting]');
    const answered = await waitUntil(
      async () => {
        const rows = (await readLog(ext)).filter((r) => r.proxy === proxyOf('popup') && r.outcome === 'answered-prompt');
        return rows.length > 0 ? rows : undefined;
      },
      10_000,
      'an answered-prompt record for the popup proxy',
    );
    expect(answered.length).toBeGreaterThanOrEqual(1);
    expect(await waitUntil(async () => (await readBadgeText(ext)) === '' || undefined, 5_000, 'an empty badge')).toBe(true);

    // A refused saved credential and nothing waiting: the badge reads "!".
    await seedCredential(ext, { host: '127.0.0.1', port: port('bad'), username: ALICE.user, password: WRONG });
    const refused = navigate(page, urlOf('origin7.test'), 20_000);
    const prompt = await ff().waitForPrompt();
    await readPrompt(prompt);
    expect(await readText(prompt, '[data-testid=rejected]')).toContain('refused');
    await cancelPromptWithEsc(prompt);
    expect(await refused).not.toBe(200);
    await waitUntil(async () => (await ff().countPromptWindows()) === 0, 10_000, 'the prompt to close');
    const bang = await waitUntil(
      async () => {
        const text = await readBadgeText(ext);
        return text === '!' ? text : undefined;
      },
      10_000,
      'the badge to read "!"',
    ).catch(async () => readBadgeText(ext));
    expect(bang).toBe('!');
    expect((await listCredentials(ext)).find((c) => c.proxy.port === port('bad'))?.rejected).toBe(true);
    facts.popup = { waiting, badge, afterSignIn: answered.length, bang };
    await popup.close();
    await page.close();
  });

  it('6. screenshots of the diagnostics page, light and dark, with a record opened', async () => {
    const o = opts();
    await o.setViewport({ width: 1280, height: 1600 });
    await filterOptionsLog(o, { proxy: proxyOf('wrong'), outcome: 'rejected' });
    const details = await openFirstLogRow(o);
    expect(details.cause).toBe('credentials-rejected');
    await filterOptionsLog(o, {});
    // At 1280 px the details panel sits below the log: bring it to the bottom edge so the shot shows filters, log and details.
    await o.evaluate(() => document.querySelector('[data-testid=record-details]')?.scrollIntoView({ block: 'end' }));
    await o.screenshot({ path: resolve(ARTIFACTS, 'firefox-diagnostics-light.png') });
    await setContentColorScheme(ff().browser, 'dark');
    try {
      await waitUntil(async () => o.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches), 5_000, 'dark colour scheme');
      await o.screenshot({ path: resolve(ARTIFACTS, 'firefox-diagnostics-dark.png') });
    } finally {
      await setContentColorScheme(ff().browser, 'system');
    }
  });

  it('7. the proxy settings inspector asks for the proxy permission on click and says what the browser uses', async () => {
    const o = opts();
    const granted = () =>
      o.evaluate(() =>
        (globalThis as unknown as { browser: { permissions: { contains(p: object): Promise<boolean> } } }).browser.permissions.contains({
          permissions: ['proxy'],
        }),
      );
    expect(await granted()).toBe(false);
    await o.click('[data-testid=inspect]');
    await o.waitForSelector('[data-testid=inspector-result]', { timeout: 10_000 });
    expect(await granted()).toBe(true);
    const result = await o.$eval('[data-testid=inspector-result]', (el) => el.textContent ?? '');
    facts.inspector = result;
    // This profile routes by a PAC script the test set as a user preference.
    expect(await o.$eval('[data-testid=inspector-mode]', (el) => el.textContent)).toBe('A PAC script decides per request');
    expect(result).toContain('You (browser or system settings)');
    expect(result).toContain('data:application/x-ns-proxy-autoconfig');
    // Under a PAC script the browser picks the proxy per request: the page says it cannot check challengers.
    expect(result).toContain('cannot be checked');
  });
});
