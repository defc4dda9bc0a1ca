import type { LogRecord } from './log-record';
import type { Outcome } from './outcome';
import { siteOf } from './site-of';

export interface LogFilter {
  /** `host:port`; the empty string selects records whose proxy the browser did not report. */
  readonly proxy?: string;
  readonly outcome?: Outcome;
  /** Inclusive bounds, epoch ms. */
  readonly from?: number;
  readonly to?: number;
  /** Matches the request's host. */
  readonly site?: string;
  /** Free text over proxy, URL, outcome, user, realm, scheme and the final result. */
  readonly text?: string;
}

/** Each record's searchable text, built once: records never change, and typing a filter reads every one of them per key. */
const HAYSTACKS = new WeakMap<LogRecord, string>();

function haystack(r: LogRecord): string {
  let text = HAYSTACKS.get(r);
  if (text === undefined) {
    text = [
      r.proxy,
      r.url,
      r.outcome,
      r.username ?? '',
      r.realm,
      r.scheme,
      r.method,
      r.type,
      r.final?.error ?? '',
      r.final?.statusCode ?? '',
    ]
      .join(' ')
      .toLowerCase();
    HAYSTACKS.set(r, text);
  }
  return text;
}

export function isFilterEmpty(filter: LogFilter): boolean {
  return (
    filter.proxy === undefined &&
    !filter.outcome &&
    filter.from === undefined &&
    filter.to === undefined &&
    !filter.site &&
    !filter.text?.trim()
  );
}

/** Keeps the records that match every set part of the filter, in their order. */
export function filterRecords(records: readonly LogRecord[], filter: LogFilter): readonly LogRecord[] {
  if (isFilterEmpty(filter)) return records;
  const text = filter.text?.trim().toLowerCase();
  const site = filter.site?.trim().toLowerCase();
  return records.filter(
    (r) =>
      (filter.proxy === undefined || r.proxy === filter.proxy) &&
      (!filter.outcome || r.outcome === filter.outcome) &&
      (filter.from === undefined || r.time >= filter.from) &&
      (filter.to === undefined || r.time <= filter.to) &&
      (!site || siteOf(r.url).toLowerCase().includes(site)) &&
      (!text || haystack(r).includes(text)),
  );
}

/**
 * Builds the searchable text of `count` records from `start`, so the first
 * key typed into the filter does not pay for all of them. Returns where the
 * next slice starts (`records.length` when done).
 */
export function prepareTextSearch(records: readonly LogRecord[], start: number, count: number): number {
  const end = Math.min(records.length, start + count);
  for (let i = start; i < end; i++) haystack(records[i]!);
  return end;
}

/**
 * `filterRecords` for a filter that changes a key at a time: when the new
 * filter only narrows the last one (the same records and choices, a text or
 * site that contains the last one), it filters the last result instead of
 * every record, since nothing the last filter dropped can match the new one.
 */
export class NarrowingFilter {
  #last?: { readonly records: readonly LogRecord[]; readonly filter: LogFilter; readonly result: readonly LogRecord[] };

  apply(records: readonly LogRecord[], filter: LogFilter): readonly LogRecord[] {
    const last = this.#last;
    const from = last && last.records === records && narrows(last.filter, filter) ? last.result : records;
    const kept = filterRecords(from, filter);
    // Nothing dropped: the same array, so what is derived from it (timeline, table) is not computed again.
    const result = kept.length === from.length ? from : kept;
    this.#last = { records, filter, result };
    return result;
  }
}

function narrows(before: LogFilter, after: LogFilter): boolean {
  const contains = (wider?: string, narrower?: string) =>
    (narrower?.trim().toLowerCase() ?? '').includes(wider?.trim().toLowerCase() ?? '');
  return (
    before.proxy === after.proxy &&
    (before.outcome || undefined) === (after.outcome || undefined) &&
    before.from === after.from &&
    before.to === after.to &&
    contains(before.text, after.text) &&
    contains(before.site, after.site)
  );
}
