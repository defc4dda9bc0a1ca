import { describe, expect, it } from 'vitest';
import { SignInTester, SIGN_IN_TEST_TIMEOUT_MS } from '../../../src/background/sign-in-test';
import type { SignInReport } from '../../../src/core/sign-in-test';
import { BROWSER_PATHS, type FakeBrowserWorld } from '../../fakes/fake-browser';
import { createFakeTabs } from '../../fakes/fake-tabs';
import { createFakeWebRequest } from '../../fakes/fake-web-request';
import { makeRecord } from '../record-factory';
import { challenge, eventually, promptIdOf, respond, saveCredential, startFreshBackground } from './background-world';

const TEST_URL = 'http://signin.test:8080/hello.txt';

/** Starts a test from a page and waits for its tab to be sent to the test address; the tab's id. */
async function startTest(world: FakeBrowserWorld): Promise<number> {
  const started = await world.send('signin:test', { start: true });
  expect(started).toMatchObject({ state: 'running', url: TEST_URL, steps: [{ kind: 'opened' }] });
  const tab = await eventually(() => {
    const [open] = world.tabs.list();
    expect(open?.url).toBe(TEST_URL);
    return open!;
  });
  // A background tab: the user stays where they are.
  expect(tab.active).toBe(false);
  return tab.id;
}

const pageRequest = (tabId: number, requestId = 'doc-1') => ({ requestId, tabId, type: 'main_frame' });

async function finishedReport(world: FakeBrowserWorld): Promise<SignInReport> {
  return eventually(async () => {
    const report = await world.send('signin:test', { start: false });
    expect(report?.state).not.toBe('running');
    return report!;
  });
}

describe.each(BROWSER_PATHS)('the sign-in test in the background, $name', (path) => {
  async function freshWorld(): Promise<FakeBrowserWorld> {
    const world = startFreshBackground(path);
    await world.send('settings:save', { changes: { testUrl: TEST_URL } });
    return world;
  }

  it('a saved password the proxy accepts: answered by alice, accepted, 200; the tab is closed and its listeners gone', async () => {
    const world = await freshWorld();
    await saveCredential(world, { username: 'alice', password: 'right' });
    const listenersBefore = world.webRequest.onErrorOccurred.listenerCount;
    const tabId = await startTest(world);
    expect(world.webRequest.onErrorOccurred.listenerCount).toBe(listenersBefore + 1);
    const answer = await world.webRequest.onAuthRequired.trigger(challenge({ ...pageRequest(tabId), url: TEST_URL }));
    expect(answer).toEqual({ authCredentials: { username: 'alice', password: 'right' } });
    respond(world, 'doc-1', 200);
    world.webRequest.onCompleted.trigger({ ...pageRequest(tabId), statusCode: 200 });

    const report = await finishedReport(world);
    expect(report.state).toBe('passed');
    expect(report.steps.map((s) => s.kind)).toEqual(['opened', 'challenged', 'answered-saved', 'accepted', 'loaded']);
    expect(report.steps[2]).toMatchObject({ username: 'alice', proxy: 'proxy.example:3128' });
    expect(report.steps.at(-1)).toMatchObject({ statusCode: 200 });
    expect(JSON.stringify(report)).not.toContain('right');
    expect(world.tabs.removed()).toEqual([tabId]);
    expect(world.tabs.list()).toEqual([]);
    expect(world.webRequest.onErrorOccurred.listenerCount).toBe(listenersBefore);
  });

  it('a saved password the proxy refuses: refused with the cause, the prompt, and how it ended when the user cancelled', async () => {
    const world = await freshWorld();
    await saveCredential(world, { username: 'alice', password: 'wrong' });
    const tabId = await startTest(world);
    await world.webRequest.onAuthRequired.trigger(challenge({ ...pageRequest(tabId), url: TEST_URL }));
    // The proxy challenges the same request again: it refused the password.
    const parked = world.webRequest.onAuthRequired.trigger(challenge({ ...pageRequest(tabId), url: TEST_URL }));
    const prompt = await eventually(() => {
      const [window] = world.windows.list();
      expect(window).toBeDefined();
      return window!;
    });
    await world.send('prompt:cancel', { promptId: promptIdOf(prompt.url) });
    expect(await parked).toEqual({ cancel: true });
    world.webRequest.onCompleted.trigger({ ...pageRequest(tabId), statusCode: 407 });

    const report = await finishedReport(world);
    expect(report.state).toBe('failed');
    expect(report.steps.map((s) => s.kind)).toEqual(['opened', 'challenged', 'answered-saved', 'refused', 'prompted', 'outcome', 'loaded']);
    expect(report.steps[3]).toMatchObject({ username: 'alice', diagnosis: { cause: 'credentials-rejected' } });
    expect(world.tabs.list()).toEqual([]);
  });

  it('an unreachable proxy: not reached, with the cause; the tab is closed', async () => {
    const world = await freshWorld();
    const tabId = await startTest(world);
    world.webRequest.onErrorOccurred.trigger({
      ...pageRequest(tabId),
      url: TEST_URL,
      method: 'GET',
      error: 'net::ERR_PROXY_CONNECTION_FAILED',
      proxyInfo: { host: '127.0.0.1', port: 9 },
    });
    const report = await finishedReport(world);
    expect(report.steps.map((s) => s.kind)).toEqual(['opened', 'not-reached']);
    expect(report.steps[1]).toMatchObject({
      proxy: '127.0.0.1:9',
      error: 'net::ERR_PROXY_CONNECTION_FAILED',
      diagnosis: { cause: 'proxy-unreachable' },
    });
    expect(world.tabs.list()).toEqual([]);
  });

  it('one test at a time: starting again while one runs opens no second tab; the last report stays readable', async () => {
    const world = await freshWorld();
    expect(await world.send('signin:test', { start: false })).toBeNull();
    const tabId = await startTest(world);
    expect(await world.send('signin:test', { start: true })).toMatchObject({ state: 'running' });
    expect(world.tabs.list()).toHaveLength(1);
    world.webRequest.onCompleted.trigger({ ...pageRequest(tabId), statusCode: 200 });
    expect((await finishedReport(world)).steps.map((s) => s.kind)).toEqual(['opened', 'no-challenge', 'loaded']);
    // A new one starts afresh.
    await world.send('signin:test', { start: true });
    await eventually(() => expect(world.tabs.list()).toHaveLength(1));
    expect(world.tabs.list()[0]!.id).not.toBe(tabId);
  });

  it('the test address is a setting: only an http(s) URL is taken', async () => {
    const world = startFreshBackground(path);
    expect((await world.send('settings:get', {})).settings.testUrl).toBe('http://neverssl.com/');
    expect(await world.send('settings:save', { changes: { testUrl: 'javascript:alert(1)' } })).toEqual({ errors: { testUrl: 'choice' } });
    expect((await world.send('settings:get', {})).settings.testUrl).toBe('http://neverssl.com/');
  });
});

