import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Answerer, type AnswererDeps, type PromptSubmission } from '../../../src/background/answerer';
import type { LogRecord } from '../../../src/core/log-record';
import { PromptBoard, type PromptView } from '../../../src/core/prompt-board';
import { RequestTracker } from '../../../src/core/request-tracker';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/settings/settings';
import { CredentialStore } from '../../../src/storage/credential-store';
import { createMemoryArea } from '../../fakes/memory-area';
import { Vault } from '../../../src/storage/vault';
import { verificationDeps } from './answerer-deps';
import { makeChallengeDetails } from '../challenge-factory';

/** A proxy challenge as the browser sends it (see test/fixtures for recorded ones). */
const details = makeChallengeDetails;

interface World {
  answerer: Answerer;
  store: CredentialStore;
  board: PromptBoard;
  records: LogRecord[];
  opened: PromptView[];
  device: ReturnType<typeof createMemoryArea>;
  settings: { value: Settings };
  vault: Vault;
}

async function makeWorld(
  settingsOverride: Partial<Settings> = {},
  key?: CryptoKey,
  depsOverride: Partial<AnswererDeps> = {},
): Promise<World> {
  const dataKey = key ?? (await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']));
  const device = createMemoryArea();
  const vault = new Vault({ device, session: createMemoryArea() }, () => Promise.resolve(dataKey));
  const store = new CredentialStore(vault);
  const settings = { value: { ...DEFAULT_SETTINGS, ...settingsOverride } };
  const board = new PromptBoard(() => settings.value.promptTimeoutSec * 1000);
  const records: LogRecord[] = [];
  const opened: PromptView[] = [];
  let id = 0;
  const deps: AnswererDeps = {
    ...verificationDeps(),
    store,
    board,
    tracker: new RequestTracker(),
    settings: () => settings.value,
    settingsReady: async () => {},
    log: (r) => records.push(r),
    openPromptWindow: (p) => opened.push(p),
    now: () => Date.now(),
    newId: () => `id${++id}`,
    ...depsOverride,
  };
  return { answerer: new Answerer(deps), store, board, records, opened, device, settings, vault };
}

async function saveAlice(world: World, password = 'right') {
  await world.store.upsertEntered(
    { proxy: { host: 'proxy.example', port: 3128 }, username: 'alice', password, scope: 'device' },
    1,
    () => 'alice-id',
  );
}

/** The user answers the first prompt the answerer opened; the form's proxy, realm and scope unless the test names others. */
function submitToPrompt(
  world: World,
  fields: Pick<PromptSubmission, 'username' | 'password'> & Partial<Pick<PromptSubmission, 'proxy' | 'realm' | 'scope'>>,
) {
  return world.answerer.submit({
    promptId: world.opened[0]!.id,
    proxy: { host: 'proxy.example', port: 3128 },
    realm: 'Office',
    scope: 'device',
    ...fields,
  });
}

/** Lets the answerer reach its prompt wait. */
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('Answerer', () => {
  beforeEach(() => {
    vi.useRealTimers();
  });

  it('answers a proxy challenge from the saved credential, without a prompt', async () => {
    const world = await makeWorld();
    await saveAlice(world);
    const answer = await world.answerer.answer(details());
    expect(answer).toEqual({ kind: 'credentials', username: 'alice', password: 'right' });
    expect(world.opened).toEqual([]);
    expect(world.records).toMatchObject([
      { outcome: 'answered-saved', proxy: 'proxy.example:3128', attempt: 1, username: 'alice', url: 'http://origin.test/index.html' },
    ]);
    expect(JSON.stringify(world.records)).not.toContain('right');
  });

  it('answers from the saved credentials as they are at each challenge: edited, another proxy’s added, removed', async () => {
    const world = await makeWorld();
    await saveAlice(world, 'old');
    expect(await world.answerer.answer(details({ requestId: '1' }))).toMatchObject({ username: 'alice', password: 'old' });
    world.answerer.observeResponse({ requestId: '1', statusCode: 200 });
    await saveAlice(world, 'new');
    world.answerer.credentialChanged('alice-id');
    const respelled = details({ requestId: '2', challenger: { host: 'PROXY.Example', port: 3128 } });
    expect(await world.answerer.answer(respelled)).toMatchObject({ username: 'alice', password: 'new' });
    world.answerer.observeResponse({ requestId: '2', statusCode: 200 });
    await world.store.upsertEntered(
      { proxy: { host: 'other.example', port: 3128 }, username: 'bob', password: 'b', scope: 'device' },
      2,
      () => 'bob-id',
    );
    expect(await world.answerer.answer(details({ requestId: '3' }))).toMatchObject({ username: 'alice', password: 'new' });
    await world.store.remove('alice-id');
    world.answerer.credentialChanged('alice-id');
    const fourth = world.answerer.answer(details({ requestId: '4' }));
    await settle();
    expect(world.opened).toHaveLength(1);
    world.answerer.cancel(world.opened[0]!.id);
    expect(await fourth).toEqual({ kind: 'cancel' });
  });

  it('waits again for a load that starts again (settings read anew) before it decides', async () => {
    let settingsLoad = Promise.resolve();
    const world = await makeWorld({}, undefined, { settingsReady: () => settingsLoad });
    await saveAlice(world);
    expect(await world.answerer.answer(details({ requestId: '1' }))).toMatchObject({ password: 'right' });
    world.answerer.observeResponse({ requestId: '1', statusCode: 200 });
    let loaded!: () => void;
    settingsLoad = new Promise((resolve) => (loaded = resolve));
    let answered = false;
    const second = world.answerer.answer(details({ requestId: '2' })).then((a) => ((answered = true), a));
    await settle();
    expect(answered).toBe(false);
    loaded();
    expect(await second).toMatchObject({ password: 'right' });
  });

  it('leaves a site 401 to the browser and logs nothing', async () => {
    const world = await makeWorld();
    await saveAlice(world);
    expect(await world.answerer.answer(details({ isProxy: false }))).toEqual({ kind: 'default' });
    expect(world.records).toEqual([]);
  });

  it('leaves a malformed payload to the browser', async () => {
    const world = await makeWorld();
    expect(await world.answerer.answer({ isProxy: true })).toEqual({ kind: 'default' });
  });

  it('on a repeat challenge marks the credential rejected (persisted), prompts with the rejection, and accepts the new password', async () => {
    const world = await makeWorld();
    await saveAlice(world, 'wrong');
    expect(await world.answerer.answer(details())).toMatchObject({ password: 'wrong' });
    const second = world.answerer.answer(details());
    await settle();
    expect(world.opened).toHaveLength(1);
    expect(world.board.get(world.opened[0]!.id)).toMatchObject({ rejected: true, rejectedUsername: 'alice' });
    // Persisted: a fresh load sees the mark.
    expect((await world.vault.load()).credentials[0]?.rejected).toBe(true);
    const result = await submitToPrompt(world, { proxy: { host: 'x', port: 1 }, realm: '', username: 'alice', password: 'right' });
    expect(result).toEqual({ answered: 1, saved: true, promptGone: false });
    expect(await second).toEqual({ kind: 'credentials', username: 'alice', password: 'right' });
    // Re-entering the same account replaced it (keeping its any-realm choice) and cleared the mark;
    // the prompt's own proxy won over what the page sent.
    const saved = (await world.vault.load()).credentials;
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ id: 'alice-id', rejected: false, password: 'right', proxy: { host: 'proxy.example', port: 3128 } });
    expect(saved[0]?.realm ?? '').toBe('');
    expect(world.records.map((r) => r.outcome)).toEqual(['answered-saved', 'rejected', 'prompted', 'answered-prompt']);
  });

  it('never sends a rejected credential again, for any request', async () => {
    const world = await makeWorld();
    await saveAlice(world, 'wrong');
    await world.answerer.answer(details({ requestId: '1' }));
    void world.answerer.answer(details({ requestId: '1' }));
    await settle();
    const other = world.answerer.answer(details({ requestId: '2' }));
    await settle();
    expect(world.opened).toHaveLength(1);
    expect(world.board.list()[0]?.waitingCount).toBe(2);
    world.answerer.cancel(world.opened[0]!.id);
    expect(await other).toEqual({ kind: 'cancel' });
  });

  it('survives a restart with the rejection remembered', async () => {
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const world = await makeWorld({}, key);
    await saveAlice(world, 'wrong');
    await world.answerer.answer(details({ requestId: '1' }));
    void world.answerer.answer(details({ requestId: '1' }));
    await settle();
    const restarted = new CredentialStore(world.vault);
    await restarted.ready();
    expect(restarted.list()[0]?.rejected).toBe(true);
  });

  it('opens one prompt for many concurrent challenges and one submit answers them all', async () => {
    const world = await makeWorld();
    const answers = Array.from({ length: 60 }, (_, i) =>
      world.answerer.answer(details({ requestId: String(i), url: `http://origin${i % 5}.test/r${i}` })),
    );
    await settle();
    expect(world.opened).toHaveLength(1);
    expect(world.board.get(world.opened[0]!.id)).toMatchObject({
      waitingCount: 60,
      sites: ['origin0.test', 'origin1.test', 'origin2.test', 'origin3.test', 'origin4.test'],
    });
    const result = await submitToPrompt(world, { username: 'bob', password: 'pw' });
    expect(result.answered).toBe(60);
    // The typed password goes to the proxy with one request first; its acceptance answers the other 59.
    const probe = await Promise.race(answers.map((a, i) => a.then(() => String(i))));
    expect(world.board.waitingTotal()).toBe(0);
    world.answerer.observeResponse({ requestId: probe, statusCode: 200 });
    const all = await Promise.all(answers);
    expect(all.every((a) => a.kind === 'credentials' && a.password === 'pw')).toBe(true);
    // The next fresh challenge is answered from what was saved.
    expect(await world.answerer.answer(details({ requestId: 'next' }))).toMatchObject({ kind: 'credentials', username: 'bob' });
    expect(world.opened).toHaveLength(1);
  });

  it('"just this once" answers the waiting requests but saves nothing', async () => {
    const world = await makeWorld();
    const waiting = world.answerer.answer(details());
    await settle();
    await submitToPrompt(world, { username: 'bob', password: 'pw', scope: 'once' });
    expect(await waiting).toMatchObject({ kind: 'credentials', password: 'pw' });
    expect(world.device.data).toEqual({});
    expect(world.store.list()).toEqual([]);
  });

  it('a refused "just this once" answer prompts again naming the user', async () => {
    const world = await makeWorld();
    const first = world.answerer.answer(details());
    await settle();
    await submitToPrompt(world, { username: 'bob', password: 'bad', scope: 'once' });
    await first;
    void world.answerer.answer(details());
    await settle();
    expect(world.opened).toHaveLength(2);
    expect(world.board.get(world.opened[1]!.id)).toMatchObject({ rejected: true, rejectedUsername: 'bob' });
  });

  it('cancels a request once it passes the attempt cap', async () => {
    const world = await makeWorld({ attemptCap: 2, afterRefusal: 'next' });
    await world.store.upsertEntered(
      { proxy: { host: 'proxy.example', port: 3128 }, username: 'a', password: '1', scope: 'device' },
      1,
      () => 'a',
    );
    await world.store.upsertEntered(
      { proxy: { host: 'proxy.example', port: 3128 }, username: 'b', password: '2', scope: 'device' },
      1,
      () => 'b',
    );
    expect(await world.answerer.answer(details())).toMatchObject({ username: 'b' });
    expect(await world.answerer.answer(details())).toMatchObject({ username: 'a' });
    expect(await world.answerer.answer(details())).toEqual({ kind: 'cancel' });
    expect(world.records.map((r) => r.outcome)).toEqual(['answered-saved', 'rejected', 'answered-saved', 'rejected', 'attempt-cap']);
    expect(world.opened).toEqual([]);
  });

  it('cancels every waiting request when the user cancels', async () => {
    const world = await makeWorld();
    const a = world.answerer.answer(details({ requestId: 'a' }));
    const b = world.answerer.answer(details({ requestId: 'b' }));
    await settle();
    expect(world.answerer.cancel(world.opened[0]!.id)).toBe(2);
    expect(await Promise.all([a, b])).toEqual([{ kind: 'cancel' }, { kind: 'cancel' }]);
    expect(world.records.filter((r) => r.outcome === 'cancelled-user')).toHaveLength(2);
  });

  it('hands the requests to the browser dialog when the setting says so', async () => {
    const world = await makeWorld({ onCancel: 'browser' });
    const a = world.answerer.answer(details());
    await settle();
    world.answerer.cancel(world.opened[0]!.id);
    expect(await a).toEqual({ kind: 'default' });
    expect(world.records.at(-1)?.outcome).toBe('handed-to-browser');
  });

  it('times a prompt out and cancels what waited', async () => {
    vi.useFakeTimers();
    const world = await makeWorld({ promptTimeoutSec: 30 });
    const a = world.answerer.answer(details());
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await a).toEqual({ kind: 'cancel' });
    expect(world.records.at(-1)?.outcome).toBe('timed-out');
    expect(world.board.list()).toEqual([]);
  });

  it('after a background restart, submitting still saves the credential and says the prompt is gone', async () => {
    const world = await makeWorld();
    const result = await world.answerer.submit({
      promptId: 'from-before-restart',
      proxy: { host: 'Proxy.Example', port: 3128 },
      realm: 'Office',
      username: 'carol',
      password: 'pw',
      scope: 'device',
    });
    expect(result).toEqual({ answered: 0, saved: true, promptGone: true });
    expect(await world.answerer.answer(details())).toMatchObject({ kind: 'credentials', username: 'carol' });
  });

  it('does not answer NTLM or Negotiate, and logs why', async () => {
    const world = await makeWorld();
    await saveAlice(world);
    expect(await world.answerer.answer(details({ scheme: 'NTLM' }))).toEqual({ kind: 'default' });
    expect(world.records).toMatchObject([{ outcome: 'unsupported-scheme', scheme: 'ntlm' }]);
  });

  it('on a cold start, concurrent challenges share one load and all get the saved answer', async () => {
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const before = await makeWorld({}, key);
    await saveAlice(before);
    // A new background over the same storage: nothing in memory yet.
    let loads = 0;
    const vault = before.vault;
    const load = vault.load.bind(vault);
    vault.load = () => {
      loads++;
      return load();
    };
    const store = new CredentialStore(vault);
    const board = new PromptBoard(() => 60_000);
    const opened: PromptView[] = [];
    const answerer = new Answerer({
      ...verificationDeps(),
      store,
      board,
      tracker: new RequestTracker(),
      settings: () => DEFAULT_SETTINGS,
      settingsReady: async () => {},
      log: () => {},
      openPromptWindow: (p) => opened.push(p),
      now: () => Date.now(),
      newId: () => 'x',
    });
    const pending = Array.from({ length: 20 }, (_, i) => answerer.answer(details({ requestId: `cold${i}` })));
    // One request carries the password until the proxy's verdict (verifier.ts); then all are answered.
    const probe = await pending[0]!;
    expect(probe).toMatchObject({ kind: 'credentials', username: 'alice' });
    answerer.observeResponse({ requestId: 'cold0', statusCode: 200 });
    const answers = await Promise.all(pending);
    expect(loads).toBe(1);
    expect(answers.every((a) => a.kind === 'credentials' && a.username === 'alice')).toBe(true);
    expect(opened).toEqual([]);
  });
});
