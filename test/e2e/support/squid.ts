import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { chown, chmod, mkdtemp, readFile, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { getFreePorts, sleep, waitForPort } from './ports';

const execFileAsync = promisify(execFile);

const SQUID_BIN = '/usr/sbin/squid';
const BASIC_HELPER = '/usr/lib/squid/basic_ncsa_auth';
const DIGEST_HELPER = '/usr/lib/squid/digest_file_auth';
const HTPASSWD_BIN = '/usr/bin/htpasswd';
// squid drops root privileges to this user; it must own everything it touches.
const SQUID_USER = 'proxy';

/** Test host names squid resolves to loopback through its own hosts_file. */
export const TEST_HOSTS = [
  'origin.test',
  'origin2.test',
  'origin3.test',
  'origin4.test',
  'origin5.test',
  'origin6.test',
  'origin7.test',
  'origin8.test',
  'origin9.test',
  'origin10.test',
  'origin11.test',
  'origin12.test',
] as const;

/**
 * 'mixed': one port that asks Digest for every host but `basicHosts`, which
 * it asks Basic (the same proxy host:port offering a weaker scheme later).
 */
export type AuthKind = 'basic' | 'digest' | 'none' | 'mixed';

export interface SquidPortSpec {
  /** Used as squid's `name=` for the port and as the key in `Squid.ports`. */
  name: string;
  auth: AuthKind;
  /** The loopback address to listen on: 127.0.0.1 (default) or ::1. */
  address?: '127.0.0.1' | '::1';
  /** auth 'mixed' only: destination host names this port asks Basic for (Digest for the rest). */
  basicHosts?: string[];
}

export interface ProxyUser {
  user: string;
  password: string;
}

export interface SquidOptions {
  ports: SquidPortSpec[];
  users?: ProxyUser[];
  basicRealm?: string;
  digestRealm?: string;
  /** The ports of the first try, by name (the harness's test of a port another process holds); free ones otherwise. */
  firstPorts?: Record<string, number>;
  /** Host name → IP. Defaults to every name in TEST_HOSTS → 127.0.0.1. */
  hosts?: Record<string, string>;
}

export interface AccessEntry {
  /** Unix time in seconds, with milliseconds. */
  time: number;
  /** The local (listening) port the request came through. */
  port: number;
  /** HTTP status squid sent to the client, e.g. 407 or 200. */
  status: number;
  /** User name squid saw in the credentials (also on failed attempts), or null. */
  user: string | null;
  method: string;
  /** Absolute URL, or host:port for CONNECT. */
  url: string;
  /** squid's `%tr`: ms from the request's arrival to its logging (so it arrived at `time - elapsedMs / 1000`). */
  elapsedMs?: number;
}

export interface Squid {
  ports: Record<string, number>;
  dir: string;
  pid: number;
  accessLog(): Promise<AccessEntry[]>;
  /** Polls the access log until `predicate` holds (squid logs a request after it ends). */
  waitForAccessLog(predicate: (entries: AccessEntry[]) => boolean, timeoutMs?: number): Promise<AccessEntry[]>;
  /** Replaces every user's password; old passwords stop working when it resolves. */
  setUsers(users: ProxyUser[]): Promise<void>;
  stop(): Promise<void>;
}

interface SquidFiles {
  dir: string;
  conf: string;
  basicPasswd: string;
  digestPasswd: string;
  hosts: string;
  accessLog: string;
  cacheLog: string;
  pidFile: string;
}

// squid caches a validated (user, password) pair for credentialsttl and the
// user record for authenticate_ttl; `squid -k reconfigure` does not flush
// either (verified). With 1 s TTLs a changed password takes effect ~1 s later,
// so setUsers waits this long before resolving.
const CREDENTIAL_TTL_WAIT_MS = 2_100;

let instanceCounter = 0;

/** Tries at a squid that bound every one of its ports itself (portsNotBound). */
const START_ATTEMPTS = 3;

export async function startSquid(opts: SquidOptions): Promise<Squid> {
  const files = await makeSquidDir();
  const basicRealm = opts.basicRealm ?? 'Proxy Keyring Basic';
  const digestRealm = opts.digestRealm ?? 'Proxy Keyring Digest';
  const users = opts.users ?? [];
  const hosts = opts.hosts ?? defaultHosts();

  let started: { child: ChildProcess; ports: Record<string, number> };
  try {
    await writePasswordFiles(files, users, digestRealm);
    await writeFile(files.hosts, renderHostsFile(hosts));
    started = await launchOnOwnPorts(files, opts, (ports) =>
      renderConfig({ files, specs: opts.ports, ports, basicRealm, digestRealm, hosts }),
    );
  } catch (error) {
    await rm(files.dir, { recursive: true, force: true });
    throw error;
  }
  const { child, ports } = started;

  return {
    ports,
    dir: files.dir,
    pid: child.pid ?? -1,
    accessLog: () => readAccessLog(files.accessLog),
    waitForAccessLog: (predicate, timeoutMs = 5_000) => pollAccessLog(files.accessLog, predicate, timeoutMs),
    setUsers: async (next) => {
      await writePasswordFiles(files, next, digestRealm);
      await giveToSquidUser(files);
      await sleep(CREDENTIAL_TTL_WAIT_MS);
    },
    stop: async () => {
      await stopProcess(child);
      await rm(files.dir, { recursive: true, force: true });
    },
  };
}

/** Counts 407 answers to requests that carried credentials for `user`. */
export function failedAttempts(entries: AccessEntry[], user: string, port?: number): number {
  return entries.filter((e) => e.status === 407 && e.user === user && (port === undefined || e.port === port)).length;
}

/** Waits until squid let `user` through `port` (to `url`, by `method`, when given). */
export function waitForAccepted(
  squid: Squid,
  want: { port: number; user: string; url?: string; method?: string },
  timeoutMs = 10_000,
): Promise<AccessEntry[]> {
  return squid.waitForAccessLog(
    (entries) =>
      entries.some(
        (e) =>
          e.port === want.port &&
          e.status === 200 &&
          e.user === want.user &&
          (want.url === undefined || e.url === want.url) &&
          (want.method === undefined || e.method === want.method),
      ),
    timeoutMs,
  );
}

/** Counts 407 answers to requests that carried no credentials at all (challenges). */
export function challenges(entries: AccessEntry[], port?: number): number {
  return entries.filter((e) => e.status === 407 && e.user === null && (port === undefined || e.port === port)).length;
}

export function parseAccessLog(text: string): AccessEntry[] {
  return text
    .split('\n')
    .map(parseAccessLine)
    .filter((e): e is AccessEntry => e !== null);
}

function defaultHosts(): Record<string, string> {
  return Object.fromEntries(TEST_HOSTS.map((h) => [h, '127.0.0.1']));
}

async function makeSquidDir(): Promise<SquidFiles> {
  const dir = await mkdtemp(join(tmpdir(), 'pk-squid-'));
  // mkdtemp makes the folder 0700; squid (as `proxy`) must be able to enter it.
  await chmod(dir, 0o755);
  return {
    dir,
    conf: join(dir, 'squid.conf'),
    basicPasswd: join(dir, 'basic.passwd'),
    digestPasswd: join(dir, 'digest.passwd'),
    hosts: join(dir, 'hosts'),
    accessLog: join(dir, 'access.log'),
    cacheLog: join(dir, 'cache.log'),
    pidFile: join(dir, 'squid.pid'),
  };
}

/** A port per name, all different (getFreePorts): two names on one port would mix two routes' requests. */
async function allocatePorts(specs: SquidPortSpec[]): Promise<Record<string, number>> {
  const names = new Set<string>();
  for (const spec of specs) {
    if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(spec.name)) {
      throw new Error(`squid port name must be a plain identifier: ${spec.name}`);
    }
    if (names.has(spec.name)) throw new Error(`duplicate squid port name: ${spec.name}`);
    names.add(spec.name);
  }
  const free = await getFreePorts(specs.length);
  return Object.fromEntries(specs.map((spec, i) => [spec.name, free[i]!]));
}

