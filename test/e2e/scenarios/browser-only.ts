import { describe, expect, it } from 'vitest';
import { ALICE } from '../support/accounts';
import { OPTIONS_PATH } from '../support/extension';
import { asFirefox } from '../support/firefox';
import { listCredentials, readLog, readLogOf, seedCredential } from '../support/messages';
import {
  copyAdminReport,
  navigate,
  readPrompt,
  readShowing,
  readText,
  signIn,
  waitUntil,
  filterOptionsLog,
  waitForLogRows,
} from '../support/steps';
import { waitForAccepted } from '../support/squid';
import type { ScenarioContext } from './context';
import { everyOutcome } from './diagnostics';

/**
 * What only one browser has: each case names the browser behaviour it pins.
 * Registered only for that browser (never skipped).
 */
export function describeBrowserOnly(ctx: ScenarioContext): void {
  if (ctx.name === 'chromium') describeChromiumOnly(ctx);
  else describeFirefoxOnly(ctx);
}

function describeChromiumOnly(ctx: ScenarioContext): void {
  describe.sequential('Chromium only', () => {
    // Firefox has no way to stop an event page on the spot that keeps the open prompt.
    it('h2. when the worker is killed anyway while the prompt is open, submitting still saves and says to reload', async () => {
      const { browser: b, squid } = ctx.stack;
      const r = ctx.stack.route('h2');
      const url = r.url('/');
      const loading = navigate(await b.freshPage(r.port), url, 30_000);
      const prompt = await b.waitForPrompt();
      await readPrompt(prompt);
      // Forced stop (DevTools' "stop" on the worker): the parked request is lost with it.
      await b.stopBackground();
      const lost = await loading;
      ctx.facts['h2.parkedRequestAfterKill'] = lost;
      expect(lost).not.toBe(200);

      // The user, unaware, signs in: the message wakes a fresh worker that no
      // longer knows the prompt, so it saves the credential and says to reload.
      await signIn(prompt, ALICE.user, ALICE.password);
      await prompt.waitForSelector('[data-testid=notice]', { timeout: 10_000 });
      expect(await readText(prompt, '[data-testid=notice]')).toContain('reload');
      const saved = (await listCredentials(await b.messagingPage())).find((c) => c.proxy.port === r.port);
      expect(saved).toMatchObject({ username: ALICE.user, rejected: false, scope: 'device' });
      await prompt.close();

      // The reload is then answered from what was saved, with no prompt.
      const prompts = b.watchPromptWindows();
      try {
        expect(await navigate(await b.freshPage(r.port), url, 30_000)).toBe(200);
        expect(prompts.count()).toBe(0);
        await waitForAccepted(squid, { port: r.port, user: ALICE.user, url });
      } finally {
        prompts.stop();
      }
    });

    // docs/browser-behaviour.md#idle-wakes: Chrome wakes a worker for the listeners it had when it was stopped.
    it('k2. a worker stopped while it tracked a request leaves nothing that wakes it for pages that never challenge', async () => {
      const b = ctx.stack.browser;
      const [auth, open] = [ctx.stack.route('k2'), ctx.stack.route('kopen')];
      const loading = navigate(await b.freshPage(auth.port), auth.url('/hello.txt?k2'), 30_000);
      const prompt = await b.waitForPrompt();
      await readPrompt(prompt);
      // Stopped while the challenged request is tracked, so while it listens to responses and ends.
      await b.stopBackground();
      expect(await loading).not.toBe(200);
      await prompt.close().catch(() => undefined);
      const page = await b.freshPage(open.port);
      // The first page may wake it once (that start drops what the stopped worker left); then it is stopped again.
      expect(await navigate(page, open.url('/hello.txt?k2-first'), 30_000)).toBe(200);
      await b.stopBackground();
      const runningAfter: boolean[] = [];
      for (let i = 0; i < 10; i++) {
        expect(await navigate(page, open.url(`/hello.txt?k2-open-${i}`), 30_000)).toBe(200);
        runningAfter.push(await b.isBackgroundRunning());
      }
      ctx.facts['k2.idleWakes'] = { loads: runningAfter.length, woken: runningAfter.filter(Boolean).length };
      expect(runningAfter.filter(Boolean)).toEqual([]);
      await page.close().catch(() => undefined);
    });

    // Chromium's error events carry no proxy: docs/browser-behaviour.md#proxy-errors
    it('2b. the proxy filter\'s "not reported" entry (records whose proxy the browser did not name) narrows to those records', async () => {
      const b = ctx.stack.browser;
      await everyOutcome(ctx);
      const log = await readLog(await b.messagingPage());
      const want = log.filter((r) => r.proxy === '').length;
      expect(want).toBeGreaterThanOrEqual(1);
      const options = await b.openExtensionPage(OPTIONS_PATH);
      await waitForLogRows(options);
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
      expect((await readShowing(options))?.shown).toBe(want);
      expect(rows.filter((p) => p !== '')).toEqual([]);
      await options.close();
    });

    // Headless Chromium has no user to allow clipboard access; the test grants it to the extension's origin.
    it('4b. the copied admin report is on the clipboard', async () => {
      const b = ctx.stack.browser;
      await everyOutcome(ctx);
      const options = await b.openExtensionPage(OPTIONS_PATH);
      await waitForLogRows(options);
      await b.browser
        .defaultBrowserContext()
        .overridePermissions(b.extensionOrigin.replace(/\/$/, ''), ['clipboard-read', 'clipboard-sanitized-write']);
      const report = await copyAdminReport(options);
      expect(report).toContain('Records: ');
      expect(await options.evaluate(() => navigator.clipboard.readText())).toBe(report);
      await options.close();
    });
  });
}

