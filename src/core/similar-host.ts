import { normaliseHost, type ProxyEndpoint } from './proxy-endpoint';

function isIpLiteral(host: string): boolean {
  return host.includes(':') || /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}

/**
 * True when two proxy names probably mean the same proxy under another name:
 * one is a subdomain of the other (`proxy.example` / `gw.proxy.example`),
 * both are siblings under the same parent (`a.proxy.example` /
 * `b.proxy.example`), or one is the other with a trailing dot. Credentials are never sent on this basis: it only
 * explains, in the log, why a saved password was not used.
 */
export function isLikelyAlias(a: ProxyEndpoint, b: ProxyEndpoint): boolean {
  const ha = normaliseHost(a.host);
  const hb = normaliseHost(b.host);
  if (ha === hb || isIpLiteral(ha) || isIpLiteral(hb)) return false;
  // `proxy.` and `proxy` are different hosts (proxy-endpoint.ts), but very likely the same proxy.
  if (ha.replace(/\.$/, '') === hb.replace(/\.$/, '')) return true;
  if (ha.endsWith(`.${hb}`) || hb.endsWith(`.${ha}`)) return true;
  const parent = (h: string) => h.split('.').slice(1).join('.');
  const pa = parent(ha);
  return pa.includes('.') && pa === parent(hb);
}
