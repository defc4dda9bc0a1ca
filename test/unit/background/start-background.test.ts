import { fakeBrowser } from '@webext-core/fake-browser';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KEEP_ALIVE_INTERVAL_MS } from '../../../src/background/keep-alive';
import { RESPONSE_LISTENERS_LINGER_MS } from '../../../src/background/browser-differences';
import { startBackground } from '../../../src/background/start-background';
import { STALE_AFTER_MS, SWEEP_EVERY_MS } from '../../../src/core/request-tracker';
import { SETTINGS_KEY } from '../../../src/settings/settings-store';
import { SETTINGS_VERSION } from '../../../src/settings/settings';
import { createDataKeyLoader, loadOrCreateDataKey } from '../../../src/storage/data-key';
import { VAULT_KEY } from '../../../src/storage/vault';
import { BROWSER_PATHS, createFakeBrowser } from '../../fakes/fake-browser';
import chromiumPayload from '../../fixtures/chromium-156-proxy-basic.json';
import firefoxPayload from '../../fixtures/firefox-153-proxy-basic.json';
import {
  PROXY,
  challenge,
  isSettled,
  promptIdOf,
  readLog,
  restartBackground,
  saveCredential,
  startFreshBackground,
  eventually,
  respond,
} from './background-world';

const RED = [0xb3, 0x26, 0x1e, 255];
const AMBER = [0xb2, 0x6a, 0x00, 255];

afterEach(() => {
  vi.useRealTimers();
});

/** A page that never meets the proxy: the response listeners it reaches would wake a stopped background for it. */
const A_PAGE = 'http://site.example/page.html';

