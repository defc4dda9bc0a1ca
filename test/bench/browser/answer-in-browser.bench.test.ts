import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { RESPONSE_LISTENERS_LINGER_MS } from '../../../src/background/browser-differences';
import { ALICE } from '../../e2e/support/accounts';
import { BROWSER_NAMES, type BrowserName, type BrowserUnderTest } from '../../e2e/support/browser';
import { asFirefox } from '../../e2e/support/firefox';
import { readBackgroundStarts, readLogOf, readStartTimings, seedCredential, sendFromPage } from '../../e2e/support/messages';
import { makePacUrl } from '../../e2e/support/pac';
import { sleep } from '../../e2e/support/ports';
import { launchBrowser, startStack, type RouteSpec, type Stack } from '../../e2e/support/stack';
import { alternate, compare, fmtMs, fmtRatio, median, recordFigures, type Compared } from '../figures';
import {
  launchPlainChromium,
  launchPlainFirefox,
  stopAndConfirm,
  timedLoad,
  waitForAnswerGap,
  waitForBackground,
  writeFloorExtension,
} from './bench-support';

/**
 * The built extension in real Chromium and Firefox against squid on loopback:
 * warm and cold answers (squid's 407→retry gap and the page's own time), page
 * loads beside the open proxy and the DevTools answer, and what idle browsing
 * costs the background. Every round uses a squid port of its own, so each
 * challenge is fresh in both browsers (Chromium also gets a fresh context).
 * The floor runs beside it, its rounds alternating with ours: a second browser
 * of the same kind whose only extension does nothing but answer
 * (bench-support.ts writeFloorExtension), what the browser itself costs.
 */
const ROUNDS = 20;
/**
 * Page loads of ~70 ms spread ±30 ms from round to round here: at 20 rounds
 * Chromium's ratio to the floor swung 0.85–1.40× between runs. Chromium uses
 * one squid port per arm, so it takes 60; Firefox needs a port per round and
 * arm, and one squid holds 124 in all.
 */
const pageRounds = (name: BrowserName) => (name === 'chromium' ? 60 : ROUNDS);
const IDLE_LOADS = 100;
const FIREFOX_IDLE_MS = 500;

const medianOf = (splits: readonly ColdSplit[], key: keyof ColdSplit) =>
  median(splits.flatMap((s) => (typeof s[key] === 'number' ? [s[key]] : [])));
const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
interface ColdSplit {
  startedMs?: number;
  scriptMs?: number;
  loadsAskedMs?: number;
  authListenerMs?: number;
  listenersMs?: number;
  readyMs?: number;
  credentialsMs?: number;
  settingsMs?: number;
  memoryMs?: number;
  answerMs?: number | undefined;
}
type Arm = 'warm' | 'cold' | 'load' | 'open' | 'devtools' | 'unverified' | 'floorwarm' | 'floorcold' | 'floorload';
/**
 * Chromium: one squid port per arm, a fresh context each round (its own
 * proxy-auth cache), so the password is one the proxy already accepted in
 * this run, as in everyday browsing. Firefox shares its proxy-auth cache
 * across contexts: a port of its own per round gives the fresh challenge.
 * `unverified`: a port per round in both, a saved password not yet used.
 */
function routeName(browser: BrowserName, arm: Arm, round: number): string {
  return perRound(browser, arm) ? `${arm}${round}` : arm;
}
/** Firefox's floor starts every warm and cold round from a relaunch (a fresh proxy-auth cache): one port does. */
function perRound(browser: BrowserName, arm: Arm): boolean {
  if (arm === 'unverified') return true;
  return browser === 'firefox' && arm !== 'floorwarm' && arm !== 'floorcold';
}
const SEEDED: readonly Arm[] = ['warm', 'cold', 'load', 'unverified'];