describe('the sign-in tester', () => {
  function makeTester() {
    const tabs = createFakeTabs();
    const webRequest = createFakeWebRequest(BROWSER_PATHS[0]!.permissions);
    const timers: { fn: () => void; ms: number; cleared: boolean }[] = [];
    let now = 1_000;
    const tester = new SignInTester({
      tabs,
      webRequest,
      testUrl: () => TEST_URL,
      savedProxies: () => [],
      proxyOf: () => Promise.resolve(''),
      promptTimeoutMs: () => 60_000,
      now: () => now,
      timers: {
        setTimeout: (fn, ms) => {
          const timer = { fn, ms, cleared: false };
          timers.push(timer);
          return timer;
        },
        clearTimeout: (handle) => {
          (handle as { cleared: boolean }).cleared = true;
        },
      },
    });
    const live = () => timers.filter((t) => !t.cleared);
    return { tester, tabs, webRequest, live, advance: (ms: number) => (now += ms) };
  }

  it('gives up when nothing ends in time: timed out, and the tab is closed', async () => {
    const { tester, tabs, live, advance } = makeTester();
    tester.start();
    await eventually(() => expect(tabs.list()[0]?.url).toBe(TEST_URL));
    expect(live().map((t) => t.ms)).toEqual([SIGN_IN_TEST_TIMEOUT_MS]);
    advance(SIGN_IN_TEST_TIMEOUT_MS);
    live()[0]!.fn();
    expect(tester.report()).toMatchObject({
      state: 'failed',
      steps: [{ kind: 'opened' }, { kind: 'timed-out', atMs: SIGN_IN_TEST_TIMEOUT_MS }],
    });
    await eventually(() => expect(tabs.list()).toEqual([]));
  });

  it('a prompt that waits for the user gets the prompt’s own time, not the test’s', async () => {
    const { tester, tabs, live } = makeTester();
    tester.start();
    const tab = await eventually(() => tabs.list()[0]!);
    tester.observeRecord(makeRecord({ tabId: tab.id, requestId: 'doc', type: 'main_frame', outcome: 'prompted' }));
    expect(live().map((t) => t.ms)).toEqual([65_000]);
    // Records of another request in the same tab (an image) or of another tab change nothing.
    tester.observeRecord(makeRecord({ tabId: tab.id, requestId: 'img', type: 'image', outcome: 'answered-saved' }));
    tester.observeRecord(makeRecord({ tabId: tab.id + 1, requestId: 'doc', type: 'main_frame', outcome: 'rejected' }));
    expect(tester.report()?.steps.map((s) => s.kind)).toEqual(['opened', 'challenged', 'prompted']);
  });

  it('a tab that cannot be opened ends the test with the error', async () => {
    const { tester, tabs } = makeTester();
    tabs.create = () => Promise.reject(new Error('Tabs cannot be edited right now.'));
    tester.start();
    await eventually(() => expect(tester.report()?.state).toBe('failed'));
    const last = tester.report()?.steps.at(-1);
    expect(last?.kind).toBe('failed');
    expect(last?.error).toContain('Tabs cannot be edited');
  });
});
