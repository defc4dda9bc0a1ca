/**
 * shExpMatch pattern of a host name → the squid port on 127.0.0.1 it goes
 * through, or a whole `host:port` (e.g. `[::1]:3128`); anything else goes DIRECT.
 */
export type HostRoutes = Readonly<Record<string, number | string>>;

/**
 * One PAC script as a data: URL, for both browsers. Under PAC, loopback is
 * always DIRECT (Chromium's `<-loopback>` does not apply there), so proxied
 * traffic uses test names (`*.test`) that only squid resolves, and the pages
 * on 127.0.0.1 that load them go DIRECT. Routing by host name also gives each
 * scenario a proxy of its own inside one browser.
 */
export function makePacUrl(routes: HostRoutes): string {
  const script = `function FindProxyForURL(url, host) {
  var routes = ${JSON.stringify(toAuthorities(routes))};
  for (var pattern in routes) {
    if (shExpMatch(host, pattern)) return "PROXY " + routes[pattern];
  }
  return "DIRECT";
}
`;
  return `data:application/x-ns-proxy-autoconfig;base64,${Buffer.from(script).toString('base64')}`;
}

function toAuthorities(routes: HostRoutes): Record<string, string> {
  return Object.fromEntries(Object.entries(routes).map(([pattern, to]) => [pattern, typeof to === 'number' ? `127.0.0.1:${to}` : to]));
}
