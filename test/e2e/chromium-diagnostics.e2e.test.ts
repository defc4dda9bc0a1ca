import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type ChromiumHandle } from './support/chromium';
import { allowDownloads, waitForDownload } from './support/chromium-diagnostics';
import { FreshContexts, proxyLabel, readWaitingCount } from './support/chromium-session';
import { CHROME_DIST, OPTIONS_PATH, POPUP_PATH } from './support/extension';
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
  readLog,
  readBadgeText,
  readPrompt,
  readShowing,
  readSummaryRow,
  seedCredential,
  setOptionsDateFilter,
  signIn,
  waitUntil,
  type LogRow,
} from './support/steps';

// The diagnostics surface of the built extension (dist/chrome) in Debian's
// Chromium 156, against a real squid: the options page's log, causes, filters,
// exports and admin report, the toolbar popup and the action badge. One
// browser; every scenario gets a fresh incognito-like context (own proxy-auth
// cache) and its own squid port, so records never mix between scenarios.

const ALICE = { user: 'alice', password: 's3cret' };
const CAROL = { user: 'carol', password: 'c4r0l-popup-pw' };
const WRONG_PASSWORD = 'wrong-Pa55-for-alice';
const BADGE_WRONG_PASSWORD = 'bang-Wr0ng-pw';
const PASSWORDS = [ALICE.password, CAROL.password, WRONG_PASSWORD, BADGE_WRONG_PASSWORD];
/** A query string on the navigated URLs: no log record, export or report may keep it. */
const QUERY = 'session=query-must-not-be-logged';
const ARTIFACTS = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../test-artifacts');

let squid: Squid;
let origin: Origin;
let chromium: ChromiumHandle;
let contexts: FreshContexts;
let ext: Page;
let options: Page;
let downloads: string;
/** A port nothing listens on: the "proxy unreachable" case (never bound). */
let deadPort: number;
const facts: Record<string, unknown> = {};

interface Expected {
  proxy: string;
  outcome: string;
  cause: string;
}
/** What step 1 produced, (proxy, outcome) → cause, checked on the options page and in the exports. */
const expected: Expected[] = [];
/** Cause and fix texts of the records opened in step 1, by cause id. */
const words = new Map<string, { cause: string; fix: string }>();

beforeAll(async () => {
  origin = await startOrigin();
  squid = await startSquid({
    ports: [
      { name: 'saved', auth: 'basic' },
      { name: 'prompt', auth: 'basic' },
      { name: 'wrong', auth: 'basic' },
      { name: 'cancel', auth: 'basic' },
      { name: 'popup', auth: 'basic' },
      { name: 'bang', auth: 'basic' },
    ],
    users: [ALICE, CAROL],
  });
  deadPort = await getFreePort();
  chromium = await launchChromium({ extensionDir: CHROME_DIST });
  contexts = new FreshContexts(chromium);
  ext = await chromium.openExtensionPage('manifest.json');
  await listCredentials(ext);
  await mkdir(ARTIFACTS, { recursive: true });
  downloads = await mkdtemp(join(tmpdir(), 'pk-downloads-'));
  await allowDownloads(chromium.browser, downloads);
});

afterAll(async () => {
  console.log(`chromium diagnostics facts: ${JSON.stringify(facts, null, 1)}`);
  await contexts?.closeAll();
  await chromium?.close();
  await squid?.stop();
  await origin?.stop();
  if (downloads) await rm(downloads, { recursive: true, force: true });
});

function port(name: string): number {
  const p = squid.ports[name];
  if (p === undefined) throw new Error(`no squid port ${name}`);
  return p;
}

function originUrl(path = '/'): string {
  return `http://origin.test:${origin.httpPort}${path}`;
}

async function waitForNoPrompt(): Promise<void> {
  await waitUntil(async () => (await chromium.countPromptWindows()) === 0, 10_000, 'the prompt window to close');
}

function containsPassword(text: string): string[] {
  const basic = PASSWORDS.map((p) => Buffer.from(`${ALICE.user}:${p}`).toString('base64'));
  return [...PASSWORDS, ...basic].filter((secret) => text.includes(secret));
}

