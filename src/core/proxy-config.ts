import { normaliseHost, parseEndpoint, sameEndpoint, type ProxyEndpoint } from './proxy-endpoint';

/** What proxy the browser uses now, read from `proxy.settings.get` of either browser. */
export type ProxyMode = 'direct' | 'fixed' | 'pac' | 'system' | 'auto-detect' | 'unknown';
export type ProxyController = 'this-extension' | 'other-extension' | 'policy' | 'user';

export interface ProxyServer extends ProxyEndpoint {
  /** http, https, socks4, socks5, … */
  readonly scheme: string;
}

export interface ProxyConfigView {
  readonly mode: ProxyMode;
  readonly servers: readonly ProxyServer[];
  readonly pacUrl?: string;
  readonly controlledBy: ProxyController;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;

function readController(level: unknown): ProxyController {
  switch (level) {
    case 'controlled_by_this_extension':
      return 'this-extension';
    case 'controlled_by_other_extensions':
      return 'other-extension';
    case 'not_controllable':
      return 'policy';
    default:
      return 'user';
  }
}

/** Browsers leave the port out when it is the scheme's usual one. */
function defaultPortOf(scheme: string): number {
  return scheme.startsWith('socks') ? 1080 : 80;
}

/** Chrome: `{ mode, rules: { singleProxy | proxyForHttp | … }, pacScript }`. */
function readChromeValue(value: Obj): Omit<ProxyConfigView, 'controlledBy'> {
  const mode = value['mode'];
  if (mode === 'direct') return { mode: 'direct', servers: [] };
  if (mode === 'system') return { mode: 'system', servers: [] };
  if (mode === 'auto_detect') return { mode: 'auto-detect', servers: [] };
  if (mode === 'pac_script') {
    const pac = isObj(value['pacScript']) ? value['pacScript'] : {};
    return { mode: 'pac', servers: [], ...(typeof pac['url'] === 'string' ? { pacUrl: pac['url'] } : {}) };
  }
  if (mode === 'fixed_servers') {
    const rules = isObj(value['rules']) ? value['rules'] : {};
    const servers: ProxyServer[] = [];
    for (const key of ['singleProxy', 'proxyForHttp', 'proxyForHttps', 'proxyForFtp', 'fallbackProxy']) {
      const s = rules[key];
      if (isObj(s) && typeof s['host'] === 'string') {
        const scheme = typeof s['scheme'] === 'string' ? s['scheme'] : 'http';
        const port = typeof s['port'] === 'number' ? s['port'] : defaultPortOf(scheme);
        servers.push({ scheme, host: normaliseHost(s['host']), port });
      }
    }
    return { mode: 'fixed', servers };
  }
  return { mode: 'unknown', servers: [] };
}

/** Firefox: `{ proxyType, http, ssl, socks, socksVersion, autoConfigUrl }`. */
function readFirefoxValue(value: Obj): Omit<ProxyConfigView, 'controlledBy'> {
  switch (value['proxyType']) {
    case 'none':
      return { mode: 'direct', servers: [] };
    case 'system':
      return { mode: 'system', servers: [] };
    case 'autoDetect':
      return { mode: 'auto-detect', servers: [] };
    case 'autoConfig':
      return { mode: 'pac', servers: [], ...(typeof value['autoConfigUrl'] === 'string' ? { pacUrl: value['autoConfigUrl'] } : {}) };
    case 'manual': {
      const servers: ProxyServer[] = [];
      const add = (key: string, scheme: string) => {
        const text = value[key];
        const endpoint = typeof text === 'string' ? parseEndpoint(text, defaultPortOf(scheme)) : undefined;
        const server = endpoint && { scheme, ...endpoint };
        if (server && !servers.some((s) => s.scheme === server.scheme && sameEndpoint(s, server))) servers.push(server);
      };
      add('http', 'http');
      add('ssl', 'https');
      add('socks', value['socksVersion'] === 4 ? 'socks4' : 'socks5');
      return { mode: 'fixed', servers };
    }
    default:
      return { mode: 'unknown', servers: [] };
  }
}

export function readProxyConfig(raw: unknown): ProxyConfigView {
  const details = isObj(raw) ? raw : {};
  const value = isObj(details['value']) ? details['value'] : {};
  const read = 'proxyType' in value ? readFirefoxValue(value) : readChromeValue(value);
  return { ...read, controlledBy: readController(details['levelOfControl']) };
}

/**
 * Whether a challenger is one of the configured proxies: true/false for a
 * fixed configuration, undefined when the browser decides per request (PAC,
 * system, auto-detect) and we cannot tell.
 */
export function isConfiguredProxy(config: ProxyConfigView, challenger: ProxyEndpoint): boolean | undefined {
  if (config.mode !== 'fixed') return undefined;
  return config.servers.some((s) => sameEndpoint(s, challenger));
}

export function hasSocksServer(config: ProxyConfigView): boolean {
  return config.servers.some((s) => s.scheme.startsWith('socks'));
}
