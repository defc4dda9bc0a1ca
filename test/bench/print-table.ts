import { readFile } from 'node:fs/promises';
import { BENCH_FILE, collectRows, renderTable } from './figures';

/** vitest globalSetup: after every bench file has run, print the table of what bench.json now holds. */
export async function teardown(): Promise<void> {
  let all: Record<string, unknown>;
  try {
    all = JSON.parse(await readFile(BENCH_FILE, 'utf8')) as Record<string, unknown>;
  } catch {
    return;
  }
  const rows = collectRows(all);
  if (rows.length === 0) return;
  process.stdout.write(`\nBenchmarks (${BENCH_FILE}):\n\n${renderTable(rows)}\n\n`);
}
