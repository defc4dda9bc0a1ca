import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { FinalResult, LogRecord } from '../core/log-record';
import { LOG_RECORD_VERSION, readStoredRecord, toStoredRecord, type StoredLogRecord } from './log-record-schema';

/**
 * The diagnostics log in IndexedDB. The background appends through
 * `EventLogWriter`, which batches: the answer path only pushes to an array,
 * and one transaction later writes the batch and drops the oldest records
 * beyond the limit. Pages read with `readRecentRecords`.
 *
 * Every record carries its schema version (`log-record-schema.ts`) and is
 * read through its migrations; one from a newer version is not shown, never
 * rewritten, and counted (`countNewerRecords`).
 */
const DB_NAME = 'proxy-keyring-log';
const STORE = 'events';
/** The database's own version (its stores and indexes), apart from the records' version. */
const DB_VERSION = 2;

interface LogDb extends DBSchema {
  events: { key: number; value: StoredLogRecord; indexes: { requestId: string; version: number } };
}

/**
 * Ordered upgrades of the database: 0 → 1 the store and its requestId index;
 * 1 → 2 an index on the records' version, so that records from a newer
 * version are counted without reading the log (records without `v`, version 1,
 * are not in it). A database from a newer version fails to open (VersionError)
 * and is left as it is: the writer reports it, the pages say so.
 */
export function openLogDb(onBlocking?: () => void): Promise<IDBPDatabase<LogDb>> {
  const opening = openDB<LogDb>(DB_NAME, DB_VERSION, {
    upgrade(db, oldVersion, _newVersion, tx) {
      if (oldVersion < 1) db.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true }).createIndex('requestId', 'requestId');
      if (oldVersion < 2) tx.objectStore(STORE).createIndex('version', 'v');
    },
    // A page (or a newer build) upgrading the database: a connection kept open must not hold it up.
    blocking() {
      void opening.then((db) => db.close());
      onBlocking?.();
    },
  });
  return opening;
}

/** What can be shown of stored values: today's records, migrated; the rest stays on disk, unshown. */
function readable(values: readonly unknown[]): LogRecord[] {
  const out: LogRecord[] = [];
  for (const value of values) {
    const read = readStoredRecord(value);
    if (read.ok) out.push(read.record);
  }
  return out;
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
      const out: unknown[] = [];
      let cursor = await store.openCursor(null, 'prev');
      while (cursor && out.length < limit) {
        out.push(cursor.value);
        cursor = await cursor.continue();
      }
      return readable(out);
    }
    return readable(inRange.reverse());
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

