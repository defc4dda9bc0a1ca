import type { lookup, LookupAddress, LookupOptions } from 'node:dns';
import { existsSync } from 'node:fs';
import { RequestError, Server } from 'proxy-chain';
import { getFreePort } from '../e2e/support/ports';
import { challenges, failedAttempts, startSquid } from '../e2e/support/squid';
import { DEMO_HOST } from './site';

/** An expected condition the demo reports in one line (what to install or change), never as a stack trace. */
export class DemoError extends Error {
  override readonly name = 'DemoError';
}

export interface DemoAccount {
  readonly user: string;
  readonly password: string;
}

export const DEMO_ACCOUNT: DemoAccount = { user: 'demo', password: 'keyring-demo' };
export const DEMO_REALM = 'Proxy Keyring demo';

export interface ProxyCounts {
  /** 407s to requests that carried no credentials. */
  challenges: number;
  /** 407s to requests that carried credentials: the proxy refused a password. */
  failedLogins: number;
}

export interface DemoProxy {
  /** What it is, for the banner: `proxy-chain (Basic)` or `squid (Basic)`. */
  readonly kind: string;
  readonly port: number;
  /** `127.0.0.1:<port>`, as the extension names the proxy. */
  readonly label: string;
  counts(): Promise<ProxyCounts>;
  stop(): Promise<void>;
}

const SQUID_FILES: readonly [string, string][] = [
  ['/usr/sbin/squid', 'squid'],
  ['/usr/lib/squid/basic_ncsa_auth', 'squid'],
  ['/usr/bin/htpasswd', 'apache2-utils'],
];

/** proxy-chain from npm by default (needs nothing but `npm ci`), or Debian's squid. */
export async function startDemoProxy(opts: { squid: boolean; port?: number; sitePort: number }): Promise<DemoProxy> {
  return opts.squid ? startSquidProxy(opts.port) : startProxyChain(opts.port, opts.sitePort);
}

/**
 * Basic auth for one account, only to the demo site (any other host gets a 403,
 * so the browser's own background traffic goes nowhere and is never challenged).
 */
async function startProxyChain(fixedPort: number | undefined, sitePort: number): Promise<DemoProxy> {
  const counts: ProxyCounts = { challenges: 0, failedLogins: 0 };
  const make = (port: number) =>
    new Server({
      port,
      host: '127.0.0.1',
      authRealm: DEMO_REALM,
      prepareRequestFunction: ({ username, password, hostname, port: to }) => {
        if (hostname !== DEMO_HOST || to !== sitePort) throw new RequestError(`the demo proxy only reaches ${DEMO_HOST}:${sitePort}`, 403);
        if (username === '' && password === '') {
          counts.challenges += 1;
          return { requestAuthentication: true };
        }
        if (username !== DEMO_ACCOUNT.user || password !== DEMO_ACCOUNT.password) {
          counts.failedLogins += 1;
          return { requestAuthentication: true };
        }
        return { dnsLookup: lookUpDemoHost as unknown as typeof lookup };
      },
    });
  const server = await listenOnPort(fixedPort, async (port) => {
    const s = make(port);
    await s.listen();
    return s;
  });
  return {
    kind: 'proxy-chain (Basic)',
    port: server.port,
    label: `127.0.0.1:${server.port}`,
    counts: () => Promise.resolve({ ...counts }),
    stop: () => server.close(true),
  };
}

async function startSquidProxy(fixedPort: number | undefined): Promise<DemoProxy> {
  for (const [file, pkg] of SQUID_FILES) {
    if (!existsSync(file)) throw new DemoError(`--squid needs ${file}, which is not installed: apt-get install ${pkg}`);
  }
  if (fixedPort !== undefined) {
    throw new DemoError('--port works with the built-in proxy only; squid picks a free port itself (leave out --port or --squid)');
  }
  const squid = await startSquid({
    ports: [{ name: 'demo', auth: 'basic' }],
    users: [DEMO_ACCOUNT],
    basicRealm: DEMO_REALM,
    hosts: { [DEMO_HOST]: '127.0.0.1' },
  });
  const port = squid.ports['demo']!;
  return {
    kind: `squid (Basic, pid ${squid.pid})`,
    port,
    label: `127.0.0.1:${port}`,
    counts: async () => {
      const log = await squid.accessLog();
      return { challenges: challenges(log, port), failedLogins: failedAttempts(log, DEMO_ACCOUNT.user, port) };
    },
    stop: () => squid.stop(),
  };
}

/**
 * A free port (a few tries: another program can take it between the check and
 * the bind), or exactly `fixed`, with one line saying so when it is taken.
 */
async function listenOnPort<T>(fixed: number | undefined, bind: (port: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const port = fixed ?? (await getFreePort());
    try {
      return await bind(port);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      if (fixed !== undefined)
        throw new DemoError(`port ${fixed} is in use on 127.0.0.1: choose another with --port, or leave --port out to pick a free one`);
      if (attempt >= 5) throw new DemoError('found no free port on 127.0.0.1 after 5 tries');
    }
  }
}

/** The proxy resolves the demo name to loopback; Node asks with `all: true` when it tries several addresses. */
function lookUpDemoHost(
  _hostname: string,
  options: LookupOptions | number | ((...args: never[]) => void),
  callback?: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
): void {
  const cb = typeof options === 'function' ? (options as typeof callback) : callback;
  const all = typeof options === 'object' && options.all === true;
  if (all) cb?.(null, [{ address: '127.0.0.1', family: 4 }]);
  else cb?.(null, '127.0.0.1', 4);
}
