import type { BrowserContext, Page, Target } from 'puppeteer-core';
import type { ChromiumHandle } from './chromium';
import { PROMPT_PATH } from './extension';
import { readLog, type LogRow } from './steps';

/**
 * Small helpers for the Chromium scenarios (test/e2e/chromium.e2e.test.ts):
 * fresh proxy-auth caches, the log of one proxy, and counting prompt windows
 * over a whole scenario rather than at one instant.
 */

export function proxyLabel(port: number): string {
  return `127.0.0.1:${port}`;
}

/** One record list per proxy port: each scenario has its own squid port. */
export async function logFor(extensionPage: Page, port: number): Promise<LogRow[]> {
  return (await readLog(extensionPage)).filter((r) => r.proxy === proxyLabel(port));
}

export function outcomesOf(rows: readonly LogRow[]): string[] {
  return rows.map((r) => r.outcome);
}

/**
 * A new incognito-like context with its own proxy-auth cache and sockets:
 * the next request through it is challenged afresh. The extension is
 * installed with enabledInIncognito, so each scenario run in one of these
 * also proves the extension answers in incognito.
 */
export class FreshContexts {
  readonly #contexts: BrowserContext[] = [];

  constructor(private readonly chromium: ChromiumHandle) {}

  async page(proxyPort: number): Promise<Page> {
    const context = await this.chromium.newContext(proxyPort);
    this.#contexts.push(context);
    return context.newPage();
  }

  async closeAll(): Promise<void> {
    for (const context of this.#contexts.splice(0)) await context.close().catch(() => undefined);
  }
}

/**
 * Counts every prompt window opened from now on (not just those open at one
 * moment), so "exactly one prompt" also rules out a second one that opened
 * and closed between two polls.
 */
export function countPromptsOpened(chromium: ChromiumHandle): { count(): number; stop(): void } {
  let opened = 0;
  const prefix = `chrome-extension://${chromium.extensionId}/${PROMPT_PATH}`;
  const seen = new Set<Target>();
  const onTarget = (target: Target) => {
    if (target.type() === 'page' && target.url().startsWith(prefix) && !seen.has(target)) {
      seen.add(target);
      opened += 1;
    }
  };
  chromium.browser.on('targetcreated', onTarget);
  chromium.browser.on('targetchanged', onTarget);
  return {
    count: () => opened,
    stop: () => {
      chromium.browser.off('targetcreated', onTarget);
      chromium.browser.off('targetchanged', onTarget);
    },
  };
}

/** The number in the prompt's "Waiting: N request(s) from …" line, or undefined before it shows. */
export async function readWaitingCount(prompt: Page): Promise<number | undefined> {
  const text = await prompt.$eval('[data-testid=waiting]', (el) => el.textContent ?? '').catch(() => '');
  const match = /(\d+)/.exec(text);
  return match ? Number(match[1]) : undefined;
}
