import type { FinalResult, LogRecord } from '../core/log-record';
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
 * version n + 1. None changes what it is given (a new object, or the same one
 * untouched): the stored value is never changed.
 */
const MIGRATIONS: readonly ((fields: Fields) => Fields)[] = [
  // 1 → 2: version-1 records already had today's fields; only the stamp is new (written with the next write).
  (fields) => fields,
];

const OUTCOME_SET: ReadonlySet<unknown> = new Set(OUTCOMES);
const TEXT_FIELDS = ['requestId', 'proxy', 'scheme', 'realm', 'url', 'method', 'type'] as const;

const isInteger = (value: unknown): value is number => Number.isInteger(value);
const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * Today's record from migrated fields, or the names of the fields that are
 * wrong. Written by hand, not with a schema library: the options page reads
 * up to 100,000 records at once, and valibot took ~35 µs a record here (3.5 s
 * for 100,000 in Node on this 2-core machine under load), this ~2 µs (0.2 s).
 */
function validate(fields: Fields): LogRecord | string[] {
  const wrong: string[] = [];
  const out: Record<string, unknown> = {};
  const { id, time, tabId, attempt, outcome, answerMs, username, afterRejection, final } = fields;
  if (id !== undefined) {
    if (isInteger(id) && id >= 1) out['id'] = id;
    else wrong.push('id');
  }
  if (isFiniteNumber(time)) out['time'] = time;
  else wrong.push('time');
  for (const key of TEXT_FIELDS) {
    const value = fields[key];
    if (typeof value === 'string') out[key] = value;
    else wrong.push(key);
  }
  if (isInteger(tabId)) out['tabId'] = tabId;
  else wrong.push('tabId');
  if (isInteger(attempt) && attempt >= 0) out['attempt'] = attempt;
  else wrong.push('attempt');
  if (OUTCOME_SET.has(outcome)) out['outcome'] = outcome;
  else wrong.push('outcome');
  if (answerMs !== undefined) {
    if (isFiniteNumber(answerMs) && answerMs >= 0) out['answerMs'] = answerMs;
    else wrong.push('answerMs');
  }
  if (username !== undefined) {
    if (typeof username === 'string') out['username'] = username;
    else wrong.push('username');
  }
  if (afterRejection !== undefined) {
    if (afterRejection === true) out['afterRejection'] = true;
    else wrong.push('afterRejection');
  }
  if (final !== undefined) {
    const read = readFinal(final);
    if (read) out['final'] = read;
    else wrong.push('final');
  }
  return wrong.length > 0 ? wrong : (out as unknown as LogRecord);
}

function readFinal(value: unknown): FinalResult | undefined {
  if (!isFields(value)) return undefined;
  const { statusCode, error } = value;
  const out: { statusCode?: number; error?: string } = {};
  if (statusCode !== undefined) {
    if (!isInteger(statusCode) || statusCode < 0 || statusCode > 999) return undefined;
    out.statusCode = statusCode;
  }
  if (error !== undefined) {
    if (typeof error !== 'string') return undefined;
    out.error = error;
  }
  return out;
}

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads one stored value: migrated from its version to today's, then
 * validated. A record from a newer version, or one that is no record, is
 * refused with why (never thrown), and the value itself is never changed.
 */
export function readStoredRecord(stored: unknown): StoredRecordRead {
  if (!isFields(stored)) return { ok: false, problem: 'damaged', fields: ['record'] };
  // Only today's fields are read from it (`v` is none of them): no copy of the stored value is needed.
  const version = stored['v'] === undefined ? 1 : stored['v'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) return { ok: false, problem: 'damaged', fields: ['v'] };
  if (version > LOG_RECORD_VERSION) return { ok: false, problem: 'newer', version };
  let migrated: Fields = stored;
  for (let at = version; at < LOG_RECORD_VERSION; at++) migrated = MIGRATIONS[at - 1]!(migrated);
  const record = validate(migrated);
  // Where, never what: a field may hold a URL or a user name.
  if (Array.isArray(record)) return { ok: false, problem: 'damaged', fields: record };
  return { ok: true, record, version };
}

/** The form a record is written in: today's version, stamped. */
export function toStoredRecord(record: LogRecord): StoredLogRecord {
  return { ...record, v: LOG_RECORD_VERSION };
}
