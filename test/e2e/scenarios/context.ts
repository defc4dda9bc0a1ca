import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { BrowserName } from '../support/browser';
import { listCredentials } from '../support/messages';
import { startStack, type RouteSpec, type Stack } from '../support/stack';
import { ACCESSIBILITY_ROUTES } from './accessibility';
import { LOCKOUT_ROUTES } from './lockout';

/**
 * Every route (squid port + host names) the scenarios use, one per case, so
 * no scenario sees another's credentials, proxy-auth cache or log records.
 */
export const ROUTES = {
  a: { auth: 'digest' },
  b: { auth: 'digest' },
  c: { auth: 'basic' },
  d: { auth: 'basic' },
  e1: { auth: 'basic' },
  e2: { auth: 'basic' },
  f: { auth: 'basic' },
  // Chromium parks at most 6 challenged requests per host: 12 hosts let 60 wait at once.
  g: { auth: 'basic', hosts: 12 },
  h: { auth: 'basic' },
  h2: { auth: 'basic' },
  i: { auth: 'basic' },
  i2: { auth: 'basic' },
  i3: { auth: 'basic' },
  // k: pages through a proxy that never challenges, after one that did.
  k: { auth: 'basic' },
  kopen: { auth: 'none' },
  k2: { auth: 'basic' },
  j: { auth: 'basic' },
  // The diagnostics run of every outcome (diagnostics.ts everyOutcome).
  saved: { auth: 'basic' },
  prompted: { auth: 'basic' },
  wrong: { auth: 'basic' },
  cancel: { auth: 'basic' },
  dead: { auth: 'dead' },
  popup: { auth: 'basic' },
  bang: { auth: 'basic' },
  private: { auth: 'basic' },
  // "Test my proxy sign-in" (sign-in-test.ts): a right password, a wrong one, nothing listening.
  signinok: { auth: 'basic' },
  signinwrong: { auth: 'basic' },
  signindead: { auth: 'dead' },
  // The pages in German, in a browser of its own (locale.ts).
  locale: { auth: 'basic' },
  ...LOCKOUT_ROUTES,
  ...ACCESSIBILITY_ROUTES,
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof ROUTES;

export interface ScenarioContext {
  readonly name: BrowserName;
  readonly stack: Stack;
  /** Measurements printed after the run (what a browser did, for the docs). */
  readonly facts: Record<string, unknown>;
  /** Where the browser saves downloads. */
  readonly downloads: string;
  /** Results of set-up steps that several scenarios need and any of them may run first. */
  readonly memo: Map<string, Promise<unknown>>;
}

/** One stack (origin, squid, this browser) for the scenarios of one browser. */
export function useStack(name: BrowserName): ScenarioContext {
  let stack: Stack | undefined;
  let downloads: string | undefined;
  const facts: Record<string, unknown> = {};
  const memo = new Map<string, Promise<unknown>>();
  beforeAll(async () => {
    stack = await startStack(name, { routes: ROUTES });
    downloads = await mkdtemp(join(tmpdir(), 'pk-downloads-'));
    await stack.browser.allowDownloads(downloads);
    // A round trip to the background: its onAuthRequired listener is registered
    // before the first proxied request (the install can return earlier).
    await listCredentials(await stack.browser.messagingPage());
  });
  // Each scenario starts without the pages the ones before it left (their loads, and any request still waiting).
  beforeEach(async () => {
    await stack?.browser.closeFreshPages();
  });
  afterAll(async () => {
    console.log(`${name} facts: ${JSON.stringify(facts, null, 1)}`);
    await stack?.stop();
    if (downloads !== undefined) await rm(downloads, { recursive: true, force: true });
  });
  return {
    name,
    get stack(): Stack {
      if (stack === undefined) throw new Error(`the ${name} stack is not running`);
      return stack;
    },
    get downloads(): string {
      if (downloads === undefined) throw new Error('no download folder');
      return downloads;
    },
    facts,
    memo,
  };
}

/** Runs `make` once per browser, however many scenarios ask for its result, in whatever order. */
export function once<T>(ctx: ScenarioContext, key: string, make: () => Promise<T>): Promise<T> {
  let result = ctx.memo.get(key) as Promise<T> | undefined;
  if (result === undefined) {
    result = make();
    ctx.memo.set(key, result);
  }
  return result;
}
