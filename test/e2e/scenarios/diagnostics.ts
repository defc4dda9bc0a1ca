import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../../src/core/log-record';
import type { Outcome } from '../../../src/core/outcome';
import { ALICE, CAROL, OTHER_WRONG_PASSWORD, WRONG_PASSWORD, findSecrets } from '../support/accounts';
import { OPTIONS_PATH, POPUP_PATH } from '../support/extension';
import { listCredentials, readLog, readLogOf, seedCredential } from '../support/messages';
import { ARTIFACTS } from '../support/stack';
import {
  cancelPromptWithEsc,
  copyAdminReport,
  filterOptionsLog,
  navigate,
  openFirstLogRow,
  parseCsv,
  readPrompt,
  readShowing,
  readSummaryRow,
  readText,
  readWaitingCount,
  setOptionsDateFilter,
  signIn,
  waitForDownload,
  waitForLogRows,
  waitUntil,
} from '../support/steps';
import { once, type ScenarioContext } from './context';

/** A query string on the navigated URLs: no log record, export or report may keep it. */
export const QUERY = 'session=query-must-not-be-logged';
const EXPORT_HEADER = 'time,requestId,proxy,scheme,realm,method,type,url,tabId,attempt,outcome,answerMs,username,status,error,cause';

export interface ExpectedRecord {
  proxy: string;
  outcome: Outcome;
  cause: string;
}

export interface OutcomeRun {
  /** (proxy, outcome) → the cause the options page and the exports must show. */
  expected: ExpectedRecord[];
  /** The label the unreachable proxy's records carry ('' where the browser does not name it). */
  deadProxy: string;
}

const count = (log: readonly LogRecord[], keep: (r: LogRecord) => boolean) => log.filter(keep).length;

/**
 * A scripted run of every kind of outcome, on routes of its own: answered
 * from a saved credential, prompted and answered, a refused saved password
 * fixed through the prompt, a cancelled prompt and an unreachable proxy.
 * Once per browser, by whichever scenario needs it first.
 */
export function everyOutcome(ctx: ScenarioContext): Promise<OutcomeRun> {
  return once(ctx, 'everyOutcome', async () => {
    const b = ctx.stack.browser;
    const [saved, prompted, wrong, cancel, dead] = (['saved', 'prompted', 'wrong', 'cancel', 'dead'] as const).map((n) =>
      ctx.stack.route(n),
    );
    const waitForNoPrompt = () => waitUntil(async () => (await b.countPromptWindows()) === 0, 10_000, 'the prompt window to close');
    const nav: Record<string, number | string> = {};

    await seedCredential(await b.messagingPage(), { port: saved!.port, username: ALICE.user, password: ALICE.password });
    nav['saved'] = await navigate(await b.freshPage(saved!.port), saved!.url(`/hello.txt?${QUERY}`), 30_000);
    expect(nav['saved']).toBe(200);

    let loading = navigate(await b.freshPage(prompted!.port), prompted!.url(`/?${QUERY}`), 30_000);
    let prompt = await b.waitForPrompt();
    await readPrompt(prompt);
    await signIn(prompt, ALICE.user, ALICE.password, 'session');
    nav['prompted'] = await loading;
    expect(nav['prompted']).toBe(200);
    await waitForNoPrompt();

    await seedCredential(await b.messagingPage(), { port: wrong!.port, username: ALICE.user, password: WRONG_PASSWORD });
    loading = navigate(await b.freshPage(wrong!.port), wrong!.url(`/hello.txt?${QUERY}`), 30_000);
    prompt = await b.waitForPrompt();
    await readPrompt(prompt);
    await waitUntil(() => readText(prompt, '[data-testid=rejected]').then((t) => t ?? undefined), 10_000, 'the refused line');
    await prompt.screenshot({ path: resolve(ARTIFACTS, `${ctx.name}-prompt-refused.png`) });
    await signIn(prompt, ALICE.user, ALICE.password);
    nav['wrong'] = await loading;
    expect(nav['wrong']).toBe(200);
    await waitForNoPrompt();
    expect((await listCredentials(await b.messagingPage())).find((c) => c.proxy.port === wrong!.port)?.rejected).toBe(false);

    loading = navigate(await b.freshPage(cancel!.port), cancel!.url(`/hello.txt?${QUERY}`), 20_000);
    prompt = await b.waitForPrompt();
    await readPrompt(prompt);
    await cancelPromptWithEsc(prompt);
    nav['cancel'] = await loading;
    expect(nav['cancel']).not.toBe(200);
    if (b.quirks.cancelledStatus !== undefined) expect(nav['cancel']).toBe(b.quirks.cancelledStatus);
    await waitForNoPrompt();

    nav['dead'] = await navigate(await b.freshPage(dead!.port), dead!.url(`/hello.txt?${QUERY}`), 20_000);
    expect(nav['dead']).not.toBe(200);
    ctx.facts['everyOutcome.navigation'] = nav;

    const deadProxy = b.quirks.errorsNameTheProxy ? dead!.proxy : '';
    const expected: ExpectedRecord[] = [
      { proxy: saved!.proxy, outcome: 'answered-saved', cause: 'answered-ok' },
      { proxy: prompted!.proxy, outcome: 'prompted', cause: 'missing-credentials' },
      { proxy: prompted!.proxy, outcome: 'answered-prompt', cause: 'answered-ok' },
      // The silent answer the proxy refused is shown as refused, not as answered.
      { proxy: wrong!.proxy, outcome: 'answered-saved', cause: 'credentials-rejected' },
      { proxy: wrong!.proxy, outcome: 'rejected', cause: 'credentials-rejected' },
      { proxy: wrong!.proxy, outcome: 'prompted', cause: 'rejected-then-asked' },
      { proxy: wrong!.proxy, outcome: 'answered-prompt', cause: 'answered-ok' },
      { proxy: cancel!.proxy, outcome: 'prompted', cause: 'missing-credentials' },
      { proxy: cancel!.proxy, outcome: 'cancelled-user', cause: 'cancelled' },
      { proxy: deadProxy, outcome: 'proxy-error', cause: 'proxy-unreachable' },
    ];
    const log = await waitUntil(
      async () => {
        const l = await readLog(await b.messagingPage());
        return expected.every((e) => l.some((r) => r.proxy === e.proxy && r.outcome === e.outcome)) && l;
      },
      10_000,
      'every expected (proxy, outcome) in the log',
    );
    const unreachable = log.find((r) => r.outcome === 'proxy-error' && r.url.includes(dead!.host));
    ctx.facts['everyOutcome.unreachable'] = unreachable?.final;
    expect(unreachable?.final?.error).toMatch(/PROXY/);
    return { expected, deadProxy };
  });
}

