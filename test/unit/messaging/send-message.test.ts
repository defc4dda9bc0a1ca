import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Handlers } from '../../../src/background/message-router';
import { UserError, userMessageOf } from '../../../src/core/user-error';
import type { RequestOf } from '../../../src/messaging/protocol';
import { createSendMessage, sendMessage, type SendMessage } from '../../../src/messaging/send-message';
import { createFakeRuntimeMessaging, type FakeRuntimeMessaging } from './fake-runtime-messaging';

const summary = {
  id: 'c1',
  proxy: { host: 'proxy.test', port: 3128 },
  username: 'alice',
  scope: 'device',
  rejected: false,
  order: 0,
  updatedAt: 1,
} as const;

/** A background with a saved credential c1; moving anything else fails as the real store does. */
function createHandlers(): Handlers {
  const fail = () => Promise.reject(new Error('not used here'));
  return {
    'prompt:get': () => null,
    'prompt:submit': ({ username }) => ({ answered: username === 'alice' ? 3 : 0, saved: true, promptGone: false }),
    'prompt:cancel': fail,
    'prompt:ping': ({ promptId }) => ({ alive: promptId === 'p1' }),
    'credentials:list': () => ({ credentials: [summary], problems: [{ key: 'problem_credentialDamaged' }] }),
    'credentials:delete': ({ id }) => ({ deleted: id === 'c1' }),
    'credentials:save': fail,
    'credentials:move': ({ id }) => {
      if (id !== 'c1') throw new UserError('credentialGone', 'That saved credential no longer exists.');
      return { credentials: [summary], problems: [] };
    },
    'prompts:list': () => [],
    'log:flush': () => ({ flushed: true }),
    'log:clear': () => Promise.reject(new Error('QuotaExceededError: the disk is full')),
    'settings:get': fail,
    'settings:save': fail,
    'vault:status': fail,
    'vault:unlock': fail,
    'vault:setPassphrase': fail,
    'vault:removePassphrase': fail,
    'signin:test': fail,
    'proxies:standings': fail,
    'proxies:unlock': fail,
  };
}

async function rejectionOf(promise: Promise<unknown>): Promise<UserError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof UserError)) throw new Error(`expected a UserError, got ${String(error)}`);
  return error;
}

describe('sendMessage over runtime messaging', () => {
  let runtime: FakeRuntimeMessaging;
  let send: SendMessage;

  afterEach(() => vi.unstubAllGlobals());

  beforeEach(() => {
    runtime = createFakeRuntimeMessaging(createHandlers());
    send = createSendMessage(runtime.send);
  });

  it('returns the handler’s answer after the trip', async () => {
    expect(await send('credentials:delete', { id: 'c1' })).toEqual({ deleted: true });
    expect(await send('prompt:ping', { promptId: 'p2' })).toEqual({ alive: false });
    expect(await send('credentials:list', {})).toEqual({ credentials: [summary], problems: [{ key: 'problem_credentialDamaged' }] });
    expect(runtime.received).toEqual([
      { type: 'credentials:delete', payload: { id: 'c1' } },
      { type: 'prompt:ping', payload: { promptId: 'p2' } },
      { type: 'credentials:list', payload: {} },
    ]);
  });

  it('re-throws an error thrown in the background with its code, so the page shows its words', async () => {
    const error = await rejectionOf(send('credentials:move', { id: 'gone', direction: 'up' }));
    expect(error.code).toBe('credentialGone');
    expect(userMessageOf(error)).toEqual({ key: 'error_credentialGone', substitutions: [] });
    // The English text is kept for the console.
    expect(error.message).toBe('That saved credential no longer exists.');
  });

  it('re-throws any other background error as "unexpected", carrying its text', async () => {
    const error = await rejectionOf(send('log:clear', {}));
    expect(userMessageOf(error)).toEqual({ key: 'error_unexpected', substitutions: ['QuotaExceededError: the disk is full'] });
  });

  it('turns a malformed message into a typed error on the page, without running the handler', async () => {
    const bad = { promptId: 'p', proxy: { host: 'proxy', port: 0 }, realm: '', username: 'alice', password: 'secret', scope: 'device' };
    const error = await rejectionOf(send('prompt:submit', bad as RequestOf<'prompt:submit'>));
    expect(userMessageOf(error)).toEqual({ key: 'error_messageMalformed', substitutions: ['prompt:submit: invalid proxy.port'] });
    expect(error.message).not.toContain('secret');
  });

  it('says the background did not answer when nothing listens or nothing is answered', async () => {
    runtime.disconnect();
    const disconnected = await rejectionOf(send('prompts:list', {}));
    expect(userMessageOf(disconnected).key).toBe('error_backgroundSilent');
    expect(disconnected.cause).toBeInstanceOf(Error);

    runtime.answerNothing();
    expect(userMessageOf(await rejectionOf(send('prompts:list', {}))).key).toBe('error_backgroundSilent');
  });

  it('reads an error reply it does not understand as "unexpected" instead of crashing', async () => {
    // The shape of a background from before typed errors: the page may outlive an update.
    runtime.answerWith({ ok: false, error: 'The prompt is gone.' });
    expect(userMessageOf(await rejectionOf(send('prompts:list', {})))).toEqual({
      key: 'error_unexpected',
      substitutions: ['The background sent an error this page cannot read.'],
    });
    runtime.answerWith({ ok: false, error: { code: 'no-such-code', substitutions: [1, 'x'], message: 'from the future' } });
    expect(userMessageOf(await rejectionOf(send('prompts:list', {})))).toEqual({
      key: 'error_unexpected',
      substitutions: ['from the future'],
    });
    runtime.answerWith({ ok: 'yes', value: [] });
    expect((await rejectionOf(send('prompts:list', {}))).code).toBe('unexpected');
  });

  it('keeps the substitutions of a known code, dropping anything that is not text', async () => {
    runtime.answerWith({ ok: false, error: { code: 'messageMalformed', substitutions: ['log:list: invalid limit', 5], message: 'm' } });
    expect(userMessageOf(await rejectionOf(send('prompts:list', {})))).toEqual({
      key: 'error_messageMalformed',
      substitutions: ['log:list: invalid limit'],
    });
  });

  it('is what the pages import: the same behaviour over the browser’s own runtime.sendMessage, Chrome’s or Firefox’s', async () => {
    vi.stubGlobal('chrome', { runtime: { sendMessage: (m: unknown) => runtime.send(m) } });
    expect(
      await sendMessage('prompt:submit', {
        promptId: 'p',
        proxy: { host: 'proxy', port: 3128 },
        realm: '',
        username: 'alice',
        password: 'pw',
        scope: 'once',
      }),
    ).toEqual({
      answered: 3,
      saved: true,
      promptGone: false,
    });
    expect((await rejectionOf(sendMessage('credentials:move', { id: 'x', direction: 'down' }))).code).toBe('credentialGone');
    // Firefox's `browser` is used before Chrome's `chrome` (Firefox has both).
    vi.stubGlobal('browser', { runtime: { sendMessage: () => Promise.resolve({ ok: true, value: { alive: true } }) } });
    expect(await sendMessage('prompt:ping', { promptId: 'p2' })).toEqual({ alive: true });
    vi.unstubAllGlobals();
    // Outside an extension there is no runtime: the caller is told the background did not answer.
    expect((await rejectionOf(sendMessage('prompt:ping', { promptId: 'p2' }))).code).toBe('backgroundSilent');
  });
});