function routesFor(name: BrowserName): Record<string, RouteSpec> {
  // One squid holds every route: with a port per floor round too (161) it did not start in 20 s here; this way 124.
  const names = (arm: Arm) => (perRound(name, arm) ? range(arm, ROUNDS) : [arm]);
  const spec = (arm: Arm, auth: RouteSpec['auth']) => Object.fromEntries(names(arm).map((n) => [n, { auth }]));
  return {
    ...spec('warm', 'basic'),
    ...spec('cold', 'basic'),
    ...spec('load', 'basic'),
    ...spec('open', 'none'),
    idle: { auth: 'none' },
    ...spec('devtools', 'basic'),
    ...(name === 'chromium' ? spec('unverified', 'basic') : {}),
    ...spec('floorwarm', 'basic'),
    ...spec('floorcold', 'basic'),
    ...spec('floorload', 'basic'),
    floorwake: { auth: 'basic' },
  };
}

/** The floor's browser sees only the floor's routes. */
function floorPac(stack: Stack, name: BrowserName): string {
  const floorRoutes = Object.keys(routesFor(name)).filter((r) => r.startsWith('floor'));
  return makePacUrl(Object.fromEntries(floorRoutes.map((r) => [stack.route(r).host, stack.route(r).port])));
}

function seededRoutes(name: BrowserName): string[] {
  const all = routesFor(name);
  return Object.keys(all).filter((r) => SEEDED.some((arm) => r.startsWith(arm)));
}

async function closePage(browser: BrowserUnderTest, page: Page): Promise<void> {
  if (browser.name === 'chromium')
    await page
      .browserContext()
      .close()
      .catch(() => undefined);
  else await page.close().catch(() => undefined);
}

