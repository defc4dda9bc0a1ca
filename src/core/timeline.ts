import type { LogRecord } from './log-record';
import type { Outcome } from './outcome';

/** The chart groups outcomes into three bands a user can read at a glance. */
export type TimelineBand = 'silent' | 'asked' | 'failed';

export function bandOf(outcome: Outcome): TimelineBand {
  if (outcome === 'answered-saved') return 'silent';
  if (outcome === 'prompted' || outcome === 'answered-prompt' || outcome === 'handed-to-browser') return 'asked';
  return 'failed';
}

export interface TimelineBucket {
  readonly start: number;
  readonly end: number;
  readonly counts: Readonly<Record<TimelineBand, number>>;
}

/** Splits the records' time span into `bucketCount` equal buckets with counts per band. */
export function bucketTimeline(records: readonly LogRecord[], bucketCount: number): TimelineBucket[] {
  if (records.length === 0 || bucketCount < 1) return [];
  let min = Infinity;
  let max = -Infinity;
  for (const r of records) {
    min = Math.min(min, r.time);
    max = Math.max(max, r.time);
  }
  const span = Math.max(max - min, 60_000);
  const width = span / bucketCount;
  const buckets = Array.from({ length: bucketCount }, (_, i) => ({
    start: min + i * width,
    end: min + (i + 1) * width,
    counts: { silent: 0, asked: 0, failed: 0 },
  }));
  for (const r of records) {
    const index = Math.min(bucketCount - 1, Math.floor((r.time - min) / width));
    buckets[index]!.counts[bandOf(r.outcome)]++;
  }
  return buckets;
}
