import type { BackgroundApi, MessageSender } from './background-api';

/** A runtime.onMessage listener that replies through `sendResponse`, and returns true to keep the channel open meanwhile. */
export type CallbackMessageListener = (message: unknown, sender: MessageSender, sendResponse: (reply: unknown) => void) => true | undefined;

/** Chrome's `chrome.runtime` before 148: its calls return promises, but its onMessage ignores a listener's returned promise. */
export interface CallbackRuntime extends Omit<BackgroundApi['runtime'], 'onMessage'> {
  readonly onMessage: { addListener(listener: CallbackMessageListener): void };
}

/**
 * `chrome.runtime` with onMessage listeners that return their reply as a
 * promise, as the background's do: the promise is passed on to
 * `sendResponse`, as webextension-polyfill did.
 */
export function withCallbackReplies(runtime: CallbackRuntime): BackgroundApi['runtime'] {
  return {
    id: runtime.id,
    getURL: (path) => runtime.getURL(path),
    getManifest: () => runtime.getManifest(),
    getPlatformInfo: () => runtime.getPlatformInfo(),
    onMessage: {
      addListener: (listener) =>
        runtime.onMessage.addListener((message, sender, sendResponse) => {
          const reply = listener(message, sender);
          if (reply === undefined) return undefined;
          reply.then(sendResponse, () => sendResponse(undefined));
          return true;
        }),
    },
  };
}
