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

/** What the free text is looked for in: the record's fields, space-separated, lower case. */
function searchTextOf(r: LogRecord): string {
  const final = r.final;
  return `${r.proxy ?? ''} ${r.url ?? ''} ${r.outcome ?? ''} ${r.username ?? ''} ${r.realm ?? ''} ${r.scheme ?? ''} ${r.method ?? ''} ${r.type ?? ''} ${final?.error ?? ''} ${final?.statusCode ?? ''}`.toLowerCase();
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

/** The filter's parts ready to compare: texts trimmed and lower case, empty ones left out. */
interface Criteria {
  readonly proxy: string | undefined;
  readonly outcome: Outcome | undefined;
  readonly from: number | undefined;
  readonly to: number | undefined;
  readonly site: string | undefined;
  readonly text: string | undefined;
}

function readCriteria(filter: LogFilter): Criteria {
  return {
    proxy: filter.proxy,
    outcome: filter.outcome || undefined,
    from: filter.from,
    to: filter.to,
    site: filter.site?.trim().toLowerCase() || undefined,
    text: filter.text?.trim().toLowerCase() || undefined,
  };
}

/** The parts of the filter that need no text built from the record. */
function matchesFields(r: LogRecord, c: Criteria): boolean {
  return (
    (c.proxy === undefined || r.proxy === c.proxy) &&
    (c.outcome === undefined || r.outcome === c.outcome) &&
    (c.from === undefined || r.time >= c.from) &&
    (c.to === undefined || r.time <= c.to)
  );
}

/** Keeps the records that match every set part of the filter, in their order. */
export function filterRecords(records: readonly LogRecord[], filter: LogFilter): readonly LogRecord[] {
  if (isFilterEmpty(filter)) return records;
  const c = readCriteria(filter);
  return records.filter(
    (r) =>
      matchesFields(r, c) &&
      (c.site === undefined || siteTextOf(r).includes(c.site)) &&
      (c.text === undefined || searchTextOf(r).includes(c.text)),
  );
}

/** What the site filter looks in: `siteOf`, lower case. */
function siteTextOf(r: Pick<LogRecord, 'url'>): string {
  return siteOf(r.url).toLowerCase();
}

/** Texts for `records`: built for the first `fresh` ones, the rest taken from `old` (from index `from` on). */
function joinTexts(
  records: readonly LogRecord[],
  fresh: number,
  old: readonly string[],
  from: number,
  build: (r: LogRecord) => string,
): string[] {
  const texts = new Array<string>(records.length);
  for (let i = 0; i < fresh; i++) texts[i] = build(records[i]!);
  for (let i = fresh, j = from; i < records.length; i++, j++) texts[i] = old[j]!;
  return texts;
}

/**
 * The searchable texts of one records array, by index (`texts[i]` is
 * `records[i]`'s), built when the records arrive (the first key typed then
 * only reads them) and looked up without a hash per record.
 */
class SearchTexts {
  readonly records: readonly LogRecord[];
  readonly #texts: string[];
  #sites: string[] | undefined;

  /**
   * Takes over the texts `previous` had for the records this array ends
   * with, the same objects in the same order: a live update puts the newer
   * records in front of the ones the page had, and only those are built.
   */
  constructor(records: readonly LogRecord[], previous?: SearchTexts) {
    this.records = records;
    const old = previous?.records ?? [];
    let shared = 0;
    while (shared < records.length && shared < old.length && records[records.length - 1 - shared] === old[old.length - 1 - shared])
      shared++;
    const fresh = records.length - shared;
    const from = old.length - shared;
    this.#texts = joinTexts(records, fresh, previous ? previous.#texts : [], from, searchTextOf);
    const oldSites = previous ? previous.#sites : undefined;
    if (oldSites && shared > 0) this.#sites = joinTexts(records, fresh, oldSites, from, siteTextOf);
  }

  text(index: number): string {
    return this.#texts[index]!;
  }

  /** Sites are built the first time a site is filtered for. */
  site(index: number): string {
    this.#sites ??= this.records.map(siteTextOf);
    return this.#sites[index]!;
  }
}

/**
 * `filterRecords` for a filter that changes a key at a time, over records
 * that change now and then. When the new filter only narrows the last one
 * (the same records and choices, a text or site that contains the last one),
 * it looks only at what the last one kept, since nothing it dropped can match
 * the new one. When nothing is dropped it gives back the same array, so what
 * is derived from it (the timeline, the table) is not computed again.
 */
export class NarrowingFilter {
  #search?: SearchTexts;
  /** The last result, and the indexes in `#search.records` of what it kept (undefined: every record). */
  #last?: { readonly filter: LogFilter; readonly kept: Uint32Array | undefined; readonly result: readonly LogRecord[] };
  /** Where a pass writes the indexes it keeps, reused by every key. */
  #scratch = new Uint32Array(0);

  apply(records: readonly LogRecord[], filter: LogFilter): readonly LogRecord[] {
    const search = this.#searchOf(records);
    const last = this.#last;
    if (isFilterEmpty(filter)) {
      this.#last = { filter, kept: undefined, result: records };
      return records;
    }
    const c = readCriteria(filter);
    const narrowing = last !== undefined && narrows(last.filter, filter);
    const from = narrowing ? last.kept : undefined;
    const total = from ? from.length : records.length;
    if (this.#scratch.length < records.length) this.#scratch = new Uint32Array(records.length);
    const scratch = this.#scratch;
    let count = 0;
    for (let k = 0; k < total; k++) {
      const i = from ? from[k]! : k;
      if (!matchesFields(records[i]!, c)) continue;
      if (c.site !== undefined && !search.site(i).includes(c.site)) continue;
      if (c.text !== undefined && !search.text(i).includes(c.text)) continue;
      scratch[count++] = i;
    }
    if (count === total) {
      // Nothing dropped: the same array as before this key.
      const result = narrowing ? last.result : records;
      this.#last = { filter, kept: from, result };
      return result;
    }
    const kept = scratch.slice(0, count);
    const result = Array.from(kept, (i) => records[i]!);
    this.#last = { filter, kept, result };
    return result;
  }

  #searchOf(records: readonly LogRecord[]): SearchTexts {
    if (this.#search?.records === records) return this.#search;
    this.#search = new SearchTexts(records, this.#search);
    this.#last = undefined;
    return this.#search;
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
