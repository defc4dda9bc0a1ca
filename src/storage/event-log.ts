import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { FinalResult, LogRecord } from '../core/log-record';

/**
 * The diagnostics log in IndexedDB. The background appends through
 * `EventLogWriter`, which batches: the answer path only pushes to an array,
 * and one transaction later writes the batch and drops the oldest records
 * beyond the limit. Pages read with `readRecentRecords`.
 */
const DB_NAME = 'proxy-keyring-log';
const STORE = 'events';

interface LogDb extends DBSchema {
  events: { key: number; value: LogRecord; indexes: { requestId: string } };
}

export function openLogDb(): Promise<IDBPDatabase<LogDb>> {
  return openDB<LogDb>(DB_NAME, 1, {
    upgrade(db) {
      const store = db.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true });
      store.createIndex('requestId', 'requestId');
    },
  });
}

/**
 * The newest `limit` records, newest first. Keys grow by one per record and
 * the bound drops the oldest, so the newest `limit` keys are one key range:
 * one getAll instead of a cursor step per record (100,000 records: one call,
 * not 100,000 awaits). A gap (records removed by hand) falls back to the cursor.
 */
export async function readRecentRecords(limit: number): Promise<LogRecord[]> {
  const db = await openLogDb();
  try {
    const store = db.transaction(STORE).store;
    const newest = await store.openCursor(null, 'prev');
    if (!newest) return [];
    const fromKey = newest.key - limit + 1;
    const inRange = await store.getAll(IDBKeyRange.lowerBound(fromKey));
    if (inRange.length < limit && (await store.count()) > inRange.length) {
      const out: LogRecord[] = [];
      let cursor = await store.openCursor(null, 'prev');
      while (cursor && out.length < limit) {
        out.push(cursor.value);
        cursor = await cursor.continue();
      }
      return out;
    }
    return inRange.reverse();
  } finally {
    db.close();
  }
}

export async function countRecords(): Promise<number> {
  const db = await openLogDb();
  try {
    return await db.count(STORE);
  } finally {
    db.close();
  }
}

export async function clearRecords(): Promise<void> {
  const db = await openLogDb();
  try {
    await db.clear(STORE);
  } finally {
    db.close();
  }
}

/** Final results are matched to records of the same request written within this window. */
const FINAL_RESULT_WINDOW_MS = 15 * 60_000;

export class EventLogWriter {
  #pending: LogRecord[] = [];
  #finals: { requestId: string; final: FinalResult; time: number }[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #db: Promise<IDBPDatabase<LogDb>> | undefined;

  constructor(
    private readonly limit: () => number,
    private readonly onWritten: () => void = () => {},
    private readonly delayMs = 250,
  ) {}

  append(record: LogRecord): void {
    this.#pending.push(record);
    this.#schedule();
  }

  /** Records how the request ended on its challenge records (those without a result yet). */
  setFinal(requestId: string, final: FinalResult, time: number): void {
    this.#finals.push({ requestId, final, time });
    this.#schedule();
  }

  /** Writes everything queued; resolves when it is on disk. */
  flush(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#flushing = this.#flushing.then(() => this.#writeBatch());
    return this.#flushing;
  }

  #schedule(): void {
    this.#timer ??= setTimeout(() => void this.flush(), this.delayMs);
  }

  async #writeBatch(): Promise<void> {
    const records = this.#pending;
    const finals = this.#finals;
    if (records.length === 0 && finals.length === 0) return;
    this.#pending = [];
    this.#finals = [];
    this.#db ??= openLogDb();
    const db = await this.#db;
    const tx = db.transaction(STORE, 'readwrite');
    for (const record of records) void tx.store.add(record);
    for (const { requestId, final, time } of finals) {
      let cursor = await tx.store.index('requestId').openCursor(requestId);
      while (cursor) {
        const value = cursor.value;
        if (value.final === undefined && time - value.time < FINAL_RESULT_WINDOW_MS && time >= value.time) {
          await cursor.update({ ...value, final });
        }
        cursor = await cursor.continue();
      }
    }
    // Bounded: the oldest records go first.
    let excess = (await tx.store.count()) - this.limit();
    let oldest = excess > 0 ? await tx.store.openCursor() : null;
    while (oldest && excess > 0) {
      await oldest.delete();
      excess--;
      oldest = await oldest.continue();
    }
    await tx.done;
    this.onWritten();
  }
}
