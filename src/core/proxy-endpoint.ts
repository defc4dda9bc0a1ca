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
