import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { ALICE } from '../../e2e/support/accounts';
import { BROWSER_NAMES, type BrowserName } from '../../e2e/support/browser';
import { CHROME_DIST } from '../../e2e/support/extension';
import { asFirefox } from '../../e2e/support/firefox';
import { startStack, type RouteSpec, type Stack } from '../../e2e/support/stack';
import { GECKO_ID } from '../../../vite.config';
import { alternate, compare, fmtMs, fmtRatio, median, recordFigures } from '../figures';
import { stopAndConfirm, timedLoad, waitForAnswerGap, waitForBackground } from './bench-support';

/**
 * The floor under the warm and cold answers of answer-in-browser.bench.test.ts:
 * an extension whose background does nothing but answer every proxy challenge
 * at once with one fixed account (no storage, no log, no decision), measured
 * the same way in the same run: squid's 407 → retry gap and the page time,
 * warm and cold alternating. What it costs is what the browser itself takes to
 * hand a challenge to an extension and to start a stopped background; what
 * Proxy Keyring adds above it is ours to cut.
 */
const ROUNDS = 20;

/** The whole background: the same listener shape auth-listener.ts uses in each browser. */
function floorBackground(name: BrowserName): string {
  const answer = JSON.stringify({ authCredentials: { username: ALICE.user, password: ALICE.password } });
  return name === 'chromium'
    ? `chrome.webRequest.onAuthRequired.addListener((d, callback) => callback(d.isProxy ? ${answer} : {}), { urls: ['<all_urls>'] }, ['asyncBlocking']);\n`
    : `browser.webRequest.onAuthRequired.addListener((d) => (d.isProxy ? ${answer} : {}), { urls: ['<all_urls>'] }, ['blocking']);\n`;
}

function floorManifest(name: BrowserName): object {
  const shared = { manifest_version: 3, name: 'floor', version: '1.0', host_permissions: ['<all_urls>'] };
  return name === 'chromium'
    ? { ...shared, permissions: ['webRequest', 'webRequestAuthProvider'], background: { service_worker: 'background.js' } }
    : {
        ...shared,
        permissions: ['webRequest', 'webRequestBlocking'],
        background: { scripts: ['background.js'] },
        // The harness finds the add-on by Proxy Keyring's Gecko id; this profile has no other add-on.
        browser_specific_settings: { gecko: { id: GECKO_ID, strict_min_version: '142.0' } },
      };
}

/** Written to a temporary folder; the icons are there for the harness's quiet page (it stops Chromium's worker from one). */
async function writeFloorExtension(name: BrowserName): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `pk-bench-floor-${name}-`));
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(floorManifest(name)));
  await writeFile(join(dir, 'background.js'), floorBackground(name));
  await cp(join(CHROME_DIST, 'icons'), join(dir, 'icons'), { recursive: true });
  return dir;
}

/** Chromium: one port per arm and a fresh context each round; Firefox (one proxy-auth cache per process): a port per round. */
function routeName(name: BrowserName, arm: 'warm' | 'cold', round: number): string {
  return name === 'chromium' ? arm : `${arm}${round}`;
}

function routesFor(name: BrowserName): Record<string, RouteSpec> {
  const names = (arm: 'warm' | 'cold') => (name === 'chromium' ? [arm] : Array.from({ length: ROUNDS }, (_, i) => `${arm}${i}`));
  return Object.fromEntries([...names('warm'), ...names('cold'), 'wake'].map((n) => [n, { auth: 'basic' }]));
}