function describeFirefoxOnly(ctx: ScenarioContext): void {
  describe.sequential('Firefox only', () => {
    // Chromium's optional-permission dialog cannot be accepted headless.
    it('7. the proxy settings inspector asks for the proxy permission on click and says what the browser uses', async () => {
      const b = ctx.stack.browser;
      const options = await b.openExtensionPage(OPTIONS_PATH);
      const granted = () =>
        options.evaluate(() =>
          (globalThis as unknown as { browser: { permissions: { contains(p: object): Promise<boolean> } } }).browser.permissions.contains({
            permissions: ['proxy'],
          }),
        );
      expect(await granted()).toBe(false);
      await options.click('[data-testid=inspect]');
      await options.waitForSelector('[data-testid=inspector-result]', { timeout: 10_000 });
      expect(await granted()).toBe(true);
      const result = (await readText(options, '[data-testid=inspector-result]')) ?? '';
      ctx.facts['7.inspector'] = result;
      // This profile routes by a PAC script the test set as a user preference.
      expect(await readText(options, '[data-testid=inspector-mode]')).toBe('A PAC script decides per request');
      expect(result).toContain('You (browser or system settings)');
      expect(result).toContain('data:application/x-ns-proxy-autoconfig');
      // Under a PAC script the browser picks the proxy per request: the page says it cannot check challengers.
      expect(result).toContain('cannot be checked');
      await options.close();
    });

    // Chromium's incognito is covered by every scenario: freshPage() is an incognito context.
    it('answers a challenge from a private window once the user allows the extension there', async () => {
      const b = asFirefox(ctx.stack.browser);
      const r = ctx.stack.route('private');
      await b.allowInPrivateWindows();
      const ext = await b.messagingPage();
      await seedCredential(ext, { port: r.port, username: ALICE.user, password: ALICE.password });
      const url = r.url('/');
      // A private window, opened the way the extension API reports it.
      const incognito = await ext.evaluate(async (u) => {
        const api = (globalThis as unknown as { browser: { windows: { create(o: object): Promise<{ incognito: boolean }> } } }).browser;
        return (await api.windows.create({ incognito: true, url: u })).incognito;
      }, url);
      expect(incognito).toBe(true);
      const record = await waitUntil(
        async () => (await readLogOf(await b.messagingPage(), r.proxy)).find((x) => x.url === url && x.final !== undefined),
        15_000,
        'the private window challenge to end',
      );
      expect(record).toMatchObject({ outcome: 'answered-saved', username: ALICE.user, final: { statusCode: 200 } });
      await waitForAccepted(ctx.stack.squid, { port: r.port, user: ALICE.user, url });
    });
  });
}
