import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { ALICE, WRONG_PASSWORD } from '../support/accounts';
import { POPUP_PATH } from '../support/extension';
import { saveSettings, seedCredential } from '../support/messages';
import { ARTIFACTS, type Route } from '../support/stack';
import { cancelPromptWithEsc, waitUntil } from '../support/steps';
import type { ScenarioContext } from './context';

interface StepView {
  readonly kind: string;
  readonly text: string;
  readonly cause?: string;
}

interface ReportView {
  readonly state: string;
  readonly steps: StepView[];
}

/** The report of the test of `route` once it ended (the popup shows the last test's report until the new one runs). */
async function readFinishedReport(popup: Page, route: Route): Promise<ReportView | undefined> {
  const view = await popup.evaluate(() => {
    const report = document.querySelector<HTMLElement>('[data-testid=signin-report]');
    if (!report) return undefined;
    return {
      state: report.dataset['state'] ?? '',
      steps: [...report.querySelectorAll<HTMLElement>('[data-testid=signin-steps] > li')].map((li) => ({
        kind: li.dataset['kind'] ?? '',
        text: li.textContent ?? '',
        ...(li.querySelector<HTMLElement>('[data-cause]')
          ? { cause: li.querySelector<HTMLElement>('[data-cause]')!.dataset['cause'] }
          : {}),
      })),
    };
  });
  const ours = view?.steps[0]?.text.includes(new URL(route.url('/')).host) ?? false;
  return view && ours && view.state !== 'running' ? view : undefined;
}

/** Sets the test address to a page the PAC sends through `route`, opens the popup and presses the button. */
async function startFromPopup(ctx: ScenarioContext, route: Route): Promise<Page> {
  const b = ctx.stack.browser;
  // The test tab opens in the last focused window: not one of the earlier scenarios' private contexts.
  await b.closeFreshPages();
  await saveSettings(await b.messagingPage(), { testUrl: route.url('/hello.txt') });
  const popup = await b.openExtensionPage(POPUP_PATH);
  await popup.setViewport({ width: 400, height: 900 });
  await popup.waitForSelector('[data-testid=signin-test-start]:not([disabled])');
  await popup.click('[data-testid=signin-test-start]');
  return popup;
}

/** The test's tab is closed when the test ends: no page of the browser shows the test address any more. */
async function waitForTestTabClosed(ctx: ScenarioContext, route: Route): Promise<void> {
  await waitUntil(
    async () => {
      const urls = await Promise.all(
        (await ctx.stack.browser.browser.pages()).map((p) =>
          Promise.race([
            p.evaluate(() => location.href).catch(() => p.url()),
            new Promise<string>((r) => setTimeout(() => r(p.url()), 1_000)),
          ]),
        ),
      );
      return !urls.some((u) => u.includes(route.host));
    },
    10_000,
    'the test tab to close',
  );
}

/**
 * "Test my proxy sign-in" from the toolbar popup, each case on its own
 * route: the test tab goes through the PAC to that route's squid port (or
 * to a port nothing listens on) and the popup reports each step.
 */
export function describeSignInTest(ctx: ScenarioContext): void {
  describe('sign-in test', () => {
    it('S1. a working proxy: challenged, answered by alice, accepted, status 200; the tab is closed', async () => {
      const route = ctx.stack.route('signinok');
      await seedCredential(await ctx.stack.browser.messagingPage(), { port: route.port, username: ALICE.user, password: ALICE.password });
      const popup = await startFromPopup(ctx, route);
      const report = await waitUntil(() => readFinishedReport(popup, route), 30_000, 'the sign-in test report');
      ctx.facts['signIn.ok'] = report.steps.map((s) => s.kind);
      expect(report.state).toBe('passed');
      expect(report.steps.map((s) => s.kind)).toEqual(['opened', 'challenged', 'answered-saved', 'accepted', 'loaded']);
      expect(report.steps[1]!.text).toContain(route.proxy);
      expect(report.steps[2]!.text).toContain(ALICE.user);
      expect(report.steps[4]!.text).toContain('200');
      const text = await popup.evaluate(() => document.querySelector('[data-testid=signin-test]')?.textContent ?? '');
      expect(text).not.toContain(ALICE.password);
      await popup.screenshot({ path: resolve(ARTIFACTS, `${ctx.name}-popup-signin-test-ok.png`) });
      await waitForTestTabClosed(ctx, route);
      await popup.close();
    });

    it('S2. a refused password: refused for alice with the diagnostics’ cause; the prompt asks, cancelled, the test ends', async () => {
      const b = ctx.stack.browser;
      const route = ctx.stack.route('signinwrong');
      await seedCredential(await b.messagingPage(), { port: route.port, username: ALICE.user, password: WRONG_PASSWORD });
      const popup = await startFromPopup(ctx, route);
      const prompt = await b.waitForPrompt(20_000);
      await cancelPromptWithEsc(prompt);
      const report = await waitUntil(() => readFinishedReport(popup, route), 30_000, 'the sign-in test report');
      ctx.facts['signIn.refused'] = report.steps.map((s) => s.kind);
      expect(report.state).toBe('failed');
      const kinds = report.steps.map((s) => s.kind);
      expect(kinds.slice(0, 5)).toEqual(['opened', 'challenged', 'answered-saved', 'refused', 'prompted']);
      const refused = report.steps[3]!;
      expect(refused.text).toContain(ALICE.user);
      expect(refused.cause).toBe('credentials-rejected');
      expect(refused.text).toContain('Enter the right password');
      expect(kinds).not.toContain('accepted');
      await popup.screenshot({ path: resolve(ARTIFACTS, `${ctx.name}-popup-signin-test-refused.png`) });
      await waitForTestTabClosed(ctx, route);
      await popup.close();
    });

    it('S3. an unreachable proxy: not reached, with the cause and fix', async () => {
      const route = ctx.stack.route('signindead');
      const popup = await startFromPopup(ctx, route);
      const report = await waitUntil(() => readFinishedReport(popup, route), 30_000, 'the sign-in test report');
      ctx.facts['signIn.unreachable'] = report.steps.map((s) => s.text);
      expect(report.state).toBe('failed');
      expect(report.steps.map((s) => s.kind)).toEqual(['opened', 'not-reached']);
      expect(report.steps[1]!.cause).toBe('proxy-unreachable');
      expect(report.steps[1]!.text).toMatch(/PROXY/);
      if (ctx.stack.browser.quirks.errorsNameTheProxy) expect(report.steps[1]!.text).toContain(route.proxy);
      await popup.screenshot({ path: resolve(ARTIFACTS, `${ctx.name}-popup-signin-test-unreachable.png`) });
      await waitForTestTabClosed(ctx, route);
      await popup.close();
    });
  });
}
