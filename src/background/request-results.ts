import type { FinalResult } from '../core/log-record';
import { classifyProxyError } from '../core/proxy-error';
import type { CompletedDetails, ErrorDetails } from './background-api';

/** A request that failed at the proxy: the browser's error details, and the proxy it went to. */
export interface FailedRequest extends ErrorDetails {
  /** `host:port` of the proxy, where the browser or its settings tell. */
  readonly proxy: string;
}

export interface RequestResultHandlers {
  isTracked(requestId: string): boolean;
  onResult(requestId: string, result: FinalResult): void;
  onProxyFailure(failure: FailedRequest): void;
  /** Which proxy a failed request went to (browsers differ: see browser-differences.ts). */
  proxyOf(details: ErrorDetails): Promise<string>;
}

/**
 * The listeners for how challenged requests finally ended (status code or
 * network error), and for every request that failed at the proxy itself — an
 * unreachable proxy never challenges, yet it is the most common "why" a user
 * asks. The background registers them on `webRequest.onCompleted` and
 * `webRequest.onErrorOccurred`.
 */
export function createRequestResultListeners(handlers: RequestResultHandlers): {
  onCompleted(details: CompletedDetails): void;
  onErrorOccurred(details: ErrorDetails): void;
} {
  return {
    onCompleted(details) {
      if (handlers.isTracked(details.requestId)) handlers.onResult(details.requestId, { statusCode: details.statusCode });
    },
    onErrorOccurred(details) {
      if (handlers.isTracked(details.requestId)) {
        handlers.onResult(details.requestId, { error: details.error });
        return;
      }
      if (!classifyProxyError(details.error)) return;
      void handlers.proxyOf(details).then((proxy) =>
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
    },
  };
}
