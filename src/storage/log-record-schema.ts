import * as v from 'valibot';
import type { LogRecord } from '../core/log-record';
import { OUTCOMES } from '../core/outcome';

/**
 * The stored form of a diagnostics record: its schema version, the ordered
 * migrations from every earlier version, and the validation of every read.
 * Pure: the event log (IndexedDB) calls it on every value it reads.
 *
 * Versions:
 * - 1: every record written before records carried a version (no `v` field):
 *   a record without `v` is version 1.
 * - 2: the same fields, stamped `v: 2` (the stamp is what makes a record from
 *   a newer build recognisable, so that it is left as it is).
 */
export const LOG_RECORD_VERSION = 2;

/** A record as it lies in IndexedDB: today's fields and the version it was written with. */
export type StoredLogRecord = LogRecord & { readonly v?: number };

/** Why a stored value is not shown: written by a newer version (left as it is), or not a record at all. */
export type StoredRecordRead =
  | { readonly ok: true; readonly record: LogRecord; readonly version: number }
  | { readonly ok: false; readonly problem: 'newer'; readonly version: number }
  | { readonly ok: false; readonly problem: 'damaged'; readonly fields: readonly string[] };

type Fields = Readonly<Record<string, unknown>>;

/**
 * Ordered migrations: `MIGRATIONS[n - 1]` turns a version-n record into
 * version n + 1. Each returns a new object: the stored value is never changed.
 */
const MIGRATIONS: readonly ((fields: Fields) => Fields)[] = [
  // 1 → 2: version-1 records already had today's fields; only the stamp is new.
  (fields) => ({ ...fields }),
];

const text = v.string();

const RECORD_SCHEMA = v.object({
  id: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  time: v.pipe(v.number(), v.finite()),
  requestId: text,
  proxy: text,
  scheme: text,
  realm: text,
  url: text,
  method: text,
  type: text,
  tabId: v.pipe(v.number(), v.integer()),
  attempt: v.pipe(v.number(), v.integer(), v.minValue(0)),
  outcome: v.picklist(OUTCOMES),
  answerMs: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0))),
  username: v.optional(text),
  afterRejection: v.optional(v.literal(true)),
  final: v.optional(
    v.object({
      statusCode: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(999))),
      error: v.optional(text),
    }),
  ),
});

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Valibot keeps a key given as `undefined`; a record read back has only the fields it holds. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

/**
 * Reads one stored value: migrated from its version to today's, then
 * validated. A record from a newer version, or one that is no record, is
 * refused with why (never thrown), and the value itself is never changed.
 */
export function readStoredRecord(stored: unknown): StoredRecordRead {
  if (!isFields(stored)) return { ok: false, problem: 'damaged', fields: ['record'] };
  const { v: version = 1, ...fields } = stored;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) return { ok: false, problem: 'damaged', fields: ['v'] };
  if (version > LOG_RECORD_VERSION) return { ok: false, problem: 'newer', version };
  let migrated: Fields = fields;
  for (let at = version; at < LOG_RECORD_VERSION; at++) migrated = MIGRATIONS[at - 1]!(migrated);
  const parsed = v.safeParse(RECORD_SCHEMA, migrated);
  if (!parsed.success) {
    // Where, never what: a field may hold a URL or a user name.
    const where = parsed.issues.map((issue) => v.getDotPath(issue) ?? 'record');
    return { ok: false, problem: 'damaged', fields: [...new Set(where)] };
  }
  const { final, ...rest } = parsed.output;
  const record = withoutUndefined({ ...rest, ...(final === undefined ? {} : { final: withoutUndefined(final) }) }) as LogRecord;
  return { ok: true, record, version };
}

/** The form a record is written in: today's version, stamped. */
export function toStoredRecord(record: LogRecord): StoredLogRecord {
  return { ...record, v: LOG_RECORD_VERSION };
}
