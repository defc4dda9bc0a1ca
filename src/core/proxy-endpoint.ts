/** A proxy as the browser names it when it challenges: host and port. */
export interface ProxyEndpoint {
  readonly host: string;
  readonly port: number;
}

/**
 * Hosts compare case-insensitively, and browsers differ on IPv6 brackets
 * (Chrome reports `[::1]`, Firefox `::1`), so both forms become one.
 */
export function normaliseHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

export function normaliseEndpoint(endpoint: ProxyEndpoint): ProxyEndpoint {
  return { host: normaliseHost(endpoint.host), port: endpoint.port };
}

export function isValidPort(port: number): boolean {
  return Number.isInteger(port) && port >= 1 && port <= 65535;
}

export function sameEndpoint(a: ProxyEndpoint, b: ProxyEndpoint): boolean {
  return a.port === b.port && normaliseHost(a.host) === normaliseHost(b.host);
}

/** `host:port`, with IPv6 hosts bracketed so the port stays readable. */
export function formatEndpoint(endpoint: ProxyEndpoint): string {
  const host = normaliseHost(endpoint.host);
  return host.includes(':') ? `[${host}]:${endpoint.port}` : `${host}:${endpoint.port}`;
}

/**
 * Reads `host:port` back: what `formatEndpoint` writes (the log's proxy
 * label, `[::1]:3128` for IPv6) and what Firefox's proxy settings hold
 * (`proxy.example:3128`). Without a port, `defaultPort` is used if given; a
 * bare IPv6 address (`::1`) is a host without a port, not host `:` port `1`.
 * Anything else — empty text, a port out of range — is undefined.
 */
export function parseEndpoint(text: string, defaultPort?: number): ProxyEndpoint | undefined {
  const { host, portText } = splitHostPort(text.trim());
  const port = portText === undefined ? defaultPort : /^\d+$/.test(portText) ? Number(portText) : NaN;
  if (host === '' || port === undefined || !isValidPort(port)) return undefined;
  return { host: normaliseHost(host), port };
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
