import { UserError } from '../core/user-error';
import { browserNamespace } from './browser-namespace';
import type { MessageType, RequestOf, ResponseOf } from './protocol';
import { fromWireError } from './wire-error';

/** One message to the background and its raw answer: `runtime.sendMessage`, or a fake in tests. */
export type SendRaw = (message: unknown) => Promise<unknown>;

export type SendMessage = <T extends MessageType>(type: T, payload: RequestOf<T>) => Promise<ResponseOf<T>>;

/**
 * Builds the typed sender over a raw one. The answer is the background's
 * `Reply`: its value, or its error thrown again as a `UserError` with the
 * same code. No answer at all (the background was restarting, or no
 * listener yet) is an error the user can act on: reload.
 */
export function createSendMessage(send: SendRaw): SendMessage {
  return async <T extends MessageType>(type: T, payload: RequestOf<T>): Promise<ResponseOf<T>> => {
    let reply: unknown;
    try {
      reply = await send({ type, payload });
    } catch (error) {
      throw backgroundSilent(error);
    }
    if (typeof reply !== 'object' || reply === null || !('ok' in reply)) throw backgroundSilent(reply);
    if (reply.ok === true && 'value' in reply) return reply.value as ResponseOf<T>;
    throw fromWireError('error' in reply ? reply.error : undefined);
  };
}

function backgroundSilent(cause: unknown): UserError {
  return new UserError('backgroundSilent', 'The background did not answer. Reload the page and try again.', { cause });
}

/** Sends a typed message to the background and returns its answer, or throws its error. */
export const sendMessage: SendMessage = createSendMessage((message) => {
  const runtime = browserNamespace()?.runtime;
  if (runtime?.sendMessage === undefined) throw new Error('no extension runtime: not an extension page');
  return runtime.sendMessage(message);
});
