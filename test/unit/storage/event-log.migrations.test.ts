import { IDBFactory } from 'fake-indexeddb';
import { openDB } from 'idb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { makeLogRecord, type LogRecord } from '../../../src/core/log-record';
import { EventLogWriter, countNewerRecords, readRecentRecords } from '../../../src/storage/event-log';
import { LOG_RECORD_VERSION, readStoredRecord, toStoredRecord } from '../../../src/storage/log-record-schema';
import { makeChallenge } from '../challenge-factory';
import { BROWSER_PATHS } from '../../fakes/fake-browser';
import { startFreshBackground } from '../background/background-world';
import logV1 from '../../fixtures/storage/log-v1.json';

const DB_NAME = 'proxy-keyring-log';
const v1Records = logV1.records as unknown as LogRecord[];

const record = (requestId: string, time = 1_764_582_010_000): LogRecord =>
  makeLogRecord(makeChallenge({ requestId }), { outcome: 'answered-saved', attempt: 1, time });

/** A log database exactly as the version-1 build made it, holding the given values. */
async function seedVersion1Database(values: readonly unknown[]): Promise<void> {
  const db = await openDB(DB_NAME, 1, {
    upgrade(d) {
      d.createObjectStore('events', { keyPath: 'id', autoIncrement: true }).createIndex('requestId', 'requestId');
    },
  });
  for (const value of values) await db.put('events', value);
  db.close();
}

/** Every value on disk, as stored (no migration, no validation). */
async function rawValues(): Promise<unknown[]> {
  const db = await openDB(DB_NAME);
  try {
    return (await db.getAll('events')) as unknown[];
  } finally {
    db.close();
  }
}

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

describe('log record versions', () => {
  it('today’s records are written with the current version, which is 2', async () => {
    expect(LOG_RECORD_VERSION).toBe(2);
    const log = new EventLogWriter(() => 100);
    log.append(record('a'));
    await log.flush();
    expect(await rawValues()).toEqual([{ ...record('a'), id: 1, v: 2 }]);
  });

  it('migration 1 → 2: every record of the version-1 fixture reads as today’s record, field for field', () => {
    for (const stored of v1Records) {
      const read = readStoredRecord(stored);
      expect(read).toEqual({ ok: true, record: stored, version: 1 });
      // Written again, it carries the stamp and reads as version 2, the same record.
      if (!read.ok) continue;
      const again = readStoredRecord(structuredClone(toStoredRecord(read.record)));
      expect(again).toEqual({ ok: true, record: stored, version: 2 });
    }
  });

  it('a version-1 database opens as version 2: its records read newest first, nothing rewritten until a result arrives', async () => {
    await seedVersion1Database(v1Records);
    expect((await readRecentRecords(10)).map((r) => r.id)).toEqual([4, 3, 2, 1]);
    expect(await readRecentRecords(10)).toEqual([...v1Records].reverse());
    const db = await openDB(DB_NAME);
    expect(db.version).toBe(2);
    expect([...db.transaction('events').store.indexNames]).toEqual(['requestId', 'version']);
    db.close();
    expect(await rawValues()).toEqual(v1Records);

    // The final result of request 102 lands on its record without one (id 2), which is then stored as version 2.
    const log = new EventLogWriter(() => 100);
    log.setFinal('102', { statusCode: 407 }, 1_764_582_004_000);
    await log.flush();
    const after = (await rawValues()) as Record<string, unknown>[];
    expect(after[1]).toEqual({ ...v1Records[1], final: { statusCode: 407 }, v: 2 });
    expect([after[0], after[2], after[3]]).toEqual([v1Records[0], v1Records[2], v1Records[3]]);
  });

  it('a record from a newer version is kept as it is on disk, not shown, and counted', async () => {
    const log = new EventLogWriter(() => 100);
    log.append(record('r1', 1_764_582_000_000));
    await log.flush();
    const newer = { ...record('r1', 1_764_582_001_000), v: 3, outcome: 'answered-by-magic', extra: { nested: [1, 2] } };
    const db = await openDB(DB_NAME);
    await db.put('events', newer);
    db.close();

    expect((await readRecentRecords(10)).map((r) => r.requestId)).toEqual(['r1']);
    expect(readStoredRecord(newer)).toEqual({ ok: false, problem: 'newer', version: 3 });
    expect(await countNewerRecords()).toBe(1);

    // A final result for the same request goes to today's record only.
    log.setFinal('r1', { statusCode: 200 }, 1_764_582_002_000);
    await log.flush();
    const [ours, theirs] = await rawValues();
    expect(ours).toMatchObject({ requestId: 'r1', final: { statusCode: 200 }, v: 2 });
    expect(theirs).toEqual({ ...newer, id: 2 });
  });

  it('values that are no record are skipped by the pages, kept on disk, and not counted as newer', async () => {
    await seedVersion1Database([
      { id: 1, hello: 'world' },
      { ...v1Records[0], id: 2 },
      { ...v1Records[1], id: 3, v: 'two' },
    ]);
    expect((await readRecentRecords(10)).map((r) => r.id)).toEqual([2]);
    expect(await countNewerRecords()).toBe(0);
    expect(await rawValues()).toHaveLength(3);
  });

  it('a database from a newer version is left as it is: the writer reports VersionError and keeps its records in memory', async () => {
    const newerDb = await openDB(DB_NAME, 3, {
      upgrade(d) {
        d.createObjectStore('events', { keyPath: 'id', autoIncrement: true }).createIndex('requestId', 'requestId');
        d.createObjectStore('somethingNew');
      },
    });
    await newerDb.put('events', { ...record('future'), v: 3 });
    newerDb.close();
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const log = new EventLogWriter(() => 100);
    log.append(record('a'));
    expect(await log.flush()).toEqual({ flushed: false, health: { failedBatches: 1, dropped: 0, lastError: 'VersionError' } });
    await expect(readRecentRecords(10)).rejects.toMatchObject({ name: 'VersionError' });
    const db = await openDB(DB_NAME);
    expect(db.version).toBe(3);
    expect(await db.getAll('events')).toEqual([{ ...record('future'), v: 3, id: 1 }]);
    db.close();
    vi.restoreAllMocks();
  });
});

describe.each(BROWSER_PATHS)('log:flush reports records from a newer version, $name', (path) => {
  it('with their count, beside a flush that went well', async () => {
    const world = startFreshBackground(path);
    const db = await openDB(DB_NAME, 2, {
      upgrade(d) {
        const store = d.createObjectStore('events', { keyPath: 'id', autoIncrement: true });
        store.createIndex('requestId', 'requestId');
        store.createIndex('version', 'v');
      },
    });
    await db.put('events', { ...record('x'), v: 7 });
    await db.put('events', { ...record('y'), v: 9 });
    db.close();
    expect(await world.send('log:flush', {})).toEqual({ flushed: true, health: { failedBatches: 0, dropped: 0, newerRecords: 2 } });
  });
});
