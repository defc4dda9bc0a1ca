import { fakeBrowser } from '@webext-core/fake-browser';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BackgroundApi } from '../../../src/background/background-api';
import { BROWSER_PATHS, createFakeBrowser } from '../../fakes/fake-browser';
import { challenge, PROXY, saveCredential } from './background-world';
import { withCallbackReplies, type CallbackMessageListener, type CallbackRuntime } from '../../../src/background/callback-replies';

/**
 * The entry file as the browser loads it: it takes the `browser` global
 * (Firefox's, Chrome's from 148, or here the fake), else Chrome's `chrome`,
 * and `chrome` carries the callback flavour of onAuthRequired. The `browser`
 * global is one stand-in that forwards to the current test's fake.
 */
let current: BackgroundApi | undefined;
const browserGlobal = new Proxy({}, { get: (_target, key: string) => (current as unknown as Record<string, unknown>)[key] });

describe.each(BROWSER_PATHS)('src/background/index.ts, $name', (path) => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('wires the real browser into the background, so a challenge is answered from what a page saved', async () => {
    fakeBrowser.reset();
    globalThis.indexedDB = new IDBFactory();
    const world = createFakeBrowser(path.permissions);
    current = world.api;
    vi.stubGlobal('browser', browserGlobal);
    vi.stubGlobal('chrome', { runtime: { id: world.api.runtime.id }, webRequest: world.webRequest });
    await import('../../../src/background/index');
    await saveCredential(world);
    expect(await world.webRequest.onAuthRequired.trigger(challenge())).toEqual({
      authCredentials: { username: 'alice', password: 'right' },
    });
  });

  it('runs on `chrome` alone (Chrome before 148): a page saves through sendResponse, and the challenge is answered', async () => {
    fakeBrowser.reset();
    globalThis.indexedDB = new IDBFactory();
    const world = createFakeBrowser(path.permissions);
    const listeners: CallbackMessageListener[] = [];
    const runtime = { ...world.api.runtime, onMessage: { addListener: (l: CallbackMessageListener) => listeners.push(l) } };
    vi.stubGlobal('chrome', { ...world.api, runtime, webRequest: world.webRequest });
    await import('../../../src/background/index');
    const message = {
      type: 'credentials:save',
      payload: { ...PROXY, realm: '', username: 'alice', password: 'right', scope: 'device' },
    };
    const replied = new Promise<unknown>((resolve) => {
      // As Chrome does: the listener keeps the channel open by returning true, and replies later.
      expect(listeners.map((l) => l(message, world.trustedSender, resolve))).toContain(true);
    });
    expect(await replied).toMatchObject({ ok: true, value: { saved: { username: 'alice' } } });
    expect(await world.webRequest.onAuthRequired.trigger(challenge())).toEqual({
      authCredentials: { username: 'alice', password: 'right' },
    });
  });
});

describe('withCallbackReplies', () => {
  const listen = (listener: Parameters<BackgroundApi['runtime']['onMessage']['addListener']>[0]) => {
    let added: CallbackMessageListener | undefined;
    const runtime = { onMessage: { addListener: (l: CallbackMessageListener) => (added = l) } } as unknown as CallbackRuntime;
    withCallbackReplies(runtime).onMessage.addListener(listener);
    if (added === undefined) throw new Error('no listener added');
    return added;
  };

  it('leaves a message it does not answer to others: no true, no reply', () => {
    const sendResponse = vi.fn();
    expect(listen(() => undefined)('hello', {}, sendResponse)).toBeUndefined();
    expect(sendResponse).not.toHaveBeenCalled();
  });

  it('ends the wait with no reply when the answer fails, so the page is not left hanging', async () => {
    const reply = await new Promise((resolve) => {
      expect(listen(() => Promise.reject(new Error('boom')))('hello', {}, resolve)).toBe(true);
    });
    expect(reply).toBeUndefined();
  });
});