/** Records written by a newer version of Proxy Keyring: kept, not shown. (Numbers only: a string sorts above every number.) */
export async function countNewerRecords(): Promise<number> {
  const db = await openLogDb();
  try {
    return await db.countFromIndex(STORE, 'version', IDBKeyRange.bound(LOG_RECORD_VERSION, Infinity, true));
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

/** After a failed batch the writer tries again by itself, waiting longer each time up to a minute. */
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 60_000;

/** How the log's writing went since the background started: what the options page shows when it is not all well. */
export interface LogHealth {
  /** Batches that could not be written (each was queued again). */
  readonly failedBatches: number;
  /** Records lost: beyond the log's limit while writes failed (oldest first), or refused by IndexedDB itself. */
  readonly dropped: number;
  /** While writes fail: the last error's name (e.g. `QuotaExceededError`), never its records. */
  readonly lastError?: string;
  /** Records on disk from a newer version of Proxy Keyring: kept as they are, not shown. */
  readonly newerRecords?: number;
}

export function isLogHealthy(health: LogHealth): boolean {
  return health.failedBatches === 0 && health.dropped === 0 && health.lastError === undefined && !health.newerRecords;
}

export interface FlushResult {
  /** Everything queued is on disk. */
  readonly flushed: boolean;
  readonly health: LogHealth;
}

interface PendingFinal {
  readonly requestId: string;
  readonly final: FinalResult;
  readonly time: number;
}

function errorName(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' && name !== '' ? name : 'Error';
}

/**
 * Fails soft: a batch that cannot be written (a full disk, IndexedDB refused,
 * a connection the browser closed) is reported and queued again ahead of
 * newer records, the queue bounded by the log's limit (oldest dropped first,
 * counted); the next flush opens the database afresh. `flush` never rejects.
 */
export class EventLogWriter {
  #pending: LogRecord[] = [];
  #finals: PendingFinal[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #flushing: Promise<unknown> = Promise.resolve();
  #db: Promise<IDBPDatabase<LogDb>> | undefined;
  #failedBatches = 0;
  #failuresInARow = 0;
  #dropped = 0;
  #lastError: string | undefined;

  constructor(
    private readonly limit: () => number,
    private readonly onWritten: () => void = () => {},
    private readonly delayMs = 250,
  ) {}

  append(record: LogRecord): void {
    this.#pending.push(record);
    this.#bound();
    this.#schedule(this.delayMs);
  }

  /** Records how the request ended on its challenge records (those without a result yet). */
  setFinal(requestId: string, final: FinalResult, time: number): void {
    this.#finals.push({ requestId, final, time });
    this.#bound();
    this.#schedule(this.delayMs);
  }

  /** Writes everything queued; says whether it is on disk (never rejects: a failure is in the answer). */
  flush(): Promise<FlushResult> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const run = this.#flushing.then(() => this.#writeBatch());
    this.#flushing = run;
    return run;
  }

  /** Empties the log: what waits in memory and what is on disk; the counts start again. */
  clear(): Promise<void> {
    const run = this.#flushing.then(async () => {
      this.#pending = [];
      this.#finals = [];
      this.#failedBatches = 0;
      this.#dropped = 0;
      this.#lastError = undefined;
      await clearRecords();
    });
    this.#flushing = run.catch(() => undefined);
    return run;
  }

  health(): LogHealth {
    return {
      failedBatches: this.#failedBatches,
      dropped: this.#dropped,
      ...(this.#lastError === undefined ? {} : { lastError: this.#lastError }),
    };
  }

  #schedule(delayMs: number): void {
    this.#timer ??= setTimeout(() => void this.flush(), delayMs);
  }

  /** The queue never holds more than the log keeps: the oldest go first, counted. */
  #bound(): void {
    const limit = Math.max(0, this.limit());
    const excess = this.#pending.length - limit;
    if (excess > 0) {
      this.#pending.splice(0, excess);
      this.#dropped += excess;
    }
    if (this.#finals.length > limit) this.#finals.splice(0, this.#finals.length - limit);
  }

  async #writeBatch(): Promise<FlushResult> {
    const records = this.#pending;
    const finals = this.#finals;
    if (records.length === 0 && finals.length === 0) return { flushed: true, health: this.health() };
    this.#pending = [];
    this.#finals = [];
    try {
      this.#db ??= openLogDb(() => (this.#db = undefined));
      await this.#write(await this.#db, records, finals);
    } catch (error) {
      this.#failed(error, records, finals);
      return { flushed: false, health: this.health() };
    }
    this.#failuresInARow = 0;
    this.#lastError = undefined;
    this.onWritten();
    return { flushed: this.#pending.length === 0 && this.#finals.length === 0, health: this.health() };
  }

  #failed(error: unknown, records: LogRecord[], finals: PendingFinal[]): void {
    // A failed open, or a connection the browser closed: the next batch opens again.
    const db = this.#db;
    this.#db = undefined;
    void db?.then((d) => d.close()).catch(() => undefined);
    // Ahead of what arrived meanwhile: the log keeps its order.
    this.#pending = [...records, ...this.#pending];
    this.#finals = [...finals, ...this.#finals];
    this.#bound();
    this.#failedBatches++;
    this.#failuresInARow++;
    const name = errorName(error);
    // Once per run of failures, by the error's name only: a record holds URLs and user names.
    if (this.#lastError === undefined) {
      console.warn(`Proxy Keyring could not write its diagnostics log (${name}); ${this.#pending.length} records wait to be written.`);
    }
    this.#lastError = name;
    this.#schedule(Math.min(RETRY_FIRST_MS * 2 ** (this.#failuresInARow - 1), RETRY_MAX_MS));
  }

  /** One transaction: all of the batch or, if it aborts, none of it. */
  async #write(db: IDBPDatabase<LogDb>, records: readonly LogRecord[], finals: readonly PendingFinal[]): Promise<void> {
    const tx = db.transaction(STORE, 'readwrite');
    // Its failure is seen here and below: never an unhandled rejection besides.
    const done = tx.done;
    done.catch(() => undefined);
    try {
      for (const record of records) {
        try {
          tx.store.add(toStoredRecord(record)).catch(() => undefined);
        } catch (error) {
          // This record can never be stored (a value IndexedDB cannot clone): drop it, not the batch.
          if (errorName(error) !== 'DataCloneError') throw error;
          this.#dropped++;
          console.warn('Proxy Keyring dropped a diagnostics record it could not store (DataCloneError).');
        }
      }
      for (const { requestId, final, time } of finals) {
        let cursor = await tx.store.index('requestId').openCursor(requestId);
        while (cursor) {
          // A record from a newer version (or not one at all) is left as it is.
          const read = readStoredRecord(cursor.value);
          const value = read.ok ? read.record : undefined;
          if (value && value.final === undefined && time - value.time < FINAL_RESULT_WINDOW_MS && time >= value.time) {
            await cursor.update(toStoredRecord({ ...value, final }));
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
    } catch (error) {
      try {
        tx.abort();
      } catch {
        // Already finished (aborted by the browser): nothing of the batch was kept either way.
      }
      throw error;
    }
    await done;
  }
}
