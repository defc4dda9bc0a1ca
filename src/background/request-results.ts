import browser from 'webextension-polyfill';
import type { FinalResult } from '../core/log-record';

/**
 * Reports how requests that were challenged finally ended (status code or the
 * network error, such as net::ERR_PROXY_CONNECTION_FAILED), so the log can say
 * what happened after the answer.
 */
export function listenForRequestResults(isTracked: (requestId: string) => boolean, onResult: (requestId: string, result: FinalResult) => void): void {
  const filter = { urls: ['<all_urls>'] };
  browser.webRequest.onCompleted.addListener((details) => {
    if (isTracked(details.requestId)) onResult(details.requestId, { statusCode: details.statusCode });
  }, filter);
  browser.webRequest.onErrorOccurred.addListener((details) => {
    if (isTracked(details.requestId)) onResult(details.requestId, { error: details.error });
  }, filter);
}
