import type { Page } from 'puppeteer-core';
import { sleep } from './ports';

/**
 * Steps both browsers' scenarios share. They drive the built extension the
 * way a user or the extension's own pages do: through the prompt window and
 * the typed messages of src/messaging (never by reaching into the worker).
 */

export interface SeedCredential {
  host: string;
  port: number;
  realm?: string;
  username: string;
  password: string;
  scope?: 'device' | 'session';
}

interface Reply<T> {
  ok: boolean;
  value?: T;
  error?: string;
}

/** Sends one protocol message from an extension page (the only senders the background trusts). */
export async function sendFromExtensionPage<T>(page: Page, type: string, payload: unknown): Promise<T> {
  const reply = await page.evaluate(
    (t, p) => (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }).chrome.runtime.sendMessage({ type: t, payload: p }),
    type,
    payload as never,
  ) as Reply<T> | undefined;
  if (!reply?.ok) throw new Error(`${type} failed: ${reply?.error ?? 'no answer'}`);
  return reply.value as T;
}

/**
 * Saves a credential through the product's own path: a prompt submit for a
 * prompt the background does not know (the "background restarted while the
 * prompt was open" path) saves it and answers nothing.
 */
export async function seedCredential(extensionPage: Page, c: SeedCredential): Promise<void> {
  const result = await sendFromExtensionPage<{ saved: boolean }>(extensionPage, 'prompt:submit', {
    promptId: 'seed-from-test',
    proxy: { host: c.host, port: c.port },
    realm: c.realm ?? '',
    username: c.username,
    password: c.password,
    scope: c.scope ?? 'device',
  });
  if (!result.saved) throw new Error('seedCredential: not saved');
}

export interface LogRow {
  proxy: string;
  outcome: string;
  url: string;
  attempt: number;
  requestId: string;
  scheme: string;
  realm: string;
  username?: string;
  final?: { statusCode?: number; error?: string };
}

export function readLog(extensionPage: Page, limit = 1000): Promise<LogRow[]> {
  return sendFromExtensionPage<LogRow[]>(extensionPage, 'log:list', { limit });
}

export interface SavedCredential {
  id: string;
  proxy: { host: string; port: number };
  username: string;
  rejected: boolean;
  scope: string;
}

export async function listCredentials(extensionPage: Page): Promise<SavedCredential[]> {
  return (await sendFromExtensionPage<{ credentials: SavedCredential[] }>(extensionPage, 'credentials:list', {})).credentials;
}

/** The times the background started (storage.session), to prove a worker/event page was restarted. */
export async function backgroundStarts(extensionPage: Page): Promise<number[]> {
  const starts = await extensionPage.evaluate(async () => {
    const api = (globalThis as unknown as { chrome: { storage: { session: { get(k: string): Promise<Record<string, unknown>> } } } }).chrome;
    return (await api.storage.session.get('backgroundStarts'))['backgroundStarts'];
  });
  return Array.isArray(starts) ? (starts as number[]) : [];
}

/** What the prompt window says, once it has loaded its state from the background. */
export async function readPrompt(prompt: Page): Promise<string> {
  await prompt.waitForSelector('input[name=username]');
  await prompt.waitForFunction(() => !document.body.innerText.includes('Loading…'));
  return prompt.evaluate(() => document.body.innerText);
}

/** Types into the prompt like a user and presses Enter. */
export async function signIn(prompt: Page, username: string, password: string, scope: 'device' | 'session' | 'once' = 'device'): Promise<void> {
  await prompt.waitForSelector('input[name=username]');
  await prompt.type('input[name=username]', username);
  await prompt.type('input[name=password]', password);
  await prompt.click(`input[name=scope][value=${scope}]`);
  await prompt.focus('input[name=password]');
  await prompt.keyboard.press('Enter');
}

/** Polls until `check` returns a value (not undefined/false) or the time is up. */
export async function waitUntil<T>(check: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(250);
  }
}

/** Starts a navigation without awaiting it, and gives its outcome as a status code or an error text. */
export function navigate(page: Page, url: string, timeoutMs = 60_000): Promise<number | string> {
  return page.goto(url, { timeout: timeoutMs, waitUntil: 'load' }).then(
    (response) => response?.status() ?? 'no response',
    (error: unknown) => `error: ${error instanceof Error ? error.message : String(error)}`,
  );
}
