import { fileURLToPath } from 'node:url';
import { build, type Rolldown } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_NAMES, type BrowserUnderTest } from '../../e2e/support/browser';
import { launchBrowser } from '../../e2e/support/stack';
import { alternate, compare, fmtMs, fmtRatio, recordFigures } from '../figures';

/**
 * 10,000 records through the product's real log writer (src/storage/event-log.ts,
 * bundled here and run in one of the extension's own pages, so it writes the
 * extension's IndexedDB), beside a bare IndexedDB transaction of the same
 * records; counted back from disk each time.
 */
const RECORDS = 10_000;
const ROUNDS = 4;
/** An extension page that runs no script of its own and sends the background nothing. */
const QUIET_PAGE = 'icons/icon-16.png';

async function bundleWriter(): Promise<string> {
  const out = await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: false,
      lib: { entry: fileURLToPath(new URL('./log-writer-entry.ts', import.meta.url)), formats: ['iife'], name: 'pkLogBenchBundle' },
    },
  });
  const outputs = (Array.isArray(out) ? out : [out]) as Rolldown.RolldownOutput[];
  const chunk = outputs.flatMap((o) => o.output).find((o) => o.type === 'chunk');
  if (chunk === undefined || chunk.type !== 'chunk') throw new Error('the writer bundle has no chunk');
  return chunk.code;
}

let bundle: string;
beforeAll(async () => {
  bundle = await bundleWriter();
});

interface WriterRun {
  ms: number;
  appendMs: number;
  flushed: boolean;
  counted: number;
}

describe.each(BROWSER_NAMES)('%s', (name) => {
  let browser: BrowserUnderTest;
  beforeAll(async () => {
    browser = await launchBrowser(name, {});
  });
  afterAll(async () => {
    await browser?.close();
  });

  it(`log: ${RECORDS} records through the real writer into IndexedDB in an extension page`, async () => {
    const page = await browser.openExtensionPage(QUIET_PAGE);
    await page.evaluate(bundle);
    const writerRuns: WriterRun[] = [];
    const rawCounts: number[] = [];
    const samples = await alternate(ROUNDS, {
      writer: async () => {
        const run = await page.evaluate(
          (n) => (globalThis as unknown as { pkLogBench: { runWriter(n: number): Promise<WriterRun> } }).pkLogBench.runWriter(n),
          RECORDS,
        );
        writerRuns.push(run);
        return run.ms;
      },
      raw: async () => {
        const run = await page.evaluate(
          (n) =>
            (globalThis as unknown as { pkLogBench: { runRaw(n: number): Promise<{ ms: number; counted: number }> } }).pkLogBench.runRaw(n),
          RECORDS,
        );
        rawCounts.push(run.counted);
        return run.ms;
      },
    });
    const c = compare(samples.writer, samples.raw);
    const lost = writerRuns.map((r) => RECORDS - r.counted);
    await recordFigures(
      `${name}LogWrite10k`,
      { records: RECORDS, writerVsRaw: c, writerRuns, rawCounts, recordsPerSecond: Math.round(RECORDS / (c.medianMs / 1000)) },
      [
        {
          figure: `log: ${RECORDS} records through the real writer (append + flush) in an extension page`,
          browser: name,
          value: `${fmtMs(c.medianMs)} = ${Math.round(RECORDS / (c.medianMs / 1000))} records/s (${fmtRatio(c.ratio)} bare IndexedDB); lost ${Math.max(...lost)}`,
          baseline: `bare IndexedDB ${fmtMs(c.baselineMedianMs)}`,
          target: 'none lost',
        },
      ],
    );
    await page.close();
    expect(writerRuns.every((r) => r.flushed)).toBe(true);
    expect(lost.every((l) => l === 0)).toBe(true);
  });
});
