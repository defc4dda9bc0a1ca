/** A proxy as the browser names it when it challenges: host and port. */
export interface ProxyEndpoint {
  readonly host: string;
  readonly port: number;
}

/** Why a host cannot be read; the words live in _locales (`credentialError_<code>`). */
export type HostProblem = 'hostEmpty' | 'hostInvalid';

export type HostResult = { readonly ok: true; readonly host: string } | { readonly ok: false; readonly problem: HostProblem };

/**
 * Characters the URL parser would silently drop, decode or read as another
 * part of the address (`a/b` is host `a`, `a%2eb` is `a.b`, a tab vanishes):
 * a host that holds one is refused rather than turned into another host.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const NOT_IN_A_HOST = /[\u0000-\u0020\u007f/\\?#@%]/;

/** Hosts seen lately: the answerer compares the same few proxies on every challenge. */
const canonicalCache = new Map<string, HostResult>();
const CACHE_SIZE = 512;

/**
 * The host as the browser's own URL parser spells it: IDNA mapped to
 * punycode (`GROẞ-proxy.example` → `gross-proxy.example`, which is not
 * `groß-proxy.example` → `xn--gro-proxy-i1a.example`), IPv4 in every form
 * written as dotted decimal (`0x7f.1` → `127.0.0.1`), IPv6 compressed and
 * lower-case, and without brackets (Chrome reports `[::1]`, Firefox `::1`).
 * A trailing dot is kept: `proxy.` and `proxy` are different hosts to DNS.
 * What the parser refuses, or what it would only accept as another host, is
 * a typed problem, never an exception.
 */
export function canonicaliseHost(text: string): HostResult {
  const cached = canonicalCache.get(text);
  if (cached) return cached;
  const result = parseHost(text.trim());
  if (canonicalCache.size >= CACHE_SIZE) canonicalCache.clear();
  canonicalCache.set(text, result);
  return result;
}

function parseHost(host: string): HostResult {
  if (host === '' || host === '[]') return { ok: false, problem: 'hostEmpty' };
  if (NOT_IN_A_HOST.test(host)) return { ok: false, problem: 'hostInvalid' };
  const bracketed = host.startsWith('[') || host.endsWith(']');
  if (bracketed && !/^\[[^[\]]+\]$/.test(host)) return { ok: false, problem: 'hostInvalid' };
  // A colon outside brackets can only be IPv6 here: a port belongs in its own field.
  const literal = bracketed ? host : host.includes(':') ? `[${host}]` : host;
  let parsed: URL;
  try {
    parsed = new URL(`http://${literal}/`);
  } catch {
    return { ok: false, problem: 'hostInvalid' };
  }
  // Anything the parser read as a port, a user or a path was not only a host.
  if (parsed.port !== '' || parsed.username !== '' || parsed.pathname !== '/' || parsed.hostname === '') {
    return { ok: false, problem: 'hostInvalid' };
  }
  const name = parsed.hostname;
  return { ok: true, host: name.startsWith('[') ? name.slice(1, -1) : name };
}

/**
 * The canonical host (see `canonicaliseHost`). A host the parser refuses
 * comes back trimmed, unbracketed and ASCII-lower-cased only, so it can be
 * shown; `sameEndpoint` never matches it to anything.
 */
export function normaliseHost(host: string): string {
  const result = canonicaliseHost(host);
  if (result.ok) return result.host;
  const h = host.trim().replace(/[A-Z]+/g, (upper) => upper.toLowerCase());
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

export function normaliseEndpoint(endpoint: ProxyEndpoint): ProxyEndpoint {
  return { host: normaliseHost(endpoint.host), port: endpoint.port };
}

export function isValidPort(port: number): boolean {
  return Number.isInteger(port) && port >= 1 && port <= 65535;
}

/** The same proxy: the same canonical host and the same port. A host the URL parser refuses is no proxy's. */
export function sameEndpoint(a: ProxyEndpoint, b: ProxyEndpoint): boolean {
  if (a.port !== b.port) return false;
  // The same text (a challenge and the entry saved from it): one reading is enough.
  if (a.host === b.host) return canonicaliseHost(a.host).ok;
  const ha = canonicaliseHost(a.host);
  const hb = canonicaliseHost(b.host);
  return ha.ok && hb.ok && ha.host === hb.host;
}

/** The endpoint written last: one challenge names its proxy several times (standing, log), always the same text. */
let lastLabel = { host: '', port: NaN, label: '' };

/** `host:port`, with IPv6 hosts bracketed so the port stays readable. */
export function formatEndpoint(endpoint: ProxyEndpoint): string {
  const { host: text, port } = endpoint;
  if (text === lastLabel.host && port === lastLabel.port) return lastLabel.label;
  const host = normaliseHost(text);
  const label = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  lastLabel = { host: text, port, label };
  return label;
}

/**
 * Reads `host:port` back: what `formatEndpoint` writes (the log's proxy
 * label, `[::1]:3128` for IPv6) and what Firefox's proxy settings hold
 * (`proxy.example:3128`). Without a port, `defaultPort` is used if given; a
 * bare IPv6 address (`::1`) is a host without a port, not host `:` port `1`.
 * Anything else — empty text, a host the URL parser refuses, a port out of
 * range — is undefined.
 */
export function parseEndpoint(text: string, defaultPort?: number): ProxyEndpoint | undefined {
  const { host, portText } = splitHostPort(text.trim());
  const port = portText === undefined ? defaultPort : /^\d+$/.test(portText) ? Number(portText) : NaN;
  const canonical = canonicaliseHost(host);
  if (!canonical.ok || port === undefined || !isValidPort(port)) return undefined;
  return { host: canonical.host, port };
}

function splitHostPort(text: string): { host: string; portText?: string } {
  if (text.startsWith('[')) {
    const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(text);
    if (!bracketed) return { host: '' };
    return { host: bracketed[1]!, ...(bracketed[2] === undefined ? {} : { portText: bracketed[2] }) };
  }
  const colon = text.indexOf(':');
  if (colon === -1 || text.indexOf(':', colon + 1) !== -1) return { host: text };
  return { host: text.slice(0, colon), portText: text.slice(colon + 1) };
}
