import { expect, it } from 'vitest';
import type { CDPSession } from 'puppeteer-core';
import { ALICE } from '../../e2e/support/accounts';
import type { ChromiumUnderTest } from '../../e2e/support/chromium';
import { asFirefox } from '../../e2e/support/firefox';
import { readBackgroundStarts, seedCredential } from '../../e2e/support/messages';
import { startStack, type RouteSpec, type Stack } from '../../e2e/support/stack';
import { recordFigures } from '../figures';
import { loadMany, loadedCount } from './bench-support';

/**
 * The background's heap in real Chromium over 10,000 challenges: 100 proxies
 * (a squid port each, a saved password for each), each page a fresh incognito
 * context that fetches once through every one of them, so each fetch is a
 * challenge of its own. The worker's heap is read after a garbage collection
 * before the first page and after every 2,000 challenges (squid's 407s
 * counted). Reading it attaches DevTools to the worker, which keeps the worker
 * running: what a heap over many challenges needs, and why only this
 * benchmark attaches (docs/browser-behaviour.md#chromium-worker-idle-kill).
 * Firefox has no protocol here that reads an event page's heap (WebDriver
 * BiDi has no memory command): there the memory of the extension process the
 * event page runs in is read instead, from the browser's chrome scope, and
 * the browser's password cache is emptied after each page, so that each
 * page's fetches are challenged again in the same event page.
 */
const PROXIES = 100;
const CHALLENGES = 10_000;
const SAMPLE_EVERY = 2_000;

const proxyNames = Array.from({ length: PROXIES }, (_, i) => `m${i}`);

/** A DevTools session on the extension's worker, opened from the browser's own session (the launch filters workers out). */
async function attachToWorker(chromium: ChromiumUnderTest): Promise<CDPSession> {
  const browserSession = await chromium.browser.target().createCDPSession();
  const { targetInfos } = await browserSession.send('Target.getTargets');
  const worker = targetInfos.find((t) => t.type === 'service_worker' && t.url.startsWith(chromium.extensionOrigin));
  if (worker === undefined) throw new Error('the background is not running');
  const { sessionId } = await browserSession.send('Target.attachToTarget', { targetId: worker.targetId, flatten: true });
  const session = browserSession.connection()?.session(sessionId);
  if (!session) throw new Error('no DevTools session on the worker');
  return session;
}

async function heapAfterGc(worker: CDPSession): Promise<number> {
  await worker.send('HeapProfiler.collectGarbage');
  const { usedSize } = await worker.send('Runtime.getHeapUsage');
  return usedSize;
}

/** Squid's challenges (407s that carried no credentials) on our ports so far. */
async function challengesAtSquid(stack: Stack, ports: ReadonlySet<number>): Promise<number> {
  return (await stack.squid.accessLog()).filter((e) => ports.has(e.port) && e.status === 407 && e.user === null).length;
}

/** One page in a fresh context: a fetch through each proxy; returns how many loaded. */
async function loadThroughAll(stack: Stack): Promise<number> {
  const page = await stack.browser.freshPage(stack.route(proxyNames[0]!).port);
  try {
    await loadMany(
      stack,
      page,
      PROXIES,
      proxyNames.map((n) => stack.route(n).host),
    );
    return await loadedCount(page);
  } finally {
    await page
      .browserContext()
      .close()
      .catch(() => undefined);
  }
}

const mb = (bytes: number) => Math.round(bytes / 10_485.76) / 100;

type Sampled<M> = { readonly challenges: number } & M;

/**
 * The shared run of both browsers: a stack with the 100 proxies and a
 * password saved for each, one warm-up page (each password's first use, after
 * which all are accepted), then pages until 10,000 challenges, reading the
 * memory before the first and after every 2,000 (squid's 407s counted).
 * `prepare` runs after the warm-up and gives the reader.
 */
async function overChallenges<M extends object>(
  name: 'chromium' | 'firefox',
  loadPage: (stack: Stack) => Promise<number>,
  prepare: (stack: Stack) => Promise<() => Promise<M>>,
  report: (stack: Stack, run: { warmUpLoaded: number; start: Sampled<M>; samples: Sampled<M>[]; loaded: number[] }) => Promise<void>,
): Promise<void> {
  const routes: Record<string, RouteSpec> = Object.fromEntries(proxyNames.map((n) => [n, { auth: 'basic' }]));
  const stack = await startStack(name, { routes });
  try {
    const messaging = await stack.browser.messagingPage();
    for (const n of proxyNames)
      await seedCredential(messaging, { port: stack.route(n).port, username: ALICE.user, password: ALICE.password });
    const ports = new Set(proxyNames.map((n) => stack.route(n).port));
    const warmUpLoaded = await loadPage(stack);
    const read = await prepare(stack);
    const start: Sampled<M> = { challenges: await challengesAtSquid(stack, ports), ...(await read()) };
    const samples: Sampled<M>[] = [];
    const loaded: number[] = [];
    let challenges = 0;
    let nextSample = SAMPLE_EVERY;
    while (challenges < CHALLENGES) {
      loaded.push(await loadPage(stack));
      challenges = (await challengesAtSquid(stack, ports)) - start.challenges;
      if (challenges >= nextSample) {
        samples.push({ challenges, ...(await read()) });
        nextSample += SAMPLE_EVERY;
      }
      // A page that gives no challenges at all would loop for ever.
      if (loaded.length > (2 * CHALLENGES) / PROXIES) throw new Error(`only ${challenges} challenges after ${loaded.length} pages`);
    }
    await report(stack, { warmUpLoaded, start, samples, loaded });
    expect(warmUpLoaded).toBe(PROXIES);
    expect(samples.length).toBe(CHALLENGES / SAMPLE_EVERY);
    // Every page loaded through every proxy: the challenges were answered, not failed.
    expect(loaded.every((n) => n === PROXIES)).toBe(true);
  } finally {
    await stack.stop();
  }
}

