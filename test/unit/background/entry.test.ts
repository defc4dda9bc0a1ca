import { fakeBrowser } from '@webext-core/fake-browser';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BackgroundApi } from '../../../src/background/background-api';
import { BROWSER_PATHS, createFakeBrowser } from '../../fakes/fake-browser';
import { challenge, saveCredential } from './background-world';

/**
 * The entry file as the browser loads it: webextension-polyfill finds a
 * `browser` global (Firefox's, or here the fake) and Chrome's `chrome`
 * global carries the callback flavour of onAuthRequired. Node keeps the
 * polyfill's module (and the `browser` it found) across tests, so that global
 * is one stand-in that forwards to the current test's fake.
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
});
