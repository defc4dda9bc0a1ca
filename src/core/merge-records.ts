import type { LogRecord } from './log-record';

/**
 * Live updates without re-reading 100,000 records: the page re-reads only the
 * newest window (new records, and recent ones whose final result arrived)
 * and keeps its older records. Returns undefined when the window does not
 * reach back to what the page has (a gap, or a cleared log): then read all.
 */
export function mergeNewestWindow(current: readonly LogRecord[], window: readonly LogRecord[]): LogRecord[] | undefined {
  if (current.length === 0) return [...window];
  if (window.length === 0) return undefined;
  const oldestInWindow = window[window.length - 1]!.id ?? 0;
  const newestKnown = current[0]!.id ?? 0;
  if (oldestInWindow > newestKnown + 1) return undefined;
  return [...window, ...current.filter((r) => (r.id ?? 0) < oldestInWindow)];
}
