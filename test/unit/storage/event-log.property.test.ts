import fc from 'fast-check';
import { IDBFactory } from 'fake-indexeddb';
import { openDB } from 'idb';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { OUTCOMES } from '../../../src/core/outcome';
import { EventLogWriter, readRecentRecords } from '../../../src/storage/event-log';
import { LOG_RECORD_VERSION, readStoredRecord, toStoredRecord, type StoredRecordRead } from '../../../src/storage/log-record-schema';

/**
 * The log record reader and its migrations over arbitrary stored values: a
 * typed answer only (never a throw), the value itself never changed, today's
 * records and version-1 records read losslessly, newer ones refused.
 */
const RUNS = 10_000;

const hostileText = fc.string({ unit: 'binary', maxLength: 40 });

/** A record as the version-1 writer stored it (no `v`), with every optional field sometimes there. */
const version1Record = fc.record(
  {
    id: fc.integer({ min: 1, max: 2 ** 40 }),
    time: fc.double({ noNaN: true, noDefaultInfinity: true }),
    requestId: hostileText,
    proxy: hostileText,
    scheme: hostileText,
    realm: hostileText,
    url: hostileText,
    method: hostileText,
    type: hostileText,
    tabId: fc.integer({ min: -1, max: 2 ** 31 }),
    attempt: fc.nat(20),
    outcome: fc.constantFrom(...OUTCOMES),
    answerMs: fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }),
    username: hostileText,
    afterRejection: fc.constant(true as const),
    final: fc.record({ statusCode: fc.integer({ min: 0, max: 999 }), error: hostileText }, { requiredKeys: [], noNullPrototype: true }),
  },
  {
    requiredKeys: ['time', 'requestId', 'proxy', 'scheme', 'realm', 'url', 'method', 'type', 'tabId', 'attempt', 'outcome'],
    // What IndexedDB gives back has Object's prototype.
    noNullPrototype: true,
  },
);

/** Anything in a field, and any version stamp: what a damaged or foreign store could hold. */
const recordish = fc
  .tuple(
    version1Record,
    fc.dictionary(
      fc.constantFrom('id', 'time', 'requestId', 'url', 'tabId', 'attempt', 'outcome', 'answerMs', 'afterRejection', 'final', 'v', 'extra'),
      fc.anything({ maxDepth: 2 }),
      { maxKeys: 3, noNullPrototype: true },
    ),
    fc.oneof(fc.constant(undefined), fc.integer({ min: -2, max: 6 }), fc.anything()),
  )
  .map(([record, overrides, v]) => ({ ...record, ...overrides, ...(v === undefined ? {} : { v }) }));

/** Every answer is one of the three typed shapes, and says only what it may (booleans: `expect` in 10,000 runs is slow). */
function isTyped(read: StoredRecordRead): boolean {
  if (read.ok) {
    // Today's record, written again, reads back the same.
    const again = readStoredRecord(structuredClone(toStoredRecord(read.record)));
    return (
      Number.isInteger(read.version) &&
      read.version >= 1 &&
      read.version <= LOG_RECORD_VERSION &&
      isDeepStrictEqual(again, { ok: true, record: read.record, version: LOG_RECORD_VERSION })
    );
  }
  if (read.problem === 'newer') return Number.isInteger(read.version) && read.version > LOG_RECORD_VERSION;
  return read.problem === 'damaged' && read.fields.length > 0 && read.fields.every((field) => typeof field === 'string');
}

/** Frozen all the way down: a reader that changed the stored value would throw (modules run in strict mode). */
function deepFreeze<T>(value: T, seen = new Set<unknown>()): T {
  if (typeof value !== 'object' || value === null || seen.has(value)) return value;
  seen.add(value);
  for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key], seen);
  return Object.freeze(value);
}

describe('readStoredRecord over arbitrary stored values', () => {
  it(`answers anything at all with a typed result and leaves it unchanged (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withBoxedValues: true, withSparseArray: true }), (stored) =>
        isTyped(readStoredRecord(deepFreeze(stored))),
      ),
      { numRuns: RUNS },
    );
  }, 60_000);

  it(`answers near-records (any field, any version) with a typed result and leaves them unchanged (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(recordish, (stored) => {
        const before = structuredClone(stored);
        const read = readStoredRecord(deepFreeze(stored));
        const v = (stored as { v?: unknown }).v;
        const newer = typeof v === 'number' && Number.isInteger(v) && v > LOG_RECORD_VERSION;
        return (
          isDeepStrictEqual(stored, before) &&
          isTyped(read) &&
          (!newer || isDeepStrictEqual(read, { ok: false, problem: 'newer', version: v }))
        );
      }),
      { numRuns: RUNS },
    );
  }, 60_000);

  it(`migrates every version-1 record losslessly: the same fields, version 1 (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(
        version1Record,
        (stored) =>
          isDeepStrictEqual(readStoredRecord(deepFreeze(stored)), { ok: true, record: stored, version: 1 }) &&
          isDeepStrictEqual(readStoredRecord({ ...stored, v: 1 }), { ok: true, record: stored, version: 1 }),
      ),
      { numRuns: RUNS },
    );
  }, 60_000);

  it(`refuses every record from a newer version, whatever it holds (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: LOG_RECORD_VERSION + 1, max: 2 ** 31 }),
        fc.dictionary(fc.string(), fc.anything({ maxDepth: 2 }), { maxKeys: 5 }),
        (v, fields) => isDeepStrictEqual(readStoredRecord(deepFreeze({ ...fields, v })), { ok: false, problem: 'newer', version: v }),
      ),
      { numRuns: RUNS },
    );
  }, 60_000);
});

describe('the log on disk over arbitrary stored values', () => {
  it('pages see exactly the readable records, newest first; a final result changes none of the refused ones (100 databases)', async () => {
    const stored = fc.array(fc.oneof(version1Record, recordish, fc.anything({ maxDepth: 2 })), { maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(stored, fc.constantFrom('0', '1', 'a', ''), async (values, requestId) => {
        globalThis.indexedDB = new IDBFactory();
        const db = await openDB('proxy-keyring-log', 1, {
          upgrade(d) {
            d.createObjectStore('events', { keyPath: 'id', autoIncrement: true }).createIndex('requestId', 'requestId');
          },
        });
        // Keys 1…n in order, whatever the value says (IndexedDB's own keys; a value's id is replaced).
        const seeded = values.map((value, i) =>
          typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...value, id: i + 1 } : { value, id: i + 1 },
        );
        for (const value of seeded) await db.put('events', value);
        db.close();
        const onDisk = async () => {
          const d = await openDB('proxy-keyring-log');
          try {
            return (await d.getAll('events')) as unknown[];
          } finally {
            d.close();
          }
        };
        const before = await onDisk();

        const readable = before.map((value) => readStoredRecord(value)).filter((read) => read.ok);
        expect(await readRecentRecords(100)).toEqual(readable.map((read) => read.record).reverse());
        expect(await onDisk()).toEqual(before);

        const log = new EventLogWriter(() => 100);
        log.setFinal(requestId, { statusCode: 204 }, Number.MAX_SAFE_INTEGER);
        expect((await log.flush()).flushed).toBe(true);
        const after = await onDisk();
        expect(after).toHaveLength(before.length);
        after.forEach((value, i) => {
          if (!readStoredRecord(before[i]).ok) expect(value).toEqual(before[i]);
        });
      }),
      { numRuns: 100 },
    );
  }, 60_000);
});
