import { afterAll, beforeAll } from 'vitest';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ACCOUNTS, ALICE } from './accounts';
import type { BrowserName, BrowserUnderTest, LaunchOptions } from './browser';
import { launchChromium } from './chromium';
import { CHROME_DIST, FIREFOX_DIST, REPO_ROOT } from './extension';
import { launchFirefox } from './firefox';
import { startOrigin, type Origin } from './origin';
import { makePacUrl } from './pac';
import { getFreePort } from './ports';
import { startSquid, type AuthKind, type Squid, type SquidOptions, type SquidPortSpec } from './squid';
import { startTinyproxy, type Tinyproxy } from './tinyproxy';

/** Screenshots for a human to look at (not compared). */
export const ARTIFACTS = resolve(REPO_ROOT, 'test-artifacts');

export interface RouteSpec {
  /**
   * How the route's squid port authenticates; 'dead' is a port nothing listens
   * on; 'tinyproxy' is Debian's tinyproxy (support/tinyproxy.ts) with BasicAuth
   * for ALICE, forwarding to an open squid port of the route's own (`<name>up`).
   */
  auth: AuthKind | 'dead' | 'tinyproxy';
  /** Extra host names through the same port (`h1.<name>.test` …), for many origins at once. */
  hosts?: number;
  /** auth 'mixed': how many of the extra host names (`h1…`) the port asks Basic for; the rest and `<name>.test` get Digest. */
  basicHosts?: number;
}

/** One proxy of a scenario's own: a squid port and the test host names routed through it. */
export interface Route {
  readonly name: string;
  readonly port: number;
  /** `127.0.0.1:<port>`, as the extension labels the proxy. */
  readonly proxy: string;
  /** `<name>.test`, which the PAC sends through this port and squid resolves to the origin. */
  readonly host: string;
  /** The extra host names (RouteSpec.hosts). */
  readonly hosts: readonly string[];
  url(path?: string): string;
  httpsUrl(path?: string): string;
}

export interface Stack {
  readonly origin: Origin;
  readonly squid: Squid;
  readonly browser: BrowserUnderTest;
  route(name: string): Route;
  /** The tinyproxy of a route with auth 'tinyproxy'. */
  tinyproxy(name: string): Tinyproxy;
  /** A page on 127.0.0.1, which the PAC leaves DIRECT (e.g. the /many page whose resources go through a route). */
  directUrl(path: string): string;
  stop(): Promise<void>;
}

export function launchBrowser(name: BrowserName, opts: Omit<LaunchOptions, 'extensionDir'> & { extensionDir?: string }) {
  return name === 'chromium'
    ? launchChromium({ extensionDir: CHROME_DIST, ...opts })
    : launchFirefox({ extensionDir: FIREFOX_DIST, ...opts });
}

/**
 * The origin, one squid with a port per route, and one browser whose PAC sends
 * each route's host names through that route's port. Scenarios never share a
 * route, so saved credentials (extension-wide), the browser's proxy-auth cache
 * and the log's per-proxy records never mix between them.
 */
