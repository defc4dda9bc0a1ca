import { fakeBrowser } from '@webext-core/fake-browser';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { BackgroundApi } from '../../../src/background/background-api';
import { startBackground } from '../../../src/background/start-background';
import { NO_POLICY, type Policy } from '../../../src/settings/policy';
import { ManagedPolicy, readManagedPolicy, type ManagedArea } from '../../../src/storage/managed-policy';
import { BROWSER_PATHS, createFakeBrowser, type FakeBrowserWorld } from '../../fakes/fake-browser';
import { challenge, eventually, PROXY, respond } from '../background/background-world';

/** A managed area the administrator can change while the browser runs. */
function managedArea(
  initial: Record<string, unknown> | 'refuses',
  delayMs = 0,
): ManagedArea & { policy: Record<string, unknown> | 'refuses' } {
  const area = {
    policy: initial,
    get: async () => {
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (area.policy === 'refuses') throw new Error('Managed storage manifest not found');
      return structuredClone(area.policy);
    },
  };
  return area;
}

const POLICY = {
  proxies: [{ host: PROXY.host, port: PROXY.port, username: 'fleet', password: 'from-policy-pw' }],
  lockedSettings: { attemptCap: 2 },
  recommendedSettings: { logLimit: 500 },
};

describe('readManagedPolicy', () => {
  it('no managed area, one that refuses (Firefox without a policy) or an empty one: no policy', async () => {
    expect(await readManagedPolicy(undefined)).toBe(NO_POLICY);
    expect(await readManagedPolicy(managedArea('refuses'))).toBe(NO_POLICY);
    expect(await readManagedPolicy(managedArea({}))).toBe(NO_POLICY);
  });

  it('reads what is there field by field', async () => {
    const policy = await readManagedPolicy(managedArea({ ...POLICY, lockedSettings: { attemptCap: 'many' } }));
    expect(policy.credentials.map((c) => c.username)).toEqual(['fleet']);
    expect(policy.locked).toEqual({});
    expect(policy.problems).toEqual([{ path: 'lockedSettings.attemptCap', code: 'settingValue' }]);
  });
});

describe('ManagedPolicy', () => {
  it('reads once for every caller, and a slow earlier read never overwrites a later one', async () => {
    const applied: Policy[] = [];
    let release: (value: Record<string, unknown>) => void = () => {};
    let reads = 0;
    const area: ManagedArea = {
      get: () => {
        reads++;
        return reads === 1 ? new Promise((resolve) => (release = resolve)) : Promise.resolve({ lockedSettings: { attemptCap: 4 } });
      },
    };
    const managed = new ManagedPolicy(
      () => area,
      (policy) => applied.push(policy),
    );
    const first = managed.ready();
    void managed.ready();
    const second = await managed.refresh();
    release({ lockedSettings: { attemptCap: 1 } });
    await first;
    expect(reads).toBe(2);
    expect(second.locked).toEqual({ attemptCap: 4 });
    expect(applied.map((p) => p.locked)).toEqual([{ attemptCap: 4 }]);
    managed.applyStorageChange('local');
    expect(reads).toBe(2);
  });
});

function startWithPolicy(path: (typeof BROWSER_PATHS)[number], area: ManagedArea): FakeBrowserWorld {
  fakeBrowser.reset();
  globalThis.indexedDB = new IDBFactory();
  const world = createFakeBrowser(path.permissions);
  const api: BackgroundApi = { ...world.api, storage: { ...world.api.storage, managed: area } };
  startBackground(api);
  return world;
}

async function everythingStored(): Promise<string> {
  return JSON.stringify([await fakeBrowser.storage.local.get(null), await fakeBrowser.storage.session.get(null)]);
}

