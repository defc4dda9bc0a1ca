import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { ALICE, WRONG_PASSWORD } from '../support/accounts';
import type { BrowserUnderTest } from '../support/browser';
import { OPTIONS_PATH, POPUP_PATH, REPO_ROOT } from '../support/extension';
import { readLogOf, seedCredential } from '../support/messages';
import { makePacUrl } from '../support/pac';
import { ARTIFACTS, launchBrowser } from '../support/stack';
import { navigate, readText, signIn, waitUntil, waitForLogRows } from '../support/steps';
import type { ScenarioContext } from './context';

type Messages = Record<string, { message: string }>;
const german = JSON.parse(readFileSync(resolve(REPO_ROOT, 'public/_locales/de/messages.json'), 'utf8')) as Messages;
const english = JSON.parse(readFileSync(resolve(REPO_ROOT, 'public/_locales/en/messages.json'), 'utf8')) as Messages;
/** A message as the page shows it when it has no placeholder. */
const de = (key: string) => german[key]!.message;
const en = (key: string) => english[key]!.message;

/**
 * What a page shows that breaks its layout: content wider than the window
 * (a long word pushing it sideways), or an element whose text runs out of
 * its own box without wrapping.
 */
async function findOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1) found.push(`page ${root.scrollWidth}px wide in a ${root.clientWidth}px window`);
    for (const el of document.body.querySelectorAll<HTMLElement>('*')) {
      const style = getComputedStyle(el);
      if (style.display === 'none' || style.visibility === 'hidden' || el.clientWidth === 0) continue;
      if (style.overflowX !== 'visible' && style.overflowX !== 'clip') continue;
      if (el.scrollWidth > el.clientWidth + 1 && el.textContent?.trim()) {
        found.push(
          `<${el.tagName.toLowerCase()} class="${el.className}"> ${el.scrollWidth}px in ${el.clientWidth}px: ${el.textContent.trim().slice(0, 60)}`,
        );
      }
    }
    return found;
  });
}

async function bodyText(page: Page): Promise<string> {
  // textContent, not innerText: headings are upper-cased by CSS.
  return page.evaluate(() => document.body.textContent ?? '');
}

/**
 * Issue 10: the prompt, the toolbar popup and the options page in German, in
 * a browser started in German (support: LaunchOptions.language), screenshotted
 * to test-artifacts/ for a person to read, with the German words asserted and
 * no layout pushed out of shape by long words.
 */
export function describeLocale(ctx: ScenarioContext): void {
  describe('pages in another language', () => {
    it('de. the prompt, the popup and the options page speak German and long words keep the layout', async () => {
      const route = ctx.stack.route('locale');
      const pacUrl = makePacUrl({ [route.host]: route.port });
      let b: BrowserUnderTest | undefined;
      try {
        b = await launchBrowser(ctx.name, { pacUrl, language: 'de' });
        const messaging = await b.messagingPage();
        // A refused saved password: the prompt then says so, the longest German it shows.
        await seedCredential(messaging, { port: route.port, username: ALICE.user, password: WRONG_PASSWORD });

        // Before the challenge: in Firefox a page opened while the prompt is up lands in its window.
        // docs/browser-behaviour.md#firefox-extension-pages
        const popup = await b.openExtensionPage(POPUP_PATH);
        await popup.setViewport({ width: 400, height: 700 });
        await popup.waitForSelector('[data-testid=nothing-waiting]');
        expect(await readText(popup, '[data-testid=nothing-waiting]')).toBe(de('popupNothingWaiting'));

        const loading = navigate(await b.freshPage(route.port), route.url('/'), 30_000);
        const prompt = await b.waitForPrompt();
        await prompt.waitForSelector('input[name=username]');
        const rejected = await waitUntil(
          () => readText(prompt, '[data-testid=rejected]').then((t) => t ?? undefined),
          10_000,
          'the refused line',
        );
        expect(rejected).toContain('Der Proxy hat das gespeicherte Passwort für alice abgelehnt.');
        const promptText = await bodyText(prompt);
        for (const key of ['promptUsername', 'promptPassword', 'promptSignIn', 'promptCancel', 'scopeDevice', 'scopeOnce']) {
          expect(promptText, key).toContain(de(key));
        }
        expect(promptText).not.toContain(en('promptUsername'));
        expect(await prompt.evaluate(() => document.title)).toBe(de('promptTitle'));
        await prompt.screenshot({ path: resolve(ARTIFACTS, `${ctx.name}-de-prompt.png`) });
        expect(await findOverflow(prompt)).toEqual([]);

        await popup.waitForSelector('[data-testid=waiting-prompts] input[name=username]', { timeout: 10_000 });
        const popupText = await bodyText(popup);
        for (const key of ['promptSignIn', 'popupOpenDiagnostics', 'popupLastDay']) expect(popupText, key).toContain(de(key));
        await popup.screenshot({ path: resolve(ARTIFACTS, `${ctx.name}-de-popup.png`) });
        expect(await findOverflow(popup)).toEqual([]);
        await popup.close();

        await signIn(prompt, ALICE.user, ALICE.password, 'session');
        expect(await loading).toBe(200);
        await waitUntil(
          async () => (await readLogOf(await b!.messagingPage(), route.proxy)).some((r) => r.outcome === 'answered-prompt'),
          10_000,
          'the answered record',
        );

        const options = await b.openExtensionPage(OPTIONS_PATH);
        await options.setViewport({ width: 1280, height: 1600 });
        await waitForLogRows(options);
        const optionsText = await bodyText(options);
        for (const key of [
          'navProxies',
          'navDiagnostics',
          'navSettings',
          'credAdd',
          'settingsSave',
          'diagCopyReport',
          'outcome_rejected',
          'outcome_answered_prompt',
        ]) {
          expect(optionsText, key).toContain(de(key));
        }
        expect(optionsText).not.toContain(en('navProxies'));
        await options.screenshot({ path: resolve(ARTIFACTS, `${ctx.name}-de-options.png`) });
        expect(await findOverflow(options)).toEqual([]);
        // A half-screen window, where long German words are the first to overflow.
        await options.setViewport({ width: 800, height: 1600 });
        await options.screenshot({ path: resolve(ARTIFACTS, `${ctx.name}-de-options-narrow.png`) });
        expect(await findOverflow(options)).toEqual([]);
        await options.close();
      } finally {
        await b?.close();
      }
    });
  });
}
