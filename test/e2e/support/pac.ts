export interface PacOptions {
  /** squid port that challenges; hosts matching `proxiedHosts` go through it. */
  authProxyPort: number;
  /** shExpMatch patterns routed through the auth proxy. Default: `origin*.test`. */
  proxiedHosts?: string[];
  /** shExpMatch patterns forced DIRECT even if they match `proxiedHosts`. */
  directHosts?: string[];
  /** If set, everything else goes through this (open) port instead of DIRECT. */
  fallbackProxyPort?: number;
}

/**
 * Builds a PAC script as a data: URL. Chromium's `<-loopback>` bypass rule
 * does not apply to PAC, and loopback is always DIRECT there, so the proxied
 * traffic must use test names (origin*.test) that only squid can resolve.
 * Routing only subresources through the auth port is what produces many
 * concurrent challenges.
 */
export function makePacUrl(opts: PacOptions): string {
  return `data:application/x-ns-proxy-autoconfig;base64,${Buffer.from(makePacScript(opts)).toString('base64')}`;
}

export function makePacScript(opts: PacOptions): string {
  const proxied = opts.proxiedHosts ?? ['origin*.test'];
  const direct = opts.directHosts ?? [];
  const fallback = opts.fallbackProxyPort === undefined ? 'DIRECT' : `PROXY 127.0.0.1:${opts.fallbackProxyPort}`;
  return `function FindProxyForURL(url, host) {
  var direct = ${JSON.stringify(direct)};
  var proxied = ${JSON.stringify(proxied)};
  for (var i = 0; i < direct.length; i++) {
    if (shExpMatch(host, direct[i])) return "DIRECT";
  }
  for (var j = 0; j < proxied.length; j++) {
    if (shExpMatch(host, proxied[j])) return "PROXY 127.0.0.1:${opts.authProxyPort}";
  }
  return ${JSON.stringify(fallback)};
}
`;
}
