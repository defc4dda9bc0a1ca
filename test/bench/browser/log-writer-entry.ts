/**
 * Bundled by log-in-browser.bench.test.ts (vite, IIFE) and injected into an
 * extension page: the product's real log writer, timed where it runs, beside
 * a bare IndexedDB write of the same records (the baseline).
 */
import type { Challenge } from '../../../src/core/challenge';
import { makeLogRecord, type LogRecord } from '../../../src/core/log-record';
import { toStoredRecord } from '../../../src/storage/log-record-schema';
import { EventLogWriter, clearRecords, countRecords } from '../../../src/storage/event-log';

function makeRecords(count: number): LogRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const challenge: Challenge = {
      requestId: `bench-${i}`,
      url: `http://site${i % 50}.example/p/${i}`,
      method: 'GET',
      type: 'xmlhttprequest',
      tabId: 1,
      isProxy: true,
      scheme: 'basic',
      realm: 'Office',
      challenger: { host: '127.0.0.1', port: 3128 },
      timeStamp: i,
    };
    return makeLogRecord(challenge, { outcome: 'answered-saved', attempt: 1, time: Date.now() + i });
  });
}

/** The writer as the background uses it: every record appended, then flushed; counted back from disk. */
async function runWriter(count: number): Promise<{ ms: number; appendMs: number; flushed: boolean; counted: number }> {
  await clearRecords();
  const records = makeRecords(count);
  const writer = new EventLogWriter(() => count);
  const start = performance.now();
  for (const r of records) writer.append(r);
  const appendMs = performance.now() - start;
  const { flushed } = await writer.flush();
  const ms = performance.now() - start;
  const counted = await countRecords();
  await clearRecords();
  return { ms, appendMs, flushed, counted };
}

const RAW_DB = 'pk-bench-raw';

/** Baseline: the same records, stored the same way, added in one bare IndexedDB transaction (opening included). */
async function runRaw(count: number): Promise<{ ms: number; counted: number }> {
  const records = makeRecords(count);
  const start = performance.now();
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open(RAW_DB, 1);
    open.onupgradeneeded = () => open.result.createObjectStore('events', { keyPath: 'id', autoIncrement: true });
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error ?? new Error('open failed'));
  });
  const tx = db.transaction('events', 'readwrite');
  const store = tx.objectStore('events');
  for (const r of records) store.add(toStoredRecord(r));
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('transaction failed'));
  });
  const ms = performance.now() - start;
  const counted = await new Promise<number>((resolve) => {
    const req = db.transaction('events').objectStore('events').count();
    req.onsuccess = () => resolve(req.result);
  });
  const clear = db.transaction('events', 'readwrite');
  clear.objectStore('events').clear();
  await new Promise((resolve) => (clear.oncomplete = resolve));
  db.close();
  return { ms, counted };
}

(globalThis as unknown as { pkLogBench: unknown }).pkLogBench = { runWriter, runRaw };
