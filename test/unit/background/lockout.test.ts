import { describe, expect, it } from 'vitest';
import { Answerer, type AuthAnswer } from '../../../src/background/answerer';
import type { LogRecord } from '../../../src/core/log-record';
import { PromptBoard, type PromptView } from '../../../src/core/prompt-board';
import { RequestTracker } from '../../../src/core/request-tracker';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/settings/settings';
import { CredentialStore } from '../../../src/storage/credential-store';
import { Vault } from '../../../src/storage/vault';
import { createMemoryArea } from '../../fakes/memory-area';
import { verificationDeps } from './answerer-deps';

/**
 * The lockout promise, end to end in one process: the real answerer, store,
 * vault, verifier and prompt board against a simulated proxy that checks
 * every password sent and counts the wrong ones — the failed logins a
 * directory would count towards a lockout. Like a real browser, the
 * simulation fires the challenge again for a request whose answer was refused,
 * reports a response for one that was accepted, and gives up after 32 tries.
 */
const PROXY = { host: 'proxy.example', port: 3128 };

interface SimProxy {
  passwords: Map<string, string>;
  scheme: 'basic' | 'digest';
  /** Status the proxy gives a wrong password: 407 as it should, or 401 as tinyproxy 1.11 does. */
  refuseWith: 407 | 401;
  failedLogins: number;
  acceptedLogins: number;
}

/** One browser profile: its storage and its vault key, shared by a background and the one that replaces it. */
async function makeProfile() {
  return {
    local: createMemoryArea(),
    session: createMemoryArea(),
    dataKey: await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']),
  };
}

async function makeWorld(settings: Partial<Settings> = {}, profile?: Awaited<ReturnType<typeof makeProfile>>) {
  const areas = profile ?? (await makeProfile());
  const { dataKey } = areas;
  const vault = new Vault({ device: areas.local, session: areas.session }, () => Promise.resolve(dataKey));
  const store = new CredentialStore(vault);
  const current = { ...DEFAULT_SETTINGS, ...settings };
  const records: LogRecord[] = [];
  const opened: PromptView[] = [];
  const board = new PromptBoard(() => current.promptTimeoutSec * 1000);
  const verification = verificationDeps(areas);
  const { standings } = verification;
  let id = 0;
  const answerer = new Answerer({
    ...verification,
    store,
    board,
    tracker: new RequestTracker(),
    settings: () => current,
    settingsReady: () => Promise.resolve(),
    log: (r) => records.push(r),
    openPromptWindow: (p) => opened.push(p),
    now: () => Date.now(),
    newId: () => `id${++id}`,
  });
  return { answerer, store, board, records, opened, standings, areas };
}

type World = Awaited<ReturnType<typeof makeWorld>>;

/**
 * One request through the simulated proxy: challenged, answered, judged,
 * challenged again while the answer is wrong. Resolves with how it ended.
 */
async function request(world: World, proxy: SimProxy, requestId: string): Promise<'loaded' | 'cancelled' | 'default' | 'site-401'> {
  for (let attempt = 1; attempt <= 32; attempt++) {
    const answer: AuthAnswer = await world.answerer.answer({
      requestId,
      url: `http://origin.test/r/${requestId}`,
      method: 'GET',
      type: 'image',
      tabId: 1,
      isProxy: true,
      scheme: proxy.scheme,
      realm: 'Office',
      challenger: PROXY,
      timeStamp: Date.now(),
    });
    if (answer.kind === 'cancel') return 'cancelled';
    if (answer.kind === 'default') return 'default';
    if (proxy.passwords.get(answer.username) === answer.password) {
      proxy.acceptedLogins++;
      world.answerer.observeResponse({ requestId: requestId, statusCode: 200 });
      return 'loaded';
    }
    proxy.failedLogins++;
    if (proxy.refuseWith === 401) {
      await world.answerer.answer({
        requestId,
        url: `http://origin.test/r/${requestId}`,
        isProxy: false,
        scheme: 'basic',
        realm: 'tinyproxy',
        challenger: { host: 'origin.test', port: 80 },
      });
      return 'site-401';
    }
  }
  return 'cancelled';
}

function burst(world: World, proxy: SimProxy, n: number, prefix = 'r') {
  return Promise.all(Array.from({ length: n }, (_, i) => request(world, proxy, `${prefix}${i}`)));
}

/** Saves an account as a prompt does: a new one goes first in the answer order. */
async function save(world: World, username: string, password: string) {
  return world.store.upsertEntered({ proxy: PROXY, username, password, scope: 'device' }, Date.now(), () => `${username}-id`);
}

