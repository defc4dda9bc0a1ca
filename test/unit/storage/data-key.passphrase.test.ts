import { fakeBrowser } from '@webext-core/fake-browser';
import { openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PASSPHRASE_RECORD_KEY, PBKDF2_ITERATIONS, UNLOCKED_KEY } from '../../../src/storage/passphrase';
import { VAULT_KEY } from '../../../src/storage/vault';
import { BROWSER_PATHS, type FakeBrowserWorld } from '../../fakes/fake-browser';
import {
  challenge,
  eventually,
  isSettled,
  promptIdOf,
  PROXY,
  restartBackground,
  restartBrowser,
  saveCredential,
  startFreshBackground,
} from '../background/background-world';

/**
 * The optional passphrase through a whole background: set, restart → locked,
 * a wrong passphrase, unlock, change, remove. A low iteration count is
 * injected for speed; the product's own is asserted below.
 */
const path = BROWSER_PATHS[0]!;
const options = { passphraseIterations: 1_000 };
const PASS = 'correct horse battery';
const OTHER = 'a different passphrase';

afterEach(() => {
  vi.restoreAllMocks();
});

async function local(): Promise<Record<string, unknown>> {
  return fakeBrowser.storage.local.get();
}

async function errorOf(world: FakeBrowserWorld, type: string, payload: unknown): Promise<unknown> {
  const reply = (await world.sendRaw({ type, payload })) as { ok: boolean; error?: { code: string } };
  return reply.ok ? undefined : reply.error?.code;
}

async function idbKeyRecord(): Promise<unknown> {
  const db = await openDB('proxy-keyring-keys', 1, { upgrade: (d) => void d.createObjectStore('keys') });
  try {
    return await db.get('keys', 'vault-data-key');
  } finally {
    db.close();
  }
}

async function withPassphrase(): Promise<{ world: FakeBrowserWorld; id: string }> {
  const world = startFreshBackground(path, options);
  const id = await saveCredential(world);
  expect(await world.send('vault:setPassphrase', { current: '', next: PASS })).toEqual({ passphrase: true, locked: false });
  return { world, id };
}