/** kB per 1,000 challenges from the first sample to the last. */
function growthKBPer1000<M>(samples: readonly Sampled<M>[], bytes: (m: Sampled<M>) => number): number {
  const first = samples[0]!;
  const last = samples.at(-1)!;
  return Math.round(((bytes(last) - bytes(first)) / ((last.challenges - first.challenges) / 1000) / 1024) * 10) / 10;
}

it(`chromium: the background's heap over ${CHALLENGES.toLocaleString('en')} challenges from ${PROXIES} proxies, read in the worker`, async () => {
  // Each password's first use waits for the proxy's verdict (verifier.ts); after the warm-up page all are accepted.
  await overChallenges(
    'chromium',
    loadThroughAll,
    async (stack) => {
      const worker = await attachToWorker(stack.browser as ChromiumUnderTest);
      return async () => ({ heapBytes: await heapAfterGc(worker) });
    },
    async (_stack, { warmUpLoaded, start, samples, loaded }) => {
      const [first, last] = [samples[0]!, samples.at(-1)!];
      const growth = growthKBPer1000(samples, (m) => m.heapBytes);
      await recordFigures(
        'chromiumBackgroundHeap',
        {
          proxies: PROXIES,
          warmUpLoaded,
          pages: loaded.length,
          loadedPerPage: loaded,
          start,
          samples,
          growthKBPer1000AfterFirstSample: growth,
        },
        [
          {
            figure: `background heap in the worker after a GC: before / after ${SAMPLE_EVERY.toLocaleString('en')} / after ${last.challenges.toLocaleString('en')} challenges (${PROXIES} proxies, fresh contexts)`,
            browser: 'chromium',
            value: `${mb(start.heapBytes)} / ${mb(first.heapBytes)} / ${mb(last.heapBytes)} MB; ${growth} kB per 1,000 challenges after the first ${first.challenges.toLocaleString('en')}`,
            baseline: `${mb(start.heapBytes)} MB before (same worker)`,
            target: 'bounded',
          },
        ],
      );
    },
  );
}, 900_000);

/** Firefox: one page in one tab through every proxy, then the browser forgets the passwords it was given, so the next page is challenged anew. */
async function loadThroughAllForgetting(stack: Stack): Promise<number> {
  const page = await stack.browser.browser.newPage();
  try {
    await loadMany(
      stack,
      page,
      PROXIES,
      proxyNames.map((n) => stack.route(n).host),
    );
    return await loadedCount(page);
  } finally {
    await page.close().catch(() => undefined);
    await asFirefox(stack.browser).clearHttpAuthCache();
  }
}

it(`firefox: the background page's memory over ${CHALLENGES.toLocaleString('en')} challenges from ${PROXIES} proxies`, async () => {
  let startsBefore = 0;
  await overChallenges(
    'firefox',
    loadThroughAllForgetting,
    async (stack) => {
      startsBefore = (await readBackgroundStarts(await stack.browser.messagingPage())).length;
      return () => asFirefox(stack.browser).backgroundMemory();
    },
    async (stack, { warmUpLoaded, start, samples, loaded }) => {
      // The same event page all along: a restart would have started its memory over.
      const restarts = (await readBackgroundStarts(await stack.browser.messagingPage())).length - startsBefore;
      const [first, last] = [samples[0]!, samples.at(-1)!];
      const growth = growthKBPer1000(samples, (m) => m.windowBytes);
      await recordFigures(
        'firefoxBackgroundMemory',
        {
          proxies: PROXIES,
          warmUpLoaded,
          pages: loaded.length,
          loadedPerPage: loaded,
          start,
          samples,
          restarts,
          growthKBPer1000AfterFirstSample: growth,
        },
        [
          {
            figure: `background page memory after a GC (about:memory, its window): before / after ${SAMPLE_EVERY.toLocaleString('en')} / after ${last.challenges.toLocaleString('en')} challenges (${PROXIES} proxies, the password cache emptied after each page)`,
            browser: 'firefox',
            value: `${mb(start.windowBytes)} / ${mb(first.windowBytes)} / ${mb(last.windowBytes)} MB; ${growth} kB per 1,000 challenges after the first ${first.challenges.toLocaleString('en')}`,
            baseline: `every sample ${samples.map((x) => mb(x.windowBytes)).join(' / ')} MB; its process ${mb(start.processBytes)} → ${mb(last.processBytes)} MB resident; ${restarts} restarts`,
            target: 'bounded',
          },
        ],
      );
    },
  );
}, 900_000);
