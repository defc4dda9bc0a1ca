import { connect, createServer, type Server } from 'node:net';

/**
 * Asks the kernel for a free loopback port. There is a small race between
 * closing this socket and the caller binding the port, which is acceptable on
 * a test machine and far better than hard-coded ports colliding between runs.
 */
export async function getFreePort(): Promise<number> {
  const [port] = await getFreePorts(1);
  return port!;
}

/**
 * Ports this process handed out. Both browsers' stacks run in one process
 * (browsers.e2e.test.ts), and a port chosen and closed here is free again
 * until its server binds it: the other stack, asking meanwhile, could be
 * given the same port. squid then goes on without the port it cannot bind
 * (it only logs "commBind Cannot bind socket", verified), and one browser's
 * requests are answered, and logged, by the other browser's squid: the likely
 * cause of a CI run where Firefox's squid logged none of the two refusals the
 * extension saw (scenario L5). startSquid also checks every port is its own.
 */
const handedOut = new Set<number>();

/**
 * `count` free loopback ports, all different, none handed out before in this
 * process. Each listener stays open until every port is chosen: a port asked
 * for one at a time and closed can come back from the kernel for the next ask
 * (seen: 100 ports for one squid gave two names the same port in 2 of 3 runs,
 * and the browser then sent two routes' requests to one port).
 */
export async function getFreePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    while (ports.length < count) {
      const server = createServer();
      server.unref();
      servers.push(server);
      const port = await listenOnFreePort(server);
      if (handedOut.has(port)) continue;
      handedOut.add(port);
      ports.push(port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}

function listenOnFreePort(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('could not read the port of a TCP listener'));
      else resolve(address.port);
    });
  });
}

/** Resolves once something accepts TCP connections on host:port (loopback). */
export async function waitForPort(port: number, timeoutMs = 15_000, host = '127.0.0.1'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await tryConnect(port, host)) return;
    await sleep(100);
  }
  throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
}

function tryConnect(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
