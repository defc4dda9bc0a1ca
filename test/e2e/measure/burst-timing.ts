/**
 * Not a test: measures, for the report, the time from the first challenge of a
 * cold burst of 60 requests with the right saved password to the last resource
 * loaded, per browser, 5 runs alternating two builds (A = dist/, B = another
 * build given as BEFORE_DIST=/path/with/{chrome,firefox}). Each run is a fresh
 * browser, squid and origin. Times are squid's own (first 407 to last 200).
 *
 *   npx tsx test/e2e/measure/burst-timing.ts chromium|firefox
 */
import { resolve } from 'node:path';
import { ALICE } from '../support/accounts';
import type { BrowserName } from '../support/browser';
import { REPO_ROOT } from '../support/extension';
import { seedCredential } from '../support/messages';
import { startStack } from '../support/stack';
import { navigate } from '../support/steps';

const N = 60;
const RUNS = 5;

async function once(name: BrowserName, extensionDir: string) {
  const stack = await startStack(name, { routes: { burst: { auth: 'basic', hosts: 12 } }, extensionDir });
  try {
    const r = stack.route('burst');
    await seedCredential(await stack.browser.messagingPage(), { port: r.port, username: ALICE.user, password: ALICE.password });
    const page = await stack.browser.freshPage(r.port);
    const url = stack.directUrl(`/many?n=${N}&kinds=fetch&hosts=${r.hosts.join(',')}`);
    await navigate(page, url, 30_000);
    await page.waitForFunction(() => document.body.dataset['done'] === 'true', { timeout: 60_000 });
    const title = await page.title();
    const log = (await stack.squid.accessLog()).filter((e) => e.port === r.port);
    const first = Math.min(...log.filter((e) => e.status === 407).map((e) => e.time));
    const last = Math.max(...log.filter((e) => e.status === 200).map((e) => e.time));
    const result: Record<string, unknown> = {
      title,
      ms: Math.round((last - first) * 1000),
      failed: log.filter((e) => e.status === 407 && e.user !== null).length,
    };
    if (!title.startsWith(`loaded ${N}/${N}`)) {
      // Firefox holds back all but one: the time until a reload has them all.
      const before = Date.now();
      await navigate(page, url, 30_000);
      await page.waitForFunction(() => document.body.dataset['done'] === 'true', { timeout: 60_000 });
      const all = (await stack.squid.accessLog()).filter((e) => e.port === r.port && e.status === 200);
      result['reloadTitle'] = await page.title();
      result['reloadMs'] = Date.now() - before;
      result['toAllMs'] = Math.round((Math.max(...all.map((e) => e.time)) - first) * 1000);
    }
    return result;
  } finally {
    await stack.stop();
  }
}

async function main() {
  const name = process.argv[2] as BrowserName;
  const before = process.env['BEFORE_DIST'] ?? '/tmp/before-dist';
  const dirs = {
    A: resolve(REPO_ROOT, 'dist', name === 'chromium' ? 'chrome' : 'firefox'),
    B: resolve(before, name === 'chromium' ? 'chrome' : 'firefox'),
  };
  const results: Record<'A' | 'B', Record<string, unknown>[]> = { A: [], B: [] };
  for (let i = 0; i < RUNS; i++) {
    for (const build of ['A', 'B'] as const) {
      const r = await once(name, dirs[build]);
      results[build].push(r);
      console.log(name, build, i, JSON.stringify(r));
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const build of ['A', 'B'] as const) {
    const ms = results[build].map((r) => r['ms'] as number);
    console.log(`${name} ${build} median ms ${median(ms)} runs ${JSON.stringify(ms)}`);
    const toAll = results[build].map((r) => r['toAllMs']).filter((x): x is number => typeof x === 'number');
    if (toAll.length > 0)
      console.log(`${name} ${build} median ms to all ${N} (with reload) ${median(toAll)} runs ${JSON.stringify(toAll)}`);
  }
}

// Everything main() started is stopped by then, so Node ends by itself with this code.
void main().then(
  () => {
    process.exitCode = 0;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
