import type { Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { findSecrets, listSecrets } from '../support/accounts';
import { OPTIONS_PATH } from '../support/extension';
import { copyAdminReport, filterOptionsLog, waitUntil, waitForLogRows } from '../support/steps';
import type { ScenarioContext } from './context';

/** Everything the extension keeps, as text: storage areas and every IndexedDB store of its origin. */
interface Kept {
  readonly local: string;
  readonly session: string;
  /** Database → store → each value as JSON (bytes read as UTF-8 text, keys by their properties). */
  readonly indexedDb: Record<string, Record<string, string[]>>;
  readonly vaultEntries: readonly Record<string, unknown>[];
}

/** Read from an extension page, so it sees what the background sees. Runs in the browser. */
function dumpKept(page: Page): Promise<Kept> {
  return page.evaluate(async () => {
    const api = (globalThis as unknown as { chrome: { storage: Record<'local' | 'session', { get(k: null): Promise<unknown> }> } }).chrome;
    // Bytes as text, so a password written as bytes is found; a CryptoKey by what it tells about itself.
    const asText = (_key: string, value: unknown): unknown => {
      if (value instanceof CryptoKey) return `[CryptoKey ${value.type} extractable=${String(value.extractable)}]`;
      if (value instanceof ArrayBuffer) return new TextDecoder().decode(value);
      if (ArrayBuffer.isView(value)) return new TextDecoder().decode(value);
      return value;
    };
    const request = <T>(r: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
      });
    const local = await api.storage.local.get(null);
    const session = await api.storage.session.get(null);
    const indexedDb: Record<string, Record<string, string[]>> = {};
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue;
      const db = await request(indexedDB.open(info.name));
      const stores: Record<string, string[]> = {};
      for (const name of Array.from(db.objectStoreNames)) {
        const rows = await request(db.transaction(name).objectStore(name).getAll());
        stores[name] = rows.map((row) => JSON.stringify(row, asText));
      }
      db.close();
      indexedDb[info.name] = stores;
    }
    const vault = (local as { vault?: { entries?: Record<string, unknown>[] } }).vault;
    return {
      local: JSON.stringify(local, asText),
      session: JSON.stringify(session, asText),
      indexedDb,
      vaultEntries: vault?.entries ?? [],
    };
  });
}

/**
 * Issue 8's evidence: after every other scenario of the run (saved, typed,
 * refused, locked, exported passwords), nothing the extension keeps or shows
 * holds a password, and the device scope holds only ciphertext.
 */
export function describeEvidence(ctx: ScenarioContext): void {
  describe.sequential('evidence', () => {
    it('E. after the whole run, no password in storage.local, storage.session, any IndexedDB store, the exported log, the report or the console', async () => {
      const b = ctx.stack.browser;
      const ext = await b.messagingPage();
      // Proves the console capture sees the extension's pages at all.
      await ext.evaluate(() => console.warn('pk-evidence-marker'));
      const kept = await dumpKept(ext);

      const options = await b.openExtensionPage(OPTIONS_PATH);
      await waitForLogRows(options);
      await filterOptionsLog(options, {});
      await options.bringToFront();
      // Chromium lets an extension page download only so many files (scenario 3 already saved two), so the exports are
      // read as the page hands them to the download: the blob behind each, by the name it gives it.
      await options.evaluate(() => {
        const kept: Record<string, Blob> = {};
        (globalThis as unknown as { pkExports: Record<string, Blob> }).pkExports = kept;
        const create = URL.createObjectURL.bind(URL);
        URL.createObjectURL = (blob: Blob | MediaSource) => {
          const url = create(blob);
          if (blob instanceof Blob) kept[blob.type] = blob;
          return url;
        };
      });
      await options.click('[data-testid=export-json]');
      await options.click('[data-testid=export-csv]');
      const exports = await waitUntil(
        () =>
          options.evaluate(async () => {
            const kept = (globalThis as unknown as { pkExports: Record<string, Blob> }).pkExports;
            const types = Object.keys(kept);
            if (!types.some((t) => t.includes('json')) || !types.some((t) => t.includes('csv'))) return undefined;
            return Object.fromEntries(await Promise.all(types.map(async (t) => [t, await kept[t]!.text()] as const)));
          }),
        15_000,
        'both exports',
      );
      const json = { name: 'export (JSON)', text: Object.entries(exports).find(([t]) => t.includes('json'))![1] };
      const csv = { name: 'export (CSV)', text: Object.entries(exports).find(([t]) => t.includes('csv'))![1] };
      const report = await copyAdminReport(options);
      await options.close();
      const consoleText = await waitForMarker(() => b.consoleText());

      const places: Record<string, string> = {
        'storage.local': kept.local,
        'storage.session': kept.session,
        ...Object.fromEntries(
          Object.entries(kept.indexedDb).flatMap(([db, stores]) =>
            Object.entries(stores).map(([store, rows]) => [`indexedDB ${db}/${store}`, rows.join('\n')]),
          ),
        ),
        [json.name]: json.text,
        [csv.name]: csv.text,
        report,
        console: consoleText,
      };
      ctx.facts['E.places'] = Object.fromEntries(Object.entries(places).map(([name, text]) => [name, text.length]));
      ctx.facts['E.secretsLookedFor'] = listSecrets().length;
      for (const [name, text] of Object.entries(places)) expect(findSecrets(text), name).toEqual([]);

      // The run saved device credentials: each is sealed (iv + ciphertext), none has a readable password field.
      expect(kept.vaultEntries.length).toBeGreaterThan(0);
      for (const entry of kept.vaultEntries) {
        expect(entry).not.toHaveProperty('password');
        expect(typeof entry['data']).toBe('string');
        expect(typeof entry['iv']).toBe('string');
      }
      // The log was really there to look at.
      expect(Object.keys(kept.indexedDb).length).toBeGreaterThan(0);
      expect(json.text.length).toBeGreaterThan(100);
    });
  });
}

/** The browser writes its console out a little later than the page logs. */
async function waitForMarker(read: () => string): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const text = read();
    if (text.includes('pk-evidence-marker')) return text;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the captured console never showed the marker the page logged');
}
