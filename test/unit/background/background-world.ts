import { fakeBrowser } from '@webext-core/fake-browser';
import { afterEach, vi } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { startBackground, type BackgroundOptions } from '../../../src/background/start-background';
import { createFakeBrowser, type BrowserPath, type FakeBrowserWorld } from '../../fakes/fake-browser';
import type { LogRecord } from '../../../src/core/log-record';
import { readRecentRecords } from '../../../src/storage/event-log';
import { makeChallengeDetails } from '../challenge-factory';

/**
 * A whole background in this process: a fresh fake browser (storage, badge,
 * messages, webRequest, windows) and an empty IndexedDB, then the real
 * `startBackground` over it, exactly as the entry file calls it.
 */
export function startFreshBackground(path: BrowserPath, options?: BackgroundOptions): FakeBrowserWorld {
  fakeBrowser.reset();
  globalThis.indexedDB = new IDBFactory();
  const world = createFakeBrowser(path.permissions);
  startBackground(world.api, options);
  live = world;
  return world;
}

let live: FakeBrowserWorld | undefined;

// The log writes in batches: write what a test's background still holds
// before the next test swaps IndexedDB, or it lands in the next test's log.
afterEach(async () => {
  await live?.send('log:flush', {}).catch(() => undefined);
  live = undefined;
});

/** The worker is stopped and woken: a new background over the same storage, IndexedDB and windows. */
export function restartBackground(world: FakeBrowserWorld, options?: BackgroundOptions): FakeBrowserWorld {
  const next = world.restart();
  startBackground(next.api, options);
  live = next;
  return next;
}

/**
 * The browser is closed and started again: what restartBackground keeps, but
 * `storage.session` emptied (both browsers keep it in memory only) and no
 * window of the extension open.
 */
export async function restartBrowser(world: FakeBrowserWorld, path: BrowserPath, options?: BackgroundOptions): Promise<FakeBrowserWorld> {
  world.restart();
  await fakeBrowser.storage.session.clear();
  const next = createFakeBrowser(path.permissions);
  startBackground(next.api, options);
  live = next;
  return next;
}

/** A proxy challenge as the browsers send it (recorded ones are in test/fixtures). */
export const challenge = makeChallengeDetails;

export const PROXY = { host: 'proxy.example', port: 3128 } as const;

/** Saves a credential the way the options page does. */
export async function saveCredential(
  world: FakeBrowserWorld,
  fields: { host?: string; port?: number; realm?: string; username?: string; password?: string } = {},
): Promise<string> {
  const result = await world.send('credentials:save', {
    host: fields.host ?? PROXY.host,
    port: fields.port ?? PROXY.port,
    realm: fields.realm ?? '',
    username: fields.username ?? 'alice',
    password: fields.password ?? 'right',
    scope: 'device',
  });
  if (!('saved' in result)) throw new Error(`not saved: ${JSON.stringify(result.errors)}`);
  return result.saved.id;
}

/** The prompt id a prompt window's address carries. */
export function promptIdOf(windowUrl: string): string {
  return new URL(windowUrl).searchParams.get('id') ?? '';
}

/** Whether a promise has settled by now (after letting pending work run). */
export async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  return settled;
}

/** The log as the pages read it: the background flushes its batch, then the records are read from IndexedDB. */
export async function readLog(world: Pick<FakeBrowserWorld, 'send'>, limit = 100): Promise<LogRecord[]> {
  await world.send('log:flush', {});
  return readRecentRecords(limit);
}

/** Waits for an assertion to hold, long enough for a loaded machine (vi.waitFor gives up after 1 s by default). */
export function eventually<T>(assertion: () => T | Promise<T>): Promise<T> {
  return vi.waitFor(assertion, { timeout: 10_000, interval: 20 });
}

/** The proxy let an answered request through: its response headers arrive (the verdict the verifier waits for). */
export function respond(world: Pick<FakeBrowserWorld, 'webRequest'>, requestId: string, statusCode = 200): void {
  world.webRequest.onHeadersReceived.trigger({
    requestId,
    statusCode,
    url: 'http://origin.test/index.html',
    method: 'GET',
    type: 'main_frame',
    tabId: 4,
  });
}
