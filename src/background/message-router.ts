import { parseEnvelope, type MessageType, type Reply, type RequestOf, type ResponseOf } from '../messaging/protocol';
import { toWireError } from '../messaging/wire-error';
import type { MessageSender } from './background-api';

export type Handlers = { [T in MessageType]: (payload: RequestOf<T>) => Promise<ResponseOf<T>> | ResponseOf<T> };

/**
 * Only the extension's own pages may talk to the background (they carry
 * passwords to it); content scripts and other extensions are refused.
 */
export function isTrustedSender(sender: MessageSender, ownId: string, ownOrigin: string): boolean {
  return sender.id === ownId && typeof sender.url === 'string' && sender.url.startsWith(ownOrigin);
}

/** Validates a message, runs its handler, and wraps the answer or the error for the other side. */
export async function dispatchMessage(handlers: Handlers, message: unknown): Promise<Reply<unknown>> {
  const parsed = parseEnvelope(message);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const { type, payload } = parsed.envelope;
  try {
    const handler = handlers[type] as (p: typeof payload) => unknown;
    return { ok: true, value: await handler(payload) };
  } catch (error) {
    return { ok: false, error: toWireError(error) };
  }
}
