/**
 * Network errors that mean the proxy itself failed: unreachable, wrong
 * host/port, refused tunnel, SOCKS trouble. Chrome reports `net::ERR_…`,
 * Firefox `NS_ERROR_…`.
 */
export type ProxyErrorKind = 'unreachable' | 'tunnel' | 'socks';

const PATTERNS: readonly [RegExp, ProxyErrorKind][] = [
  [/SOCKS/i, 'socks'],
  [/ERR_TUNNEL_CONNECTION_FAILED|ERR_HTTPS_PROXY_TUNNEL_RESPONSE|ERR_PROXY_HTTP_1_1_REQUIRED/, 'tunnel'],
  [
    /ERR_PROXY_CONNECTION_FAILED|ERR_PROXY_CERTIFICATE_INVALID|NS_ERROR_PROXY_CONNECTION_REFUSED|NS_ERROR_UNKNOWN_PROXY_HOST|NS_ERROR_PROXY_\w+|ERR_MANDATORY_PROXY_CONFIGURATION_FAILED|ERR_PROXY_\w+/,
    'unreachable',
  ],
];

export function classifyProxyError(error: string | undefined): ProxyErrorKind | undefined {
  if (!error) return undefined;
  return PATTERNS.find(([pattern]) => pattern.test(error))?.[1];
}
