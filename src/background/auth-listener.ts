import browser from 'webextension-polyfill';
import type { AuthAnswer } from './answerer';

/**
 * The one place that knows how each browser lets an extension answer an
 * authentication challenge:
 * - Chrome (MV3): `['asyncBlocking']` and a callback; needs the
 *   `webRequestAuthProvider` permission. Returning a Promise is not supported.
 * - Firefox: `['blocking']` and a returned Promise; needs `webRequestBlocking`.
 * Which one applies is read from our own manifest, so the build decides.
 */
type BlockingResponse = { authCredentials?: { username: string; password: string }; cancel?: boolean };
type Callback = (response?: BlockingResponse) => void;

interface ChromeAuthEvent {
  addListener(listener: (details: unknown, callback: Callback) => void, filter: { urls: string[] }, extra: string[]): void;
}

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

export function usesAsyncBlocking(permissions: readonly string[] = browser.runtime.getManifest().permissions ?? []): boolean {
  return permissions.includes('webRequestAuthProvider');
}

/** Must be called synchronously at the top of the background script, before any await. */
export function listenForAuthChallenges(answer: (details: unknown) => Promise<AuthAnswer>): void {
  const filter = { urls: ['<all_urls>'] };
  const safely = (details: unknown): Promise<BlockingResponse> =>
    answer(details).then(toBlockingResponse, (error: unknown) => {
      // Never leave a request hanging: on an internal error the browser decides.
      console.error('Proxy Keyring could not answer a challenge:', error instanceof Error ? error.message : 'unknown error');
      return {};
    });
  if (usesAsyncBlocking()) {
    const chromeEvent = (globalThis as unknown as { chrome: { webRequest: { onAuthRequired: ChromeAuthEvent } } }).chrome.webRequest
      .onAuthRequired;
    chromeEvent.addListener((details, callback) => void safely(details).then(callback), filter, ['asyncBlocking']);
  } else {
    browser.webRequest.onAuthRequired.addListener((details) => safely(details), filter, ['blocking']);
  }
}
