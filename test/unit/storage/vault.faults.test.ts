import { fakeBrowser } from '@webext-core/fake-browser';
import { openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { VAULT_KEY } from '../../../src/storage/vault';
import { BROWSER_PATHS, type FakeBrowserWorld } from '../../fakes/fake-browser';
import {
  challenge,
  eventually,
  isSettled,
  promptIdOf,
  PROXY,
  restartBackground,
  saveCredential,
  startFreshBackground,
} from '../background/background-world';

/**
 * Faults 2, 3 and 4 of issue 8, injected into a whole background: each of
 * these failed on the code before the fix (a rejected load handed every
 * challenge to the browser; problems reached the page without their entry
 * id; a failed save answered from memory anyway).
 */
const path = BROWSER_PATHS[0]!;

afterEach(() => {
  vi.restoreAllMocks();
});

function refuseIndexedDb(): void {
  vi.spyOn(indexedDB, 'open').mockImplementation(() => {
    throw new DOMException('A mutation operation was attempted on a database that did not allow mutations.', 'InvalidStateError');
  });
}

async function deviceEntries(): Promise<Record<string, unknown>[]> {
  const stored = (await fakeBrowser.storage.local.get(VAULT_KEY))[VAULT_KEY] as { entries: Record<string, unknown>[] } | undefined;
  return stored?.entries ?? [];
}

async function submitOnce(world: FakeBrowserWorld, password = 'typed') {
  const promptId = promptIdOf(world.windows.list()[0]!.url);
  return world.send('prompt:submit', { promptId, proxy: PROXY, realm: 'Office', username: 'alice', password, scope: 'once' });
}

describe('fault 2: no data key while device entries exist', () => {
  it('lists the device entry as unusable, keeps session entries working, and still prompts with "just this once"', async () => {
    const first = startFreshBackground(path);
    const aliceId = await saveCredential(first);
    await first.send('credentials:save', {
      host: 'other.example',
      port: 8080,
      realm: '',
      username: 'sam',
      password: 'session-pw',
      scope: 'session',
    });
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    refuseIndexedDb();
    const world = restartBackground(first);

    const answer = world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'r1' }));
    await eventually(() => expect(world.windows.list()).toHaveLength(1));
    const list = await world.send('credentials:list', {});
    expect(list.problems).toEqual([
      { key: 'problem_keyStoreRefused', scope: 'device', entryId: aliceId, entry: { proxy: PROXY, username: 'alice' } },
    ]);
    // The session entry's key is not in IndexedDB: it still answers its own proxy.
    const other = await world.webRequest.onAuthRequired.trigger(
      challenge({ requestId: 's1', challenger: { host: 'other.example', port: 8080 } }),
    );
    expect(other).toEqual({ authCredentials: { username: 'sam', password: 'session-pw' } });

    expect(await submitOnce(world)).toMatchObject({ answered: 1, saved: false });
    expect(await answer).toEqual({ authCredentials: { username: 'alice', password: 'typed' } });
  });
});

describe('fault 3: a lost or damaged key, a damaged entry', () => {
  it('says "key lost" with the entry id when the key record is gone, and the entry can be deleted', async () => {
    const first = startFreshBackground(path);
    const id = await saveCredential(first);
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.deleteDatabase('proxy-keyring-keys');
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error ?? new Error('deleteDatabase failed'));
    });
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const world = restartBackground(first);
    const list = await world.send('credentials:list', {});
    expect(list.credentials).toEqual([]);
    expect(list.problems).toEqual([{ key: 'problem_keyLost', scope: 'device', entryId: id, entry: { proxy: PROXY, username: 'alice' } }]);
    // The entry's password is not sent anywhere: the challenge prompts.
    void world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'r1' }));
    await eventually(() => expect(world.windows.list()).toHaveLength(1));

    expect(await world.send('credentials:delete', { id })).toEqual({ deleted: true });
    expect(await deviceEntries()).toEqual([]);
    expect((await world.send('credentials:list', {})).problems).toEqual([]);
  });

  it('says "key lost", not private browsing, when the key record is corrupt; a new save works beside the old entry', async () => {
    const first = startFreshBackground(path);
    const oldId = await saveCredential(first);
    const db = await openDB('proxy-keyring-keys', 1);
    await db.put('keys', 'not a key', 'vault-data-key');
    db.close();
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const world = restartBackground(first);
    expect((await world.send('credentials:list', {})).problems).toEqual([
      expect.objectContaining({ key: 'problem_keyLost', entryId: oldId }),
    ]);

    await saveCredential(world, { username: 'bob', password: 'new' });
    const restarted = restartBackground(world);
    const list = await restarted.send('credentials:list', {});
    expect(list.credentials.map((c) => c.username)).toEqual(['bob']);
    // Still reported as lost (its key was replaced), and still deletable.
    expect(list.problems).toEqual([expect.objectContaining({ key: 'problem_keyLost', entryId: oldId })]);
    await restarted.send('credentials:delete', { id: oldId });
    expect((await deviceEntries()).map((e) => e['username'])).toEqual(['bob']);
  });

  it('says "damaged" with the entry id for an entry whose ciphertext was changed, and it can be entered again', async () => {
    const first = startFreshBackground(path);
    const id = await saveCredential(first);
    const entries = await deviceEntries();
    entries[0]!['data'] = btoa('tampered ciphertext!');
    await fakeBrowser.storage.local.set({ [VAULT_KEY]: { version: 2, entries } });
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const world = restartBackground(first);
    const list = await world.send('credentials:list', {});
    expect(list.problems).toEqual([
      { key: 'problem_credentialDamaged', scope: 'device', entryId: id, entry: { proxy: PROXY, username: 'alice' } },
    ]);

    // Re-entering keeps the id and needs a password: there is none to keep.
    const reentry = { id, host: PROXY.host, port: PROXY.port, realm: '', username: 'alice', scope: 'device' as const };
    expect(await world.send('credentials:save', { ...reentry, password: '' })).toEqual({ errors: { password: 'passwordEmpty' } });
    expect(await world.send('credentials:save', { ...reentry, password: 'again' })).toMatchObject({ saved: { id } });
    const after = await world.send('credentials:list', {});
    expect(after.problems).toEqual([]);
    expect(await world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'r2' }))).toEqual({
      authCredentials: { username: 'alice', password: 'again' },
    });
  });
});

