import { describeErrorSafely } from '../core/redact-url';
import type { AuthAnswer } from './answerer';
import type { BackgroundApi, BlockingResponse, RequestFilter } from './background-api';
import { usesAsyncBlocking } from './browser-differences';

/**
 * The one place that knows how each browser lets an extension answer an
 * authentication challenge (docs/browser-behaviour.md#auth-answer-per-browser):
 * - Chrome (MV3): `['asyncBlocking']` and a callback; needs the
 *   `webRequestAuthProvider` permission. Returning a Promise is not supported.
 * - Firefox: `['blocking']` and a returned Promise; needs `webRequestBlocking`.
 */
function toBlockingResponse(answer: AuthAnswer): BlockingResponse {
  switch (answer.kind) {
    case 'credentials':
      return { authCredentials: { username: answer.username, password: answer.password } };
    case 'cancel':
      return { cancel: true };
    case 'default':
      return {};
  }
}

const ALL_URLS: RequestFilter = { urls: ['<all_urls>'] };

/**
 * Must be called synchronously at the top of the background, before any
 * await (docs/browser-behaviour.md#listener-registration).
 */
export function listenForAuthChallenges(
  api: Pick<BackgroundApi, 'runtime' | 'webRequest' | 'chromeWebRequest'>,
  answer: (details: unknown) => Promise<AuthAnswer>,
): void {
  const safely = (details: unknown): Promise<BlockingResponse> =>
    answer(details).then(toBlockingResponse, (error: unknown) => {
      // Never leave a request hanging: on an internal error the browser decides.
      console.error('Proxy Keyring could not answer a challenge:', describeErrorSafely(error));
      return {};
    });
  const chromeEvent = api.chromeWebRequest?.onAuthRequired;
  if (usesAsyncBlocking(api.runtime.getManifest().permissions ?? []) && chromeEvent) {
    chromeEvent.addListener((details, callback) => void safely(details).then(callback), ALL_URLS, ['asyncBlocking']);
  } else {
    api.webRequest.onAuthRequired.addListener(safely, ALL_URLS, ['blocking']);
  }
}
