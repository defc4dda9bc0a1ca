import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { ICON_SETS } from '../../../src/background/badge';
import { describe, expect, it } from 'vitest';
import { ALICE, WRONG_PASSWORD } from '../support/accounts';
import { OPTIONS_PATH, POPUP_PATH } from '../support/extension';
import { seedCredential } from '../support/messages';
import { waitForAccepted } from '../support/squid';
import { makePacUrl } from '../support/pac';
import { ARTIFACTS, launchBrowser, type RouteSpec } from '../support/stack';
import type { BrowserUnderTest } from '../support/browser';
import { filterOptionsLog, navigate, readPrompt, readText, waitUntil, waitForLogRows } from '../support/steps';
import type { ScenarioContext } from './context';

/** The routes of the accessibility scenarios, one per case (context.ts ROUTES takes them in). */
export const ACCESSIBILITY_ROUTES = {
  // A1: a first prompt, then one after a refusal, the popup while it waits, and the options page with their records.
  axe: { auth: 'basic' },
  axerefused: { auth: 'basic' },
  // A2 and A4: a prompt signed in from the keyboard alone; its records are the rows opened with Enter and Space.
  axkeys: { auth: 'basic' },
  // A3: a prompt after a refusal, left with Esc.
  axkeysrefused: { auth: 'basic' },
  // A5: the pages in German, in a browser of its own.
  axde: { auth: 'basic' },
} as const satisfies Record<string, RouteSpec>;

/** WCAG 2.1 A and AA, and axe's best practices: what issue 10 asks to hold at 0 violations. */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

/** A violation, short enough to read in a failed expectation: the rule and the elements it found. */
interface Violation {
  readonly rule: string;
  readonly impact: string;
  readonly targets: readonly string[];
}

let axeSource: Promise<string> | undefined;

/**
 * Runs axe-core on the page as it is now. Extension pages forbid inline
 * scripts, so the library goes in through `evaluate`, not a script tag
 * (docs/browser-behaviour.md#extension-page-scripts).
 */
async function runAxe(page: Page): Promise<Violation[]> {
  axeSource ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  const source = await axeSource;
  await page.evaluate(source);
  return page.evaluate(async (tags) => {
    interface AxeResult {
      violations: { id: string; impact?: string | null; nodes: { target: unknown[] }[] }[];
    }
    const axe = (globalThis as unknown as { axe: { run(context: Document, options: object): Promise<AxeResult> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({ rule: v.id, impact: v.impact ?? '', targets: v.nodes.map((n) => n.target.join(' ')) }));
  }, AXE_TAGS);
}

/** axe in the light and the dark colour scheme, with a screenshot of each to look at. */
async function checkBothSchemes(
  ctx: ScenarioContext,
  page: Page,
  name: string,
  b: BrowserUnderTest = ctx.stack.browser,
): Promise<Record<string, Violation[]>> {
  const found: Record<string, Violation[]> = {};
  try {
    for (const scheme of ['light', 'dark'] as const) {
      await b.setColorScheme(page, scheme);
      await waitUntil(
        async () => page.evaluate((s) => matchMedia(`(prefers-color-scheme: ${s})`).matches, scheme),
        5_000,
        `the ${scheme} colour scheme`,
      );
      found[`${name} ${scheme}`] = await runAxe(page);
      await page.screenshot({ path: resolve(ARTIFACTS, `${ctx.name}-a11y-${name}-${scheme}.png`), fullPage: true });
    }
  } finally {
    await b.setColorScheme(page, 'light');
  }
  return found;
}

/** The element that has the focus, as a user would name it: its tag, name (or value) and accessible label. */
async function describeFocus(page: Page): Promise<{ tag: string; name: string; label: string; outlined: boolean }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) return { tag: '', name: '', label: '', outlined: false };
    const style = getComputedStyle(el);
    const input = el as HTMLInputElement;
    return {
      tag: el.tagName.toLowerCase(),
      name: input.type === 'radio' ? `${input.name}=${input.value}` : (el.getAttribute('name') ?? el.getAttribute('data-testid') ?? ''),
      label: (input.labels?.[0]?.textContent ?? el.textContent ?? '').trim(),
      // A visible focus indicator: an outline or a ring drawn with box-shadow.
      outlined: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none',
    };
  });
}

/** What assistive technology reads for the prompt: the dialog's role, its name and its description. */
async function readDialog(prompt: Page): Promise<{ count: number; name: string; description: string }> {
  return prompt.evaluate(() => {
    const dialogs = document.querySelectorAll('[role=dialog]');
    const text = (ids: string | null) =>
      (ids ?? '')
        .split(/\s+/)
        .map((id) => document.getElementById(id)?.textContent?.trim() ?? '')
        .filter(Boolean)
        .join(' ');
    const dialog = dialogs[0];
    return {
      count: dialogs.length,
      name: dialog ? text(dialog.getAttribute('aria-labelledby')) || (dialog.getAttribute('aria-label') ?? '') : '',
      description: dialog ? text(dialog.getAttribute('aria-describedby')) : '',
    };
  });
}

