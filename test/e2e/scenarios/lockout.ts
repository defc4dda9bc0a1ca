import type { HTTPRequest, Page } from 'puppeteer-core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LogRecord } from '../../../src/core/log-record';
import { ACCOUNTS, ALICE, BOB, OTHER_WRONG_PASSWORD, WRONG_PASSWORD, type Account } from '../support/accounts';
import { POPUP_PATH } from '../support/extension';
import { readLogOf, readStandings, saveSettings, seedCredential, unlockProxy } from '../support/messages';
import { sleep } from '../support/ports';
import type { AccessEntry } from '../support/squid';
import type { Route, RouteSpec } from '../support/stack';
import {
  cancelPromptWithEsc,
  navigate,
  readPrompt,
  readPromptId,
  readText,
  readWaitingCount,
  signIn,
  waitForAnotherPrompt,
  waitUntil,
} from '../support/steps';
import type { ScenarioContext } from './context';

/**
 * The routes of the lockout scenarios, one per case (context.ts ROUTES takes
 * them in). Chromium parks at most 6 challenged requests per host: 12 hosts
 * let 60 wait at once. docs/browser-behaviour.md#parking-limits
 */
export const LOCKOUT_ROUTES = {
  lock1: { auth: 'basic', hosts: 12 },
  lock2: { auth: 'basic', hosts: 12 },
  lock3: { auth: 'basic', hosts: 12 },
  lock4: { auth: 'basic', hosts: 12 },
  lock5: { auth: 'basic' },
  // Digest for lock6.test, Basic for h1.lock6.test: one squid port, both schemes.
  lock6: { auth: 'mixed', hosts: 1, basicHosts: 1 },
  lock7: { auth: 'tinyproxy' },
  lock7b: { auth: 'tinyproxy', hosts: 4 },
  // Two proxies on one request: lock8a.test redirects to lock8b.test, each behind its own squid port.
  lock8a: { auth: 'basic' },
  lock8b: { auth: 'basic' },
} as const satisfies Record<string, RouteSpec>;

/** A user of scenario 2 only, so changing their password at squid touches no other scenario. */
const DAVE: Account = { user: 'dave', password: 'd4ve-old-pw' };
const DAVE_NEW_PASSWORD = 'd4ve-new-pw';

const N = 60;

const outcomesOf = (rows: readonly LogRecord[]) => rows.map((r) => r.outcome);
const requestsWith = (rows: readonly LogRecord[], outcome: string) =>
  new Set(rows.filter((r) => r.outcome === outcome).map((r) => r.requestId));

/** 407s to requests that carried `user`'s credentials through the route (failed logins), from squid's own log. */
function failedLogins(entries: readonly AccessEntry[], route: Route, user: string): AccessEntry[] {
  return entries.filter((e) => e.port === route.port && e.status === 407 && e.user === user);
}

/**
 * Per request (each has its own URL), who sent what: a request whose first
 * line in squid's log already carries the user's credentials was sent them by
 * the browser from its own cache, before any challenge reached the extension;
 * every further failed login on that URL, and every one on a URL first
 * challenged without credentials, came after a challenge, from the extension.
 */
function splitResends(entries: readonly AccessEntry[], route: Route, user: string): { browser: number; extension: number } {
  const byUrl = new Map<string, AccessEntry[]>();
  for (const e of entries.filter((x) => x.port === route.port)) byUrl.set(e.url, [...(byUrl.get(e.url) ?? []), e]);
  let browser = 0;
  let extension = 0;
  for (const lines of byUrl.values()) {
    lines.forEach((line, i) => {
      if (line.status !== 407 || line.user !== user) return;
      if (i === 0) browser += 1;
      else extension += 1;
    });
  }
  return { browser, extension };
}

interface Burst {
  readonly page: Page;
  readonly url: string;
  readonly failed: string[];
  /** Squid's log lines before the burst: only what comes after is the burst's. */
  readonly logFrom: number;
}

