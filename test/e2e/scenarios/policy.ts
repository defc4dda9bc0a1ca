import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, describe, expect, it } from 'vitest';
import { ALICE } from '../support/accounts';
import type { BrowserName } from '../support/browser';
import { OPTIONS_PATH } from '../support/extension';
import { listCredentials, sendFromPage } from '../support/messages';
import { ORIGIN_TITLE } from '../support/origin';
import { FLEET, removeWrittenPolicies, startPolicyStack, type PolicyStack } from '../support/policy';
import { failedAttempts, waitForAccepted } from '../support/squid';
import { ARTIFACTS } from '../support/stack';
import { navigate, signIn, waitUntil } from '../support/steps';

/**
 * Managed configuration (issue 10): each browser started with an
 * administrator's policy file (Chromium: /etc/chromium/policies/managed,
 * Firefox: policies.json in its distribution folder), in a browser, squid and
 * origin of these scenarios' own (support/policy.ts), so no other scenario
 * sees the policy. The file is removed when the browser stops.
 *
 * The locked setting is one no other scenario changes, locked to its default
 * (`urlDetail: 'path'`): the file is machine-wide while it exists, so another
 * test's browser starting meanwhile sees it too and must notice nothing.
 */

/** Everything the extension keeps in storage.local and storage.session, as text (read from one of its pages). */
async function storedText(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const api = (globalThis as unknown as { chrome: { storage: Record<'local' | 'session', { get(k: null): Promise<unknown> }> } }).chrome;
    return JSON.stringify([await api.storage.local.get(null), await api.storage.session.get(null)]);
  });
}

/** The options page once its settings have arrived. */
async function openOptions(stack: PolicyStack): Promise<Page> {
  const options = await stack.browser.openExtensionPage(OPTIONS_PATH);
  await waitUntil(() => options.$('[data-testid=settings-form]'), 15_000, 'the settings form');
  return options;
}

async function withStack(
  name: BrowserName,
  policyFor: (proxy: { port: number }) => Record<string, unknown>,
  body: (stack: PolicyStack) => Promise<void>,
) {
  const stack = await startPolicyStack(name, policyFor);
  try {
    await body(stack);
  } finally {
    await stack.stop();
  }
}

export function describePolicy(name: BrowserName): void {
  describe.sequential('managed policy', () => {
    // A test that timed out may not have reached its own cleanup: the machine-wide files go in any case.
    afterAll(removeWrittenPolicies);
    it('p1. answers a challenge from the policy account without a prompt, shows it without its password, and shows a locked setting disabled', async () => {
      await withStack(
        name,
        ({ port }) => ({
          proxies: [{ host: '127.0.0.1', port, username: FLEET.user, password: FLEET.password }],
          lockedSettings: { urlDetail: 'path' },
        }),
        async (stack) => {
          const b = stack.browser;
          const ext = await b.messagingPage();
          // The policy is read at the background's start; the account is listed once it is in memory.
          const listed = await waitUntil(
            async () => (await listCredentials(ext)).find((c) => c.username === FLEET.user),
            15_000,
            'the policy account in the list',
          );
          expect(listed.id).toMatch(/^policy:/);
          const prompts = b.watchPromptWindows();
          try {
            const url = stack.url('/');
            const page = await b.freshPage(stack.port);
            expect(await navigate(page, url, 30_000)).toBe(200);
            expect(await page.title()).toBe(ORIGIN_TITLE);
            const entries = await waitForAccepted(stack.squid, { port: stack.port, user: FLEET.user, url });
            expect(failedAttempts(entries, FLEET.user, stack.port)).toBe(0);
            expect(prompts.count()).toBe(0);
          } finally {
            prompts.stop();
          }

          const options = await openOptions(stack);
          await waitUntil(() => options.$('[data-testid=settings-locked-urlDetail]'), 10_000, 'the locked note');
          expect(await options.$eval('#setting-urlDetail', (el) => (el as HTMLSelectElement).disabled)).toBe(true);
          expect(await options.$eval('#setting-attemptCap', (el) => (el as HTMLInputElement).disabled)).toBe(false);
          const row = await waitUntil(
            () => options.$(`[data-credential-id="${listed.id}"]`).then((h) => h ?? undefined),
            10_000,
            'the policy account row',
          );
          expect(await row.evaluate((el) => el.textContent)).toContain('From policy');
          expect(await row.$$('button')).toEqual([]);
          expect(await options.$('[data-testid=policy-problems]')).toBeNull();
          const text = await options.evaluate(() => document.documentElement.outerHTML);
          expect(text).not.toContain(FLEET.password);
          await options.screenshot({ path: resolve(ARTIFACTS, `${name}-policy-options.png`), fullPage: true });
          // Used like a saved one, never written like one.
          expect(await storedText(ext)).not.toContain(FLEET.password);
        },
      );
    });

    it('p2. survives a malformed policy: the options page names each bad field, the rest applies, and a challenge still works through the prompt', async () => {
      await withStack(
        name,
        ({ port: _port }) => ({
          // A port no proxy has, and a setting out of its range: both type-valid, so Chrome's schema passes them on.
          proxies: [{ host: '127.0.0.1', port: 70_000, username: FLEET.user, password: FLEET.password }],
          lockedSettings: { attemptCap: 99, urlDetail: 'path' },
        }),
        async (stack) => {
          const b = stack.browser;
          // Chromium hands an extension its policy a moment after loading it (storage.onChanged 'managed'):
          // the background has it once settings:get says so.
          const ext = await b.messagingPage();
          await waitUntil(async () => (await sendFromPage(ext, 'settings:get', {})).policy, 15_000, 'the policy in the background');
          const options = await openOptions(stack);
          const problems = await waitUntil(
            () => options.$eval('[data-testid=policy-problems]', (el) => el.textContent).catch(() => undefined),
            15_000,
            'the policy problems',
          );
          expect(problems).toContain('proxies[0].port');
          expect(problems).toContain('lockedSettings.attemptCap');
          // The good part of the same policy applies.
          expect(await options.$eval('#setting-urlDetail', (el) => (el as HTMLSelectElement).disabled)).toBe(true);
          expect(await options.$eval('#setting-attemptCap', (el) => (el as HTMLInputElement).disabled)).toBe(false);
          await options.screenshot({ path: resolve(ARTIFACTS, `${name}-policy-malformed.png`), fullPage: true });
          expect(await listCredentials(ext)).toEqual([]);

          const url = stack.url('/');
          const loading = navigate(await b.freshPage(stack.port), url, 30_000);
          const prompt = await b.waitForPrompt();
          await signIn(prompt, ALICE.user, ALICE.password, 'once');
          expect(await loading).toBe(200);
          await waitForAccepted(stack.squid, { port: stack.port, user: ALICE.user, url });
        },
      );
    });
  });
}