const tick = () => new Promise((r) => setTimeout(r, 0));

async function waitFor(condition: () => boolean) {
  for (let i = 0; i < 200 && !condition(); i++) await tick();
  expect(condition()).toBe(true);
}

function simProxy(passwords: Record<string, string>, overrides: Partial<SimProxy> = {}): SimProxy {
  return {
    passwords: new Map(Object.entries(passwords)),
    scheme: 'basic',
    refuseWith: 407,
    failedLogins: 0,
    acceptedLogins: 0,
    ...overrides,
  };
}

describe('never lock an account: failed logins per wrong password, whatever the load', () => {
  it('a stale saved password with a burst of 60 costs one failed login, and the 60 join one prompt', async () => {
    const world = await makeWorld();
    await save(world, 'alice', 'old');
    const proxy = simProxy({ alice: 'new' });
    const ended = burst(world, proxy, 60);
    await waitFor(() => world.board.waitingTotal() === 60);
    expect(proxy.failedLogins).toBe(1);
    expect(world.opened).toHaveLength(1);
    expect(world.opened[0]).toMatchObject({ rejected: true, rejectedUsername: 'alice' });
    const [prompt] = world.board.list();
    expect(prompt?.failedLogins).toBe(1);
    await world.answerer.submit({
      promptId: prompt!.id,
      proxy: PROXY,
      realm: 'Office',
      username: 'alice',
      password: 'new',
      scope: 'device',
    });
    expect(await ended).toEqual(Array(60).fill('loaded'));
    expect(proxy.failedLogins).toBe(1);
  });

  it('a wrong password typed into a prompt 60 requests wait on costs one failed login; the right one loads all 60', async () => {
    const world = await makeWorld();
    const proxy = simProxy({ alice: 'right' });
    const ended = burst(world, proxy, 60);
    await waitFor(() => world.board.waitingTotal() === 60);
    const first = world.board.list()[0]!;
    await world.answerer.submit({
      promptId: first.id,
      proxy: PROXY,
      realm: 'Office',
      username: 'alice',
      password: 'typo',
      scope: 'device',
    });
    await waitFor(() => world.board.waitingTotal() === 60);
    expect(proxy.failedLogins).toBe(1);
    const again = world.board.list()[0]!;
    expect(again).toMatchObject({ rejected: true, rejectedUsername: 'alice', failedLogins: 1 });
    expect(world.opened).toHaveLength(2);
    await world.answerer.submit({
      promptId: again.id,
      proxy: PROXY,
      realm: 'Office',
      username: 'alice',
      password: 'right',
      scope: 'device',
    });
    expect(await ended).toEqual(Array(60).fill('loaded'));
    expect(proxy).toMatchObject({ failedLogins: 1, acceptedLogins: 60 });
  });

  it('the right saved password answers a burst of 60 with no failed login, and later challenges from memory', async () => {
    const world = await makeWorld();
    await save(world, 'alice', 'right');
    const proxy = simProxy({ alice: 'right' });
    expect(await burst(world, proxy, 60)).toEqual(Array(60).fill('loaded'));
    expect(proxy.failedLogins).toBe(0);
    expect(world.opened).toHaveLength(0);
    expect(await burst(world, proxy, 5, 'later')).toEqual(Array(5).fill('loaded'));
  });

  it('two wrong saved accounts, walked on by setting, cost one failed login each, then the proxy locks', async () => {
    const world = await makeWorld({ afterRefusal: 'next' });
    await save(world, 'alice', 'old-a');
    await save(world, 'bob', 'old-b');
    const proxy = simProxy({ alice: 'new-a', bob: 'new-b' });
    const ended = await burst(world, proxy, 50);
    expect(proxy.failedLogins).toBe(2);
    // Two refusals within the window lock the proxy: the requests end, no prompt opens by itself.
    expect(ended.every((e) => e === 'cancelled')).toBe(true);
    expect(world.opened).toHaveLength(0);
    const [standing, ...others] = world.standings.list();
    expect(others).toEqual([]);
    expect(standing).toMatchObject({ proxy: 'proxy.example:3128', failedLogins: 2 });
    expect(standing?.lockedAt).toBeTypeOf('number');
    expect(await burst(world, proxy, 5, 'again')).toEqual(Array(5).fill('cancelled'));
    expect(proxy.failedLogins).toBe(2);
  });

  it('by default asks before trying the next account after a refusal', async () => {
    const world = await makeWorld();
    // A newly saved account goes first: alice is tried before bob.
    await save(world, 'bob', 'right-b');
    await save(world, 'alice', 'old-a');
    const proxy = simProxy({ alice: 'new-a', bob: 'right-b' });
    const ended = burst(world, proxy, 20);
    await waitFor(() => world.board.waitingTotal() === 20);
    expect(proxy.failedLogins).toBe(1);
    expect(world.board.list()[0]).toMatchObject({ notice: 'held' });
    world.answerer.cancel(world.board.list()[0]!.id);
    expect(new Set(await ended)).toEqual(new Set(['cancelled']));
  });

  it('a lock survives a restart of the background and lifts only when the user unlocks it', async () => {
    const areas = await makeProfile();
    const first = await makeWorld({ afterRefusal: 'next' }, areas);
    await save(first, 'alice', 'old-a');
    await save(first, 'bob', 'old-b');
    await burst(first, simProxy({ alice: 'x', bob: 'y' }), 3);
    await tick();
    const restarted = await makeWorld({ afterRefusal: 'next' }, areas);
    await save(restarted, 'carol', 'right');
    const proxy = simProxy({ carol: 'right' });
    expect(await burst(restarted, proxy, 3)).toEqual(Array(3).fill('cancelled'));
    expect(restarted.answerer.unlock('proxy.example:3128')).toBe(true);
    expect(await burst(restarted, proxy, 3, 'u')).toEqual(Array(3).fill('loaded'));
    expect(proxy.failedLogins).toBe(0);
  });

  it('a background restart while the proxy judges a probe counts its next challenge as the refusal it is', async () => {
    const areas = await makeProfile();
    const first = await makeWorld({}, areas);
    await save(first, 'alice', 'old');
    const challenge = { requestId: 'p', url: 'http://origin.test/', isProxy: true, scheme: 'basic', realm: 'Office', challenger: PROXY };
    const sent = await first.answerer.answer(challenge);
    expect(sent).toMatchObject({ kind: 'credentials', password: 'old' });
    await tick();
    // The worker dies here; the proxy refuses; the browser asks a fresh background about the same request.
    const restarted = await makeWorld({}, areas);
    const next = restarted.answerer.answer(challenge);
    await waitFor(() => restarted.board.waitingTotal() === 1);
    expect(restarted.board.list()[0]).toMatchObject({ rejected: true, rejectedUsername: 'alice' });
    expect(restarted.store.list()[0]?.rejected).toBe(true);
    restarted.answerer.cancel(restarted.board.list()[0]!.id);
    expect(await next).toEqual({ kind: 'cancel' });
  });

  it('a request challenged by a second proxy after a redirect refuses nothing at the first', async () => {
    const world = await makeWorld();
    await save(world, 'alice', 'right');
    const other = { host: 'gw.example', port: 8080 };
    await world.store.upsertEntered({ proxy: other, username: 'gwuser', password: 'gw', scope: 'device' }, 2, () => 'gw-id');
    const base = { requestId: 'x', url: 'http://origin.test/', isProxy: true, scheme: 'basic', realm: 'Office' };
    expect(await world.answerer.answer({ ...base, challenger: PROXY })).toMatchObject({ password: 'right' });
    expect(await world.answerer.answer({ ...base, challenger: other })).toMatchObject({ password: 'gw' });
    expect(world.store.list().every((c) => !c.rejected)).toBe(true);
    expect(world.standings.list()).toEqual([]);
  });

  it('a password used with Digest is not sent to a Basic challenge from the same proxy without asking', async () => {
    const world = await makeWorld();
    await save(world, 'alice', 'right');
    expect(await burst(world, simProxy({ alice: 'right' }, { scheme: 'digest' }), 1)).toEqual(['loaded']);
    const basic = burst(world, simProxy({ alice: 'right' }), 1, 'b');
    await waitFor(() => world.board.waitingTotal() === 1);
    expect(world.board.list()[0]).toMatchObject({ notice: 'downgrade', scheme: 'basic' });
    world.answerer.cancel(world.board.list()[0]!.id);
    expect(await basic).toEqual(['cancelled']);
  });

  it("a proxy that refuses with a site's 401 (tinyproxy 1.11) costs one failed login and sends nothing more without asking", async () => {
    const world = await makeWorld();
    await save(world, 'alice', 'old');
    const proxy = simProxy({ alice: 'new' }, { refuseWith: 401 });
    const ended = burst(world, proxy, 20);
    await waitFor(() => world.board.waitingTotal() === 19);
    expect(proxy.failedLogins).toBe(1);
    expect(world.board.list()[0]).toMatchObject({ notice: 'doubt' });
    expect(world.records.filter((r) => r.outcome === 'site-login-after-answer')).toHaveLength(1);
    world.answerer.cancel(world.board.list()[0]!.id);
    const results = await ended;
    expect(results.filter((r) => r === 'site-401')).toHaveLength(1);
    expect(results.filter((r) => r === 'cancelled')).toHaveLength(19);
  });

  it('a probe that ends without a verdict hands over to the next request', async () => {
    const world = await makeWorld();
    await save(world, 'alice', 'right');
    const base = { url: 'http://origin.test/', isProxy: true, scheme: 'basic', realm: 'Office', challenger: PROXY };
    const probe = await world.answerer.answer({ ...base, requestId: 'a' });
    expect(probe.kind).toBe('credentials');
    let second: AuthAnswer | undefined;
    void world.answerer.answer({ ...base, requestId: 'b' }).then((a) => (second = a));
    await tick();
    expect(second).toBeUndefined();
    world.answerer.observeEnd('a', 'net::ERR_ABORTED');
    await waitFor(() => second !== undefined);
    expect(second).toMatchObject({ kind: 'credentials', password: 'right' });
  });

  it("a fetch's 401 after our answer (no site challenge reaches the extension) doubts the password at once: one failed login, nothing more sent", async () => {
    const world = await makeWorld();
    await save(world, 'alice', 'old');
    const base = {
      url: 'http://origin.test/f',
      isProxy: true,
      scheme: 'basic',
      realm: 'Office',
      challenger: PROXY,
      type: 'xmlhttprequest',
    };
    const first = await world.answerer.answer({ ...base, requestId: 'f0' });
    expect(first).toMatchObject({ kind: 'credentials', password: 'old' });
    const others = Array.from({ length: 5 }, (_, i) => world.answerer.answer({ ...base, requestId: `f${i + 1}` }));
    await tick();
    // tinyproxy answers the wrong password with 401; the browser reports only the response.
    world.answerer.observeResponse({
      requestId: 'f0',
      statusCode: 401,
      url: 'http://origin.test/f',
      method: 'GET',
      type: 'xmlhttprequest',
      tabId: 1,
    });
    await waitFor(() => world.board.waitingTotal() === 5);
    expect(world.board.list()[0]).toMatchObject({ notice: 'doubt' });
    expect(world.records.filter((r) => r.outcome === 'site-login-after-answer')).toHaveLength(1);
    expect(world.records.filter((r) => r.outcome === 'answered-saved')).toHaveLength(1);
    world.answerer.cancel(world.board.list()[0]!.id);
    expect(await Promise.all(others)).toEqual(Array(5).fill({ kind: 'cancel' }));
    // A later challenge does not send the doubted password either: it asks.
    const later = world.answerer.answer({ ...base, requestId: 'later' });
    await waitFor(() => world.board.waitingTotal() === 1);
    expect(world.board.list()[0]).toMatchObject({ notice: 'doubt' });
    await world.answerer.submit({
      promptId: world.board.list()[0]!.id,
      proxy: PROXY,
      realm: 'Office',
      username: 'alice',
      password: 'new',
      scope: 'device',
    });
    expect(await later).toMatchObject({ kind: 'credentials', password: 'new' });
    expect(world.records.filter((r) => r.outcome === 'answered-saved')).toHaveLength(1);
  });

  it('a request that fails after carrying an unverified password (not cancelled) sends it nowhere else without asking', async () => {
    const world = await makeWorld();
    await save(world, 'alice', 'old');
    const base = { url: 'http://origin.test/f', isProxy: true, scheme: 'basic', realm: 'Office', challenger: PROXY };
    expect(await world.answerer.answer({ ...base, requestId: 'p' })).toMatchObject({ password: 'old' });
    const waiting = world.answerer.answer({ ...base, requestId: 'w' });
    await tick();
    // Chromium: a cross-origin fetch that met the proxy's 401 ends with net::ERR_FAILED and no response.
    world.answerer.observeEnd('p', 'net::ERR_FAILED');
    await waitFor(() => world.board.waitingTotal() === 1);
    expect(world.board.list()[0]).toMatchObject({ notice: 'doubt' });
    world.answerer.cancel(world.board.list()[0]!.id);
    expect(await waiting).toEqual({ kind: 'cancel' });
    expect(world.records.filter((r) => r.outcome === 'answered-saved')).toHaveLength(1);
  });
});