/** The options page, showing the whole log (`total` records). */
async function openOptions(ctx: ScenarioContext): Promise<{ options: Page; log: LogRecord[] }> {
  const options = await ctx.stack.browser.openExtensionPage(OPTIONS_PATH);
  await waitForLogRows(options);
  const log = await readLog(await ctx.stack.browser.messagingPage());
  await filterOptionsLog(options, {});
  await waitUntil(async () => (await readShowing(options))?.total === log.length, 10_000, `the options page to show ${log.length} records`);
  return { options, log };
}

/** The cause and fix of the first record the options page shows for (proxy, outcome). */
async function readWords(options: Page, proxy: string, outcome: Outcome) {
  await filterOptionsLog(options, { proxy, outcome });
  const details = await openFirstLogRow(options);
  await filterOptionsLog(options, {});
  return details;
}

/** The diagnostics surface (options page, exports, admin report, popup, badge), written once for both browsers. */
export function describeDiagnostics(ctx: ScenarioContext): void {
  describe.sequential('diagnostics', () => {
    it('1. logs answered, prompted, rejected, cancelled and unreachable, each with its cause on the options page', async () => {
      const run = await everyOutcome(ctx);
      const { options, log } = await openOptions(ctx);
      for (const e of run.expected) {
        const rows = await filterOptionsLog(options, { proxy: e.proxy, outcome: e.outcome });
        expect(rows.length, `${e.proxy || '—'} ${e.outcome}`).toBeGreaterThanOrEqual(1);
        expect(rows, `${e.proxy || '—'} ${e.outcome}`).toEqual(rows.map(() => e));
      }
      // One record of each kind opened: its cause and fix, in words.
      for (const outcome of ['answered-saved', 'prompted', 'rejected', 'cancelled-user', 'proxy-error'] as const) {
        const e = run.expected.find((x) => x.outcome === outcome)!;
        const details = await readWords(options, e.proxy, outcome);
        expect(details.cause, outcome).toBe(e.cause);
        for (const text of [details.causeText, details.fixText]) {
          // A sentence ("Nothing to do." is the shortest fix), not an id or a key.
          expect(text, `${outcome} words`).toMatch(/^[A-Z].*\.$/);
          expect(text.split(/\s+/).filter((w) => /[a-z]{2,}/i.test(w)).length, `${outcome} words`).toBeGreaterThanOrEqual(3);
          expect(text).not.toMatch(/cause_|fix_|undefined/);
        }
      }
      const wrong = ctx.stack.route('wrong').proxy;
      const summary = await readSummaryRow(options, wrong);
      ctx.facts['1.summaryWrong'] = summary;
      expect(summary.rejections).toBeGreaterThanOrEqual(1);
      expect(summary.rejections).toBe(count(log, (r) => r.proxy === wrong && r.outcome === 'rejected'));
      // Its only silent answer was refused: not counted as answered.
      expect(summary.answeredSilently).toBe(0);
      expect(summary.lastProblem).not.toMatch(/^(rejected|cancelled-user)\b/);
      expect(await options.$$eval('[data-testid=timeline] rect', (rects) => rects.length)).toBeGreaterThan(0);
      await options.close();
    });

    it('2. filters narrow the table to exactly the matching records', async () => {
      await everyOutcome(ctx);
      const { options, log } = await openOptions(ctx);
      const total = log.length;
      const route = (n: 'wrong' | 'cancel' | 'prompted') => ctx.stack.route(n);
      const cases: [string, Parameters<typeof filterOptionsLog>[1], number][] = [
        ['outcome rejected', { outcome: 'rejected' }, count(log, (r) => r.outcome === 'rejected')],
        ['outcome prompted', { outcome: 'prompted' }, count(log, (r) => r.outcome === 'prompted')],
        ['proxy wrong', { proxy: route('wrong').proxy }, count(log, (r) => r.proxy === route('wrong').proxy)],
        [
          'proxy cancel + cancelled',
          { proxy: route('cancel').proxy, outcome: 'cancelled-user' },
          count(log, (r) => r.proxy === route('cancel').proxy && r.outcome === 'cancelled-user'),
        ],
        [
          'proxy prompted + answered-prompt',
          { proxy: route('prompted').proxy, outcome: 'answered-prompt' },
          count(log, (r) => r.proxy === route('prompted').proxy && r.outcome === 'answered-prompt'),
        ],
        ['text cancel.test', { text: route('cancel').host }, count(log, (r) => r.url.includes(route('cancel').host))],
        ['site wrong.test', { site: route('wrong').host }, count(log, (r) => new URL(r.url).hostname === route('wrong').host)],
      ];
      const measured: Record<string, string> = {};
      for (const [name, filter, want] of cases) {
        const rows = await filterOptionsLog(options, filter);
        const showing = await readShowing(options);
        measured[name] = `${showing?.shown} of ${showing?.total} (log says ${want})`;
        expect(want, name).toBeGreaterThanOrEqual(1);
        expect(want, name).toBeLessThan(total);
        expect(showing, name).toEqual({ shown: want, total });
        // The table is virtualised: it renders the first rows of what matches.
        expect(rows.length, name).toBeGreaterThanOrEqual(Math.min(want, 10));
        expect(rows.length, name).toBeLessThanOrEqual(want);
        if (filter.proxy !== undefined)
          expect(
            rows.filter((r) => r.proxy !== filter.proxy),
            name,
          ).toEqual([]);
        if (filter.outcome !== undefined)
          expect(
            rows.filter((r) => r.outcome !== filter.outcome),
            name,
          ).toEqual([]);
      }
      ctx.facts['2.filters'] = measured;
      // From tomorrow on: nothing; up to tomorrow: everything.
      await filterOptionsLog(options, {});
      const tomorrow = Date.now() + 24 * 3600_000;
      await setOptionsDateFilter(options, 'from', tomorrow);
      expect(await readShowing(options)).toEqual({ shown: 0, total });
      await setOptionsDateFilter(options, 'from', undefined);
      await setOptionsDateFilter(options, 'to', tomorrow);
      expect(await readShowing(options)).toEqual({ shown: total, total });
      await options.close();
    });

    it('3. exports JSON and CSV files with the records, their causes, no password and no query string', async () => {
      const run = await everyOutcome(ctx);
      const { options, log } = await openOptions(ctx);
      const dir = ctx.downloads;
      let before = new Set(await readdir(dir));
      await options.click('[data-testid=export-json]');
      const json = await waitForDownload(dir, /^proxy-keyring-log-\d{4}-\d{2}-\d{2}[ (\d)]*\.json$/, before);
      before = new Set(await readdir(dir));
      await options.click('[data-testid=export-csv]');
      const csv = await waitForDownload(dir, /^proxy-keyring-log-\d{4}-\d{2}-\d{2}[ (\d)]*\.csv$/, before);
      ctx.facts['3.files'] = [json.name, csv.name];

      const parsed = JSON.parse(json.text) as { format: string; version: number; records: (LogRecord & { cause: string; time: string })[] };
      expect(parsed.format).toBe('proxy-keyring-log');
      expect(parsed.version).toBe(1);
      expect(parsed.records).toHaveLength(log.length);
      for (const e of run.expected) expect(parsed.records, `json ${e.proxy} ${e.outcome}`).toContainEqual(expect.objectContaining(e));
      for (const r of parsed.records) {
        expect(r.url).not.toMatch(/[?#]/);
        expect(new Date(r.time).toISOString()).toBe(r.time);
        expect(r).not.toHaveProperty('password');
      }

      const [header, ...rows] = parseCsv(csv.text);
      expect(header?.join(',')).toBe(EXPORT_HEADER);
      expect(rows).toHaveLength(log.length);
      const column = (name: string) => header!.indexOf(name);
      const csvRecords = rows.map((cells) => ({
        proxy: cells[column('proxy')],
        outcome: cells[column('outcome')],
        cause: cells[column('cause')],
      }));
      for (const e of run.expected) expect(csvRecords, `csv ${e.proxy} ${e.outcome}`).toContainEqual(e);
      expect(rows.map((cells) => cells[column('url')])).toEqual(parsed.records.map((r) => r.url));
      expect(rows.find((cells) => cells[column('outcome')] === 'proxy-error')?.[column('error')]).toMatch(/PROXY/);

      for (const file of [json, csv]) {
        expect(findSecrets(file.text), file.name).toEqual([]);
        expect(file.text, file.name).not.toContain(QUERY);
      }
      await options.close();
    });

    it('4. builds an admin report: proxies, counts, causes in words, the browser, origins only, no password', async () => {
      const b = ctx.stack.browser;
      const run = await everyOutcome(ctx);
      const { options, log } = await openOptions(ctx);
      const wrong = ctx.stack.route('wrong').proxy;
      const refusedWords = (await readWords(options, wrong, 'rejected')).causeText;
      const unreachableWords = (await readWords(options, run.deadProxy, 'proxy-error')).causeText;
      const report = await copyAdminReport(options);
      ctx.facts['4.report'] = report;
      for (const name of ['saved', 'prompted', 'wrong', 'cancel'] as const)
        expect(report).toContain(`Proxy ${ctx.stack.route(name).proxy}`);
      expect(report).toContain(run.deadProxy === '' ? 'Proxy (not reported by the browser)' : `Proxy ${run.deadProxy}`);
      expect(report).toMatch(b.quirks.reportName);
      expect(report).toContain(`Records: ${log.length}`);
      const mine = log.filter((r) => r.proxy === wrong);
      const decisions = count(mine, (r) => ['answered-saved', 'prompted', 'attempt-cap', 'unsupported-scheme'].includes(r.outcome));
      // Its one silent answer was refused (the request's next challenge says "rejected"): not answered.
      expect(report).toContain(
        `Challenges: ${decisions}; answered silently: 0; prompts: ${count(mine, (r) => r.outcome === 'prompted')}; rejected credentials: ${count(mine, (r) => r.outcome === 'rejected')}`,
      );
      expect(report).toContain(refusedWords);
      expect(report).toContain(unreachableWords);
      expect(findSecrets(report)).toEqual([]);
      expect(report).not.toContain(QUERY);
      const urls = report.match(/https?:\/\/\S+/g) ?? [];
      expect(urls.length).toBeGreaterThanOrEqual(1);
      for (const u of urls) expect(u).toBe(new URL(u).origin);
      await options.close();
    });

    it('5. signing in through the toolbar popup answers a waiting challenge; the badge counts, then a refused credential alone reads "!"', async () => {
      const b = ctx.stack.browser;
      const popupRoute = ctx.stack.route('popup');
      const bang = ctx.stack.route('bang');
      expect(await b.readBadge()).toBe('');
      // The popup opens BEFORE the challenge: in Firefox a page opened while the
      // prompt is up lands in the prompt's popup window and closes with it.
      // docs/browser-behaviour.md#firefox-extension-pages
      const popup = await b.openExtensionPage(POPUP_PATH);
      await popup.setViewport({ width: 400, height: 700 });
      await popup.waitForSelector('[data-testid=nothing-waiting]');
      const loading = navigate(await b.freshPage(popupRoute.port), popupRoute.url('/'), 30_000);
      await b.waitForPrompt();
      // The popup follows the prompts live: no reload.
      await popup.waitForSelector('[data-testid=waiting-prompts] input[name=username]');
      const waiting = await waitUntil(() => readWaitingCount(popup), 10_000, "the popup's waiting count");
      expect(waiting).toBeGreaterThanOrEqual(1);
      expect(await b.readBadge()).toBe(String(waiting));
      expect(await readText(popup, '[data-testid=waiting-prompts]')).toContain(popupRoute.proxy);
      await popup.screenshot({ path: resolve(ARTIFACTS, `${ctx.name}-popup.png`) });

      await signIn(popup, CAROL.user, CAROL.password, 'session');
      expect(await loading).toBe(200);
      await waitUntil(async () => (await b.countPromptWindows()) === 0, 10_000, 'the prompt window to close after the popup sign-in');
      await popup.waitForSelector('[data-testid=nothing-waiting]', { timeout: 10_000 });
      expect(await waitUntil(async () => (await b.readBadge()) === '' || undefined, 5_000, 'an empty badge')).toBe(true);
      const rows = await readLogOf(await b.messagingPage(), popupRoute.proxy);
      expect(rows).toContainEqual(expect.objectContaining({ outcome: 'answered-prompt', username: CAROL.user }));

      // A saved credential the proxy refuses, and nothing waiting: "!".
      await seedCredential(await b.messagingPage(), { port: bang.port, username: ALICE.user, password: OTHER_WRONG_PASSWORD });
      const failing = navigate(await b.freshPage(bang.port), bang.url('/'), 20_000);
      const prompt = await b.waitForPrompt();
      await readPrompt(prompt);
      expect(
        await waitUntil(() => readText(prompt, '[data-testid=rejected]').then((t) => t ?? undefined), 10_000, 'the refused line'),
      ).toContain('refused');
      expect(await b.readBadge()).toMatch(/^[1-9]\d*$/);
      await cancelPromptWithEsc(prompt);
      expect(await failing).not.toBe(200);
      await waitUntil(async () => (await b.countPromptWindows()) === 0, 10_000, 'the prompt to close');
      expect(await waitUntil(async () => (await b.readBadge()) === '!' && '!', 10_000, 'the badge to read "!"')).toBe('!');
      expect((await listCredentials(await b.messagingPage())).find((c) => c.proxy.port === bang.port)?.rejected).toBe(true);
      await popup.waitForSelector('[data-testid=nothing-waiting]');
      expect(await readText(popup, '[data-testid=saved-proxies]')).toContain(bang.proxy);
      await popup.close();
    });

    it('6. screenshots of the options page (light and dark) with one record opened', async () => {
      const b = ctx.stack.browser;
      await everyOutcome(ctx);
      const { options } = await openOptions(ctx);
      await options.setViewport({ width: 1280, height: 1600 });
      await filterOptionsLog(options, { proxy: ctx.stack.route('wrong').proxy, outcome: 'rejected' });
      expect((await openFirstLogRow(options)).cause).toBe('credentials-rejected');
      // The whole log again, the opened record staying open; scrolled so the
      // details panel (below the log at this width) is in the picture.
      await filterOptionsLog(options, {});
      expect(await options.$eval('[data-testid=record-details]', (el) => el.getAttribute('data-cause'))).toBe('credentials-rejected');
      await options.evaluate(() => document.querySelector('[data-testid=record-details]')?.scrollIntoView({ block: 'end' }));
      await options.screenshot({ path: resolve(ARTIFACTS, `${ctx.name}-diagnostics-light.png`) });
      try {
        await b.setColorScheme(options, 'dark');
        await waitUntil(
          async () => options.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches),
          5_000,
          'dark colour scheme',
        );
        await options.screenshot({ path: resolve(ARTIFACTS, `${ctx.name}-diagnostics-dark.png`) });
      } finally {
        await b.setColorScheme(options, 'light');
      }
      await options.close();
    });
  });
}