describe('fault 4: a prompt save that fails', () => {
  it('says so, changes nothing in memory, and "just this once" still answers', async () => {
    const world = startFreshBackground(path);
    const waiting = world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'r1' }));
    await eventually(() => expect(world.windows.list()).toHaveLength(1));
    const promptId = promptIdOf(world.windows.list()[0]!.url);
    const set = vi.spyOn(fakeBrowser.storage.local, 'set').mockRejectedValue(new Error('QuotaExceededError'));
    const reply = await world.sendRaw({
      type: 'prompt:submit',
      payload: { promptId, proxy: PROXY, realm: 'Office', username: 'alice', password: 'unsaved', scope: 'device' },
    });
    set.mockRestore();
    // A new challenge does not get the unsaved password: it joins the prompt.
    const next = world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'r2' }));
    expect(await isSettled(next)).toBe(false);
    expect((await world.send('credentials:list', {})).credentials).toEqual([]);
    expect(await isSettled(waiting)).toBe(false);
    // The page is told in words that offer "just this once"; the password is not in the error.
    expect(reply).toMatchObject({ ok: false, error: { code: 'credentialNotSaved' } });
    expect(JSON.stringify(reply)).not.toContain('unsaved');

    expect(await submitOnce(world, 'once-pw')).toMatchObject({ saved: false });
    expect(await waiting).toEqual({ authCredentials: { username: 'alice', password: 'once-pw' } });
  });
});

describe('fault 5: metadata rewritten in storage.local', () => {
  it.each([
    ['port', { host: PROXY.host, port: 8081 }],
    ['host', { host: 'evil.example', port: PROXY.port }],
  ] as const)('an entry whose %s now names another proxy sends that proxy nothing, and is reported', async (field, target) => {
    const first = startFreshBackground(path);
    const id = await saveCredential(first);
    const entries = await deviceEntries();
    entries[0]![field] = target[field];
    await fakeBrowser.storage.local.set({ [VAULT_KEY]: { version: 2, entries } });
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const world = restartBackground(first);
    const answer = world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'r1', challenger: target }));
    await eventually(() => expect(world.windows.list()).toHaveLength(1));
    expect(await isSettled(answer)).toBe(false);
    expect((await world.send('credentials:list', {})).problems).toEqual([
      expect.objectContaining({ key: 'problem_credentialDamaged', entryId: id }),
    ]);
    world.windows.close(world.windows.list()[0]!.id);
    expect(await answer).toEqual({ cancel: true });
  });
});

describe('an unusable entry entered again in the prompt', () => {
  it('is replaced under its own id, not kept beside the new one', async () => {
    const first = startFreshBackground(path);
    const id = await saveCredential(first, { realm: 'Office' });
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.deleteDatabase('proxy-keyring-keys');
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error ?? new Error('deleteDatabase failed'));
    });
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const world = restartBackground(first);
    const waiting = world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'r1' }));
    await eventually(() => expect(world.windows.list()).toHaveLength(1));
    const promptId = promptIdOf(world.windows.list()[0]!.url);
    await world.send('prompt:submit', { promptId, proxy: PROXY, realm: 'Office', username: 'alice', password: 'renewed', scope: 'device' });
    expect(await waiting).toEqual({ authCredentials: { username: 'alice', password: 'renewed' } });
    const list = await world.send('credentials:list', {});
    expect(list.problems).toEqual([]);
    expect(list.credentials.map((c) => [c.id, c.username])).toEqual([[id, 'alice']]);
    expect((await deviceEntries()).map((e) => e['id'])).toEqual([id]);
  });
});
