import { describe, expect, it } from 'vitest';
import { dispatchMessage, isTrustedSender, type Handlers } from '../../../src/background/message-router';
import { UserError } from '../../../src/core/user-error';
import { parseEnvelope } from '../../../src/messaging/protocol';

const handlers = {
  'prompt:get': ({ promptId }) => (promptId === 'p1' ? null : null),
  'prompt:submit': () => ({ answered: 2, saved: true, promptGone: false }),
  'prompt:cancel': () => {
    throw new Error('The prompt is gone.');
  },
  'prompt:ping': () => ({ alive: true }),
  'credentials:list': () => ({ credentials: [], problems: [] }),
  'credentials:delete': ({ id }) => ({ deleted: id === 'c1' }),
  'credentials:save': () => ({ errors: { port: 'portRange' } }),
  'credentials:move': () => ({ credentials: [], problems: [] }),
  'prompts:list': () => [],
  'log:flush': () => ({ flushed: true }),
  'log:clear': () => ({ cleared: true }),
  'settings:get': () => {
    throw new Error('not used');
  },
  'settings:save': () => ({ errors: { attemptCap: 'range' } }),
  'proxies:standings': () => [],
  'proxies:unlock': () => ({ unlocked: false }),
  'vault:status': () => ({ passphrase: false, locked: false }),
  'vault:unlock': () => ({ answered: 0 }),
  'vault:setPassphrase': () => ({ passphrase: true, locked: false }),
  'vault:removePassphrase': () => ({ passphrase: false, locked: false }),
  'signin:test': () => null,
} satisfies Handlers;

const submit = { promptId: 'p', proxy: { host: 'proxy', port: 3128 }, realm: '', username: 'u', password: 'p', scope: 'device' };

describe('messages', () => {
  it('runs the handler of a valid message', async () => {
    expect(await dispatchMessage(handlers, { type: 'credentials:delete', payload: { id: 'c1' } })).toEqual({
      ok: true,
      value: { deleted: true },
    });
    expect(await dispatchMessage(handlers, { type: 'prompt:submit', payload: submit })).toMatchObject({ ok: true, value: { answered: 2 } });
  });

  it.each([
    [null, 'not an object'],
    [{ type: 'nope' }, 'unknown type "nope"'],
    [{ payload: {} }, 'unknown type undefined'],
    [{ type: 'prompt:submit', payload: { ...submit, proxy: { host: 'proxy', port: 70000 } } }, 'prompt:submit: invalid proxy.port'],
    [{ type: 'prompt:submit', payload: { ...submit, scope: 'sync' } }, 'prompt:submit: invalid scope'],
    [{ type: 'prompt:submit', payload: { ...submit, username: '' } }, 'prompt:submit: invalid username'],
    [{ type: 'proxies:unlock', payload: { proxy: '' } }, 'proxies:unlock: invalid proxy'],
    [{ type: 'credentials:move', payload: { id: 'c', direction: 'sideways' } }, 'credentials:move: invalid direction'],
    [
      { type: 'credentials:save', payload: { host: 'h', port: 1, realm: '', username: 'u', password: 'p', scope: 'once' } },
      'credentials:save: invalid scope',
    ],
  ])('refuses a malformed message %j with a typed error naming what is wrong', async (message, detail) => {
    const reply = await dispatchMessage(handlers, message);
    expect(reply).toEqual({
      ok: false,
      error: { code: 'messageMalformed', substitutions: [detail], message: `Malformed message: ${detail}.` },
    });
    // The reply crosses to the page by structured clone: nothing in it may be lost on the way.
    expect(structuredClone(reply)).toEqual(reply);
  });

  it('does not run the handler of a malformed message', async () => {
    let ran = false;
    const watched = { ...handlers, 'credentials:delete': () => ((ran = true), { deleted: true }) } satisfies Handlers;
    await dispatchMessage(watched, { type: 'credentials:delete', payload: { id: 7 } });
    expect(ran).toBe(false);
  });

  it('never echoes a password in a validation error', () => {
    const parsed = parseEnvelope({ type: 'prompt:submit', payload: { ...submit, password: 'hunter2', scope: 'bad' } });
    expect(JSON.stringify(parsed)).not.toContain('hunter2');
    const tooLong = parseEnvelope({ type: 'prompt:submit', payload: { ...submit, password: 'hunter2'.repeat(1000) } });
    expect(tooLong.ok).toBe(false);
    expect(JSON.stringify(tooLong)).not.toContain('hunter2');
  });

  it('serialises a handler\'s user error with its code, and any other error as "unexpected" with its text', async () => {
    const failing = {
      ...handlers,
      'credentials:move': () => {
        throw new UserError('credentialGone', 'That saved credential no longer exists.');
      },
      'log:clear': () => Promise.reject(new Error('QuotaExceededError')),
      'log:flush': () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- a handler's dependency may throw anything
        throw 'a string';
      },
    } satisfies Handlers;
    expect(await dispatchMessage(failing, { type: 'credentials:move', payload: { id: 'c', direction: 'up' } })).toEqual({
      ok: false,
      error: { code: 'credentialGone', substitutions: [], message: 'That saved credential no longer exists.' },
    });
    expect(await dispatchMessage(failing, { type: 'log:clear', payload: {} })).toEqual({
      ok: false,
      error: { code: 'unexpected', substitutions: ['QuotaExceededError'], message: 'QuotaExceededError' },
    });
    expect(await dispatchMessage(failing, { type: 'log:flush', payload: {} })).toMatchObject({ ok: false, error: { code: 'unexpected' } });
  });

  it('trusts only the extension’s own pages', () => {
    const origin = 'chrome-extension://abc/';
    expect(isTrustedSender({ id: 'abc', url: 'chrome-extension://abc/src/ui/prompt/index.html' }, 'abc', origin)).toBe(true);
    expect(isTrustedSender({ id: 'abc', url: 'https://evil.test/' }, 'abc', origin)).toBe(false);
    expect(isTrustedSender({ id: 'other', url: 'chrome-extension://other/x' }, 'abc', origin)).toBe(false);
    expect(isTrustedSender({ id: 'abc' }, 'abc', origin)).toBe(false);
  });
});
