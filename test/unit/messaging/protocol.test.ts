import { describe, expect, it } from 'vitest';
import { dispatchMessage, isTrustedSender, type Handlers } from '../../../src/background/message-router';
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
  'log:list': () => [],
  'credentials:save': () => ({ errors: { port: 'portRange' } }),
  'credentials:move': () => ({ credentials: [], problems: [] }),
  'prompts:list': () => [],
  'log:flush': () => ({ flushed: true }),
  'log:clear': () => ({ cleared: true }),
  'settings:get': () => {
    throw new Error('not used');
  },
  'settings:save': () => ({ errors: { attemptCap: 'range' } }),
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
    [null, /not an object/],
    [{ type: 'nope' }, /unknown type/],
    [{ type: 'prompt:submit', payload: { ...submit, proxy: { host: 'proxy', port: 70000 } } }, /invalid proxy\.port/],
    [{ type: 'prompt:submit', payload: { ...submit, scope: 'sync' } }, /invalid scope/],
    [{ type: 'prompt:submit', payload: { ...submit, username: '' } }, /invalid username/],
    [{ type: 'log:list', payload: { limit: -1 } }, /invalid limit/],
    [{ type: 'credentials:move', payload: { id: 'c', direction: 'sideways' } }, /invalid direction/],
    [
      { type: 'credentials:save', payload: { host: 'h', port: 1, realm: '', username: 'u', password: 'p', scope: 'once' } },
      /invalid scope/,
    ],
  ])('refuses a malformed message %j with a clear error', async (message, error) => {
    const reply = await dispatchMessage(handlers, message);
    expect(reply.ok).toBe(false);
    expect(reply.ok ? '' : reply.error).toMatch(error);
  });

  it('never echoes a password in a validation error', () => {
    const parsed = parseEnvelope({ type: 'prompt:submit', payload: { ...submit, password: 'hunter2', scope: 'bad' } });
    expect(JSON.stringify(parsed)).not.toContain('hunter2');
  });

  it('serialises a handler error for the other side', async () => {
    expect(await dispatchMessage(handlers, { type: 'prompt:cancel', payload: { promptId: 'x' } })).toEqual({
      ok: false,
      error: 'The prompt is gone.',
    });
  });

  it('trusts only the extension’s own pages', () => {
    const origin = 'chrome-extension://abc/';
    expect(isTrustedSender({ id: 'abc', url: 'chrome-extension://abc/src/ui/prompt/index.html' }, 'abc', origin)).toBe(true);
    expect(isTrustedSender({ id: 'abc', url: 'https://evil.test/' }, 'abc', origin)).toBe(false);
    expect(isTrustedSender({ id: 'other', url: 'chrome-extension://other/x' }, 'abc', origin)).toBe(false);
    expect(isTrustedSender({ id: 'abc' }, 'abc', origin)).toBe(false);
  });
});
