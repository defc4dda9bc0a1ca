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

function haystack(r: LogRecord): string {
  return [r.proxy, r.url, r.outcome, r.username ?? '', r.realm, r.scheme, r.method, r.type, r.final?.error ?? '', r.final?.statusCode ?? '']
    .join(' ')
    .toLowerCase();
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