/** A page on 127.0.0.1 (DIRECT) whose N fetches go to the route's 12 host names, each meeting its own 407. */
async function startBurst(ctx: ScenarioContext, page: Page, route: Route, n = N): Promise<Burst> {
  const failed: string[] = [];
  page.on('requestfailed', (req: HTTPRequest) => failed.push(`${req.url()} ${req.failure()?.errorText ?? ''}`));
  const logFrom = (await ctx.stack.squid.accessLog()).length;
  const url = ctx.stack.directUrl(`/many?n=${n}&kinds=fetch&hosts=${route.hosts.join(',')}`);
  expect(await navigate(page, url, 30_000)).toBe(200);
  return { page, url, failed, logFrom };
}

async function burstEntries(ctx: ScenarioContext, burst: Burst): Promise<AccessEntry[]> {
  return (await ctx.stack.squid.accessLog()).slice(burst.logFrom);
}

function waitForBurstDone(page: Page, timeoutMs = 60_000): Promise<unknown> {
  return page.waitForFunction(() => document.body.dataset['done'] === 'true', { timeout: timeoutMs });
}

/** The prompt's waiting count once it has not moved for a second (the challenges have gathered). */
async function settledWaitingCount(prompt: Page, atLeast: number): Promise<number> {
  let max = 0;
  let last = -1;
  let stableSince = Date.now();
  await waitUntil(
    async () => {
      const count = (await readWaitingCount(prompt)) ?? 0;
      max = Math.max(max, count);
      if (count !== last) {
        last = count;
        stableSince = Date.now();
      }
      return count >= atLeast && Date.now() - stableSince >= 1_000;
    },
    20_000,
    `at least ${atLeast} waiting challenges`,
  ).catch(() => undefined);
  return max;
}

