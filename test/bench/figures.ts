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

export function summarise(samplesMs: readonly number[]): Stats {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return { runs: sorted.length, medianMs: round(at(0.5)), p95Ms: round(at(0.95)), minMs: round(sorted[0]!) };
}

/** Merges one benchmark's figures into the shared results file. */
export async function recordFigures(name: string, figures: object): Promise<void> {
  await mkdir(dirname(BENCH_FILE), { recursive: true });
  let all: Record<string, unknown> = {};
  try {
    all = JSON.parse(await readFile(BENCH_FILE, 'utf8')) as Record<string, unknown>;
  } catch {
    // First benchmark of the run.
  }
  all[name] = { ...figures, measuredAt: new Date().toISOString() };
  await writeFile(BENCH_FILE, `${JSON.stringify(all, null, 2)}\n`);
}
