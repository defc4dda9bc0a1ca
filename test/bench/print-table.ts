import { readFile } from 'node:fs/promises';
import { BENCH_FILE, collectRows, renderTable } from './figures';

let startedAt = '';

/** vitest globalSetup: notes when the run started, so the table can tell rows of earlier runs. */
export function setup(): void {
  startedAt = new Date().toISOString();
}

/** After every bench file has run, prints the table of what bench.json now holds. */
export async function teardown(): Promise<void> {
  let all: Record<string, unknown>;
  try {
    all = JSON.parse(await readFile(BENCH_FILE, 'utf8')) as Record<string, unknown>;
  } catch {
    return;
  }
  const rows = collectRows(all, startedAt);
  if (rows.length === 0) return;
  process.stdout.write(`\nBenchmarks (${BENCH_FILE}):\n\n${renderTable(rows)}\n\n`);
}