describe('the passphrase', () => {
  it('is derived with at least 600,000 PBKDF2 iterations in the product', () => {
    expect(PBKDF2_ITERATIONS).toBeGreaterThanOrEqual(600_000);
  });

  it('set: wraps a new data key in storage.local, re-seals the device entries, discards the key in IndexedDB, and keeps answering', async () => {
    const { world } = await withPassphrase();
    const stored = await local();
    expect(stored[PASSPHRASE_RECORD_KEY]).toMatchObject({ kdf: 'PBKDF2-SHA-256', iterations: 1_000, version: 1 });
    const keyId = (stored[PASSPHRASE_RECORD_KEY] as { keyId: string }).keyId;
    expect((stored[VAULT_KEY] as { entries: { keyId: string }[] }).entries.map((e) => e.keyId)).toEqual([keyId]);
    expect(await idbKeyRecord()).toBeUndefined();
    // Neither the passphrase nor the password is kept anywhere readable.
    const everything = JSON.stringify([stored, await fakeBrowser.storage.session.get()]);
    expect(everything).not.toContain(PASS);
    expect(everything).not.toContain('"right"');
    expect(await world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'r1' }))).toEqual({
      authCredentials: { username: 'alice', password: 'right' },
    });
  });

  it('after a browser restart: locked, listed with why, the prompt opens; a wrong passphrase changes nothing; the right one answers the waiting prompt', async () => {
    const { world: first, id } = await withPassphrase();
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const world = await restartBrowser(first, path, options);
    await world.send('credentials:save', {
      host: 'other.example',
      port: 8080,
      realm: '',
      username: 'sam',
      password: 'sess',
      scope: 'session',
    });
    expect(await world.send('vault:status', {})).toEqual({ passphrase: true, locked: true });
    expect((await world.send('credentials:list', {})).problems).toEqual([
      { key: 'problem_keyLocked', scope: 'device', entryId: id, entry: { proxy: PROXY, username: 'alice' } },
    ]);
    // Session credentials are not behind the passphrase.
    expect(
      await world.webRequest.onAuthRequired.trigger(challenge({ requestId: 's1', challenger: { host: 'other.example', port: 8080 } })),
    ).toEqual({ authCredentials: { username: 'sam', password: 'sess' } });

    const waiting = world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'r1' }));
    await eventually(() => expect(world.windows.list()).toHaveLength(1));
    const before = await local();
    expect(await errorOf(world, 'vault:unlock', { passphrase: OTHER })).toBe('passphraseWrong');
    expect(await world.send('vault:status', {})).toEqual({ passphrase: true, locked: true });
    expect(await local()).toEqual(before);
    expect(await isSettled(waiting)).toBe(false);

    expect(await world.send('vault:unlock', { passphrase: PASS })).toEqual({ answered: 1 });
    expect(await waiting).toEqual({ authCredentials: { username: 'alice', password: 'right' } });
    expect(await world.send('vault:status', {})).toEqual({ passphrase: true, locked: false });
    expect((await world.send('credentials:list', {})).problems).toEqual([]);
  });

  it('is asked once per browser session: a background stopped while idle wakes unlocked, and answers without a prompt', async () => {
    const { world: first } = await withPassphrase();
    const locked = await restartBrowser(first, path, options);
    expect(await locked.send('vault:status', {})).toEqual({ passphrase: true, locked: true });
    await locked.send('vault:unlock', { passphrase: PASS });
    // Chrome stops an idle worker after 30 s; Firefox suspends an idle event page.
    const woken = restartBackground(locked, options);
    expect(await woken.webRequest.onAuthRequired.trigger(challenge({ requestId: 'r1' }))).toEqual({
      authCredentials: { username: 'alice', password: 'right' },
    });
    expect(woken.windows.list()).toHaveLength(0);
    expect(await woken.send('vault:status', {})).toEqual({ passphrase: true, locked: false });
    // What the session keeps is the key, never the passphrase or a password; storage.local holds no key.
    const session = JSON.stringify(await fakeBrowser.storage.session.get());
    expect(session).toContain(UNLOCKED_KEY);
    expect(session).not.toContain(PASS);
    expect(session).not.toContain('"right"');
    expect(JSON.stringify(await local())).not.toContain('"jwk"');
    // After the passphrase is removed, the session keeps no key.
    await woken.send('vault:removePassphrase', { current: PASS });
    expect((await fakeBrowser.storage.session.get(UNLOCKED_KEY))[UNLOCKED_KEY] ?? null).toBeNull();
  });

  it('a damaged unlocked key in the session, or one for another passphrase, leaves the vault locked and the passphrase still unlocks it', async () => {
    const { world: first } = await withPassphrase();
    const keyId = ((await local())[PASSPHRASE_RECORD_KEY] as { keyId: string }).keyId;
    for (const kept of [{ jwk: { kty: 'oct', k: 'not a key' }, id: keyId }, { jwk: {}, id: 'another-key' }, 'garbage']) {
      await fakeBrowser.storage.session.set({ [UNLOCKED_KEY]: kept });
      const world = restartBackground(first, options);
      expect(await world.send('vault:status', {})).toEqual({ passphrase: true, locked: true });
      await world.send('vault:unlock', { passphrase: PASS });
      expect(await world.webRequest.onAuthRequired.trigger(challenge({ requestId: `r-${JSON.stringify(kept)}` }))).toEqual({
        authCredentials: { username: 'alice', password: 'right' },
      });
    }
  });

  it('unlocks this background when the session takes no write (the key then lives in its memory only)', async () => {
    const { world: first } = await withPassphrase();
    const world = await restartBrowser(first, path, options);
    vi.spyOn(fakeBrowser.storage.session, 'set').mockRejectedValue(new Error('QUOTA_BYTES quota exceeded'));
    await world.send('vault:unlock', { passphrase: PASS });
    expect(await world.send('vault:status', {})).toEqual({ passphrase: true, locked: false });
    expect(await world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'r1' }))).toEqual({
      authCredentials: { username: 'alice', password: 'right' },
    });
    expect((await fakeBrowser.storage.session.get(UNLOCKED_KEY))[UNLOCKED_KEY]).toBeUndefined();
  });

  it('"just this once" still answers while locked', async () => {
    const { world: first } = await withPassphrase();
    const world = await restartBrowser(first, path, options);
    const waiting = world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'r1' }));
    await eventually(() => expect(world.windows.list()).toHaveLength(1));
    const promptId = promptIdOf(world.windows.list()[0]!.url);
    await world.send('prompt:submit', { promptId, proxy: PROXY, realm: 'Office', username: 'alice', password: 'typed', scope: 'once' });
    expect(await waiting).toEqual({ authCredentials: { username: 'alice', password: 'typed' } });
  });

  it('change: needs the current passphrase (a wrong one changes nothing); afterwards only the new one unlocks', async () => {
    const { world: first } = await withPassphrase();
    const before = await local();
    expect(await errorOf(first, 'vault:setPassphrase', { current: OTHER, next: 'x' })).toBe('passphraseWrong');
    expect(await local()).toEqual(before);
    await first.send('vault:setPassphrase', { current: PASS, next: OTHER });
    const after = await local();
    expect(after[PASSPHRASE_RECORD_KEY]).not.toEqual(before[PASSPHRASE_RECORD_KEY]);
    // The entries were not touched: the data key is the same, only its wrapping changed.
    expect(after[VAULT_KEY]).toEqual(before[VAULT_KEY]);
    const world = await restartBrowser(first, path, options);
    expect(await errorOf(world, 'vault:unlock', { passphrase: PASS })).toBe('passphraseWrong');
    await world.send('vault:unlock', { passphrase: OTHER });
    expect((await world.send('credentials:list', {})).credentials.map((c) => c.username)).toEqual(['alice']);
  });

  it('remove: needs the passphrase (even while locked); the entries go back under a key in IndexedDB and open after a restart without one', async () => {
    const { world: first } = await withPassphrase();
    const locked = await restartBrowser(first, path, options);
    const before = await local();
    expect(await errorOf(locked, 'vault:removePassphrase', { current: OTHER })).toBe('passphraseWrong');
    expect(await local()).toEqual(before);
    expect(await locked.send('vault:removePassphrase', { current: PASS })).toEqual({ passphrase: false, locked: false });
    expect((await local())[PASSPHRASE_RECORD_KEY] ?? null).toBeNull();
    expect(typeof ((await idbKeyRecord()) as { id?: unknown } | undefined)?.id).toBe('string');
    const world = await restartBrowser(locked, path, options);
    expect(await world.send('vault:status', {})).toEqual({ passphrase: false, locked: false });
    expect(await world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'r1' }))).toEqual({
      authCredentials: { username: 'alice', password: 'right' },
    });
  });

  it('lets device credentials be remembered where IndexedDB takes no writes (Firefox always-private)', async () => {
    const first = startFreshBackground(path, options);
    vi.spyOn(indexedDB, 'open').mockImplementation(() => {
      throw new DOMException('A mutation operation was attempted on a database that did not allow mutations.', 'InvalidStateError');
    });
    expect(
      await errorOf(first, 'credentials:save', {
        host: PROXY.host,
        port: PROXY.port,
        realm: '',
        username: 'alice',
        password: 'right',
        scope: 'device',
      }),
    ).toBe('keyStorageRefused');
    await first.send('vault:setPassphrase', { current: '', next: PASS });
    await saveCredential(first);
    const world = await restartBrowser(first, path, options);
    await world.send('vault:unlock', { passphrase: PASS });
    expect(await world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'r1' }))).toEqual({
      authCredentials: { username: 'alice', password: 'right' },
    });
  });
});
