import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium, type ChromiumUnderTest as ChromiumHandle } from '../e2e/support/chromium';
import { CHROME_DIST, OPTIONS_PATH } from '../e2e/support/extension';
import { recordFigures, summarise } from './figures';

/** The options page with 100,000 log records, in real Chromium: from navigation to the table on screen. */
const RECORDS = 100_000;
let chromium: ChromiumHandle;

beforeAll(async () => {
  chromium = await launchChromium({ extensionDir: CHROME_DIST });
});

afterAll(async () => {
  await chromium?.close();
});

it('renders 100,000 records', async () => {
  const page = await chromium.openExtensionPage(OPTIONS_PATH);
  await page.setViewport({ width: 1280, height: 900 });
  // Raise the bound first, or the background would trim the log to 10,000.
  await page.evaluate(() =>
    (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }).chrome.runtime.sendMessage({
      type: 'settings:save',
      payload: { changes: { logLimit: 200_000 } },
    }),
  );
  await page.evaluate(async (count: number) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('proxy-keyring-log', 1);
      open.onupgradeneeded = () =>
        open.result.createObjectStore('events', { keyPath: 'id', autoIncrement: true }).createIndex('requestId', 'requestId');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error ?? new Error('IndexedDB open failed'));
    });
    const outcomes = ['answered-saved', 'prompted', 'answered-prompt', 'rejected', 'proxy-error'];
    const now = Date.now();
    const tx = db.transaction('events', 'readwrite');
    for (let i = 0; i < count; i++) {
      tx.objectStore('events').add({
        time: now - (count - i) * 1000,
        requestId: String(i),
        proxy: `proxy${i % 4}.example:3128`,
        scheme: 'basic',
        realm: 'Office',
        url: `https://site${i % 50}.example/p/${i}`,
        method: 'GET',
        type: 'xmlhttprequest',
        tabId: 1,
        attempt: 1,
        outcome: outcomes[i % outcomes.length],
        final: { statusCode: 200 },
      });
    }
    await new Promise((resolve) => (tx.oncomplete = resolve));
    db.close();
  }, RECORDS);

  const firstRows: number[] = [];
  const renders: number[] = [];
  const filters: number[] = [];
  for (let run = 0; run < 3; run++) {
    const start = Date.now();
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.waitForSelector('[data-testid=log-row]', { timeout: 60_000 });
    firstRows.push(Date.now() - start);
    await page.waitForFunction(
      (n: number) => document.querySelector('[data-testid=showing]')?.textContent === `${n} of ${n} records`,
      { timeout: 120_000, polling: 50 },
      RECORDS,
    );
    renders.push(Date.now() - start);
    const filterStart = Date.now();
    await page.type('input[name=text]', 'site7.example');
    await page.waitForFunction(() => document.querySelector('[data-testid=showing]')?.textContent?.startsWith('2000 of'), {
      timeout: 60_000,
      polling: 20,
    });
    filters.push(Date.now() - filterStart);
  }
  const domRows = await page.$$eval('[data-testid=log-row]', (rows) => rows.length);
  await recordFigures('optionsRender100k', {
    firstRows: summarise(firstRows),
    allRecordsReady: summarise(renders),
    filterTyping: summarise(filters),
    domRowsAfterFilter: domRows,
    records: RECORDS,
  });
  expect(domRows).toBeLessThan(100);
});