describe.each(BROWSER_NAMES)('%s', (name) => {
  let stack: Stack;
  let floor: BrowserUnderTest | undefined;
  let floorDir: string | undefined;
  const floorBrowser = () => {
    if (floor === undefined) throw new Error('the floor browser did not start');
    return floor;
  };

  beforeAll(async () => {
    stack = await startStack(name, { routes: routesFor(name) });
    floorDir = await writeFloorExtension(name);
    floor = await launchBrowser(name, { pacUrl: floorPac(stack, name), extensionDir: floorDir });
    const page = await stack.browser.messagingPage();
    for (const r of seededRoutes(name)) {
      await seedCredential(page, { port: stack.route(r).port, username: ALICE.user, password: ALICE.password });
    }
    // Chromium: the proxy accepts each arm's password once before the rounds (Chromium's own first check of a
    // password not yet accepted in this run waits for a burst; the `unverified` arm measures that).
    if (name === 'chromium') for (const arm of ['warm', 'cold', 'load'] as const) await challengeOnce(arm, -1);
  }, 180_000);

  afterAll(async () => {
    await floor?.close();
    if (floorDir !== undefined) await rm(floorDir, { recursive: true, force: true });
    await stack?.stop();
  });

  /** One challenge on `routeName`'s own port, in our browser or the floor's: whether it was answered, the page time, squid's gap. */
  async function challengeOnce(routeKey: string, round: number, browser: BrowserUnderTest = stack.browser) {
    const route = stack.route(routeKey);
    const page = await browser.freshPage(route.port);
    const url = route.url(`/?round=${round}`);
    try {
      const { status, pageMs } = await timedLoad(page, url);
      const gapMs = status === 200 ? await waitForAnswerGap(stack.squid, route.port, url) : undefined;
      return { answered: status === 200, status, pageMs, gapMs };
    } finally {
      await closePage(browser, page);
    }
  }

  /**
   * The floor's warm start, as ours: Firefox from a relaunch (its event page
   * starts at install), Chromium's worker woken by a challenge of its own when
   * the last round left it stopped.
   */
  async function makeFloorWarm(): Promise<void> {
    const b = floorBrowser();
    if (b.name === 'firefox') await asFirefox(b).relaunch();
    else if (!(await b.isBackgroundRunning())) await challengeOnce('floorwake', -1, b);
    if (!(await waitForBackground(b, true, 15_000))) throw new Error('the floor background did not start');
  }

  /**
   * Where a cold round's time went, read after it from the background's own
   * notes: its scripts evaluated, its listeners registered and its loads done
   * (ms since the browser began starting it), and the answer's own wait on
   * them (the log record's answerMs, from the challenge to the answer).
   */
  async function readColdSplit(proxy: string): Promise<ColdSplit> {
    const ext = await stack.browser.messagingPage();
    const timing = (await readStartTimings(ext)).at(-1);
    const answered = (await readLogOf(ext, proxy)).filter((r) => r.outcome === 'answered-saved').sort((a, b) => a.time - b.time);
    return { ...(timing ?? {}), answerMs: answered.at(-1)?.answerMs };
  }

  /** Firefox's warm rounds also start from a relaunched browser, so that warm and cold differ only in the event page. */
  async function makeWarm(): Promise<void> {
    const browser = stack.browser;
    if (browser.name === 'firefox') await asFirefox(browser).relaunch();
    // A reply from the background: it runs and its listeners are registered (a state that is only "not stopped" may still be starting).
    await sendFromPage(await browser.messagingPage(), 'proxies:standings', {});
    if (!(await waitForBackground(browser, true, 15_000))) throw new Error('the background did not start');
    // Chromium: a cold round restarted the worker, which then holds its first check of each password (the
    // `unverified` arm): one unmeasured challenge lets the proxy accept the warm password in this worker's life.
    if (browser.name === 'chromium') await challengeOnce('warm', -1);
  }

  it('warm and cold answers, alternating: answered, squid 407→retry gap, page time', async () => {
    const warm: { pageMs: number; gapMs?: number }[] = [];
    const cold: { answered: boolean; stoppedBefore: boolean; pageMs: number; gapMs?: number; status: number | string }[] = [];
    const unverified: { pageMs: number; gapMs?: number }[] = [];
    const coldSplits: ColdSplit[] = [];
    const warmStatuses: (number | string)[] = [];
    const floorWarm: { pageMs: number; gapMs: number }[] = [];
    const floorCold: { pageMs: number; gapMs: number; stoppedBefore: boolean }[] = [];
    await alternate(ROUNDS, {
      floorWarm: async (round: number) => {
        await makeFloorWarm();
        const r = await challengeOnce(routeName(name, 'floorwarm', round), round, floorBrowser());
        if (!r.answered || r.gapMs === undefined) return undefined;
        floorWarm.push({ pageMs: r.pageMs, gapMs: r.gapMs });
        return r.pageMs;
      },
      floorCold: async (round: number) => {
        const b = floorBrowser();
        const stoppedBefore = (await stopAndConfirm(b)) && !(await b.isBackgroundRunning());
        const r = await challengeOnce(routeName(name, 'floorcold', round), round, b);
        if (!r.answered || r.gapMs === undefined) return undefined;
        floorCold.push({ pageMs: r.pageMs, gapMs: r.gapMs, stoppedBefore });
        return r.pageMs;
      },
      ...(name === 'chromium'
        ? {
            unverified: async (round: number) => {
              const r = await challengeOnce(routeName(name, 'unverified', round), round);
              if (!r.answered) throw new Error(`unverified challenge not answered: ${r.status}`);
              unverified.push({ pageMs: r.pageMs, ...(r.gapMs === undefined ? {} : { gapMs: r.gapMs }) });
              return r.pageMs;
            },
          }
        : {}),
      warm: async (round: number) => {
        await makeWarm();
        const r = await challengeOnce(routeName(name, 'warm', round), round);
        warmStatuses.push(r.status);
        if (!r.answered) return undefined;
        warm.push({ pageMs: r.pageMs, ...(r.gapMs === undefined ? {} : { gapMs: r.gapMs }) });
        return r.pageMs;
      },
      cold: async (round: number) => {
        const stopped = await stopAndConfirm(stack.browser);
        // Opening the page must not wake it either: checked again right before the load.
        const route = stack.route(routeName(name, 'cold', round));
        const page = await stack.browser.freshPage(route.port);
        const stoppedBefore = stopped && !(await stack.browser.isBackgroundRunning());
        const url = route.url(`/?round=${round}`);
        try {
          const { status, pageMs } = await timedLoad(page, url);
          const gapMs = status === 200 ? await waitForAnswerGap(stack.squid, route.port, url) : undefined;
          cold.push({ answered: status === 200, stoppedBefore, pageMs, status, ...(gapMs === undefined ? {} : { gapMs }) });
          if (status === 200) coldSplits.push(await readColdSplit(route.proxy));
          return pageMs;
        } finally {
          await closePage(stack.browser, page);
        }
      },
    });
    const answeredCold = cold.filter((c) => c.answered);
    const confirmed = cold.filter((c) => c.stoppedBefore).length;
    const warmPage = warm.map((w) => w.pageMs);
    const coldPage = answeredCold.map((c) => c.pageMs);
    const warmGap = warm.flatMap((w) => (w.gapMs === undefined ? [] : [w.gapMs]));
    const coldGap = answeredCold.flatMap((c) => (c.gapMs === undefined ? [] : [c.gapMs]));
    const page = compare(coldPage, warmPage);
    const gap = compare(coldGap, warmGap);
    const unverifiedGap = unverified.flatMap((u) => (u.gapMs === undefined ? [] : [u.gapMs]));
    const firstUse = compare(
      unverified.map((u) => u.pageMs),
      warmPage,
    );
    const floorWarmGap = floorWarm.map((w) => w.gapMs);
    const floorGap = compare(
      floorCold.map((c) => c.gapMs),
      floorWarmGap,
    );
    const floorPage = compare(
      floorCold.map((c) => c.pageMs),
      floorWarm.map((w) => w.pageMs),
    );
    const warmVsFloor = compare(warmGap, floorWarmGap);
    const added = (c: Compared) => Math.round((c.medianMs - c.baselineMedianMs) * 10) / 10;
    const floorConfirmed = floorCold.filter((c) => c.stoppedBefore).length;
    await recordFigures(
      `${name}WarmCold`,
      {
        rounds: ROUNDS,
        coldAnswered: answeredCold.length,
        coldConfirmedStopped: confirmed,
        coldStatuses: cold.map((c) => c.status),
        warmStatuses,
        warmGapMs: warmGap,
        coldGapMs: coldGap,
        pageColdVsWarm: page,
        gapColdVsWarm: gap,
        ...(unverified.length > 0 ? { unverifiedGapMs: unverifiedGap, pageUnverifiedVsWarm: firstUse } : {}),
        coldSplits,
        pageAddedMs: added(page),
        gapAddedMs: added(gap),
        floor: {
          warmGapMs: floorWarmGap,
          coldGapMs: floorCold.map((c) => c.gapMs),
          coldConfirmedStopped: floorConfirmed,
          gapColdVsWarm: floorGap,
          pageColdVsWarm: floorPage,
          gapAddedMs: added(floorGap),
          pageAddedMs: added(floorPage),
        },
        warmGapVsFloor: warmVsFloor,
      },
      [
        {
          figure: `warm answer: squid 407 → authenticated retry, median of ${warmGap.length} fresh challenges`,
          browser: name,
          value: `${fmtMs(median(warmGap))} (answered ${warm.length}/${ROUNDS})`,
          baseline: `page ${fmtMs(page.baselineMedianMs)}`,
          target: '≤ 5 ms',
        },
        {
          figure: `floor (an extension that only answers, its rounds alternating with ours): warm squid 407 → retry, median of ${floorWarmGap.length}`,
          browser: name,
          value: fmtMs(median(floorWarmGap)),
          baseline: `Proxy Keyring ÷ floor ${fmtRatio(warmVsFloor.ratio)} (round by round)`,
          target: '(the floor for ≤ 5 ms)',
        },
        {
          figure: `cold wake: answered (background confirmed stopped ${confirmed}/${ROUNDS})`,
          browser: name,
          value: `${answeredCold.length}/${ROUNDS}`,
          target: '20/20',
        },
        {
          figure: 'cold wake: page time added over warm (median; cold ÷ warm)',
          browser: name,
          value: `+${fmtMs(page.medianMs - page.baselineMedianMs)} (${fmtRatio(page.ratio)})`,
          baseline: `warm page ${fmtMs(page.baselineMedianMs)}, cold ${fmtMs(page.medianMs)}`,
          target: '≤ 20 ms',
        },
        {
          figure: 'cold wake: squid 407 → retry added over warm (median; cold ÷ warm)',
          browser: name,
          value: `+${fmtMs(gap.medianMs - gap.baselineMedianMs)} (${fmtRatio(gap.ratio)})`,
          baseline: `warm ${fmtMs(gap.baselineMedianMs)}, cold ${fmtMs(gap.medianMs)}`,
          target: '≤ 20 ms',
        },
        {
          figure: `floor: cold wake, squid 407 → retry added over warm (stopped ${floorConfirmed}/${floorCold.length})`,
          browser: name,
          value: `+${fmtMs(added(floorGap))} (${fmtRatio(floorGap.ratio)})`,
          baseline: `warm ${fmtMs(floorGap.baselineMedianMs)}, cold ${fmtMs(floorGap.medianMs)}; page +${fmtMs(added(floorPage))}`,
          target: '(the floor for ≤ 20 ms)',
        },
        {
          figure:
            'cold wake, where it goes (medians, ms since the browser began starting the background): script began / scripts evaluated / listeners registered / loads done; the answer waited',
          browser: name,
          value: `${fmtMs(medianOf(coldSplits, 'startedMs'))} / ${fmtMs(medianOf(coldSplits, 'scriptMs'))} / ${fmtMs(medianOf(coldSplits, 'listenersMs'))} / ${fmtMs(medianOf(coldSplits, 'readyMs'))}; ${fmtMs(medianOf(coldSplits, 'answerMs'))}`,
          baseline: `${coldSplits.length} cold rounds`,
        },
        {
          figure:
            'cold wake, its loads (medians, ms since the browser began starting the background): credentials (vault, key, decryption) / settings and policy / answer memory done',
          browser: name,
          value: `${fmtMs(medianOf(coldSplits, 'credentialsMs'))} / ${fmtMs(medianOf(coldSplits, 'settingsMs'))} / ${fmtMs(medianOf(coldSplits, 'memoryMs'))}`,
          baseline: `loads asked for ${fmtMs(medianOf(coldSplits, 'loadsAskedMs'))}, onAuthRequired registered ${fmtMs(medianOf(coldSplits, 'authListenerMs'))}, every listener ${fmtMs(medianOf(coldSplits, 'listenersMs'))}`,
        },
        ...(unverified.length === 0
          ? []
          : [
              {
                figure: 'first answer with a saved password not yet accepted in this run: squid 407 → retry (page ÷ warm)',
                browser: name,
                value: `${fmtMs(median(unverifiedGap))} (${fmtRatio(firstUse.ratio)})`,
                baseline: `warm page ${fmtMs(firstUse.baselineMedianMs)}, first use ${fmtMs(firstUse.medianMs)}`,
              },
            ]),
      ],
    );
    expect(warm.length).toBeGreaterThan(0);
    expect(cold).toHaveLength(ROUNDS);
    // As floor.bench.test.ts asked before it was folded in here: the floor answered most of its rounds, warm and cold.
    expect(floorWarm.length).toBeGreaterThan(ROUNDS / 2);
    expect(floorCold.length).toBeGreaterThan(ROUNDS / 2);
  }, 600_000);

  it('page load: Proxy Keyring answering ÷ the open port ÷ the DevTools (Chromium) / BiDi (Firefox) answer, alternating', async () => {
    const devtoolsRoutes = Object.keys(routesFor(name)).filter((r) => r.startsWith('devtools'));
    const pac = makePacUrl(Object.fromEntries(devtoolsRoutes.map((r) => [stack.route(r).host, stack.route(r).port])));
    const plain = name === 'chromium' ? await launchPlainChromium(pac) : await launchPlainFirefox(pac);
    const devtoolsGaps: number[] = [];
    try {
      if (stack.browser.name === 'firefox') await asFirefox(stack.browser).relaunch();
      const load = async (routeKey: string, round: number) => {
        const r = await challengeOnce(routeKey, round);
        if (r.status !== 200) throw new Error(`${routeKey}: ${r.status}`);
        return r.pageMs;
      };
      const arms: { [P in 'keyring' | 'open' | 'devtools' | 'floor']?: (round: number) => Promise<number> } = {
        keyring: (round: number) => load(routeName(name, 'load', round), round),
        floor: async (round: number) => {
          const r = await challengeOnce(routeName(name, 'floorload', round), round, floorBrowser());
          if (r.status !== 200) throw new Error(`floor: ${r.status}`);
          return r.pageMs;
        },
        open: (round: number) => load(routeName(name, 'open', round), round),
        devtools: async (round: number) => {
          // Chromium: a fresh context (its own proxy-auth cache); Firefox: a port of the round's own.
          const context = name === 'chromium' ? await plain.browser.createBrowserContext() : undefined;
          try {
            const page = await (context ?? plain.browser).newPage();
            await page.authenticate({ username: ALICE.user, password: ALICE.password });
            const route = stack.route(routeName(name, 'devtools', round));
            const url = route.url(`/?round=${round}`);
            const { status, pageMs } = await timedLoad(page, url);
            if (status !== 200) throw new Error(`devtools: ${status}`);
            const gap = await waitForAnswerGap(stack.squid, route.port, url);
            if (gap !== undefined) devtoolsGaps.push(gap);
            if (context === undefined) await page.close().catch(() => undefined);
            return pageMs;
          } finally {
            await context?.close().catch(() => undefined);
          }
        },
      };
      const rounds = pageRounds(name);
      const samples = await alternate(rounds, arms);
      const keyringVsOpen = compare(samples.keyring, samples.open);
      const rows = [
        {
          figure: `page load: Proxy Keyring answering ÷ open port (${rounds} alternating rounds)`,
          browser: name,
          value: fmtRatio(keyringVsOpen.ratio),
          baseline: `keyring ${fmtMs(keyringVsOpen.medianMs)}, open ${fmtMs(keyringVsOpen.baselineMedianMs)}`,
          target: "within 2 % of the DevTools answer's",
        },
      ];
      const figures: Record<string, unknown> = { rounds, keyringVsOpen };
      {
        const keyringVsDevtools = compare(samples.keyring, samples.devtools);
        const devtoolsVsOpen = compare(samples.devtools, samples.open);
        const floorVsDevtools = compare(samples.floor, samples.devtools);
        const floorVsOpen = compare(samples.floor, samples.open);
        const keyringVsFloor = compare(samples.keyring, samples.floor);
        Object.assign(figures, {
          keyringVsDevtools,
          devtoolsVsOpen,
          devtoolsGapMs: devtoolsGaps,
          floorVsDevtools,
          floorVsOpen,
          keyringVsFloor,
        });
        rows.push(
          {
            figure: `page load: ${name === 'chromium' ? 'DevTools' : 'WebDriver BiDi'} answer (page.authenticate, no extension) ÷ open port`,
            browser: name,
            value: fmtRatio(devtoolsVsOpen.ratio),
            baseline: `devtools ${fmtMs(devtoolsVsOpen.medianMs)}; its 407 → retry ${fmtMs(median(devtoolsGaps))}`,
            target: '(the floor)',
          },
          {
            figure: `page load: Proxy Keyring ÷ ${name === 'chromium' ? 'DevTools' : 'BiDi'} answer`,
            browser: name,
            value: fmtRatio(keyringVsDevtools.ratio),
            baseline: `keyring ${fmtMs(keyringVsDevtools.medianMs)}, devtools ${fmtMs(keyringVsDevtools.baselineMedianMs)}`,
            target: '≤ 1.00×',
          },
          {
            figure: `page load: the floor (an extension that only answers) ÷ ${name === 'chromium' ? 'DevTools' : 'BiDi'} answer / ÷ open port`,
            browser: name,
            value: `${fmtRatio(floorVsDevtools.ratio)} / ${fmtRatio(floorVsOpen.ratio)}`,
            baseline: `floor ${fmtMs(floorVsDevtools.medianMs)}; Proxy Keyring ÷ floor ${fmtRatio(keyringVsFloor.ratio)}`,
            target: '(the floor for ≤ 1.00×)',
          },
        );
      }
      await recordFigures(`${name}PageLoad`, figures, rows);
      expect(samples.keyring).toHaveLength(rounds);
    } finally {
      await plain.close();
    }
  }, 600_000);

  it(`idle cost: background stopped, ${IDLE_LOADS} page loads through the open port`, async () => {
    const browser = stack.browser;
    const route = stack.route('idle');
    if (browser.name === 'firefox') {
      // The short idle timeout stays on: a woken event page stops again within a second, so each load can wake it anew.
      await asFirefox(browser).relaunch({ 'extensions.background.idle.timeout': FIREFOX_IDLE_MS });
      if (!(await waitForBackground(browser, false, 15_000))) throw new Error('the event page did not suspend');
    } else {
      // Stopped while its response listeners still linger after the rounds before, the worker would wake once for the
      // next load (browser-differences.ts RESPONSE_LISTENERS_LINGER_MS); Chrome stops an idle worker only after 30 s.
      await sleep(RESPONSE_LISTENERS_LINGER_MS + 1_000);
      if (!(await stopAndConfirm(browser))) throw new Error('the worker did not stay stopped');
    }
    const quiet = browser.name === 'chromium' ? await browser.messagingPage() : undefined;
    // Starts are kept as their times, the last 20 only: the ones after this moment are counted, not the list's length.
    const idleFrom = Date.now();
    const page = await browser.browser.newPage();
    let woken = 0;
    let loaded = 0;
    let stoppedBefore = 0;
    for (let i = 0; i < IDLE_LOADS; i++) {
      if (await browser.isBackgroundRunning()) {
        if (browser.name === 'firefox') await waitForBackground(browser, false, 3_000);
        else await stopAndConfirm(browser);
      }
      // Only a load that found the background stopped can tell whether it woke it.
      const wasStopped = !(await browser.isBackgroundRunning());
      if (wasStopped) stoppedBefore++;
      const { status } = await timedLoad(page, route.url(`/?idle=${i}`));
      if (status === 200) loaded++;
      await sleep(100);
      if (wasStopped && (await browser.isBackgroundRunning())) woken++;
    }
    await page.close().catch(() => undefined);
    // Firefox: the starts are read last, from the messaging page (which itself wakes the event page: one start more).
    const reader = quiet ?? (await browser.messagingPage());
    const startTimes = await readBackgroundStarts(reader);
    const startsAfter = startTimes.length;
    const starts = browser.name === 'chromium' ? startTimes.filter((t) => t >= idleFrom).length : undefined;
    await recordFigures(
      `${name}IdleCost`,
      { loads: IDLE_LOADS, loaded, stoppedBefore, wokenAfterLoad: woken, backgroundStarts: starts, startsRecordedThisSession: startsAfter },
      [
        {
          figure: `idle cost: loads after which the background ran (stopped before each; ${IDLE_LOADS} never-challenged loads)`,
          browser: name,
          value: `${woken}/${stoppedBefore} loads that found it stopped`,
          baseline: starts === undefined ? `${startsAfter} starts this session` : `${starts} background starts counted`,
          target: '0',
        },
      ],
    );
    expect(loaded).toBe(IDLE_LOADS);
  }, 600_000);
});