/** Presses a key where a closing window may cut the key-up short (docs/browser-behaviour.md#closing-window-keys). */
async function pressClosing(page: Page, key: 'Enter' | 'Escape'): Promise<void> {
  await page.keyboard.press(key).catch((error: unknown) => {
    if (page.isClosed() || (error instanceof Error && error.name === 'TargetCloseError')) return;
    throw error;
  });
}

/** Accessibility of the prompt, the popup and the options page, and the keyboard alone. */
export function describeAccessibility(ctx: ScenarioContext): void {
  describe.sequential('accessibility', () => {
    // axe-core runs the same in both browsers; Chromium is where issue 10 measured it, and one run
    // of the rules per page is what catches a regression. The keyboard checks below run in both.
    if (ctx.name === 'chromium') {
      it('A1. axe (WCAG 2.1 A/AA and best practice) finds 0 violations on the prompt, the prompt after a refusal, the popup and every options section, light and dark', async () => {
        const b = ctx.stack.browser;
        const found: Record<string, Violation[]> = {};

        // A first prompt: nothing saved for this proxy.
        const first = ctx.stack.route('axe');
        const loadingFirst = navigate(await b.freshPage(first.port), first.url('/?a1'), 30_000);
        const prompt = await b.waitForPrompt();
        await readPrompt(prompt);
        Object.assign(found, await checkBothSchemes(ctx, prompt, 'prompt'));

        // After a refusal: the saved password was sent once and refused.
        const refused = ctx.stack.route('axerefused');
        await seedCredential(await b.messagingPage(), { port: refused.port, username: ALICE.user, password: WRONG_PASSWORD });
        const loadingRefused = navigate(await b.freshPage(refused.port), refused.url('/?a1'), 30_000);
        const refusedPrompt = await waitUntil(
          async () => {
            for (const page of await b.browser.pages()) {
              if (page !== prompt && page.url().includes(`port=${refused.port}`)) return page;
            }
            return undefined;
          },
          15_000,
          'the prompt after the refusal',
        );
        await refusedPrompt.waitForSelector('[data-testid=rejected]', { timeout: 10_000 });
        Object.assign(found, await checkBothSchemes(ctx, refusedPrompt, 'prompt-refused'));

        // The popup while two prompts wait: its sign-in parts are showing.
        const popup = await b.openExtensionPage(POPUP_PATH);
        await popup.waitForSelector('[data-testid=waiting-prompts]', { timeout: 10_000 });
        await waitUntil(
          async () => (await popup.$$('[data-testid=waiting-prompts] form')).length === 2,
          10_000,
          'both prompts in the popup',
        );
        // Two sign-in forms on one page: each label names its own field (axe 4.14 no longer checks ids).
        const popupIds = await popup.$$eval('[id]', (all) => all.map((el) => el.id));
        expect(popupIds.filter((id, i) => popupIds.indexOf(id) !== i)).toEqual([]);
        expect(
          await popup.$$eval('label[for]', (labels) =>
            labels.filter((l) => l.closest('form') !== document.getElementById(l.htmlFor)?.closest('form')).map((l) => l.htmlFor),
          ),
        ).toEqual([]);
        Object.assign(found, await checkBothSchemes(ctx, popup, 'popup'));
        await popup.close();

        for (const [page, loading] of [
          [prompt, loadingFirst],
          [refusedPrompt, loadingRefused],
        ] as const) {
          await page.focus('input[name=username]');
          await pressClosing(page, 'Escape');
          expect(await loading).not.toBe(200);
        }

        // The options page with records, one of them opened, the add-credential form showing.
        const options = await b.openExtensionPage(OPTIONS_PATH);
        await options.setViewport({ width: 1280, height: 1000 });
        await waitForLogRows(options);
        await filterOptionsLog(options, { proxy: refused.proxy });
        await options.click('[data-testid=log-row]');
        await options.waitForSelector('[data-testid=record-details]');
        const sections = await options.$$eval('section[id]', (all) => all.map((s) => s.id));
        expect(sections).toEqual(expect.arrayContaining(['proxies', 'diagnostics', 'inspector', 'settings']));
        Object.assign(found, await checkBothSchemes(ctx, options, 'options'));
        // The check itself can fail: an image planted with no text alternative is found.
        await options.evaluate(() =>
          document.querySelector('#settings')?.append(Object.assign(document.createElement('img'), { src: '/icons/icon-16.png' })),
        );
        expect((await runAxe(options)).map((v) => v.rule)).toContain('image-alt');
        await options.close();

        ctx.facts['A1.axeViolations'] = Object.fromEntries(Object.entries(found).map(([page, v]) => [page, v.length]));
        expect(found).toEqual(Object.fromEntries(Object.keys(found).map((page) => [page, []])));
      });
    }

    if (ctx.name === 'chromium') {
      it('A5. axe finds 0 violations on the prompt after a refusal, the popup and the options page in German, light and dark', async () => {
        const route = ctx.stack.route('axde');
        const found: Record<string, Violation[]> = {};
        let b: BrowserUnderTest | undefined;
        try {
          // A browser started in German (support: LaunchOptions.language), as locale.ts does.
          b = await launchBrowser(ctx.name, { pacUrl: makePacUrl({ [route.host]: route.port }), language: 'de' });
          await seedCredential(await b.messagingPage(), { port: route.port, username: ALICE.user, password: WRONG_PASSWORD });
          const loading = navigate(await b.freshPage(route.port), route.url('/?a5'), 30_000);
          const prompt = await b.waitForPrompt();
          await prompt.waitForSelector('[data-testid=rejected]', { timeout: 10_000 });
          expect(await prompt.evaluate(() => document.title)).not.toBe('Proxy sign-in');
          // Screen readers pick their voice from the page's language: the words'.
          expect(await prompt.evaluate(() => document.documentElement.lang)).toBe('de');
          Object.assign(found, await checkBothSchemes(ctx, prompt, 'de-prompt-refused', b));
          const popup = await b.openExtensionPage(POPUP_PATH);
          await popup.waitForSelector('[data-testid=waiting-prompts]', { timeout: 10_000 });
          expect(await popup.evaluate(() => document.documentElement.lang)).toBe('de');
          Object.assign(found, await checkBothSchemes(ctx, popup, 'de-popup', b));
          await popup.close();
          await prompt.focus('input[name=username]');
          await pressClosing(prompt, 'Escape');
          expect(await loading).not.toBe(200);
          const options = await b.openExtensionPage(OPTIONS_PATH);
          await options.setViewport({ width: 1280, height: 1000 });
          await waitForLogRows(options);
          await options.click('[data-testid=log-row]');
          await options.waitForSelector('[data-testid=record-details]');
          expect(await options.evaluate(() => document.documentElement.lang)).toBe('de');
          Object.assign(found, await checkBothSchemes(ctx, options, 'de-options', b));
          await options.close();
        } finally {
          await b?.close();
        }
        ctx.facts['A5.axeViolations'] = Object.fromEntries(Object.entries(found).map(([page, v]) => [page, v.length]));
        expect(found).toEqual(Object.fromEntries(Object.keys(found).map((page) => [page, []])));
      });
    }

    it('A6. the toolbar icon of every state loads in the browser, at the paths badge.ts sets', async () => {
      const page = await ctx.stack.browser.messagingPage();
      const results = await page.evaluate(async (sets) => {
        const action = (globalThis as unknown as { chrome: { action: { setIcon(d: object): Promise<void> } } }).chrome.action;
        const tryPath = (path: Record<string, string>) =>
          action.setIcon({ path }).then(
            () => 'set',
            (error: unknown) => `refused: ${String(error)}`,
          );
        // Each file decoded as an image of its size: Firefox's setIcon also accepts a path that is not there
        // (docs/browser-behaviour.md#action-seticon), so that alone proves nothing there.
        const decode = async (path: string) => {
          const response = await fetch(path);
          if (!response.ok) return `HTTP ${response.status}`;
          const image = await createImageBitmap(await response.blob());
          return `${image.width}x${image.height}`;
        };
        const out: Record<string, string> = {};
        for (const [state, set] of Object.entries(sets)) {
          const sizes = await Promise.all(Object.values(set).map(decode));
          out[state] = `${await tryPath(set)} ${sizes.join(' ')}`;
        }
        out['missing'] = await tryPath({ 16: '/icons/no-such-icon-16.png' });
        // Idle, the manifest's; the background sets its own again with its next change.
        await tryPath(sets.idle);
        return out;
      }, ICON_SETS);
      ctx.facts['A6.setIcon'] = results;
      const { missing, ...states } = results;
      const every = 'set 16x16 32x32 48x48 128x128';
      expect(states).toEqual({ idle: every, waiting: every, refused: every, locked: every });
      // Only Chromium says when an icon cannot be loaded: there a wrong path would have failed the check above.
      if (ctx.name === 'chromium') expect(missing).toMatch(/^refused/);
    });

    it('A2. from the keyboard alone: the prompt is a dialog named by its proxy, focus starts on the user name, Tab walks the form with a visible focus, Enter signs in', async () => {
      const { browser: b, squid } = ctx.stack;
      const r = ctx.stack.route('axkeys');
      const url = r.url('/?a2');
      const loading = navigate(await b.freshPage(r.port), url, 30_000);
      const prompt = await b.waitForPrompt();
      await readPrompt(prompt);

      const dialog = await readDialog(prompt);
      expect(dialog.count).toBe(1);
      expect(dialog.name).toContain(r.proxy);
      expect(await describeFocus(prompt)).toMatchObject({ tag: 'input', name: 'username' });

      await prompt.keyboard.type(ALICE.user);
      const order: { tag: string; name: string; label: string; outlined: boolean }[] = [];
      for (let i = 0; i < 4; i++) {
        await prompt.keyboard.press('Tab');
        order.push(await describeFocus(prompt));
      }
      ctx.facts['A2.tabOrder'] = order.map((f) => `${f.tag} ${f.name || f.label}`);
      // User name, password, the remember choice (one stop for the group), Cancel, Sign in.
      expect(order.map((f) => f.tag)).toEqual(['input', 'input', 'button', 'button']);
      expect(order[0]?.name).toBe('password');
      expect(order[1]?.name).toMatch(/^scope=/);
      expect(order.every((f) => f.outlined)).toBe(true);

      // Back to the password, type it, Enter.
      for (let i = 0; i < 3; i++) await prompt.keyboard.down('Shift').then(() => prompt.keyboard.press('Tab'));
      await prompt.keyboard.up('Shift');
      expect(await describeFocus(prompt)).toMatchObject({ name: 'password' });
      await prompt.keyboard.type(ALICE.password);
      await pressClosing(prompt, 'Enter');
      expect(await loading).toBe(200);
      await waitForAccepted(squid, { port: r.port, user: ALICE.user, url });
    });

    it('A3. after a refusal the prompt names the refused user, starts on the password, says why in the dialog and as an alert, and Esc ends it', async () => {
      const b = ctx.stack.browser;
      const r = ctx.stack.route('axkeysrefused');
      await seedCredential(await b.messagingPage(), { port: r.port, username: ALICE.user, password: WRONG_PASSWORD });
      const loading = navigate(await b.freshPage(r.port), r.url('/?a3'), 30_000);
      const prompt = await b.waitForPrompt();
      await readPrompt(prompt);
      await prompt.waitForSelector('[data-testid=rejected]', { timeout: 10_000 });
      const refusal = (await readText(prompt, '[data-testid=rejected]')) ?? '';
      expect(await prompt.$eval('[data-testid=rejected]', (el) => el.closest('[role=alert], [aria-live]') !== null)).toBe(true);
      const dialog = await readDialog(prompt);
      expect(dialog.name).toContain(r.proxy);
      expect(dialog.description).toContain(refusal.trim());
      expect(await prompt.$eval('input[name=username]', (el) => el.value)).toBe(ALICE.user);
      await waitUntil(async () => (await describeFocus(prompt)).name === 'password', 5_000, 'the focus on the password');
      await pressClosing(prompt, 'Escape');
      expect(await loading).not.toBe(200);
      await waitUntil(async () => (await b.countPromptWindows()) === 0 || undefined, 10_000, 'the prompt to close');
    });

    it('A4. a log row opens with Enter and another with Space, from the keyboard focus', async () => {
      const b = ctx.stack.browser;
      const r = ctx.stack.route('axkeys');
      const options = await b.openExtensionPage(OPTIONS_PATH);
      await waitForLogRows(options);
      // A2's prompted and answered records.
      const rows = await waitUntil(
        async () => {
          const shown = await filterOptionsLog(options, { proxy: r.proxy });
          return shown.length >= 2 ? shown : undefined;
        },
        10_000,
        'two records of A2',
      );
      expect(rows.length).toBeGreaterThanOrEqual(2);
      for (const [index, key] of [
        [0, 'Enter'],
        // ' ' is the Space key's name in both protocols (BiDi knows no 'Space').
        [1, ' '],
      ] as const) {
        await options.evaluate((i) => document.querySelectorAll<HTMLElement>('[data-testid=log-row]')[i]?.focus(), index);
        expect(await options.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('log-row');
        const scrolled = await options.evaluate(() => scrollY);
        await options.keyboard.press(key);
        await options.waitForFunction(
          (i, proxy) =>
            document.querySelectorAll('[data-testid=log-row]')[i]?.classList.contains('selected') === true &&
            document.querySelector('[data-testid=record-details]')?.textContent?.includes(proxy) === true,
          { timeout: 5_000 },
          index,
          r.proxy,
        );
        // Space opens the row; it does not scroll the page away from it.
        if (key === ' ') expect(await options.evaluate(() => scrollY)).toBe(scrolled);
      }
      await options.close();
    });
  });
}
