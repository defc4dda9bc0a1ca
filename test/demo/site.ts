import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** The demo site's name: the PAC sends it through the demo proxy, which resolves it to 127.0.0.1. */
export const DEMO_HOST = 'demo.test';
/** Pictures on the page; each also has a fetch, so the page makes 2 × TILES requests through the proxy. */
export const TILES = 24;

export interface DemoSite {
  readonly port: number;
  /** `http://demo.test:<port><path>`, which only loads through the demo proxy. */
  url(path?: string): string;
  stop(): Promise<void>;
}

/**
 * A small site with many resources, all on one origin (Chromium never lets a
 * cross-origin image authenticate to a proxy): a page, TILES pictures and
 * TILES JSON fetches. The page says what came through and what to try; its
 * `proxy` names the proxy for the page (it starts after the site). The
 * title reads `Proxy Keyring demo: <ok>/<total> loaded`, and
 * `document.body.dataset.done` is set once every resource settled.
 */
export async function startDemoSite(proxy: () => string, user: string): Promise<DemoSite> {
  const server = createServer((req, res) => route(req, res, proxy, user));
  const port = await listen(server);
  return {
    port,
    url: (path = '/') => `http://${DEMO_HOST}:${port}${path}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function route(req: IncomingMessage, res: ServerResponse, proxy: () => string, user: string): void {
  const url = new URL(req.url ?? '/', 'http://demo.invalid');
  // no-store: every reload goes to the proxy again.
  res.setHeader('Cache-Control', 'no-store');
  const tile = /^\/tile\/(\d+)\.svg$/.exec(url.pathname);
  const data = /^\/data\/(\d+)\.json$/.exec(url.pathname);
  if (url.pathname === '/') send(res, 'text/html; charset=utf-8', renderPage(proxy(), user));
  else if (tile) send(res, 'image/svg+xml', renderTile(Number(tile[1])));
  else if (data) send(res, 'application/json', JSON.stringify({ tile: Number(data[1]), ok: true }));
  else if (url.pathname === '/favicon.ico') send(res, 'image/svg+xml', renderTile(0));
  else {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
  }
}

function send(res: ServerResponse, type: string, body: string): void {
  res.writeHead(200, { 'Content-Type': type });
  res.end(body);
}

function renderTile(i: number): string {
  const hue = (i * 360) / TILES;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96"><rect width="96" height="96" rx="12" fill="hsl(${hue} 70% 55%)"/><text x="48" y="60" font-family="sans-serif" font-size="32" text-anchor="middle" fill="white">${i + 1}</text></svg>`;
}

function renderPage(proxy: string, user: string): string {
  const total = 2 * TILES;
  const script = `
(() => {
  const total = ${total};
  let ok = 0;
  let failed = 0;
  const status = document.getElementById('status');
  const report = () => {
    document.title = 'Proxy Keyring demo: ' + ok + '/' + total + ' loaded' + (failed > 0 ? ', ' + failed + ' failed' : '');
    status.textContent = ok + ' of ' + total + ' requests came through the proxy' + (failed > 0 ? ', ' + failed + ' failed' : '') + '.';
    if (ok + failed === total) document.body.dataset.done = 'true';
  };
  const tiles = document.getElementById('tiles');
  for (let i = 0; i < ${TILES}; i += 1) {
    const img = new Image(96, 96);
    img.alt = 'picture ' + (i + 1);
    img.onload = () => { ok += 1; report(); };
    img.onerror = () => { failed += 1; report(); };
    img.src = '/tile/' + i + '.svg';
    tiles.appendChild(img);
    fetch('/data/' + i + '.json', { cache: 'no-store' })
      .then((r) => (r.ok ? r.json().then(() => { ok += 1; report(); }) : Promise.reject()))
      .catch(() => { failed += 1; report(); });
  }
  report();
})();`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Proxy Keyring demo</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1d2330; }
  h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
  code { background: #eef1f6; padding: 0.1rem 0.3rem; border-radius: 4px; }
  #status { font-weight: 600; }
  #tiles { display: grid; grid-template-columns: repeat(8, 1fr); gap: 6px; margin: 1rem 0; }
  #tiles img { width: 100%; height: auto; }
  li { margin: 0.3rem 0; }
</style></head>
<body>
<h1>Proxy Keyring demo</h1>
<p>This page came through the demo proxy <code>${proxy}</code>, which asks for a password
(user <code>${user}</code>). Its pictures and data come through it too.</p>
<p id="status">Loading…</p>
<div id="tiles"></div>
<h2>What to try</h2>
<ol>
  <li><b>Sign in</b>: the Proxy Keyring window asked for the proxy's password when this page opened. Type the demo account and press Enter.</li>
  <li><b>The silent answer</b>: open this page in a new private window (Chromium: Ctrl+Shift+N, Firefox: Ctrl+Shift+P). That window has no cached password, the proxy asks again, and Proxy Keyring answers with the saved one: no window opens.</li>
  <li><b>A wrong password is refused once</b>: in the options page, edit the saved password to a wrong one, then open the page in a new private window. The proxy refuses it once and the window asks again, saying so; it is never sent twice.</li>
  <li><b>Diagnostics</b>: the toolbar button (puzzle piece in Chromium) → Proxy Keyring → <i>Open diagnostics and settings</i> lists every challenge and what came of it.</li>
</ol>
<script>${script}</script>
</body></html>`;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('the demo site has no TCP address'));
      else resolve(address.port);
    });
  });
}