/** The promise of issue 7, over both browsers: a wrong password, saved or typed, costs at most one failed login. */
export function describeLockout(ctx: ScenarioContext): void {
  /** Ends every prompt still open (Esc), a few times over: one that opens as another closes is ended too. */
  async function closeStrayPrompts(): Promise<void> {
    const b = ctx.stack.browser;
    for (let i = 0; i < 3 && (await b.countPromptWindows()) > 0; i++) {
      await cancelPromptWithEsc(await b.waitForPrompt(2_000)).catch(() => undefined);
      await sleep(500);
    }
  }

  const waitForNoPrompt = () =>
    waitUntil(async () => (await ctx.stack.browser.countPromptWindows()) === 0, 10_000, 'the prompt window to close itself');

  /**
   * After the right password was typed: Chromium sends every waiting request
   * at once; Firefox loads the one request that carried the check of the typed
   * password, and every other was held back, behind the stale password's check
   * or behind this one, and a reload loads all, from the browser's own cache.
   * docs/browser-behaviour.md#firefox-holds-auth-answers
   */
  async function expectLoadsAfterRightPassword(burst: Burst, proxy: string, key: string): Promise<void> {
    const b = ctx.stack.browser;
    await waitForBurstDone(burst.page);
    const first = await burst.page.title();
    ctx.facts[`${key}.firstPass`] = first;
    if (b.quirks.holdsAnswersWhileOthersWait) {
      // Every request the page saw fail was one the extension held back, and the rest loaded.
      const heldBack = requestsWith(await readLogOf(await b.messagingPage(), proxy), 'held-back').size;
      expect(first).toBe(heldBack === 0 ? `loaded ${N}/${N}` : `loaded ${N - heldBack}/${N} errors ${heldBack}`);
      expect(await navigate(burst.page, burst.url, 30_000)).toBe(200);
      await waitForBurstDone(burst.page);
      ctx.facts[`${key}.reload`] = await burst.page.title();
      expect(await burst.page.title()).toBe(`loaded ${N}/${N}`);
    } else {
      expect(first).toBe(`loaded ${N}/${N}`);
      expect(burst.failed).toEqual([]);
    }
  }

  /**
   * The proxy's log records and the prompt's waiting count, in Firefox once
   * every request of the burst is either held back behind the check (each
   * 300 ms after its own challenge) or waits on the prompt, or after 15 s.
   * Which of the two a request meets depends on when Firefox hands its
   * challenge over: before the check's verdict it is held back, after it it
   * joins the prompt. Under CI load Firefox handed them over slowly (seen: 4
   * held back and the rest on the prompt; alone: 59 held back).
   */
  async function readAfterHoldBack(prompt: Page, proxy: string): Promise<{ rows: LogRecord[]; waiting: number }> {
    const b = ctx.stack.browser;
    const read = async () => ({
      rows: await readLogOf(await b.messagingPage(), proxy),
      waiting: (await readWaitingCount(prompt)) ?? 0,
    });
    if (!b.quirks.holdsAnswersWhileOthersWait) return read();
    const deadline = Date.now() + 15_000;
    let seen = await read();
    while (requestsWith(seen.rows, 'held-back').size + seen.waiting < N && Date.now() < deadline) {
      await sleep(250);
      seen = await read();
    }
    return seen;
  }

  /** What squid, the extension's log and the prompt windows say about a page that did not load: a failure's own evidence. */
  async function whyNotLoaded(url: string, route: Route): Promise<string> {
    const b = ctx.stack.browser;
    const path = new URL(url).pathname + new URL(url).search;
    const lines = (await ctx.stack.squid.accessLog()).filter((e) => e.port === route.port && e.url.endsWith(path));
    const rows = await readLogOf(await b.messagingPage(), route.proxy).catch((error: unknown) => String(error));
    return JSON.stringify({ squid: lines, log: rows, promptWindows: await b.countPromptWindows() });
  }

  describe.sequential('lockout: one failed login per wrong password, whatever the load', () => {
    // A scenario that failed with its prompt open must not hand that prompt to the next one.
    beforeEach(closeStrayPrompts);

    it('L1. a stale saved password in a fresh browser, 60 requests at once: at most one failed login, one prompt, then the right password loads them', async () => {
      const { browser: b } = ctx.stack;
      const r = ctx.stack.route('lock1');
      await seedCredential(await b.messagingPage(), { port: r.port, username: ALICE.user, password: WRONG_PASSWORD });
      const prompts = b.watchPromptWindows();
      try {
        const burst = await startBurst(ctx, await b.freshPage(r.port), r);
        const prompt = await b.waitForPrompt();
        await readPrompt(prompt);
        const settled = await settledWaitingCount(prompt, b.quirks.holdsAnswersWhileOthersWait ? 1 : 50);
        const { rows, waiting } = await readAfterHoldBack(prompt, r.proxy);
        const heldBack = requestsWith(rows, 'held-back').size;
        const entries = await burstEntries(ctx, burst);
        const failed = failedLogins(entries, r, ALICE.user).length;
        ctx.facts['L1'] = { failedLogins: failed, resends: splitResends(entries, r, ALICE.user), waitingInPrompt: waiting, heldBack };
        // The extension's own share: it sent the password once, and heard it refused once.
        expect(requestsWith(rows, 'answered-saved').size).toBe(1);
        expect(requestsWith(rows, 'rejected').size).toBe(1);
        // Counted at the proxy: 1 when run alone in both browsers. Under load both browsers send the password they were just
        // given on requests they let go before the proxy judged it (docs/browser-behaviour.md#credential-caches); counted in the facts.
        if (!b.quirks.resendsGivenPasswordUnderLoad) expect(failed).toBeLessThanOrEqual(1);
        expect(await b.countPromptWindows()).toBe(1);
        expect(await readText(prompt, '[data-testid=rejected]')).toContain('refused');
        // Every request is accounted for: waiting on the prompt, or (Firefox) held back behind the check.
        if (b.quirks.holdsAnswersWhileOthersWait) expect(heldBack + waiting).toBe(N);
        else expect(settled).toBeGreaterThanOrEqual(50);

        await signIn(prompt, ALICE.user, ALICE.password, 'session');
        await expectLoadsAfterRightPassword(burst, r.proxy, 'L1');
        expect(failedLogins(await burstEntries(ctx, burst), r, ALICE.user)).toHaveLength(failed);
        expect(prompts.count()).toBe(1);
        await waitForNoPrompt();
      } finally {
        prompts.stop();
      }
    });

    it("L2. the browser's cached password changes at the proxy: the browser's own re-sends counted apart, the extension's share at most one", async () => {
      const { browser: b, squid } = ctx.stack;
      const r = ctx.stack.route('lock2');
      await squid.setUsers([...ACCOUNTS, DAVE]);
      try {
        await seedCredential(await b.messagingPage(), { port: r.port, username: DAVE.user, password: DAVE.password });
        const page = await b.freshPage(r.port);
        // A session where the browser was given the password (by the extension) and the proxy accepted it.
        const warm = r.url('/hello.txt?warm');
        const warmStatus = await navigate(page, warm, 30_000);
        expect(warmStatus, warmStatus === 200 ? '' : await whyNotLoaded(warm, r)).toBe(200);
        const acceptedAt = Date.now();
        expect(await readLogOf(await b.messagingPage(), r.proxy)).toContainEqual(
          expect.objectContaining({ outcome: 'answered-saved', username: DAVE.user }),
        );
        await squid.setUsers([...ACCOUNTS, { user: DAVE.user, password: DAVE_NEW_PASSWORD }]);
        // Past the extension's short trust after an accepted answer (verifier.ts trustMs, 5 s): a
        // password rotated within it would be sent without a probe (reported, not pinned here).
        await sleep(Math.max(0, acceptedAt + 6_000 - Date.now()));

        const prompts = b.watchPromptWindows();
        try {
          const burst = await startBurst(ctx, page, r);
          const prompt = await b.waitForPrompt(20_000);
          await readPrompt(prompt);
          await settledWaitingCount(prompt, 1);
          // Give every request the time to have been re-sent by the browser and challenged.
          await sleep(2_000);
          const entries = await burstEntries(ctx, burst);
          const split = splitResends(entries, r, DAVE.user);
          const rows = (await readLogOf(await b.messagingPage(), r.proxy)).filter((x) => x.time >= acceptedAt);
          ctx.facts['L2'] = {
            browserResends: split.browser,
            // Failed logins on a URL first challenged without credentials: the extension's, or the browser's cached copy tried on the 407.
            afterChallengeFailedLogins: split.extension,
            allFailedLogins: failedLogins(entries, r, DAVE.user).length,
            extensionAnswered: requestsWith(rows, 'answered-saved').size,
            rejected: requestsWith(rows, 'rejected').size,
            heldBack: requestsWith(rows, 'held-back').size,
            waitingInPrompt: await readWaitingCount(prompt),
          };
          // The extension's own log says how often it sent the password. In squid's log, a failed
          // login after a challenge can still be the browser's: Chromium tries its cached copy on a
          // 407 before asking the extension (seen: 2 such lines with 1 answer logged, under load).
          expect(requestsWith(rows, 'answered-saved').size).toBeLessThanOrEqual(1);
          expect(requestsWith(rows, 'rejected').size).toBeLessThanOrEqual(1);
          await cancelPromptWithEsc(prompt);
          await waitForNoPrompt();
        } finally {
          prompts.stop();
        }
      } finally {
        await squid.setUsers([...ACCOUNTS]);
      }
    });

    it('L3. a wrong password typed into a prompt 60 requests wait on: one failed login, the prompt says so with the user name kept, then the right one loads them', async () => {
      const { browser: b } = ctx.stack;
      const r = ctx.stack.route('lock3');
      const burst = await startBurst(ctx, await b.freshPage(r.port), r);
      const first = await b.waitForPrompt();
      await readPrompt(first);
      const waitingBefore = await settledWaitingCount(first, 50);
      expect(waitingBefore).toBeGreaterThanOrEqual(50);
      const firstId = await readPromptId(first);

      await signIn(first, ALICE.user, WRONG_PASSWORD, 'session');
      const again = await waitForAnotherPrompt((t) => b.waitForPrompt(t), firstId);
      await readPrompt(again);
      const rejected = await waitUntil(() => readText(again, '[data-testid=rejected]').then((t) => t ?? undefined), 10_000, 'refused');
      const settledAgain = await settledWaitingCount(again, b.quirks.holdsAnswersWhileOthersWait ? 1 : 50);
      const failed = failedLogins(await burstEntries(ctx, burst), r, ALICE.user).length;
      const { rows, waiting: waitingAgain } = await readAfterHoldBack(again, r.proxy);
      const heldBack = requestsWith(rows, 'held-back').size;
      ctx.facts['L3'] = {
        failedLogins: failed,
        waitingBefore,
        waitingAgain,
        heldBack,
        failedLoginsLine: await readText(again, '[data-testid=failed-logins]'),
      };
      expect(failed).toBeLessThanOrEqual(1);
      expect(rejected).toContain('refused');
      expect(rejected).toContain(ALICE.user);
      expect(await again.$eval('input[name=username]', (el) => el.value)).toBe(ALICE.user);
      expect(await readText(again, '[data-testid=failed-logins]')).toMatch(/1/);
      if (!b.quirks.holdsAnswersWhileOthersWait) expect(settledAgain).toBeGreaterThanOrEqual(50);
      else expect(heldBack + waitingAgain).toBe(N);

      await signIn(again, ALICE.user, ALICE.password, 'session');
      await expectLoadsAfterRightPassword(burst, r.proxy, 'L3');
      expect(failedLogins(await burstEntries(ctx, burst), r, ALICE.user)).toHaveLength(failed);
      await waitForNoPrompt();
    });

    it("L4. two wrong saved accounts with afterRefusal 'next': at most one failed login each, then the proxy is locked and no prompt opens", async () => {
      const { browser: b } = ctx.stack;
      const r = ctx.stack.route('lock4');
      const ext = await b.messagingPage();
      await saveSettings(ext, { afterRefusal: 'next' });
      const prompts = b.watchPromptWindows();
      try {
        await seedCredential(ext, { port: r.port, username: ALICE.user, password: WRONG_PASSWORD });
        await seedCredential(ext, { port: r.port, username: BOB.user, password: OTHER_WRONG_PASSWORD });
        const burst = await startBurst(ctx, await b.freshPage(r.port), r);
        await waitForBurstDone(burst.page);
        const standing = await waitUntil(
          async () => (await readStandings(await b.messagingPage())).find((s) => s.proxy === r.proxy && s.lockedAt !== undefined),
          10_000,
          'the proxy to be locked',
        );
        await sleep(1_000);
        const entries = await burstEntries(ctx, burst);
        const rows = await readLogOf(await b.messagingPage(), r.proxy);
        ctx.facts['L4'] = {
          alice: failedLogins(entries, r, ALICE.user).length,
          bob: failedLogins(entries, r, BOB.user).length,
          standing,
          page: await burst.page.title(),
          locked: requestsWith(rows, 'locked').size,
          extensionAnswered: requestsWith(rows, 'answered-saved').size,
          rejected: requestsWith(rows, 'rejected').size,
          heldBack: requestsWith(rows, 'held-back').size,
        };
        if (!b.quirks.resendsGivenPasswordUnderLoad) {
          expect(failedLogins(entries, r, ALICE.user).length).toBeLessThanOrEqual(1);
          expect(failedLogins(entries, r, BOB.user).length).toBeLessThanOrEqual(1);
        }
        // The extension sent each account once: one answer and one refusal per account in its own log.
        for (const user of [ALICE.user, BOB.user]) {
          expect(new Set(rows.filter((x) => x.outcome === 'answered-saved' && x.username === user).map((x) => x.requestId)).size).toBe(1);
        }
        expect(rows.filter((x) => x.outcome === 'rejected')).toHaveLength(2);
        expect(standing.failedLogins).toBe(2);
        expect(outcomesOf(rows)).toContain('locked');
        expect(outcomesOf(rows)).not.toContain('prompted');
        expect(prompts.count()).toBe(0);
        expect(await b.countPromptWindows()).toBe(0);
      } finally {
        prompts.stop();
        const page = await b.messagingPage();
        await saveSettings(page, { afterRefusal: 'ask' });
        await unlockProxy(page, r.proxy);
      }
    });

    it('L5. the lock after two refusals shows in the popup with why and since when, the badge reads LOCK, and Unlock lifts it', async () => {
      const { browser: b, squid } = ctx.stack;
      const r = ctx.stack.route('lock5');
      await seedCredential(await b.messagingPage(), { port: r.port, username: ALICE.user, password: WRONG_PASSWORD });
      const loading = navigate(await b.freshPage(r.port), r.url('/hello.txt?lock5-1'), 30_000);
      const prompt = await b.waitForPrompt();
      await readPrompt(prompt);
      await waitUntil(() => readText(prompt, '[data-testid=rejected]').then((t) => t ?? undefined), 10_000, 'refused');
      // The second refusal, typed: the proxy is now locked, and the request ends without a new prompt.
      await signIn(prompt, ALICE.user, OTHER_WRONG_PASSWORD, 'device');
      ctx.facts['L5.lockedNavigation'] = await loading;
      const standing = await waitUntil(
        async () => (await readStandings(await b.messagingPage())).find((s) => s.proxy === r.proxy && s.lockedAt !== undefined),
        10_000,
        'the proxy to be locked',
      );
      expect(standing.failedLogins).toBe(2);
      await waitForNoPrompt();
      expect(failedLogins(await squid.accessLog(), r, ALICE.user)).toHaveLength(2);
      expect(await b.readBadge()).toBe('LOCK');

      const popup = await b.openExtensionPage(POPUP_PATH);
      const item = `[data-testid=locked-proxies] li[data-proxy="${r.proxy}"]`;
      await popup.waitForSelector(item, { timeout: 20_000 }).catch(async (error: unknown) => {
        ctx.facts['L5.popupWithoutLock'] = await readText(popup, 'body');
        throw error;
      });
      const text = (await readText(popup, item)) ?? '';
      ctx.facts['L5.popup'] = text;
      expect(text).toContain(r.proxy);
      expect(text).toMatch(/refused 2 passwords; locked/);
      await popup.click(`${item} [data-testid=unlock]`);
      await waitUntil(
        async () => !(await readStandings(await b.messagingPage())).some((s) => s.proxy === r.proxy && s.lockedAt !== undefined),
        10_000,
        'the proxy to be unlocked',
      );
      await waitUntil(async () => (await popup.$(item)) === null, 10_000, 'the popup to drop the locked proxy');
      const othersLocked = (await readStandings(await b.messagingPage())).some((s) => s.lockedAt !== undefined);
      if (!othersLocked) expect(await b.readBadge()).not.toBe('LOCK');
      await popup.close().catch(() => undefined);

      // Unlocked: the next challenge is asked again (the saved password stays refused), and the right one loads.
      const url = r.url('/hello.txt?lock5-2');
      const next = navigate(await b.freshPage(r.port), url, 30_000);
      const asked = await b.waitForPrompt();
      await readPrompt(asked);
      await signIn(asked, ALICE.user, ALICE.password, 'device');
      expect(await next).toBe(200);
      expect(failedLogins(await squid.accessLog(), r, ALICE.user)).toHaveLength(2);
      await waitForNoPrompt();
    });

    it('L6. a password accepted with Digest is not sent to the same proxy’s Basic challenge without asking', async () => {
      const { browser: b, squid, origin } = ctx.stack;
      const r = ctx.stack.route('lock6');
      await seedCredential(await b.messagingPage(), { port: r.port, username: ALICE.user, password: ALICE.password });
      const page = await b.freshPage(r.port);
      expect(await navigate(page, r.url('/'), 30_000)).toBe(200);
      expect(await readLogOf(await b.messagingPage(), r.proxy)).toContainEqual(
        expect.objectContaining({ outcome: 'answered-saved', scheme: 'digest', username: ALICE.user }),
      );
      // The same proxy (host:port) now asks Basic, for another site behind it.
      const basicUrl = `http://${r.hosts[0]}:${origin.httpPort}/hello.txt?basic`;
      const loading = navigate(page, basicUrl, 30_000);
      const prompt = await b.waitForPrompt();
      await readPrompt(prompt);
      const notice = await waitUntil(
        () => readText(prompt, '[data-testid=prompt-notice-downgrade]').then((t) => t ?? undefined),
        10_000,
        'the downgrade notice',
      );
      const lines = (await squid.accessLog()).filter((e) => e.port === r.port && e.url === basicUrl);
      const rows = (await readLogOf(await b.messagingPage(), r.proxy)).filter((x) => x.url.includes(r.hosts[0]!));
      ctx.facts['L6'] = { notice, squid: lines.map((e) => `${e.status} ${e.user ?? '-'}`), outcomes: outcomesOf(rows) };
      expect(rows).toContainEqual(expect.objectContaining({ outcome: 'prompted', scheme: 'basic' }));
      // Nothing answered for it: squid let nothing through, the extension sent nothing.
      expect(lines.filter((e) => e.status === 200)).toEqual([]);
      expect(outcomesOf(rows).filter((o) => o.startsWith('answered'))).toEqual([]);
      await cancelPromptWithEsc(prompt);
      expect(await loading).not.toBe(200);
      await waitForNoPrompt();
    });

    it('L7a. a proxy that refuses with 401 (Debian tinyproxy), one page: the wrong saved password goes once, site-login-after-answer, nothing more', async () => {
      const { browser: b } = ctx.stack;
      const r = ctx.stack.route('lock7');
      const tp = ctx.stack.tinyproxy('lock7');
      await seedCredential(await b.messagingPage(), { port: r.port, username: ALICE.user, password: WRONG_PASSWORD });
      const page = await b.freshPage(r.port);
      const url = r.url('/hello.txt?tinyproxy-1');
      // Where a native login dialog opens for the 401 (Firefox), the load never ends by itself.
      const expected = b.quirks.unansweredSite401(url);
      const result = await navigate(page, url, expected === undefined ? 5_000 : 15_000);
      if (expected !== undefined) expect(result).toBe(expected);
      await waitUntil(
        async () => (await readLogOf(await b.messagingPage(), r.proxy)).some((x) => x.outcome === 'site-login-after-answer'),
        10_000,
        'site-login-after-answer in the log',
      );
      // Another page of the same session: the extension sends nothing more (the browser may re-send its own copy).
      const other = await page.browserContext().newPage();
      const url2 = r.url('/hello.txt?tinyproxy-2');
      ctx.facts['L7a.second'] = await navigate(other, url2, 5_000);
      await sleep(1_000);
      const wrong = (u: string) => tp.attempts().filter((a) => a.url === u && a.password === WRONG_PASSWORD);
      const first = tp.attempts().filter((a) => a.url === url2)[0];
      const rows = await readLogOf(await b.messagingPage(), r.proxy);
      ctx.facts['L7a'] = {
        firstPage: wrong(url).map((a) => a.status),
        secondPage: tp
          .attempts()
          .filter((a) => a.url === url2)
          .map((a) => `${a.status} ${a.user ?? '-'}`),
        outcomes: outcomesOf(rows),
      };
      expect(wrong(url)).toHaveLength(1);
      expect(wrong(url)[0]?.status).toBe(401);
      expect(rows.filter((x) => x.outcome === 'site-login-after-answer')).toHaveLength(1);
      // What the browser re-sent by itself (its copy, on the first line of the URL) is not the extension's.
      const browserResent = first?.password === WRONG_PASSWORD ? 1 : 0;
      expect(wrong(url2).length - browserResent).toBe(0);
      expect(rows.filter((x) => x.outcome === 'answered-saved')).toHaveLength(1);
      for (const p of [page, other]) await Promise.race([p.close().catch(() => undefined), sleep(5_000)]);
    });

    it('L8. one request challenged by two proxies (a redirect): each is a first challenge there, both answered, nothing marked refused', async () => {
      const { browser: b, squid } = ctx.stack;
      const [first, second] = [ctx.stack.route('lock8a'), ctx.stack.route('lock8b')];
      const ext = await b.messagingPage();
      await seedCredential(ext, { port: first.port, username: ALICE.user, password: ALICE.password });
      await seedCredential(ext, { port: second.port, username: BOB.user, password: BOB.password });
      // Fresh for both proxies (the page of the last call is fresh for every proxy asked for so far).
      await (await b.freshPage(second.port)).close();
      const page = await b.freshPage(first.port);
      const target = second.url('/hello.txt?l8');
      expect(await navigate(page, first.url(`/redirect?to=${encodeURIComponent(target)}`), 30_000)).toBe(200);
      const rows = [...(await readLogOf(ext, first.proxy)), ...(await readLogOf(ext, second.proxy))];
      const answered = rows.filter((x) => x.outcome === 'answered-saved');
      const lines = (await squid.accessLog()).filter((e) => e.port === first.port || e.port === second.port);
      const standings = await readStandings(ext);
      ctx.facts['L8'] = {
        answered: answered.map((x) => `${x.proxy} ${x.username ?? ''} ${x.requestId} ${x.url}`),
        squid: lines.map((e) => `${e.time} ${e.port === first.port ? 'first' : 'second'} ${e.status} ${e.user ?? '-'} ${e.url}`),
      };
      // One request, answered once at each proxy with that proxy's own account.
      expect(new Set(answered.map((x) => x.requestId)).size).toBe(1);
      expect(answered.map((x) => [x.proxy, x.username])).toEqual(
        expect.arrayContaining([
          [first.proxy, ALICE.user],
          [second.proxy, BOB.user],
        ]),
      );
      expect(outcomesOf(rows)).not.toContain('rejected');
      expect(lines.filter((e) => e.status === 407 && e.user !== null)).toEqual([]);
      expect(standings.filter((s) => [first.proxy, second.proxy].includes(s.proxy) && s.failedLogins > 0)).toEqual([]);
      await Promise.race([page.close().catch(() => undefined), sleep(5_000)]);
    });

    // What the extension controls in a burst at a 401-refusing proxy is its own share: it answers once. The rest
    // is the browser's, measured and kept in the facts (docs/browser-behaviour.md#tinyproxy-401): Chromium re-sends
    // the password it was given on every request its 401 does not clear, and a fetch's 401 reaches no extension.
    it('L7b. the same proxy, 20 fetches at once: the extension sends the wrong saved password once; the browser re-sends are measured', async () => {
      const { browser: b } = ctx.stack;
      const r = ctx.stack.route('lock7b');
      const tp = ctx.stack.tinyproxy('lock7b');
      await seedCredential(await b.messagingPage(), { port: r.port, username: ALICE.user, password: WRONG_PASSWORD });
      const page = await b.freshPage(r.port);
      const n = 20;
      expect(await navigate(page, ctx.stack.directUrl(`/many?n=${n}&kinds=fetch&hosts=${r.hosts.join(',')}`), 30_000)).toBe(200);
      await sleep(3_000);
      const rows = await readLogOf(await b.messagingPage(), r.proxy);
      const sent = tp.attempts().filter((a) => a.password === WRONG_PASSWORD);
      ctx.facts['L7b'] = {
        challengesWithoutCredentials: tp.attempts().filter((a) => a.user === null).length,
        wrongPasswordSent: sent.length,
        statuses: [...new Set(sent.map((a) => a.status))],
        extensionAnswered: requestsWith(rows, 'answered-saved').size,
        outcomes: [...new Set(outcomesOf(rows))],
        page: await page.title(),
      };
      expect(requestsWith(rows, 'answered-saved').size).toBe(1);
      expect(sent.length).toBeGreaterThanOrEqual(1);
      // Chromium's waiting requests go to a prompt. Firefox holds most back, but one it hands over after the check's
      // verdict joins a prompt too (seen: outcome "prompted", 15 of 20 still waiting): none is left for the next scenario.
      if (!b.quirks.holdsAnswersWhileOthersWait) {
        const prompt = await b.waitForPrompt().catch(() => undefined);
        if (prompt) await cancelPromptWithEsc(prompt);
      }
      await closeStrayPrompts();
      await Promise.race([page.close().catch(() => undefined), sleep(5_000)]);
    });
  });
}