describe.each(BROWSER_NAMES)('%s', (name) => {
  let stack: Stack;
  let dir: string;

  beforeAll(async () => {
    dir = await writeFloorExtension(name);
    stack = await startStack(name, { routes: routesFor(name), extensionDir: dir });
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  async function load(routeKey: string, round: number) {
    const route = stack.route(routeKey);
    const page: Page = await stack.browser.freshPage(route.port);
    const url = route.url(`/?round=${round}`);
    try {
      const { status, pageMs } = await timedLoad(page, url);
      const gapMs = status === 200 ? await waitForAnswerGap(stack.squid, route.port, url) : undefined;
      return { status, pageMs, gapMs };
    } finally {
      if (name === 'chromium')
        await page
          .browserContext()
          .close()
          .catch(() => undefined);
      else await page.close().catch(() => undefined);
    }
  }

  it('an extension that only answers: warm and cold, alternating, squid 407→retry gap and page time', async () => {
    const warm: { pageMs: number; gapMs: number }[] = [];
    const cold: { pageMs: number; gapMs: number; stoppedBefore: boolean }[] = [];
    const statuses: (number | string)[] = [];
    await alternate(ROUNDS, {
      warm: async (round: number) => {
        const b = stack.browser;
        // As in answer-in-browser: Firefox's warm rounds start from a relaunch (its event page starts at install);
        // Chromium's worker is woken by a challenge of its own when the last round left it stopped.
        if (b.name === 'firefox') await asFirefox(b).relaunch();
        else if (!(await b.isBackgroundRunning())) await load('wake', -1);
        if (!(await waitForBackground(b, true, 15_000))) throw new Error('the floor background did not start');
        const r = await load(routeName(name, 'warm', round), round);
        statuses.push(r.status);
        if (r.status !== 200 || r.gapMs === undefined) return undefined;
        warm.push({ pageMs: r.pageMs, gapMs: r.gapMs });
        return r.pageMs;
      },
      cold: async (round: number) => {
        const stopped = await stopAndConfirm(stack.browser);
        const stoppedBefore = stopped && !(await stack.browser.isBackgroundRunning());
        const r = await load(routeName(name, 'cold', round), round);
        statuses.push(r.status);
        if (r.status !== 200 || r.gapMs === undefined) return undefined;
        cold.push({ pageMs: r.pageMs, gapMs: r.gapMs, stoppedBefore });
        return r.pageMs;
      },
    });
    const gap = compare(
      cold.map((c) => c.gapMs),
      warm.map((w) => w.gapMs),
    );
    const page = compare(
      cold.map((c) => c.pageMs),
      warm.map((w) => w.pageMs),
    );
    const confirmed = cold.filter((c) => c.stoppedBefore).length;
    await recordFigures(
      `${name}Floor`,
      {
        rounds: ROUNDS,
        statuses,
        warmGapMs: warm.map((w) => w.gapMs),
        coldGapMs: cold.map((c) => c.gapMs),
        coldConfirmedStopped: confirmed,
        gapColdVsWarm: gap,
        pageColdVsWarm: page,
        gapAddedMs: Math.round((gap.medianMs - gap.baselineMedianMs) * 10) / 10,
        pageAddedMs: Math.round((page.medianMs - page.baselineMedianMs) * 10) / 10,
      },
      [
        {
          figure: `floor (an extension that only answers): warm squid 407 → retry, median of ${warm.length}`,
          browser: name,
          value: fmtMs(median(warm.map((w) => w.gapMs))),
          baseline: `page ${fmtMs(page.baselineMedianMs)}`,
          target: '(the floor for ≤ 5 ms)',
        },
        {
          figure: `floor: cold wake, squid 407 → retry added over warm (stopped ${confirmed}/${cold.length})`,
          browser: name,
          value: `+${fmtMs(gap.medianMs - gap.baselineMedianMs)} (${fmtRatio(gap.ratio)})`,
          baseline: `warm ${fmtMs(gap.baselineMedianMs)}, cold ${fmtMs(gap.medianMs)}; page +${fmtMs(page.medianMs - page.baselineMedianMs)}`,
          target: '(the floor for ≤ 20 ms)',
        },
      ],
    );
    expect(warm.length).toBeGreaterThan(ROUNDS / 2);
    expect(cold.length).toBeGreaterThan(ROUNDS / 2);
  }, 600_000);
});