describe.each(BROWSER_PATHS)('the background, $name', (path) => {
  describe('listeners', () => {
    it('answers a challenge that arrives in the same tick as the start, before anything was loaded', async () => {
      const first = startFreshBackground(path);
      await saveCredential(first);
      // A new worker, woken by the challenge itself: no await between the start and the event.
      const world = first.restart();
      startBackground(world.api);
      const answer = world.webRequest.onAuthRequired.trigger(challenge());
      expect(await answer).toEqual({ authCredentials: { username: 'alice', password: 'right' } });
    });

    it('registers onAuthRequired the way this build must answer, exactly once', () => {
      const world = startFreshBackground(path);
      const expected = path.permissions.includes('webRequestAuthProvider') ? 'asyncBlocking' : 'blocking';
      expect(world.webRequest.onAuthRequired.modes).toEqual([expected]);
      expect(world.webRequest.onErrorOccurred.listenerCount).toBe(1);
    });

    it('listens to responses and completions only while a challenged request is tracked (docs/browser-behaviour.md#idle-wakes)', async () => {
      const world = startFreshBackground(path);
      const listening = () => [world.webRequest.onHeadersReceived.hearing(A_PAGE), world.webRequest.onCompleted.hearing(A_PAGE)];
      // Neither at the start nor in the first turn after it (Chrome adds and removes them there: none is left).
      expect(listening()).toEqual([0, 0]);
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(listening()).toEqual([0, 0]);
      await saveCredential(world);
      await world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'a' }));
      expect(listening()).toEqual([1, 1]);
      respond(world, 'a');
      await world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'b' }));
      world.webRequest.onCompleted.trigger({ requestId: 'a', statusCode: 200 });
      expect(listening()).toEqual([1, 1]);
      // Kept a while after the last one ended, for the next challenge (RESPONSE_LISTENERS_LINGER_MS), then dropped.
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      world.webRequest.onCompleted.trigger({ requestId: 'b', statusCode: 200 });
      vi.advanceTimersByTime(RESPONSE_LISTENERS_LINGER_MS - 1);
      expect(listening()).toEqual([1, 1]);
      vi.advanceTimersByTime(1);
      expect(listening()).toEqual([0, 0]);
      vi.useRealTimers();
      // The answer's verdict still arrived while it listened: the log has both ends.
      const records = await readLog(world, 10);
      expect(
        records
          .filter((r) => r.final?.statusCode === 200)
          .map((r) => r.requestId)
          .sort(),
      ).toEqual(['a', 'b']);
    });

    it('keeps them across challenges that come within the linger, registered once, and drops them after the last', async () => {
      const world = startFreshBackground(path);
      const listening = () => [world.webRequest.onHeadersReceived.hearing(A_PAGE), world.webRequest.onCompleted.hearing(A_PAGE)];
      await saveCredential(world);
      await world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'first' }));
      respond(world, 'first');
      const adds = vi.spyOn(world.webRequest.onHeadersReceived, 'addListener');
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      world.webRequest.onCompleted.trigger({ requestId: 'first', statusCode: 200 });
      vi.advanceTimersByTime(RESPONSE_LISTENERS_LINGER_MS - 1);
      // A challenge just before the linger ran out: the same registration goes on, and its own end starts the linger again.
      const answer = world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'next' }));
      vi.advanceTimersByTime(1);
      expect(await answer).toEqual({ authCredentials: { username: 'alice', password: 'right' } });
      expect(listening()).toEqual([1, 1]);
      expect(adds).not.toHaveBeenCalled();
      respond(world, 'next');
      world.webRequest.onCompleted.trigger({ requestId: 'next', statusCode: 200 });
      vi.advanceTimersByTime(RESPONSE_LISTENERS_LINGER_MS - 1);
      expect(listening()).toEqual([1, 1]);
      vi.advanceTimersByTime(1);
      expect(listening()).toEqual([0, 0]);
    });

    it('drops them when an answered request never ends, once the tracker lets it go, with no challenge after it', async () => {
      const world = startFreshBackground(path);
      const listening = () => [world.webRequest.onHeadersReceived.hearing(A_PAGE), world.webRequest.onCompleted.hearing(A_PAGE)];
      await saveCredential(world);
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
      const answer = world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'lost' }));
      await vi.advanceTimersByTimeAsync(2_000);
      expect(await answer).toEqual({ authCredentials: { username: 'alice', password: 'right' } });
      // Its response and end never come: a verdict lost, say, to a browser that stopped telling.
      expect(listening()).toEqual([1, 1]);
      await vi.advanceTimersByTimeAsync(STALE_AFTER_MS);
      expect(listening()).toEqual([1, 1]);
      await vi.advanceTimersByTimeAsync(SWEEP_EVERY_MS + RESPONSE_LISTENERS_LINGER_MS);
      expect(listening()).toEqual([0, 0]);
    });

    it('leaves none that a page reaches after its first turn: Chrome adds and removes them, Firefox keeps one that hears nothing (docs/browser-behaviour.md#idle-wakes)', async () => {
      const world = startFreshBackground(path);
      const fresh = world.restart();
      const adds = vi.spyOn(fresh.webRequest.onHeadersReceived, 'addListener');
      startBackground(fresh.api);
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(adds).toHaveBeenCalledTimes(1);
      expect([fresh.webRequest.onHeadersReceived.hearing(A_PAGE), fresh.webRequest.onCompleted.hearing(A_PAGE)]).toEqual([0, 0]);
      // Chrome: the add and remove drops the registration a worker stopped while tracking leaves behind.
      // Firefox: the one kept from the first turn is why listeners added for a challenge hear its request at all.
      const kept = path.permissions.includes('webRequestAuthProvider') ? 0 : 1;
      expect([fresh.webRequest.onHeadersReceived.listenerCount, fresh.webRequest.onCompleted.listenerCount]).toEqual([kept, kept]);
      expect(fresh.webRequest.onCompleted.hearing('http://proxy-keyring.invalid/')).toBe(kept);
    });

    it('has those listeners registered before the answer goes to the browser (docs/browser-behaviour.md#idle-wakes)', async () => {
      const world = startFreshBackground(path);
      const listening = () => [world.webRequest.onHeadersReceived.hearing(A_PAGE), world.webRequest.onCompleted.hearing(A_PAGE)];
      await saveCredential(world);
      // A password the proxy accepted in this run is answered at once, in the turn of the challenge (a first use waits).
      await world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'first' }));
      respond(world, 'first');
      world.webRequest.onCompleted.trigger({ requestId: 'first', statusCode: 200 });
      const atHandOver: number[][] = [];
      const answer = await world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'a' }), () => atHandOver.push(listening()));
      expect(answer).toEqual({ authCredentials: { username: 'alice', password: 'right' } });
      // Registered only after the answer, Chromium sometimes delivered the retry's response first: the verdict was lost.
      expect(atHandOver).toEqual([[1, 1]]);
    });

    it('fails loudly when the manifest grants neither way of answering', () => {
      fakeBrowser.reset();
      const world = createFakeBrowser(['webRequest', 'storage']);
      expect(() => startBackground(world.api)).toThrow(/webRequestBlocking/);
    });

    it('notes each start in session storage, keeping the last 20', async () => {
      const starts = async () => ((await fakeBrowser.storage.session.get('backgroundStarts'))['backgroundStarts'] ?? []) as number[];
      let world = startFreshBackground(path);
      await eventually(async () => expect(await starts()).toHaveLength(1));
      for (let i = 2; i <= 22; i++) {
        world = restartBackground(world);
        await eventually(async () => expect(await starts()).toHaveLength(Math.min(i, 20)));
      }
      const kept = await starts();
      expect([...kept].sort((a, b) => a - b)).toEqual(kept);
    });

    it('notes how long each start took, in order, past an unreadable entry, keeping the last 20', async () => {
      await fakeBrowser.storage.session.set({ backgroundStartTimings: ['garbage', null, { readyMs: 'soon' }] });
      const timings = async () =>
        ((await fakeBrowser.storage.session.get('backgroundStartTimings'))['backgroundStartTimings'] ?? []) as {
          startedMs?: number;
          scriptMs: number;
          loadsAskedMs?: number;
          authListenerMs?: number;
          listenersMs: number;
          readyMs: number;
          credentialsMs?: number;
          settingsMs?: number;
          memoryMs?: number;
        }[];
      // As index.ts passes them: the script's first moment, then every module evaluated.
      const startedMs = performance.now() - 5;
      let world = startFreshBackground(path, { startedMs, scriptMs: performance.now() });
      await eventually(async () => expect(await timings()).toHaveLength(1));
      const [first] = await timings();
      expect(first!.startedMs).toBe(Math.round(startedMs));
      expect(first!.scriptMs).toBeLessThanOrEqual(first!.loadsAskedMs!);
      expect(first!.loadsAskedMs).toBeLessThanOrEqual(first!.authListenerMs!);
      expect(first!.authListenerMs).toBeLessThanOrEqual(first!.listenersMs);
      expect(first!.listenersMs).toBeLessThanOrEqual(first!.readyMs);
      // Each of the three loads was done by then, and the last of them is when all were (within the rounding).
      const loads = [first!.credentialsMs, first!.settingsMs, first!.memoryMs];
      for (const ms of loads) expect(ms).toBeLessThanOrEqual(first!.readyMs);
      expect(Math.max(...loads.map((ms) => ms ?? Infinity))).toBeGreaterThanOrEqual(first!.readyMs - 1);
      for (let i = 2; i <= 21; i++) {
        world = restartBackground(world);
        await eventually(async () => expect(await timings()).toHaveLength(Math.min(i, 20)));
      }
      // Started without the entry's figures (as a test does): no script start is made up.
      expect((await timings()).at(-1)).not.toHaveProperty('startedMs');
    });
  });

  describe('challenges', () => {
    it('answers both browsers’ recorded payloads from memory once loaded, and never the password of another proxy', async () => {
      const world = startFreshBackground(path);
      await saveCredential(world, { host: '127.0.0.1', port: 13128, username: 'alice', password: 'squid-pw' });
      await saveCredential(world, { host: '127.0.0.1', port: 3128, username: 'bob', password: 'other-pw' });
      expect(await world.webRequest.onAuthRequired.trigger(chromiumPayload)).toEqual({
        authCredentials: { username: 'alice', password: 'squid-pw' },
      });
      // Once the proxy accepted it (the retry's response), the next challenge is answered from memory at once.
      respond(world, String(chromiumPayload.requestId));
      expect(await world.webRequest.onAuthRequired.trigger(firefoxPayload)).toEqual({
        authCredentials: { username: 'alice', password: 'squid-pw' },
      });
    });

    it('on a repeat challenge of the same request marks the credential refused, prompts naming it, and answers with what the user types', async () => {
      const world = startFreshBackground(path);
      await saveCredential(world, { password: 'wrong' });
      expect(await world.webRequest.onAuthRequired.trigger(challenge())).toEqual({
        authCredentials: { username: 'alice', password: 'wrong' },
      });
      const again = world.webRequest.onAuthRequired.trigger(challenge());
      await eventually(() => expect(world.windows.list()).toHaveLength(1));
      const promptId = promptIdOf(world.windows.list()[0]!.url);
      expect(await world.send('prompt:get', { promptId })).toMatchObject({ rejected: true, rejectedUsername: 'alice', waitingCount: 1 });
      // Refused means never sent again, for any request.
      const other = world.webRequest.onAuthRequired.trigger(challenge({ requestId: '101' }));
      await eventually(async () => expect(await world.send('prompt:get', { promptId })).toMatchObject({ waitingCount: 2 }));
      const submitted = await world.send('prompt:submit', {
        promptId,
        proxy: PROXY,
        realm: 'Office',
        username: 'alice',
        password: 'right',
        scope: 'device',
      });
      expect(submitted).toEqual({ answered: 2, saved: true, promptGone: false });
      // The typed password is verified like a saved one: one request carries it, the other waits for the verdict.
      expect(await again).toEqual({ authCredentials: { username: 'alice', password: 'right' } });
      expect(await isSettled(other)).toBe(false);
      respond(world, '100');
      expect(await other).toEqual({ authCredentials: { username: 'alice', password: 'right' } });
      const { credentials } = await world.send('credentials:list', {});
      expect(credentials).toMatchObject([{ username: 'alice', rejected: false }]);
      const outcomes = (await readLog(world, 10)).map((r) => r.outcome).reverse();
      expect(outcomes).toEqual(['answered-saved', 'rejected', 'prompted', 'prompted', 'answered-prompt', 'answered-prompt']);
    });

    it('leaves a site’s 401 to the browser and logs nothing', async () => {
      const world = startFreshBackground(path);
      await saveCredential(world);
      expect(await world.webRequest.onAuthRequired.trigger(challenge({ isProxy: false }))).toEqual({});
      expect(await readLog(world, 10)).toEqual([]);
    });

    it('cancels a request that passed the attempt cap', async () => {
      const world = startFreshBackground(path);
      await world.send('settings:save', { changes: { attemptCap: 1 } });
      await saveCredential(world, { password: 'wrong' });
      await world.webRequest.onAuthRequired.trigger(challenge());
      expect(await world.webRequest.onAuthRequired.trigger(challenge())).toEqual({ cancel: true });
    });
  });

  describe('cold start', () => {
    it('makes the first challenges wait for the one shared load, then answers them all from it', async () => {
      const first = startFreshBackground(path);
      await saveCredential(first);
      let loads = 0;
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const world = restartBackground(first, {
        loadDataKey: createDataKeyLoader(async () => {
          loads++;
          await gate;
          return loadOrCreateDataKey();
        }),
      });
      const triggered = Array.from({ length: 20 }, (_, i) => world.webRequest.onAuthRequired.trigger(challenge({ requestId: `cold${i}` })));
      const answers = Promise.all(triggered);
      expect(await isSettled(answers)).toBe(false);
      release();
      // One request carries the password to the proxy; its acceptance answers the other 19.
      expect(await triggered[0]).toEqual({ authCredentials: { username: 'alice', password: 'right' } });
      expect(await isSettled(answers)).toBe(false);
      respond(world, 'cold0');
      expect(await answers).toEqual(Array.from({ length: 20 }, () => ({ authCredentials: { username: 'alice', password: 'right' } })));
      expect(loads).toBe(1);
      expect(world.windows.list()).toEqual([]);
    });

    it('tries a failed key load again on the next challenge', async () => {
      const first = startFreshBackground(path);
      await saveCredential(first);
      let attempts = 0;
      const world = restartBackground(first, {
        loadDataKey: createDataKeyLoader(async () => {
          if (++attempts === 1) throw new Error('IndexedDB busy');
          return loadOrCreateDataKey();
        }),
      });
      vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      // The failed key load fails the device entry, not the load: this challenge gets the prompt ("just this once" works there).
      const prompted = world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'a' }));
      await eventually(() => expect(world.windows.list()).toHaveLength(1));
      expect(await world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'b' }))).toEqual({
        authCredentials: { username: 'alice', password: 'right' },
      });
      world.windows.close(world.windows.list()[0]!.id);
      expect(await prompted).toEqual({ cancel: true });
    });
  });

  describe('prompt windows', () => {
    it('opens one window per proxy prompt however many requests wait, and its address names the prompt and proxy', async () => {
      const world = startFreshBackground(path);
      const waiting = Array.from({ length: 8 }, (_, i) => world.webRequest.onAuthRequired.trigger(challenge({ requestId: `r${i}` })));
      const second = world.webRequest.onAuthRequired.trigger(
        challenge({ requestId: 'x', challenger: { host: 'other.example', port: 8080 } }),
      );
      await eventually(() => expect(world.windows.list()).toHaveLength(2));
      const [office, other] = world.windows.list();
      expect(office).toMatchObject({ type: 'popup' });
      expect(new URL(office!.url).searchParams.get('host')).toBe('proxy.example');
      expect(new URL(other!.url).searchParams.get('port')).toBe('8080');
      expect(await world.send('prompts:list', {})).toHaveLength(2);
      for (const w of world.windows.list()) world.windows.close(w.id);
      expect(await Promise.all([...waiting, second])).toEqual(Array.from({ length: 9 }, () => ({ cancel: true })));
    });

    it('closing the window cancels every request waiting on it, and the log says the user cancelled', async () => {
      const world = startFreshBackground(path);
      const a = world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'a' }));
      const b = world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'b' }));
      await eventually(() => expect(world.windows.list()).toHaveLength(1));
      world.windows.close(world.windows.list()[0]!.id);
      expect(await Promise.all([a, b])).toEqual([{ cancel: true }, { cancel: true }]);
      expect(await world.send('prompts:list', {})).toEqual([]);
      const outcomes = (await readLog(world, 10)).map((r) => r.outcome);
      expect(outcomes.filter((o) => o === 'cancelled-user')).toHaveLength(2);
    });

    it('closes the window once the prompt is answered, and a window that was already gone is no error', async () => {
      const world = startFreshBackground(path);
      const a = world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'a' }));
      await eventually(() => expect(world.windows.list()).toHaveLength(1));
      const promptId = promptIdOf(world.windows.list()[0]!.url);
      const b = world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'b', challenger: { host: 'other.example', port: 1 } }));
      await eventually(() => expect(world.windows.list()).toHaveLength(2));
      // The second window disappears without the event reaching us.
      world.windows.forget(world.windows.list()[1]!.id);
      await world.send('prompt:submit', { promptId, proxy: PROXY, realm: 'Office', username: 'u', password: 'p', scope: 'once' });
      expect(await a).toEqual({ authCredentials: { username: 'u', password: 'p' } });
      await eventually(() => expect(world.windows.list()).toEqual([]));
      const otherId = (await world.send('prompts:list', {}))[0]!.id;
      expect(await world.send('prompt:cancel', { promptId: otherId })).toEqual({ cancelled: 1 });
      expect(await b).toEqual({ cancel: true });
    });

    it('when no window can be opened, the waiting request is cancelled rather than left hanging', async () => {
      const world = startFreshBackground(path);
      vi.spyOn(console, 'error').mockImplementation(() => undefined);
      world.windows.failNextCreate();
      expect(await world.webRequest.onAuthRequired.trigger(challenge())).toEqual({ cancel: true });
      expect(await world.send('prompts:list', {})).toEqual([]);
    });
  });

  describe('badge', () => {
    it('counts the waiting challenges, shows "!" for a refused credential, and clears when the user signs in again', async () => {
      const world = startFreshBackground(path);
      await saveCredential(world, { password: 'wrong' });
      await eventually(async () => expect(await world.badge()).toMatchObject({ text: '' }));
      await world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'a' }));
      const refusedA = world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'a' }));
      const b = world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'b' }));
      const c = world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'c' }));
      await eventually(async () => expect(await world.badge()).toEqual({ text: '3', color: RED }));
      const promptId = promptIdOf(world.windows.list()[0]!.url);
      world.windows.close(world.windows.list()[0]!.id);
      await Promise.all([refusedA, b, c]);
      expect(await world.badge()).toEqual({ text: '!', color: AMBER });
      const d = world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'd' }));
      await eventually(() => expect(world.windows.list()).toHaveLength(1));
      const next = promptIdOf(world.windows.list()[0]!.url);
      expect(next).not.toBe(promptId);
      await world.send('prompt:submit', {
        promptId: next,
        proxy: PROXY,
        realm: 'Office',
        username: 'alice',
        password: 'right',
        scope: 'device',
      });
      await d;
      expect(await world.badge()).toMatchObject({ text: '' });
    });

    it('shows "!" right after a start when a saved credential was refused before', async () => {
      const first = startFreshBackground(path);
      await saveCredential(first, { password: 'wrong' });
      await first.webRequest.onAuthRequired.trigger(challenge());
      void first.webRequest.onAuthRequired.trigger(challenge());
      await eventually(() => expect(first.windows.list()).toHaveLength(1));
      // "Before" a start: the refusal is on disk (the mark is written after memory knows it).
      await eventually(async () => expect(JSON.stringify(await fakeBrowser.storage.local.get(VAULT_KEY))).toContain('"rejected":true'));
      fakeBrowser.action.resetState();
      restartBackground(first);
      await eventually(async () => expect(await first.badge()).toMatchObject({ text: '!' }));
    });
  });

  describe('keep-alive', () => {
    it('calls the browser regularly while a prompt is open, and stops once it ends', async () => {
      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
      const world = startFreshBackground(path);
      const waiting = world.webRequest.onAuthRequired.trigger(challenge());
      await eventually(() => expect(world.windows.list()).toHaveLength(1));
      vi.advanceTimersByTime(KEEP_ALIVE_INTERVAL_MS * 3);
      expect(world.pings()).toBe(3);
      world.windows.close(world.windows.list()[0]!.id);
      await waiting;
      vi.advanceTimersByTime(KEEP_ALIVE_INTERVAL_MS * 3);
      expect(world.pings()).toBe(3);
    });

    it('does not call the browser while nothing waits', () => {
      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
      const world = startFreshBackground(path);
      vi.advanceTimersByTime(KEEP_ALIVE_INTERVAL_MS * 5);
      expect(world.pings()).toBe(0);
    });
  });

  describe('request results', () => {
    it('writes how an answered request ended into its log records', async () => {
      const world = startFreshBackground(path);
      await saveCredential(world);
      await world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'ok' }));
      respond(world, 'ok');
      await world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'broken' }));
      world.webRequest.onCompleted.trigger({ requestId: 'ok', statusCode: 200 });
      world.webRequest.onErrorOccurred.trigger({
        requestId: 'broken',
        url: 'http://origin.test/',
        method: 'GET',
        type: 'main_frame',
        tabId: 4,
        error: 'net::ERR_CONNECTION_RESET',
      });
      // A request we never saw a challenge for is none of the log's business.
      world.webRequest.onCompleted.trigger({ requestId: 'unrelated', statusCode: 404 });
      const records = await readLog(world, 10);
      expect(records.find((r) => r.requestId === 'ok')?.final).toEqual({ statusCode: 200 });
      expect(records.find((r) => r.requestId === 'broken')?.final).toEqual({ error: 'net::ERR_CONNECTION_RESET' });
      expect(records.some((r) => r.requestId === 'unrelated')).toBe(false);
    });

    const failure = { url: 'http://origin.test/a?x=1', method: 'GET', type: 'main_frame', tabId: 4 };

    it('logs a request that failed at the proxy, naming the proxy the browser reports', async () => {
      const world = startFreshBackground(path);
      world.webRequest.onErrorOccurred.trigger({
        ...failure,
        requestId: 'f1',
        error: 'NS_ERROR_PROXY_CONNECTION_REFUSED',
        proxyInfo: { host: '127.0.0.1', port: 13999 },
      });
      world.webRequest.onErrorOccurred.trigger({ ...failure, requestId: 'f2', error: 'net::ERR_ABORTED' });
      await eventually(async () => {
        const records = await readLog(world, 10);
        expect(records).toMatchObject([
          {
            requestId: 'f1',
            outcome: 'proxy-error',
            proxy: '127.0.0.1:13999',
            url: 'http://origin.test/a',
            final: { error: 'NS_ERROR_PROXY_CONNECTION_REFUSED' },
          },
        ]);
      });
    });

    it('without the proxy in the event, names it from the proxy settings once the user granted that permission', async () => {
      const world = startFreshBackground(path);
      world.webRequest.onErrorOccurred.trigger({ ...failure, requestId: 'before', error: 'net::ERR_PROXY_CONNECTION_FAILED' });
      await eventually(async () => expect(await readLog(world, 10)).toMatchObject([{ requestId: 'before', proxy: '' }]));
      world.grantProxy({ value: { mode: 'fixed_servers', rules: { singleProxy: { scheme: 'http', host: 'proxy.example', port: 3128 } } } });
      world.webRequest.onErrorOccurred.trigger({ ...failure, requestId: 'after', error: 'net::ERR_PROXY_CONNECTION_FAILED' });
      await eventually(async () =>
        expect((await readLog(world, 10)).find((r) => r.requestId === 'after')).toMatchObject({
          proxy: 'proxy.example:3128',
        }),
      );
    });
  });

  describe('settings', () => {
    it('a change written to storage by another page reaches the answerer', async () => {
      const world = startFreshBackground(path);
      await saveCredential(world, { password: 'wrong' });
      // Loaded (and answering) before the change, so only the storage event can bring the new value.
      expect(await world.send('settings:get', {})).toMatchObject({ settings: { attemptCap: 3 } });
      await fakeBrowser.storage.local.set({ [SETTINGS_KEY]: { version: SETTINGS_VERSION, attemptCap: 1 } });
      // A change in another area under the same key is not the settings.
      await fakeBrowser.storage.session.set({ [SETTINGS_KEY]: { attemptCap: 10 } });
      expect(await world.send('settings:get', {})).toMatchObject({ settings: { attemptCap: 1 }, sources: { attemptCap: 'user' } });
      await world.webRequest.onAuthRequired.trigger(challenge());
      expect(await world.webRequest.onAuthRequired.trigger(challenge())).toEqual({ cancel: true });
    });

    it('saves valid settings (stamped with the schema version) and refuses invalid ones field by field', async () => {
      const world = startFreshBackground(path);
      expect(await world.send('settings:save', { changes: { onCancel: 'browser', logLimit: 500 } })).toMatchObject({
        settings: { onCancel: 'browser', logLimit: 500 },
      });
      expect((await fakeBrowser.storage.local.get(SETTINGS_KEY))[SETTINGS_KEY]).toEqual({
        onCancel: 'browser',
        logLimit: 500,
        version: SETTINGS_VERSION,
      });
      expect(await world.send('settings:save', { changes: { attemptCap: 0 } })).toEqual({ errors: { attemptCap: 'range' } });
      // "Cancel" now hands the request to the browser's own dialog.
      const waiting = world.webRequest.onAuthRequired.trigger(challenge());
      await eventually(() => expect(world.windows.list()).toHaveLength(1));
      world.windows.close(world.windows.list()[0]!.id);
      expect(await waiting).toEqual({});
    });
  });
});
