import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getFreePort, sleep, waitForPort } from './ports';

const TINYPROXY_BIN = '/usr/bin/tinyproxy';

/**
 * Debian 12's tinyproxy 1.11.1 with `BasicAuth`, which answers a wrong
 * password with 401 and WWW-Authenticate instead of 407
 * (docs/browser-behaviour.md#tinyproxy-401). Its own log does not say which
 * requests carried credentials or how they ended, so the browser talks to a
 * small counting front on loopback that passes every byte through and notes
 * each request's Proxy-Authorization and tinyproxy's status (tinyproxy
 * closes the connection after each answer, so one connection is one request).
 * tinyproxy forwards to `upstreamPort` (an open squid port), which resolves
 * the test host names.
 */
export interface TinyproxyAttempt {
  readonly url: string;
  /** The user name of the Basic credentials the request carried, or null. */
  readonly user: string | null;
  readonly password: string | null;
  /** tinyproxy's status line code, or 0 when the connection ended without one. */
  readonly status: number;
}

export interface Tinyproxy {
  /** The port the browser is sent to (the counting front). */
  readonly port: number;
  readonly pid: number;
  attempts(): TinyproxyAttempt[];
  /** tinyproxy's own log (it names each request, not how it ended). */
  readLog(): Promise<string>;
  stop(): Promise<void>;
}

export async function startTinyproxy(opts: { user: string; password: string; upstreamPort: number }): Promise<Tinyproxy> {
  const dir = await mkdtemp(join(tmpdir(), 'pk-tinyproxy-'));
  const port = await getFreePort();
  const conf = join(dir, 'tinyproxy.conf');
  const logFile = join(dir, 'tinyproxy.log');
  await writeFile(
    conf,
    [
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Timeout 60',
      `BasicAuth ${opts.user} ${opts.password}`,
      `Upstream http 127.0.0.1:${opts.upstreamPort}`,
      `PidFile "${join(dir, 'tinyproxy.pid')}"`,
      `LogFile "${logFile}"`,
      'LogLevel Connect',
      'MaxClients 200',
      '',
    ].join('\n'),
  );
  // -d: stay in the foreground, so the child's pid is tinyproxy's; detached: its own process group.
  const child = spawn(TINYPROXY_BIN, ['-d', '-c', conf], { detached: true, stdio: 'ignore' });
  let front: Server | undefined;
  try {
    await waitForPort(port, 10_000);
    // A port another process holds also accepts connections; tinyproxy, failing to bind it, exits at once.
    await sleep(200);
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`tinyproxy exited at start: port ${port} not its own?`);
    const attempts: TinyproxyAttempt[] = [];
    front = await startCountingFront(port, attempts);
    const frontServer = front;
    const address = frontServer.address();
    if (address === null || typeof address === 'string') throw new Error('the counting front has no port');
    return {
      port: address.port,
      pid: child.pid ?? -1,
      attempts: () => [...attempts],
      readLog: () => readFile(logFile, 'utf8').catch(() => ''),
      stop: async () => {
        await new Promise<void>((resolve) => frontServer.close(() => resolve()));
        await stopChild(child);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    front?.close();
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

function startCountingFront(tinyproxyPort: number, attempts: TinyproxyAttempt[]): Promise<Server> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    const upstream = connect({ host: '127.0.0.1', port: tinyproxyPort });
    sockets.add(upstream);
    let head = '';
    let answered = '';
    let attempt: { url: string; user: string | null; password: string | null } | undefined;
    const record = () => {
      if (attempt === undefined) return;
      const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(answered)?.[1] ?? 0);
      attempts.push({ ...attempt, status });
      attempt = undefined;
    };
    client.on('data', (chunk: Buffer) => {
      if (attempt === undefined && !head.includes('\r\n\r\n')) {
        head += chunk.toString('latin1');
        if (head.includes('\r\n\r\n')) attempt = parseRequestHead(head);
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (answered.length < 64) answered += chunk.toString('latin1');
      client.write(chunk);
    });
    const end = () => {
      record();
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  const close = server.close.bind(server);
  server.close = (cb?: (err?: Error) => void) => {
    for (const s of sockets) s.destroy();
    return close(cb);
  };
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function parseRequestHead(head: string): { url: string; user: string | null; password: string | null } {
  const [requestLine = '', ...headers] = head.split('\r\n');
  const url = requestLine.split(' ')[1] ?? '';
  const auth = headers.find((h) => /^proxy-authorization:/i.test(h));
  const basic = auth === undefined ? undefined : /basic\s+(\S+)/i.exec(auth)?.[1];
  if (basic === undefined) return { url, user: null, password: null };
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return { url, user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, s);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  if (!(await Promise.race([exited.then(() => true), sleep(3_000).then(() => false)]))) {
    signal('SIGKILL');
    await exited;
  }
}
