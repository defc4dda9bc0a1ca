import browser from 'webextension-polyfill';
import type { MessageType, Reply, RequestOf, ResponseOf } from './protocol';

/** Sends a typed message to the background and returns its answer, or throws its error. */
export async function sendMessage<T extends MessageType>(type: T, payload: RequestOf<T>): Promise<ResponseOf<T>> {
  const reply = (await browser.runtime.sendMessage({ type, payload })) as Reply<ResponseOf<T>> | undefined;
  if (!reply) throw new Error('The background did not answer. Reload the page and try again.');
  if (!reply.ok) throw new Error(reply.error);
  return reply.value;
}
