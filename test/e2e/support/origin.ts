import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TEST_HOSTS } from './squid';

const execFileAsync = promisify(execFile);

export const ORIGIN_TITLE = 'origin ok';

export interface SeenRequest {
  method: string;
  /** Host header as the origin received it (e.g. `origin2.test:1234`). */
  host: string;
  url: string;
  secure: boolean;
}

export interface Origin {
  httpPort: number;
  httpsPort: number;
  /**
   * Every Authorization / Proxy-Authorization header any route ever received,
   * as `authorization: <value>` / `proxy-authorization: <value>`, so a test can
   * assert that the proxy password never reached the origin.
   */
  authHeadersSeen: string[];
  requestsSeen: SeenRequest[];
  stop(): Promise<void>;
}

// A 1×1 transparent PNG: the smallest image that fires onload.
const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

export async function startOrigin(): Promise<Origin> {
  const authHeadersSeen: string[] = [];
  const requestsSeen: SeenRequest[] = [];
  const handler = (secure: boolean) => (req: IncomingMessage, res: ServerResponse) => {
    recordRequest(req, secure, authHeadersSeen, requestsSeen);
    routeRequest(req, res);
  };
  const { key, cert } = await makeSelfSignedCertificate();
  const http = createHttpServer(handler(false));
  const https = createHttpsServer({ key, cert }, handler(true));
  const httpPort = await listenOnLoopback(http);
  const httpsPort = await listenOnLoopback(https);
  return {
    httpPort,
    httpsPort,
    authHeadersSeen,
    requestsSeen,
    stop: async () => {
      await Promise.all([closeServer(http), closeServer(https)]);
    },
  };
}

function recordRequest(req: IncomingMessage, secure: boolean, authHeadersSeen: string[], requestsSeen: SeenRequest[]): void {
  requestsSeen.push({
    method: req.method ?? '',
    host: req.headers.host ?? '',
    url: req.url ?? '',
    secure,
  });
  for (const name of ['authorization', 'proxy-authorization'] as const) {
    const value = req.headers[name];
    if (value !== undefined) authHeadersSeen.push(`${name}: ${value}`);
  }
}

function routeRequest(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://origin.invalid');
  // no-store everywhere: a cached response would skip the proxy and its 407.
  res.setHeader('Cache-Control', 'no-store');
  // /many fetches across test host names; those are cross-origin.
  res.setHeader('Access-Control-Allow-Origin', '*');
  if (url.pathname === '/') return sendHtml(res, 200, renderIndexPage());
  if (url.pathname === '/hello.txt') return sendText(res, 200, 'hello from origin\n');
  if (url.pathname === '/site-401') return answerSite401(req, res);
  if (url.pathname === '/many') return sendHtml(res, 200, renderManyPage(url));
  // /redirect?to=<url>: one request that moves on, e.g. to a host behind another proxy.
  if (url.pathname === '/redirect') return redirectTo(res, url.searchParams.get('to') ?? '/');
  if (/^\/img\/\d+\.png$/.test(url.pathname)) return sendPng(res);
  sendText(res, 404, 'not found\n');
}

function redirectTo(res: ServerResponse, location: string): void {
  res.setHeader('Location', location);
  sendText(res, 302, 'moved\n');
}

function answerSite401(req: IncomingMessage, res: ServerResponse): void {
  if (req.headers.authorization === undefined) {
    res.setHeader('WWW-Authenticate', 'Basic realm="site"');
    sendText(res, 401, 'site login required\n');
    return;
  }
  sendHtml(res, 200, renderPage('site ok', '<p>site ok</p>'));
}

function renderIndexPage(): string {
  return renderPage(ORIGIN_TITLE, '<p>origin ok</p>');
}

function renderPage(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;
}

/**
 * N images and N fetches (or only N fetches with `kinds=fetch`) spread
 * round-robin over `hosts` on the page's own scheme and port. The title reports progress as `loaded <ok>/<total>` and,
 * once anything failed, ` errors <n>`; `document.body.dataset.done` is set
 * when every request settled.
 */
function renderManyPage(url: URL): string {
  const n = clampCount(url.searchParams.get('n'));
  const hosts = parseHosts(url.searchParams.get('hosts'));
  const withImages = url.searchParams.get('kinds') !== 'fetch';
  const total = withImages ? 2 * n : n;
  const script = `
(() => {
  const n = ${n};
  const hosts = ${JSON.stringify(hosts)};
  const total = ${total};
  let ok = 0;
  let errors = 0;
  const base = (i) => location.protocol + '//' + hosts[i % hosts.length] + ':' + location.port;
  const report = () => {
    document.title = 'loaded ' + ok + '/' + total + (errors > 0 ? ' errors ' + errors : '');
    if (ok + errors === total) document.body.dataset.done = 'true';
  };
  const succeed = () => { ok += 1; report(); };
  const fail = () => { errors += 1; report(); };
  report();
  for (let i = 0; i < (${withImages} ? n : 0); i += 1) {
    const img = new Image();
    img.onload = succeed;
    img.onerror = fail;
    img.src = base(i) + '/img/' + i + '.png';
    document.body.appendChild(img);
  }
  for (let i = 0; i < n; i += 1) {
    fetch(base(i) + '/hello.txt?i=' + i, { cache: 'no-store' })
      .then((r) => (r.ok ? r.text().then(succeed) : fail()))
      .catch(fail);
  }
})();`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>loaded 0/${total}</title></head><body><script>${script}</script></body></html>`;
}

function clampCount(raw: string | null): number {
  const n = Number(raw ?? '50');
  return Number.isInteger(n) && n >= 0 && n <= 1_000 ? n : 50;
}

function parseHosts(raw: string | null): string[] {
  const hosts = (raw ?? 'origin.test')
    .split(',')
    .map((h) => h.trim())
    .filter((h) => /^[A-Za-z0-9.-]+$/.test(h));
  return hosts.length > 0 ? hosts : ['origin.test'];
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(html);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}

function sendPng(res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': TINY_PNG.length });
  res.end(TINY_PNG);
}

// A fresh self-signed certificate per run: nothing secret is committed, and the
// SAN covers every name the tests route through the proxy.
async function makeSelfSignedCertificate(): Promise<{ key: Buffer; cert: Buffer }> {
  const dir = await mkdtemp(join(tmpdir(), 'pk-origin-tls-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    const san = ['IP:127.0.0.1', 'DNS:localhost', ...TEST_HOSTS.map((h) => `DNS:${h}`)].join(',');
    await execFileAsync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      `subjectAltName=${san}`,
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ]);
    return { key: await readFile(keyPath), cert: await readFile(certPath) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function listenOnLoopback(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error('origin server has no TCP address'));
        return;
      }
      resolve(address.port);
    });
  });
}

// Browsers keep connections alive; close them so close() does not hang.
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
