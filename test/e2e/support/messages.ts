import type { Page } from 'puppeteer-core';
import type { CredentialSummary } from '../../../src/core/credential';
import type { LogRecord } from '../../../src/core/log-record';
import type { MessageType, Reply, RequestOf, ResponseOf } from '../../../src/messaging/protocol';

/**
 * The product's own messages, sent from one of its pages (the only senders the
 * background trusts), typed from src/messaging/protocol. Tests never reach
 * into the worker or event page.
 */
export async function sendFromPage<T extends MessageType>(page: Page, type: T, payload: RequestOf<T>): Promise<ResponseOf<T>> {
  const reply = (await page.evaluate(
    (t, p) =>
      (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }).chrome.runtime.sendMessage({
        type: t,
        payload: p,
      }),
    type,
    payload as never,
  )) as Reply<ResponseOf<T>> | undefined;
  if (reply === undefined) throw new Error(`${type}: the background did not answer`);
  if (!reply.ok) throw new Error(`${type} failed: ${reply.error.message}`);
  return reply.value;
}

export interface SeedCredential {
  host?: string;
  port: number;
  realm?: string;
  username: string;
  password: string;
  scope?: 'device' | 'session';
}

/**
 * Saves a credential through the product's own path: a prompt submit for a
 * prompt the background does not know (the "background restarted while the
 * prompt was open" path) saves it and answers nothing.
 */
export async function seedCredential(page: Page, c: SeedCredential): Promise<void> {
  const result = await sendFromPage(page, 'prompt:submit', {
    promptId: 'seed-from-test',
    proxy: { host: c.host ?? '127.0.0.1', port: c.port },
    realm: c.realm ?? '',
    username: c.username,
    password: c.password,
    scope: c.scope ?? 'device',
  });
  if (!result.saved) throw new Error('seedCredential: not saved');
}

export async function listCredentials(page: Page): Promise<CredentialSummary[]> {
  return (await sendFromPage(page, 'credentials:list', {})).credentials;
}

// Where src/storage/event-log.ts keeps the log (it does not export the names).
const LOG_DB = 'proxy-keyring-log';
const LOG_STORE = 'events';

/**
 * The diagnostics log, newest first, read the way the options page and the
 * popup read it: ask the background to write its batch (`log:flush`), then
 * read IndexedDB from the extension's own origin.
 */
export async function readLog(page: Page): Promise<LogRecord[]> {
  await sendFromPage(page, 'log:flush', {});
  const records = await page.evaluate(
    async (dbName, storeName) => {
      // Opening a database that does not exist yet would create it empty, at
      // the version the background expects, and so keep its store from ever
      // being made: look first.
      if (!(await indexedDB.databases()).some((d) => d.name === dbName)) return [];
      return new Promise<unknown[]>((resolve, reject) => {
        const open = indexedDB.open(dbName);
        open.onerror = () => reject(new Error(String(open.error)));
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains(storeName)) {
            db.close();
            resolve([]);
            return;
          }
          const all = db.transaction(storeName).objectStore(storeName).getAll();
          all.onerror = () => reject(new Error(String(all.error)));
          all.onsuccess = () => {
            db.close();
            resolve(all.result);
          };
        };
      });
    },
    LOG_DB,
    LOG_STORE,
  );
  return (records as LogRecord[]).reverse();
}

/** Log records of one proxy (`host:port`), newest first. */
export async function readLogOf(page: Page, proxy: string): Promise<LogRecord[]> {
  return (await readLog(page)).filter((r) => r.proxy === proxy);
}

/** The times the background started (storage.session), to prove a worker or event page was restarted. */
export async function readBackgroundStarts(page: Page): Promise<number[]> {
  const starts = await page.evaluate(async () => {
    const api = (globalThis as unknown as { chrome: { storage: { session: { get(k: string): Promise<Record<string, unknown>> } } } })
      .chrome;
    return (await api.storage.session.get('backgroundStarts'))['backgroundStarts'];
  });
  return Array.isArray(starts) ? (starts as number[]) : [];
}

/** How long each recent start of the background took (lifecycle.ts StartTimings), oldest first. */
export async function readStartTimings(page: Page): Promise<{ scriptMs: number; listenersMs: number; readyMs: number }[]> {
  const timings = await page.evaluate(async () => {
    const api = (globalThis as unknown as { chrome: { storage: { session: { get(k: string): Promise<Record<string, unknown>> } } } })
      .chrome;
    return (await api.storage.session.get('backgroundStartTimings'))['backgroundStartTimings'];
  });
  return Array.isArray(timings) ? (timings as { scriptMs: number; listenersMs: number; readyMs: number }[]) : [];
}

/** The action badge text ("" / a count / "!"), read from one of the extension's own pages. */
export function readBadgeText(page: Page): Promise<string> {
  return page.evaluate(() =>
    (globalThis as unknown as { chrome: { action: { getBadgeText(d: object): Promise<string> } } }).chrome.action.getBadgeText({}),
  );
}

/** Proxies that refused passwords lately, and which are locked (`proxies:standings`). */
export function readStandings(page: Page): Promise<ResponseOf<'proxies:standings'>> {
  return sendFromPage(page, 'proxies:standings', {});
}

/** What the popup's and the options page's Unlock button sends. */
export async function unlockProxy(page: Page, proxy: string): Promise<boolean> {
  return (await sendFromPage(page, 'proxies:unlock', { proxy })).unlocked;
}

/** Saves settings as the options page does; throws on a refused field. */
export async function saveSettings(page: Page, changes: Record<string, unknown>): Promise<void> {
  const result = await sendFromPage(page, 'settings:save', { changes });
  if ('errors' in result) throw new Error(`settings:save refused: ${JSON.stringify(result.errors)}`);
}
