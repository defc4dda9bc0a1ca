import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_FILE = resolve(dirname(fileURLToPath(import.meta.url)), '../../test-artifacts/bench.json');

export interface Stats {
  readonly runs: number;
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly minMs: number;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** The q-quantile (0..1) of samples, nearest rank. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function summarise(samplesMs: readonly number[]): Stats {
  return {
    runs: samplesMs.length,
    medianMs: round3(median(samplesMs)),
    p95Ms: round3(quantile(samplesMs, 0.95)),
    minMs: round3(Math.min(...samplesMs)),
  };
}

/** p50 / p99 / p99.9 in microseconds, for samples in milliseconds. */
export function tailsUs(samplesMs: readonly number[]): { runs: number; p50Us: number; p99Us: number; p999Us: number; maxUs: number } {
  const us = (ms: number) => Math.round(ms * 10_000) / 10;
  return {
    runs: samplesMs.length,
    p50Us: us(quantile(samplesMs, 0.5)),
    p99Us: us(quantile(samplesMs, 0.99)),
    p999Us: us(quantile(samplesMs, 0.999)),
    maxUs: us(Math.max(...samplesMs)),
  };
}

/** A figure beside its baseline of the same run: both medians and the median of the round-by-round ratios. */
export interface Compared {
  readonly runs: number;
  readonly medianMs: number;
  readonly baselineMedianMs: number;
  /** Median over rounds of (this ÷ baseline) in the same round. */
  readonly ratio: number;
  readonly samplesMs: readonly number[];
  readonly baselineSamplesMs: readonly number[];
}

export function compare(samples: readonly number[], baseline: readonly number[]): Compared {
  const n = Math.min(samples.length, baseline.length);
  const ratios = Array.from({ length: n }, (_, i) => samples[i]! / baseline[i]!).filter((r) => Number.isFinite(r));
  return {
    runs: n,
    medianMs: round3(median(samples)),
    baselineMedianMs: round3(median(baseline)),
    ratio: Math.round(median(ratios) * 1000) / 1000,
    samplesMs: samples.map(round3),
    baselineSamplesMs: baseline.map(round3),
  };
}

/**
 * Runs every arm once per round, alternating (A B C, then C B A, …) so that
 * drift on a noisy machine falls on all arms alike. An arm returns its time in
 * ms, or undefined when the round did not give one (it is left out).
 */
export async function alternate<K extends string>(
  rounds: number,
  arms: { readonly [P in K]?: (round: number) => Promise<number | undefined> },
): Promise<Record<K, number[]>> {
  const names = (Object.keys(arms) as K[]).filter((n) => arms[n] !== undefined);
  const out = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < rounds; round++) {
    for (const name of round % 2 === 0 ? names : [...names].reverse()) {
      const ms = await arms[name]!(round);
      if (ms !== undefined) out[name].push(ms);
    }
  }
  return out;
}

/** One line of the table `npm run bench` prints and docs/benchmarks.md quotes. */
export interface TableRow {
  readonly figure: string;
  readonly browser: 'chromium' | 'firefox' | 'node' | 'both';
  readonly value: string;
  readonly baseline?: string;
  readonly target?: string;
}

/** Merges one benchmark's figures (and its table rows) into the shared results file. */
export async function recordFigures(name: string, figures: object, rows: readonly TableRow[] = []): Promise<void> {
  await mkdir(dirname(BENCH_FILE), { recursive: true });
  let all: Record<string, unknown> = {};
  try {
    all = JSON.parse(await readFile(BENCH_FILE, 'utf8')) as Record<string, unknown>;
  } catch {
    // First benchmark of the run.
  }
  all[name] = { ...figures, ...(rows.length > 0 ? { rows } : {}), measuredAt: new Date().toISOString() };
  await writeFile(BENCH_FILE, `${JSON.stringify(all, null, 2)}\n`);
}

/**
 * Every table row recorded in bench.json, in the order the benchmarks wrote
 * them; rows measured before `since` (ISO time: a benchmark that did not run
 * or failed this time) say so.
 */
export function collectRows(all: Record<string, unknown>, since = ''): TableRow[] {
  return Object.values(all).flatMap((entry) => {
    if (entry === null || typeof entry !== 'object' || !Array.isArray((entry as { rows?: unknown }).rows)) return [];
    const { rows, measuredAt } = entry as { rows: TableRow[]; measuredAt?: string };
    const stale = measuredAt !== undefined && measuredAt < since;
    return stale ? rows.map((r) => ({ ...r, figure: `${r.figure} (earlier run, ${measuredAt})` })) : rows;
  });
}

/** The rows as a Markdown table (also readable printed to a terminal). */
export function renderTable(rows: readonly TableRow[]): string {
  const head = ['figure', 'browser', 'measured', 'baseline (same run)', 'target'];
  const body = rows.map((r) => [r.figure, r.browser, r.value, r.baseline ?? '', r.target ?? '']);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

export const fmtMs = (ms: number) => (ms >= 100 ? `${Math.round(ms)} ms` : `${Math.round(ms * 10) / 10} ms`);
export const fmtRatio = (r: number) => `${r.toFixed(2)}×`;