export async function startStack(
  browserName: BrowserName,
  opts: { routes: Readonly<Record<string, RouteSpec>>; extensionDir?: string },
): Promise<Stack> {
  await mkdir(ARTIFACTS, { recursive: true });
  const specs = Object.entries(opts.routes);
  const live = specs.filter(([, s]) => s.auth !== 'dead');
  const hostsOf = (name: string, spec: RouteSpec) => [
    `${name}.test`,
    ...Array.from({ length: spec.hosts ?? 0 }, (_, i) => `h${i + 1}.${name}.test`),
  ];
  let origin: Origin | undefined;
  let squid: Squid | undefined;
  const tinyproxies = new Map<string, Tinyproxy>();
  const squidPort = (name: string, s: RouteSpec): SquidPortSpec => {
    if (s.auth === 'tinyproxy') return { name: `${name}up`, auth: 'none' };
    if (s.auth !== 'mixed') return { name, auth: s.auth as AuthKind };
    return { name, auth: 'mixed', basicHosts: hostsOf(name, s).slice(1, 1 + (s.basicHosts ?? 0)) };
  };
  try {
    origin = await startOrigin();
    squid = await startSquid({
      ports: live.map(([name, s]) => squidPort(name, s)),
      users: [...ACCOUNTS],
      hosts: Object.fromEntries(live.flatMap(([name, s]) => hostsOf(name, s)).map((h) => [h, '127.0.0.1'])),
    });
    for (const [name] of specs.filter(([, s]) => s.auth === 'tinyproxy')) {
      tinyproxies.set(name, await startTinyproxy({ user: ALICE.user, password: ALICE.password, upstreamPort: squid.ports[`${name}up`]! }));
    }
    const routes = new Map<string, Route>();
    for (const [name, spec] of specs) {
      const port =
        spec.auth === 'dead' ? await getFreePort() : spec.auth === 'tinyproxy' ? tinyproxies.get(name)!.port : squid.ports[name]!;
      const o = origin;
      routes.set(name, {
        name,
        port,
        proxy: `127.0.0.1:${port}`,
        host: `${name}.test`,
        hosts: hostsOf(name, spec).slice(1),
        url: (path = '/') => `http://${name}.test:${o.httpPort}${path}`,
        httpsUrl: (path = '/') => `https://${name}.test:${o.httpsPort}${path}`,
      });
    }
    const pacUrl = makePacUrl(
      Object.fromEntries([...routes.values()].flatMap((r) => [[r.host, r.port] as const, [`*.${r.host}`, r.port] as const])),
    );
    const browser = await launchBrowser(browserName, { pacUrl, ...(opts.extensionDir ? { extensionDir: opts.extensionDir } : {}) });
    const s = squid;
    const orig = origin;
    return {
      origin: orig,
      squid: s,
      browser,
      route: (name) => {
        const r = routes.get(name);
        if (r === undefined) throw new Error(`no route ${name}`);
        return r;
      },
      tinyproxy: (name) => {
        const t = tinyproxies.get(name);
        if (t === undefined) throw new Error(`no tinyproxy on route ${name}`);
        return t;
      },
      directUrl: (path) => `http://127.0.0.1:${orig.httpPort}${path}`,
      stop: async () => {
        await browser.close();
        for (const t of tinyproxies.values()) await t.stop();
        await s.stop();
        await orig.stop();
      },
    };
  } catch (error) {
    for (const t of tinyproxies.values()) await t.stop();
    await squid?.stop();
    await origin?.stop();
    throw error;
  }
}

/** The origin and a squid of the caller's own ports, for files that test the harness itself (no product stack). */
export async function startOriginAndSquid(
  squidOptions: SquidOptions,
): Promise<{ origin: Origin; squid: Squid; stop: () => Promise<void> }> {
  const origin = await startOrigin();
  try {
    const squid = await startSquid(squidOptions);
    return {
      origin,
      squid,
      stop: async () => {
        await squid.stop();
        await origin.stop();
      },
    };
  } catch (error) {
    await origin.stop();
    throw error;
  }
}

/** Starts the origin and a squid before a file's tests and stops them after; read them through the returned object. */
export function useOriginAndSquid(squidOptions: SquidOptions): { readonly origin: Origin; readonly squid: Squid } {
  let started: Awaited<ReturnType<typeof startOriginAndSquid>> | undefined;
  beforeAll(async () => {
    started = await startOriginAndSquid(squidOptions);
  });
  afterAll(async () => {
    await started?.stop();
  });
  const live = () => {
    if (!started) throw new Error('the origin and squid start in beforeAll');
    return started;
  };
  return {
    get origin() {
      return live().origin;
    },
    get squid() {
      return live().squid;
    },
  };
}
