import { dispatchMessage, type Handlers } from '../../../src/background/message-router';
import type { SendRaw } from '../../../src/messaging/send-message';

/**
 * `runtime.sendMessage` between a page and the background, in one process:
 * the message and the reply cross as JSON, as in Chrome (Firefox's structured
 * clone keeps more), so anything that would not survive the trip is lost here
 * too. The background side is the real router over the given handlers.
 */
export interface FakeRuntimeMessaging {
  readonly send: SendRaw;
  /** What the background received, after the trip. */
  readonly received: unknown[];
  /** No listener: the browser rejects, as when the background is not running yet. */
  disconnect(): void;
  /** A listener that answers nothing (e.g. one that refuses an untrusted sender). */
  answerNothing(): void;
  /** The background answers with this instead (an older or newer background's shape). */
  answerWith(reply: unknown): void;
}

function cross(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
}

export function createFakeRuntimeMessaging(handlers: Handlers): FakeRuntimeMessaging {
  const received: unknown[] = [];
  let mode: { kind: 'router' } | { kind: 'none' } | { kind: 'nothing' } | { kind: 'fixed'; reply: unknown } = { kind: 'router' };
  return {
    received,
    async send(message) {
      if (mode.kind === 'none') throw new Error('Could not establish connection. Receiving end does not exist.');
      const arrived = cross(message);
      received.push(arrived);
      if (mode.kind === 'nothing') return undefined;
      if (mode.kind === 'fixed') return cross(mode.reply);
      return cross(await dispatchMessage(handlers, arrived));
    },
    disconnect: () => void (mode = { kind: 'none' }),
    answerNothing: () => void (mode = { kind: 'nothing' }),
    answerWith: (reply) => void (mode = { kind: 'fixed', reply }),
  };
}