const count = (log: readonly LogRow[], keep: (r: LogRow) => boolean) => log.filter(keep).length;

describe('Chromium: diagnostics', () => {
  it('1. logs answered, prompted, rejected, cancelled and unreachable, each with its cause on the options page', async () => {
    const saved = proxyLabel(port('saved'));
    const prompted = proxyLabel(port('prompt'));
    const wrong = proxyLabel(port('wrong'));
    const cancelled = proxyLabel(port('cancel'));

    // Answered from a saved credential.
    await seedCredential(ext, { host: '127.0.0.1', port: port('saved'), username: ALICE.user, password: ALICE.password });
    expect(await navigate(await contexts.page(port('saved')), originUrl(`/hello.txt?${QUERY}`), 30_000)).toBe(200);
    expect(await chromium.countPromptWindows()).toBe(0);
    expected.push({ proxy: saved, outcome: 'answered-saved', cause: 'answered-ok' });

    // Nothing saved: prompted, then answered from the prompt.
    {
      const loading = navigate(await contexts.page(port('prompt')), originUrl(`/?${QUERY}`), 30_000);
      const prompt = await chromium.waitForPrompt();
      await readPrompt(prompt);
      await signIn(prompt, ALICE.user, ALICE.password, 'session');
      expect(await loading).toBe(200);
      await waitForNoPrompt();
      expected.push(
        { proxy: prompted, outcome: 'prompted', cause: 'missing-credentials' },
        { proxy: prompted, outcome: 'answered-prompt', cause: 'answered-ok' },
      );
    }

    // A wrong saved password: rejected once, then fixed through the prompt.
    {
      await seedCredential(ext, { host: '127.0.0.1', port: port('wrong'), username: ALICE.user, password: WRONG_PASSWORD });
      const loading = navigate(await contexts.page(port('wrong')), originUrl('/hello.txt'), 30_000);
      const prompt = await chromium.waitForPrompt();
      await readPrompt(prompt);
      await prompt.waitForSelector('[data-testid=rejected]', { timeout: 10_000 });
      await prompt.screenshot({ path: resolve(ARTIFACTS, 'chromium-prompt-diagnostics.png') });
      await signIn(prompt, ALICE.user, ALICE.password);
      expect(await loading).toBe(200);
      await waitForNoPrompt();
      expect((await listCredentials(ext)).find((c) => c.proxy.port === port('wrong'))?.rejected).toBe(false);
      expected.push(
        // The silent answer the proxy refused is shown as refused, not as answered.
        { proxy: wrong, outcome: 'answered-saved', cause: 'credentials-rejected' },
        { proxy: wrong, outcome: 'rejected', cause: 'credentials-rejected' },
        { proxy: wrong, outcome: 'prompted', cause: 'rejected-then-asked' },
        { proxy: wrong, outcome: 'answered-prompt', cause: 'answered-ok' },
      );
    }

    // Nothing saved, and the prompt is cancelled with Esc: the page fails.
    // Quirk (measured on Chromium 156): `{cancel: true}` from onAuthRequired
    // means "cancel the authentication", not "cancel the request", so the
    // navigation ends with the proxy's own 407 page (status 407), the same
    // as pressing Cancel in Chromium's native proxy dialog; no net::ERR_*.
    {
      const loading = navigate(await contexts.page(port('cancel')), originUrl(`/hello.txt?${QUERY}`), 30_000);
      const prompt = await chromium.waitForPrompt();
      await readPrompt(prompt);
      await cancelPromptWithEsc(prompt);
      const result = await loading;
      facts['1.cancelledNavigation'] = result;
      expect(result).not.toBe(200);
      expect(result).toBe(407);
      await waitForNoPrompt();
      expected.push(
        { proxy: cancelled, outcome: 'prompted', cause: 'missing-credentials' },
        { proxy: cancelled, outcome: 'cancelled-user', cause: 'cancelled' },
      );
    }

    // A proxy port with nothing listening. Quirk: Chromium's onErrorOccurred
    // carries no proxy (Firefox has proxyInfo), and the context's proxy is not
    // in chrome.proxy.settings either, so the record's proxy is '' ("—").
    {
      const url = originUrl(`/hello.txt?${QUERY}`);
      const result = await navigate(await contexts.page(deadPort), url, 30_000);
      facts['1.unreachableNavigation'] = result;
      expect(result).toBe(`error: net::ERR_PROXY_CONNECTION_FAILED at ${url}`);
      expected.push({ proxy: '', outcome: 'proxy-error', cause: 'proxy-unreachable' });
    }

    const log = await waitUntil(
      async () => {
        const l = await readLog(ext);
        return expected.every((e) => l.some((r) => r.proxy === e.proxy && r.outcome === e.outcome)) ? l : undefined;
      },
      10_000,
      'every expected (proxy, outcome) in the log',
    );
    facts['1.log'] = log.map((r) => `${r.proxy || '—'} ${r.outcome} ${r.url} ${JSON.stringify(r.final ?? null)}`);
    const unreachable = log.find((r) => r.outcome === 'proxy-error');
    expect(unreachable?.final?.error).toBe('net::ERR_PROXY_CONNECTION_FAILED');

    options = await chromium.openExtensionPage(OPTIONS_PATH);
    await options.waitForSelector('[data-testid=log-row]');
    await waitUntil(async () => (await readShowing(options))?.total === log.length, 10_000, 'the options page to show the whole log');

    for (const e of expected) {
      const rows = await filterOptionsLog(options, { proxy: e.proxy, outcome: e.outcome });
      expect(rows.length, `${e.proxy || '—'} ${e.outcome}`).toBeGreaterThanOrEqual(1);
      expect(rows, `${e.proxy || '—'} ${e.outcome}`).toEqual(rows.map(() => e));
    }

    // One record of each kind opened: its cause and fix, in words.
    for (const [outcome, cause] of [
      ['answered-saved', 'answered-ok'],
      ['prompted', 'missing-credentials'],
      ['rejected', 'credentials-rejected'],
      ['cancelled-user', 'cancelled'],
      ['proxy-error', 'proxy-unreachable'],
    ] as const) {
      const e = expected.find((x) => x.outcome === outcome)!;
      await filterOptionsLog(options, { proxy: e.proxy, outcome });
      const details = await openFirstLogRow(options);
      expect(details.cause, outcome).toBe(cause);
      for (const text of [details.causeText, details.fixText]) {
        // A sentence ("Nothing to do." is the shortest fix), not an id or a key.
        expect(text, `${outcome} words`).toMatch(/^[A-Z].*\.$/);
        expect(text.split(/\s+/).filter((w) => /[a-z]{2,}/i.test(w)).length, `${outcome} words`).toBeGreaterThanOrEqual(3);
        expect(text).not.toMatch(/cause_|fix_|undefined/);
      }
      words.set(cause, { cause: details.causeText, fix: details.fixText });
    }

    await filterOptionsLog(options, {});
    const summary = await readSummaryRow(options, wrong);
    facts['1.summaryWrong'] = summary;
    expect(summary.rejections).toBeGreaterThanOrEqual(1);
    expect(summary.rejections).toBe(count(log, (r) => r.proxy === wrong && r.outcome === 'rejected'));
    // Its only silent answer was refused: not counted as answered.
    expect(summary.answeredSilently).toBe(0);
    expect(summary.lastProblem).not.toMatch(/^(rejected|cancelled-user)\b/);
    expect(await options.$$eval('[data-testid=timeline] rect', (rects) => rects.length)).toBeGreaterThan(0);
  });

  it('2. filters narrow the table to exactly the matching records', async () => {
    const log = await readLog(ext);
    const all = await filterOptionsLog(options, {});
    const total = (await readShowing(options))!.total;
    facts['2.total'] = total;
    expect(total).toBe(log.length);
    expect(all.length).toBe(Math.min(total, all.length));

    const wrong = proxyLabel(port('wrong'));
    const cancelled = proxyLabel(port('cancel'));
    const cases: [string, { proxy?: string; outcome?: string; text?: string }, number][] = [
      ['outcome rejected', { outcome: 'rejected' }, count(log, (r) => r.outcome === 'rejected')],
      ['outcome prompted', { outcome: 'prompted' }, count(log, (r) => r.outcome === 'prompted')],
      ['proxy wrong', { proxy: wrong }, count(log, (r) => r.proxy === wrong)],
      [
        'proxy cancel + cancelled',
        { proxy: cancelled, outcome: 'cancelled-user' },
        count(log, (r) => r.proxy === cancelled && r.outcome === 'cancelled-user'),
      ],
      ['text hello.txt', { text: 'hello.txt' }, count(log, (r) => r.url.includes('hello.txt'))],
      [
        'text ERR_PROXY_CONNECTION_FAILED',
        { text: 'err_proxy_connection_failed' },
        count(log, (r) => r.final?.error === 'net::ERR_PROXY_CONNECTION_FAILED'),
      ],
    ];
    const measured: Record<string, string> = {};
    for (const [name, filter, want] of cases) {
      const rows = await filterOptionsLog(options, filter);
      const showing = await readShowing(options);
      measured[name] = `${showing?.shown} of ${showing?.total} (log says ${want})`;
      expect(want, name).toBeGreaterThanOrEqual(1);
      expect(want, name).toBeLessThan(total);
      expect(showing, name).toEqual({ shown: want, total });
      expect(rows.length, name).toBe(want);
      if (filter.proxy)
        expect(
          rows.every((r) => r.proxy === filter.proxy),
          name,
        ).toBe(true);
      if (filter.outcome)
        expect(
          rows.every((r) => r.outcome === filter.outcome),
          name,
        ).toBe(true);
    }
    // From tomorrow on: nothing; up to tomorrow: everything.
    await filterOptionsLog(options, {});
    const tomorrow = Date.now() + 24 * 3600_000;
    await setOptionsDateFilter(options, 'from', tomorrow);
    expect(await readShowing(options)).toEqual({ shown: 0, total });
    await setOptionsDateFilter(options, 'from', undefined);
    await setOptionsDateFilter(options, 'to', tomorrow);
    expect(await readShowing(options)).toEqual({ shown: total, total });
    await setOptionsDateFilter(options, 'to', undefined);
    facts['2.filters'] = measured;
  });

  it('2b. the proxy filter\'s "not reported" entry (records whose proxy the browser did not name) narrows to those records', async () => {
    const log = await readLog(ext);
    const want = count(log, (r) => r.proxy === '');
    expect(want).toBeGreaterThanOrEqual(1);
    await filterOptionsLog(options, {});
    // As a user picks it: the option for the log's '' proxy.
    const picked = await options.evaluate(async () => {
      const select = document.querySelector<HTMLSelectElement>('select[name=proxy]')!;
      const index = [...select.options].findIndex((o) => o.textContent === '(not reported by the browser)');
      select.selectedIndex = index;
      select.dispatchEvent(new Event('change', { bubbles: true }));
      await new Promise((r) => setTimeout(r, 50));
      return index;
    });
    expect(picked).toBeGreaterThan(0);
    const rows = await options.$$eval('[data-testid=log-row]', (els) => els.map((el) => el.getAttribute('data-proxy')));
    const showing = await readShowing(options);
    facts['2b.dashFilter'] = `${showing?.shown} of ${showing?.total} (log says ${want})`;
    await filterOptionsLog(options, {});
    expect(showing?.shown).toBe(want);
    expect(rows.every((p) => p === '')).toBe(true);
  });

  it('3. exports JSON and CSV files with the records, their causes, no password and no query string', async () => {
    await filterOptionsLog(options, {});
    const shown = (await readShowing(options))!;
    expect(shown.shown).toBe(shown.total);

    await options.click('[data-testid=export-json]');
    const json = await waitForDownload(downloads, /^proxy-keyring-log-\d{4}-\d{2}-\d{2}\.json$/);
    await options.click('[data-testid=export-csv]');
    const csv = await waitForDownload(downloads, /^proxy-keyring-log-\d{4}-\d{2}-\d{2}\.csv$/);
    facts['3.files'] = [json.name, csv.name, json.text.length, csv.text.length];

    const parsed = JSON.parse(json.text) as { format: string; version: number; records: (LogRow & { cause: string; time: string })[] };
    expect(parsed.format).toBe('proxy-keyring-log');
    expect(parsed.version).toBe(1);
    expect(parsed.records).toHaveLength(shown.total);
    for (const e of expected) {
      expect(parsed.records, `json ${e.proxy} ${e.outcome}`).toContainEqual(expect.objectContaining(e));
    }
    for (const r of parsed.records) {
      expect(r.url).not.toContain('?');
      expect(new Date(r.time).toISOString()).toBe(r.time);
    }

    const [header, ...rows] = parseCsv(csv.text);
    expect(header).toEqual(
      'time,requestId,proxy,scheme,realm,method,type,url,tabId,attempt,outcome,answerMs,username,status,error,cause'.split(','),
    );
    expect(rows).toHaveLength(shown.total);
    const column = (name: string) => header!.indexOf(name);
    const csvRecords = rows.map((cells) => ({
      proxy: cells[column('proxy')],
      outcome: cells[column('outcome')],
      cause: cells[column('cause')],
    }));
    for (const e of expected) expect(csvRecords, `csv ${e.proxy} ${e.outcome}`).toContainEqual(e);
    expect(rows.map((cells) => cells[column('url')])).toEqual(parsed.records.map((r) => r.url));
    expect(rows.find((cells) => cells[column('outcome')] === 'proxy-error')?.[column('error')]).toBe('net::ERR_PROXY_CONNECTION_FAILED');

    for (const file of [json, csv]) {
      expect(containsPassword(file.text), file.name).toEqual([]);
      expect(file.text, file.name).not.toContain(QUERY);
    }
  });

  it('4. builds an admin report: proxies, counts, causes in words, the browser, origins only, no password', async () => {
    const log = await readLog(ext);
    await options.bringToFront();
    await chromium.browser
      .defaultBrowserContext()
      .overridePermissions(`chrome-extension://${chromium.extensionId}`, ['clipboard-read', 'clipboard-sanitized-write']);
    await options.click('[data-testid=copy-report]');
    const report = await waitUntil(async () => options.$eval('textarea[data-testid=report]', (el) => el.value), 10_000, 'the admin report');
    facts['4.report'] = report;
    // Copied too: the test granted clipboard access to the extension's origin
    // (headless Chromium has no user to allow it) and reads it back.
    const clipboard = await options.evaluate(() => navigator.clipboard.readText());
    facts['4.clipboardChars'] = clipboard.length;
    expect(clipboard).toBe(report);
    const wrong = proxyLabel(port('wrong'));
    for (const name of ['saved', 'prompt', 'wrong', 'cancel']) expect(report).toContain(`Proxy ${proxyLabel(port(name))}`);
    expect(report).toContain('Proxy (not reported by the browser)');
    expect(report).toMatch(/Browser: Chrom(e|ium) \d+/);
    expect(report).toContain(`Records: ${log.length}`);
    const mine = log.filter((r) => r.proxy === wrong);
    const decisions = count(mine, (r) => ['answered-saved', 'prompted', 'attempt-cap', 'unsupported-scheme'].includes(r.outcome));
    // A silent answer the proxy refused (the next challenge of that request says "rejected") is not counted as answered.
    const refusedLater = (r: LogRow) =>
      mine.some((x) => x.outcome === 'rejected' && x.requestId === r.requestId && x.attempt === r.attempt + 1);
    const silent = count(mine, (r) => r.outcome === 'answered-saved' && !refusedLater(r));
    expect(silent).toBe(0);
    expect(report).toContain(
      `Challenges: ${decisions}; answered silently: ${silent}; prompts: ${count(mine, (r) => r.outcome === 'prompted')}; rejected credentials: ${count(mine, (r) => r.outcome === 'rejected')}`,
    );
    expect(report).toContain(words.get('credentials-rejected')!.cause);
    expect(report).toContain(words.get('proxy-unreachable')!.cause);
    expect(containsPassword(report)).toEqual([]);
    expect(report).not.toContain(QUERY);
    const urls = report.match(/https?:\/\/\S+/g) ?? [];
    expect(urls.length).toBeGreaterThanOrEqual(1);
    for (const u of urls) expect(u).toBe(new URL(u).origin);
  });

  it('5. signing in through the toolbar popup answers a waiting challenge; the badge counts, then reads "!"', async () => {
    expect(await readBadgeText(ext)).toBe('');
    const url = originUrl('/');
    const loading = navigate(await contexts.page(port('popup')), url, 30_000);
    const prompt = await chromium.waitForPrompt();
    await readPrompt(prompt);

    const popup = await chromium.openExtensionPage(POPUP_PATH);
    await popup.setViewport({ width: 400, height: 700 });
    await popup.waitForSelector('[data-testid=waiting-prompts] [data-testid=waiting]');
    expect(await popup.$eval('[data-testid=waiting-prompts]', (el) => el.textContent ?? '')).toContain(proxyLabel(port('popup')));
    const waiting = await waitUntil(() => readWaitingCount(popup), 5_000, 'the waiting count in the popup');
    expect(waiting).toBeGreaterThanOrEqual(1);
    expect(await readBadgeText(ext)).toBe(String(waiting));
    facts['5.waitingAndBadge'] = [waiting, await readBadgeText(ext)];
    await popup.screenshot({ path: resolve(ARTIFACTS, 'chromium-popup.png') });

    await signIn(popup, CAROL.user, CAROL.password, 'session');
    expect(await loading).toBe(200);
    await waitForNoPrompt();
    await popup.waitForSelector('[data-testid=nothing-waiting]', { timeout: 10_000 });
    expect(await readBadgeText(ext)).toBe('');
    const rows = await waitUntil(
      async () => {
        const l = (await readLog(ext)).filter((r) => r.proxy === proxyLabel(port('popup')));
        return l.some((r) => r.outcome === 'answered-prompt') ? l : undefined;
      },
      10_000,
      'answered-prompt for the popup proxy',
    );
    expect(rows).toContainEqual(expect.objectContaining({ outcome: 'answered-prompt', username: CAROL.user }));

    // A saved credential the proxy refuses, and nothing waiting: "!".
    await seedCredential(ext, { host: '127.0.0.1', port: port('bang'), username: ALICE.user, password: BADGE_WRONG_PASSWORD });
    const failing = navigate(await contexts.page(port('bang')), url, 30_000);
    const bangPrompt = await chromium.waitForPrompt();
    await readPrompt(bangPrompt);
    await bangPrompt.waitForSelector('[data-testid=rejected]', { timeout: 10_000 });
    expect(await readBadgeText(ext)).toMatch(/^[1-9]\d*$/);
    await cancelPromptWithEsc(bangPrompt);
    expect(await failing).toBe(407);
    await waitForNoPrompt();
    expect(await waitUntil(async () => (await readBadgeText(ext)) === '!' && '!', 5_000, 'the badge to read "!"')).toBe('!');
    await popup.waitForSelector('[data-testid=nothing-waiting]');
    const savedText = await popup.$eval('[data-testid=saved-proxies]', (el) => (el as HTMLElement).innerText);
    facts['5.savedProxies'] = savedText;
    expect(savedText).toContain(proxyLabel(port('bang')));
    await popup.close();
  });

  it('6. screenshots of the options page (light and dark) with one record opened', async () => {
    await options.setViewport({ width: 1280, height: 1600 });
    await filterOptionsLog(options, { proxy: proxyLabel(port('wrong')), outcome: 'rejected' });
    const details = await openFirstLogRow(options);
    expect(details.cause).toBe('credentials-rejected');
    // The whole log again, the opened record staying open; scrolled so the
    // details panel (below the log at this width) is in the picture.
    await filterOptionsLog(options, {});
    expect(await options.$eval('[data-testid=record-details]', (el) => el.getAttribute('data-cause'))).toBe('credentials-rejected');
    await options.evaluate(() => document.querySelector('[data-testid=record-details]')?.scrollIntoView({ block: 'end' }));
    facts['6.selectedRow'] = await options.$$eval('[data-testid=log-row].selected', (rows) =>
      rows.map((r) => r.getAttribute('data-outcome')),
    );
    await options.screenshot({ path: resolve(ARTIFACTS, 'chromium-diagnostics-light.png') });
    await options.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
    expect(await options.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(true);
    await options.screenshot({ path: resolve(ARTIFACTS, 'chromium-diagnostics-dark.png') });
    await options.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
  });
});
