import browser from 'webextension-polyfill';
import type { FinalResult } from '../core/log-record';
import { classifyProxyError } from '../core/proxy-error';
import { formatEndpoint } from '../core/proxy-endpoint';
import { readProxyConfig } from '../core/proxy-config';

export interface FailedRequest {
  readonly requestId: string;
  readonly url: string;
  readonly method: string;
  readonly type: string;
  readonly tabId: number;
  readonly error: string;
  /** `host:port` of the proxy, where the browser or its settings tell. */
  readonly proxy: string;
}

/** Firefox reports the proxy of a failed request; Chrome does not, so ask its settings (with the optional `proxy` permission). */
async function proxyOf(details: { proxyInfo?: { host?: string; port?: number } | null }): Promise<string> {
  const info = details.proxyInfo;
  if (info?.host && info.port) return formatEndpoint({ host: info.host, port: info.port });
  try {
    if (!(await browser.permissions.contains({ permissions: ['proxy'] }))) return '';
    const server = readProxyConfig(await browser.proxy.settings.get({})).servers[0];
    return server ? formatEndpoint(server) : '';
  } catch {
    return '';
  }
}

/**
 * Reports how challenged requests finally ended (status code or network
 * error), and every request that failed at the proxy itself — an unreachable
 * proxy never challenges, yet it is the most common "why" a user asks.
 */
export function listenForRequestResults(handlers: {
  isTracked(requestId: string): boolean;
  onResult(requestId: string, result: FinalResult): void;
  onProxyFailure(failure: FailedRequest): void;
}): void {
  const filter = { urls: ['<all_urls>'] };
  browser.webRequest.onCompleted.addListener((details) => {
    if (handlers.isTracked(details.requestId)) handlers.onResult(details.requestId, { statusCode: details.statusCode });
  }, filter);
  browser.webRequest.onErrorOccurred.addListener((details) => {
    if (handlers.isTracked(details.requestId)) {
      handlers.onResult(details.requestId, { error: details.error });
      return;
    }
    if (!classifyProxyError(details.error)) return;
    void proxyOf(details as { proxyInfo?: { host?: string; port?: number } }).then((proxy) =>
      handlers.onProxyFailure({
        requestId: details.requestId,
        url: details.url,
        method: details.method,
        type: details.type,
        tabId: details.tabId,
        error: details.error,
        proxy,
      }),
    );
  }, filter);
}
