import { describe, expect, it } from 'vitest';
import { ALICE } from '../../e2e/support/accounts';
import { BROWSER_NAMES, type BrowserName } from '../../e2e/support/browser';
import { seedCredential } from '../../e2e/support/messages';
import { startStack, type Stack } from '../../e2e/support/stack';
import type { AccessEntry } from '../../e2e/support/squid';
import { compare, fmtMs, fmtRatio, median, recordFigures } from '../figures';
import { loadMany, loadedCount } from './bench-support';

/**
 * 60 concurrent challenges from 13 origins (fetches through a PAC route) on a
 * freshly launched browser, with the right password saved and typed into the
 * prompt; beside each, the same page through squid's open port in the same
 * browser (the baseline), the order alternating. A new browser, squid and
 * origin for every run.
 */
const N = 60;
const RUNS_PER_KIND = 2;
type Kind = 'saved' | 'typed';

interface BurstRun {
  kind: Kind;
  /** saved: squid's first 407 → last 200; typed: the Enter in the prompt → squid's last 200. */
  ms: number;
  /** The same page through the open port: squid's first request → last 200. */
  openMs: number;
  prompts: number;
  failed: number;
  loaded: number;
  /** Firefox answers one request and ends those held behind it: a reload then loads them; ms from the start to all 60. */
  toAllMs?: number;
}

const lastOk = (log: AccessEntry[]) => Math.max(...log.filter((e) => e.status === 200).map((e) => e.time));
const firstSeen = (log: AccessEntry[]) => Math.min(...log.map((e) => e.time - (e.elapsedMs ?? 0) / 1000));

async function openBaseline(stack: Stack): Promise<number> {
  const route = stack.route('o');
  const page = await stack.browser.freshPage(route.port);
  try {
    await loadMany(stack, page, N, route.hosts);
    const log = (await stack.squid.accessLog()).filter((e) => e.port === route.port);
    return Math.round((lastOk(log) - firstSeen(log)) * 1000);
  } finally {
    await page.close().catch(() => undefined);
  }
}

async function challenged(stack: Stack, kind: Kind): Promise<Omit<BurstRun, 'openMs'>> {
  const route = stack.route('b');
  const watch = stack.browser.watchPromptWindows();
  const page = await stack.browser.freshPage(route.port);
  try {
    let submittedAt = 0;
    const loading = loadMany(stack, page, N, route.hosts);
    if (kind === 'typed') {
      const prompt = await stack.browser.waitForPrompt(20_000);
      await prompt.waitForSelector('input[name=username]');
      await prompt.type('input[name=username]', ALICE.user);
      await prompt.type('input[name=password]', ALICE.password);
      await prompt.click('input[name=scope][value=device]');
      await prompt.focus('input[name=password]');
      submittedAt = Date.now();
      await prompt.keyboard.press('Enter').catch(() => undefined);
    }
    await loading;
    const loaded = await loadedCount(page);
    const log = (await stack.squid.accessLog()).filter((e) => e.port === route.port);
    const first407 = Math.min(...log.filter((e) => e.status === 407).map((e) => e.time));
    const start = kind === 'typed' ? submittedAt / 1000 : first407;
    const run: Omit<BurstRun, 'openMs'> = {
      kind,
      ms: Math.round((lastOk(log) - start) * 1000),
      prompts: 0,
      failed: log.filter((e) => e.status === 407 && e.user !== null).length,
      loaded,
    };
    if (loaded < N) {
      await loadMany(stack, page, N, route.hosts);
      const all = (await stack.squid.accessLog()).filter((e) => e.port === route.port);
      run.toAllMs = Math.round((lastOk(all) - start) * 1000);
      run.failed = all.filter((e) => e.status === 407 && e.user !== null).length;
    }
    run.prompts = watch.count();
    return run;
  } finally {
    watch.stop();
    await page.close().catch(() => undefined);
  }
}

async function once(name: BrowserName, kind: Kind, baselineFirst: boolean): Promise<BurstRun> {
  const stack = await startStack(name, { routes: { b: { auth: 'basic', hosts: 12 }, o: { auth: 'none', hosts: 12 } } });
  try {
    if (kind === 'saved') {
      await seedCredential(await stack.browser.messagingPage(), {
        port: stack.route('b').port,
        username: ALICE.user,
        password: ALICE.password,
      });
    }
    const openFirst = baselineFirst ? await openBaseline(stack) : undefined;
    const run = await challenged(stack, kind);
    const openMs = openFirst ?? (await openBaseline(stack));
    return { ...run, openMs };
  } finally {
    await stack.stop();
  }
}

describe.each(BROWSER_NAMES)('%s', (name) => {
  it(`burst: ${N} concurrent challenges from 13 origins on a cold browser, saved and typed`, async () => {
    const runs: BurstRun[] = [];
    for (let i = 0; i < RUNS_PER_KIND; i++) {
      for (const kind of i % 2 === 0 ? (['saved', 'typed'] as const) : (['typed', 'saved'] as const)) {
        runs.push(await once(name, kind, runs.length % 2 === 0));
      }
    }
    const rows = (['saved', 'typed'] as const).map((kind) => {
      const mine = runs.filter((r) => r.kind === kind);
      const c = compare(
        mine.map((r) => r.ms),
        mine.map((r) => r.openMs),
      );
      const toAll = mine.flatMap((r) => (r.toAllMs === undefined ? [] : [r.toAllMs]));
      return {
        figure:
          kind === 'saved'
            ? `burst, saved right password: first 407 → last resource (${N} requests, ${mine.length} cold runs)`
            : `burst, typed into the prompt: submit → last resource (${N} requests, ${mine.length} cold runs)`,
        browser: name,
        value:
          `${fmtMs(c.medianMs)} (${fmtRatio(c.ratio)} open); loaded ${mine.map((r) => `${r.loaded}/${N}`).join(', ')}` +
          (toAll.length > 0 ? `, all after reload ${fmtMs(median(toAll))}` : '') +
          `; prompts ${mine.map((r) => r.prompts).join(', ')}; failed logins ${mine.map((r) => r.failed).join(', ')}`,
        baseline: `open port ${fmtMs(c.baselineMedianMs)}`,
        target: kind === 'typed' ? '1 prompt, ≤ 1 s, 0 failed' : '0 prompts, 0 failed',
      };
    });
    await recordFigures(`${name}Burst`, { requests: N, runs }, rows);
    expect(runs.every((r) => r.loaded > 0)).toBe(true);
  }, 600_000);
});