async function writePasswordFiles(files: SquidFiles, users: ProxyUser[], digestRealm: string): Promise<void> {
  await writeAtomically(files.basicPasswd, await renderHtpasswd(users));
  await writeAtomically(files.digestPasswd, renderDigestPasswd(users, digestRealm));
}

// The helpers re-read their file only when its mtime *in whole seconds*
// differs from the one they loaded (verified: a rewrite within the same second
// as the previous one was ignored). Every write therefore gets a strictly
// later mtime second, even if that lies slightly in the future.
const lastMtimeSec = new Map<string, number>();

// The rename makes sure a helper never reads a half-written file.
async function writeAtomically(path: string, content: string): Promise<void> {
  const tmp = `${path}.tmp`;
  await writeFile(tmp, content);
  const mtime = Math.max(Math.floor(Date.now() / 1000), (lastMtimeSec.get(path) ?? 0) + 1);
  await utimes(tmp, mtime, mtime);
  lastMtimeSec.set(path, mtime);
  await rename(tmp, path);
}

// htpasswd -nbB would be bcrypt, which basic_ncsa_auth on Debian 12 may not
// support; -nbm (apr1 MD5) is what the E2E notes verified with -bc defaults.
async function renderHtpasswd(users: ProxyUser[]): Promise<string> {
  const lines: string[] = [];
  for (const { user, password } of users) {
    const { stdout } = await execFileAsync(HTPASSWD_BIN, ['-nbm', user, password]);
    lines.push(stdout.trim());
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

// digest_file_auth -c expects precomputed HA1 = md5(user:realm:password).
function renderDigestPasswd(users: ProxyUser[], realm: string): string {
  return users
    .map(({ user, password }) => {
      const ha1 = createHash('md5').update(`${user}:${realm}:${password}`).digest('hex');
      return `${user}:${realm}:${ha1}\n`;
    })
    .join('');
}

function renderHostsFile(hosts: Record<string, string>): string {
  return Object.entries(hosts)
    .map(([name, ip]) => `${ip} ${name}\n`)
    .join('');
}

interface ConfigInput {
  files: SquidFiles;
  specs: SquidPortSpec[];
  ports: Record<string, number>;
  basicRealm: string;
  digestRealm: string;
  hosts: Record<string, string>;
}

function renderConfig(input: ConfigInput): string {
  const { files, specs, ports, basicRealm, digestRealm, hosts } = input;
  const destinations = ['127.0.0.1', 'localhost', ...Object.keys(hosts)];
  const lines: string[] = [
    ...specs.map((s) => `http_port ${s.address === '::1' ? '[::1]' : '127.0.0.1'}:${ports[s.name]} name=${s.name}`),
    `pid_filename ${files.pidFile}`,
    `cache_log ${files.cacheLog}`,
    // %lp tells which listening port a request came through; %un is the user
    // name from the credentials, logged on failed attempts too (verified).
    // %tr (ms the request took) last, so the lines read as before with one field more.
    'logformat pk %ts.%03tu %lp %>Hs %rm %un "%ru" %tr',
    // stdio: writes each line synchronously, so tests read fresh logs.
    `access_log stdio:${files.accessLog} pk`,
    `coredump_dir ${files.dir}`,
    `hosts_file ${files.hosts}`,
    'cache deny all',
    // Queries stay in the log, so each request of a burst has a URL of its own to count by.
    'strip_query_terms off',
    'shutdown_lifetime 1 seconds',
    'visible_hostname proxy-keyring-test',
    'pinger_enable off',
    // Short credential caches so setUsers takes effect (see setUsers).
    'authenticate_ttl 1 second',
    'authenticate_cache_garbage_interval 1 second',
    // Browsers send update/sync traffic to the proxy: refuse every destination
    // but loopback before any auth rule, so nothing reaches the internet and no
    // auth dialog is raised for it. `-n` avoids reverse DNS lookups.
    `acl to_loop dstdomain -n ${destinations.join(' ')}`,
    'http_access deny !to_loop',
    ...renderAuthConfig(specs, files, basicRealm, digestRealm),
    'http_access deny all',
  ];
  return `${lines.filter((l) => l !== '').join('\n')}\n`;
}

// auth_param is global, so both schemes are configured once and each port is
// restricted with myportname acls: auth_schemes limits what a port *offers*
// in Proxy-Authenticate, and the deny rules make a port refuse the other
// scheme's credentials with a fresh 407 (auth_schemes alone still accepts
// them: verified with curl).
function renderAuthConfig(specs: SquidPortSpec[], files: SquidFiles, basicRealm: string, digestRealm: string): string[] {
  const lines: string[] = [];
  const has = (kind: AuthKind) => specs.some((s) => s.auth === kind || s.auth === 'mixed');
  const authPorts = specs.filter((s) => s.auth !== 'none');
  if (has('basic')) {
    lines.push(
      `auth_param basic program ${BASIC_HELPER} ${files.basicPasswd}`,
      'auth_param basic children 10 startup=2 idle=1',
      `auth_param basic realm ${basicRealm}`,
      'auth_param basic credentialsttl 1 second',
    );
  }
  if (has('digest')) {
    lines.push(
      `auth_param digest program ${DIGEST_HELPER} -c ${files.digestPasswd}`,
      'auth_param digest children 10 startup=2 idle=1',
      `auth_param digest realm ${digestRealm}`,
    );
  }
  for (const spec of specs) lines.push(`acl port_${spec.name} myportname ${spec.name}`);
  for (const spec of authPorts.filter((s) => s.auth === 'mixed')) {
    // auth_schemes: the first rule that matches decides what is offered.
    lines.push(`acl basic_host_${spec.name} dstdomain -n ${(spec.basicHosts ?? ['none.invalid']).join(' ')}`);
    lines.push(`auth_schemes basic port_${spec.name} basic_host_${spec.name}`);
    lines.push(`auth_schemes digest port_${spec.name}`);
  }
  for (const spec of authPorts.filter((s) => s.auth !== 'mixed')) lines.push(`auth_schemes ${spec.auth} port_${spec.name}`);
  for (const spec of specs.filter((s) => s.auth === 'none')) {
    lines.push(`http_access allow port_${spec.name}`);
  }
  if (authPorts.length > 0) {
    lines.push(
      'acl basic_creds req_header Proxy-Authorization ^Basic',
      'acl digest_creds req_header Proxy-Authorization ^Digest',
      'acl any_user proxy_auth REQUIRED',
    );
    for (const spec of authPorts.filter((s) => s.auth === 'mixed')) {
      // Credentials of the scheme a host is not asked for get a fresh 407 (a browser may send its Digest copy up front).
      lines.push(`http_access deny port_${spec.name} basic_host_${spec.name} digest_creds any_user`);
      lines.push(`http_access deny port_${spec.name} !basic_host_${spec.name} basic_creds any_user`);
      lines.push(`http_access allow port_${spec.name} any_user`);
    }
    for (const spec of authPorts.filter((s) => s.auth !== 'mixed')) {
      const foreign = spec.auth === 'basic' ? 'digest_creds' : 'basic_creds';
      // A proxy_auth acl last on a deny line makes squid answer 407, like a
      // proxy that only knows this port's scheme.
      lines.push(`http_access deny port_${spec.name} ${foreign} any_user`);
      lines.push(`http_access deny port_${spec.name} ${foreign}`);
      lines.push(`http_access allow port_${spec.name} any_user`);
    }
  }
  return lines;
}

async function giveToSquidUser(files: SquidFiles): Promise<void> {
  const { stdout: uid } = await execFileAsync('id', ['-u', SQUID_USER]);
  const { stdout: gid } = await execFileAsync('id', ['-g', SQUID_USER]);
  const owner = [Number(uid.trim()), Number(gid.trim())] as const;
  for (const path of [files.dir, files.conf, files.basicPasswd, files.digestPasswd, files.hosts]) {
    await chown(path, ...owner);
  }
}

// detached: true makes the child call setsid(), which is what `setsid squid`
// does: its own session and process group, so stop() can signal the group
// (squid plus its auth helpers) without touching anything else.
function spawnSquid(name: string, conf: string): ChildProcess {
  return spawn(SQUID_BIN, ['-N', '-n', name, '-f', conf], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** squid started on ports of its own: on new ports again while another process holds one of them. */
async function launchOnOwnPorts(
  files: SquidFiles,
  opts: SquidOptions,
  config: (ports: Record<string, number>) => string,
): Promise<{ child: ChildProcess; ports: Record<string, number> }> {
  const refused: string[] = [];
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    const ports = attempt === 1 && opts.firstPorts ? opts.firstPorts : await allocatePorts(opts.ports);
    await writeFile(files.conf, config(ports));
    await rm(files.cacheLog, { force: true });
    await giveToSquidUser(files);
    // squid -n accepts only alphanumerics.
    const child = spawnSquid(`pke2e${process.pid}x${++instanceCounter}`, files.conf);
    const output = collectOutput(child);
    let notBound: number[];
    try {
      await waitForPortsOrProcessEnd(
        child,
        opts.ports.map((p) => ({ port: ports[p.name]!, host: p.address ?? '127.0.0.1' })),
        output,
      );
      notBound = await portsNotBound(files.cacheLog, Object.values(ports));
    } catch (error) {
      await stopProcess(child);
      throw error;
    }
    if (notBound.length === 0) return { child, ports };
    await stopProcess(child);
    refused.push(`try ${attempt}: ports ${notBound.join(', ')} held by another process`);
  }
  throw new Error(`squid could not bind its own ports: ${refused.join('; ')}`);
}

function collectOutput(child: ChildProcess): { text: string } {
  const output = { text: '' };
  const append = (chunk: Buffer) => {
    output.text = (output.text + chunk.toString()).slice(-8_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return output;
}

/**
 * The ports squid did not bind itself. squid starts without a port it cannot
 * bind and only says so in cache.log ("commBind Cannot bind socket FD 10 to
 * 127.0.0.1:54945: (98) Address already in use", verified with squid 5.7), so
 * a connection that succeeds can reach another process's listener: each port
 * needs squid's own "Accepting HTTP Socket connections at … local=…:port".
 */
async function portsNotBound(cacheLog: string, ports: readonly number[], timeoutMs = 5_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await readFile(cacheLog, 'utf8').catch(() => '');
    const accepting = (port: number) => new RegExp(`Accepting HTTP Socket connections at .* local=\\S*:${port} `).test(text);
    const failed = ports.filter((port) => new RegExp(`Cannot bind socket FD \\d+ to \\S*:${port}:`).test(text));
    const waiting = ports.filter((port) => !accepting(port) && !failed.includes(port));
    if (waiting.length === 0 || Date.now() > deadline) return [...failed, ...waiting];
    await sleep(100);
  }
}

async function waitForPortsOrProcessEnd(
  child: ChildProcess,
  ports: { port: number; host: string }[],
  output: { text: string },
): Promise<void> {
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code) => reject(new Error(`squid exited early (code ${code}):\n${output.text}`)));
  });
  exited.catch(() => undefined);
  await Promise.race([Promise.all(ports.map((p) => waitForPort(p.port, 20_000, p.host))), exited]);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(child.pid, 'SIGTERM');
  // shutdown_lifetime is 1 s; give it a little more before forcing.
  const done = await Promise.race([exited.then(() => true), sleep(4_000).then(() => false)]);
  if (!done) {
    signalGroup(child.pid, 'SIGKILL');
    await exited;
  }
  // Helpers share the process group; make sure none outlives squid.
  signalGroup(child.pid, 'SIGKILL');
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

async function readAccessLog(path: string): Promise<AccessEntry[]> {
  try {
    return parseAccessLog(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

async function pollAccessLog(path: string, predicate: (entries: AccessEntry[]) => boolean, timeoutMs: number): Promise<AccessEntry[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const entries = await readAccessLog(path);
    if (predicate(entries)) return entries;
    if (Date.now() > deadline) {
      throw new Error(`access log never matched; last entries:\n${JSON.stringify(entries, null, 1)}`);
    }
    await sleep(100);
  }
}

const ACCESS_LINE = /^(\d+\.\d+) (\d+) (\d+) (\S+) (\S+) "(.*)"(?: (\d+))?$/;

function parseAccessLine(line: string): AccessEntry | null {
  const m = ACCESS_LINE.exec(line.trim());
  if (m === null) return null;
  const [, time, port, status, method, user, url, elapsed] = m;
  return {
    ...(elapsed === undefined ? {} : { elapsedMs: Number(elapsed) }),
    time: Number(time),
    port: Number(port),
    status: Number(status),
    method: method ?? '',
    user: user === undefined || user === '-' ? null : decodeURIComponent(user),
    url: url ?? '',
  };
}
