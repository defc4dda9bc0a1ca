import { UserError } from '../core/user-error';
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

/**
 * The browser's own `runtime`: Firefox's `browser`, Chrome's `chrome`. Both
 * return a promise from `sendMessage` in Manifest V3, so the pages need no
 * polyfill for it, and the prompt, whose only browser call this is, loads
 * without one (about 3 kB gzipped less: docs/benchmarks.md, size).
 */
function ownRuntime(): { sendMessage(message: unknown): Promise<unknown> } {
  const scope = globalThis as { browser?: { runtime?: unknown }; chrome?: { runtime?: unknown } };
  const runtime = scope.browser?.runtime ?? scope.chrome?.runtime;
  if (runtime === undefined) throw new Error('no extension runtime: not an extension page');
  return runtime as { sendMessage(message: unknown): Promise<unknown> };
}

/** Sends a typed message to the background and returns its answer, or throws its error. */
export const sendMessage: SendMessage = createSendMessage((message) => ownRuntime().sendMessage(message));
