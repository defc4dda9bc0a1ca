import type { LogRecord } from './log-record';
import type { Outcome } from './outcome';

export interface LastResult {
  readonly outcome: Outcome;
  readonly time: number;
  readonly final?: LogRecord['final'];
}

/** The newest record per proxy (records come newest first). */
export function lastResultByProxy(records: readonly LogRecord[]): Map<string, LastResult> {
  const out = new Map<string, LastResult>();
  for (const r of records) {
    if (out.has(r.proxy)) continue;
    out.set(r.proxy, { outcome: r.outcome, time: r.time, ...(r.final ? { final: r.final } : {}) });
  }
  return out;
}