describe.each(BROWSER_PATHS)('the background with a policy, $name', (path) => {
  it('answers the first challenge, on a cold start, with the policy account, and writes its password nowhere', async () => {
    // The policy is read slower than the saved credentials load: the answer must still wait for it.
    const world = startWithPolicy(path, managedArea(POLICY, 300));
    const answer = await world.webRequest.onAuthRequired.trigger(challenge());
    expect(answer).toEqual({ authCredentials: { username: 'fleet', password: 'from-policy-pw' } });
    respond(world, '100');
    const list = await world.send('credentials:list', {});
    expect(list.credentials.map((c) => [c.id, c.username])).toEqual([[`policy:${PROXY.host}:${String(PROXY.port)}::fleet`, 'fleet']]);
    expect(JSON.stringify(list)).not.toContain('from-policy-pw');
    expect(await everythingStored()).not.toContain('from-policy-pw');
  });

  it('a refused policy account is not sent again: the user is asked, and it still is written nowhere', async () => {
    const world = startWithPolicy(path, managedArea(POLICY));
    await world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'r' }));
    // The same request challenged again: the proxy refused the policy's password.
    const again = world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'r' }));
    await eventually(() => expect(world.windows.list().length).toBe(1));
    const list = await world.send('credentials:list', {});
    expect(list.credentials[0]?.rejected).toBe(true);
    expect(await everythingStored()).not.toContain('from-policy-pw');
    void again;
  });

  it('a refused policy account stays refused while the policy is re-read unchanged, and a new password from the administrator is tried', async () => {
    const area = managedArea(POLICY);
    const world = startWithPolicy(path, area);
    await world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'r' }));
    void world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'r' }));
    await eventually(async () => expect((await world.send('credentials:list', {})).credentials[0]?.rejected).toBe(true));
    await fakeBrowser.storage.onChanged.trigger({}, 'managed');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await world.send('credentials:list', {})).credentials[0]?.rejected).toBe(true);
    area.policy = { ...POLICY, proxies: [{ ...POLICY.proxies[0], password: 'new-policy-pw' }] };
    await fakeBrowser.storage.onChanged.trigger({}, 'managed');
    await eventually(async () => expect((await world.send('credentials:list', {})).credentials[0]?.rejected).toBe(false));
    expect(await everythingStored()).not.toContain('new-policy-pw');
  });

  it('the user can neither edit nor delete a policy account', async () => {
    const world = startWithPolicy(path, managedArea(POLICY));
    const id = `policy:${PROXY.host}:${String(PROXY.port)}::fleet`;
    await expect(world.send('credentials:delete', { id })).rejects.toThrow();
    await expect(
      world.send('credentials:save', {
        id,
        host: PROXY.host,
        port: PROXY.port,
        realm: '',
        username: 'fleet',
        password: '',
        scope: 'device',
      }),
    ).rejects.toThrow();
    expect(await everythingStored()).not.toContain('from-policy-pw');
    expect((await world.send('credentials:list', {})).credentials).toHaveLength(1);
  });

  it('a locked setting is in force, shown as locked, and a change to it is refused; a recommended one the user may change', async () => {
    const world = startWithPolicy(path, managedArea(POLICY));
    const state = await world.send('settings:get', {});
    expect(state.settings.attemptCap).toBe(2);
    expect(state.settings.logLimit).toBe(500);
    expect(state.policy?.locked).toEqual(['attemptCap']);
    expect(await world.send('settings:save', { changes: { attemptCap: 5 } })).toEqual({ errors: { attemptCap: 'locked' } });
    const saved = await world.send('settings:save', { changes: { logLimit: 900 } });
    expect('settings' in saved && saved.settings.logLimit).toBe(900);
    expect((await world.send('settings:get', {})).settings.attemptCap).toBe(2);
  });

  it('a policy changed while the browser runs applies when the browser says the managed area changed', async () => {
    const area = managedArea(POLICY);
    const world = startWithPolicy(path, area);
    expect((await world.send('settings:get', {})).settings.attemptCap).toBe(2);
    area.policy = { lockedSettings: { attemptCap: 7 } };
    await fakeBrowser.storage.onChanged.trigger({ lockedSettings: { newValue: { attemptCap: 7 } } }, 'managed');
    await eventually(async () => expect((await world.send('settings:get', {})).settings.attemptCap).toBe(7));
    expect((await world.send('credentials:list', {})).credentials).toEqual([]);
  });

  it('a malformed policy is reported, the rest of it applies, and challenges still work', async () => {
    const world = startWithPolicy(
      path,
      managedArea({ proxies: [{ host: PROXY.host, port: 'x', username: 'fleet', password: 'p' }], lockedSettings: { logLimit: 1000 } }),
    );
    const state = await world.send('settings:get', {});
    expect(state.policy?.problems).toEqual([{ path: 'proxies[0].port', code: 'port' }]);
    expect(state.settings.logLimit).toBe(1000);
    // No account: the challenge opens the prompt.
    void world.webRequest.onAuthRequired.trigger(challenge());
    await eventually(() => expect(world.windows.list().length).toBe(1));
  });

  it('without a managed area it works as before', async () => {
    fakeBrowser.reset();
    globalThis.indexedDB = new IDBFactory();
    const world = createFakeBrowser(path.permissions);
    startBackground(world.api);
    const state = await world.send('settings:get', {});
    expect(state.policy).toBeUndefined();
  });
});
