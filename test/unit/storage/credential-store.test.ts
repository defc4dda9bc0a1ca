import { describe, expect, it } from 'vitest';
import { findUsableCredential } from '../../../src/core/credential';
import type { CredentialInput } from '../../../src/core/credential-input';
import { CredentialStore } from '../../../src/storage/credential-store';
import { createMemoryArea } from '../../fakes/memory-area';
import { makeCredential } from '../credential-factory';
import { Vault, VAULT_KEY, type VaultProblem } from '../../../src/storage/vault';

async function makeStore() {
  const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  const vault = new Vault({ device: createMemoryArea(), session: createMemoryArea() }, () => Promise.resolve(key));
  let n = 0;
  return { store: new CredentialStore(vault), vault, newId: () => `id${++n}` };
}

const form = (o: Partial<CredentialInput> = {}): CredentialInput => ({
  host: 'Proxy.Example',
  port: 3128,
  realm: '',
  username: 'alice',
  password: 'pw',
  scope: 'device',
  ...o,
});
const proxy = { host: 'proxy.example', port: 3128 };

describe('CredentialStore from the options form', () => {
  it('adds accounts for one proxy in the order given, and the answerer uses the first', async () => {
    const { store, newId } = await makeStore();
    await store.saveFromForm(form(), 1, newId);
    await store.saveFromForm(form({ username: 'bob' }), 2, newId);
    expect(store.summaries().map((c) => c.username)).toEqual(['alice', 'bob']);
    expect(findUsableCredential(store.list(), proxy, '')?.username).toBe('alice');
  });

  it('reorders within the proxy, and the answer order follows', async () => {
    const { store, newId, vault } = await makeStore();
    await store.saveFromForm(form(), 1, newId);
    await store.saveFromForm(form({ username: 'bob' }), 2, newId);
    await store.move('id2', 'up');
    expect(store.summaries().map((c) => c.username)).toEqual(['bob', 'alice']);
    expect(findUsableCredential(store.list(), proxy, '')?.username).toBe('bob');
    // Persisted.
    const reloaded = new CredentialStore(vault);
    await reloaded.ready();
    expect(reloaded.summaries().map((c) => c.username)).toEqual(['bob', 'alice']);
    await store.move('id2', 'up');
    expect(store.summaries().map((c) => c.username)).toEqual(['bob', 'alice']);
  });

  it('an edit keeps the password when left empty, and clears the rejected mark', async () => {
    const { store, newId } = await makeStore();
    await store.saveFromForm(form(), 1, newId);
    await store.markRejected('id1');
    expect(findUsableCredential(store.list(), proxy, '')).toBeUndefined();
    const result = await store.saveFromForm(form({ id: 'id1', password: '', realm: 'Office' }), 3, newId);
    expect(result).toMatchObject({ saved: { id: 'id1', rejected: false, realm: 'Office' } });
    expect(store.get('id1')?.password).toBe('pw');
    expect(findUsableCredential(store.list(), proxy, 'Office')?.id).toBe('id1');
  });

  it('refuses bad input with field errors and loses nothing', async () => {
    const { store, newId } = await makeStore();
    await store.saveFromForm(form(), 1, newId);
    const before = store.summaries();
    expect(await store.saveFromForm(form({ host: '', port: 0 }), 2, newId)).toEqual({ errors: { host: 'hostEmpty', port: 'portRange' } });
    expect(await store.saveFromForm(form({ host: 'proxy.example' }), 2, newId)).toEqual({ errors: { username: 'duplicate' } });
    expect(store.summaries()).toEqual(before);
  });

  it('never exposes the password in summaries', async () => {
    const { store, newId } = await makeStore();
    await store.saveFromForm(form({ password: 'TopSecret' }), 1, newId);
    expect(JSON.stringify(store.summaries())).not.toContain('TopSecret');
  });
});

describe('CredentialStore when something is wrong', () => {
  it('refuses to move a credential deleted meanwhile, with a code the page can put into words', async () => {
    const { store, newId } = await makeStore();
    await store.saveFromForm(form(), 1, newId);
    expect(await store.remove('id1')).toBe(true);
    expect(await store.remove('id1')).toBe(false);
    await expect(store.move('id1', 'up')).rejects.toMatchObject({ name: 'UserError', code: 'credentialGone' });
  });

  it('reports what the vault skipped, to the background once and to the pages as sentences', async () => {
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const device = createMemoryArea({ [VAULT_KEY]: { version: 1, entries: [{ id: 'broken' }] } });
    const session = createMemoryArea({ [VAULT_KEY]: { version: 99 } });
    const seen: VaultProblem[] = [];
    const store = new CredentialStore(new Vault({ device, session }, () => Promise.resolve(key)), (p) => seen.push(p));
    await Promise.all([store.ready(), store.ready()]);
    expect(seen.map((p) => [p.scope, p.code])).toEqual([
      ['device', 'entryDamaged'],
      ['session', 'vaultNewer'],
    ]);
    expect(store.problems()).toEqual([
      { key: 'problem_credentialDamaged', scope: 'device', entryId: 'broken' },
      { key: 'problem_vaultNewer', scope: 'session' },
    ]);
  });

  it('lists the entries while the key store refuses, and loads them once it opens', async () => {
    let failures = 1;
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const device = createMemoryArea();
    await new Vault({ device, session: createMemoryArea() }, () => Promise.resolve(key)).save({
      id: 'c1',
      proxy,
      username: 'alice',
      password: 'pw',
      scope: 'device',
      rejected: false,
      order: 0,
      updatedAt: 1,
    });
    const flaky = () => (failures-- > 0 ? Promise.reject(new Error('IndexedDB busy')) : Promise.resolve(key));
    const store = new CredentialStore(new Vault({ device, session: createMemoryArea() }, flaky));
    await store.ready();
    expect(store.list()).toEqual([]);
    expect(store.problems()).toEqual([
      {
        key: 'problem_keyStoreRefused',
        scope: 'device',
        entryId: 'c1',
        entry: { proxy, username: 'alice' },
      },
    ]);
    await store.ready();
    expect(store.list().map((c) => c.username)).toEqual(['alice']);
    expect(store.problems()).toEqual([]);
  });
});

describe('CredentialStore by proxy (listFor: what a challenge looks at)', () => {
  const usernamesFor = (store: CredentialStore, endpoint: { host: string; port: number }) => store.listFor(endpoint).map((c) => c.username);

  it('finds a new entry under its canonical host however the challenge spells it, and nowhere else', async () => {
    const { store, newId } = await makeStore();
    await store.ready();
    expect(usernamesFor(store, proxy)).toEqual([]);
    await store.saveFromForm(form({ host: ' Proxy.Example ' }), 1, newId);
    await store.upsertEntered({ proxy: { host: '[::1]', port: 8080 }, username: 'bob', password: 'pw', scope: 'session' }, 2, newId);
    expect(usernamesFor(store, { host: 'PROXY.EXAMPLE', port: 3128 })).toEqual(['alice']);
    expect(usernamesFor(store, { host: 'proxy.example', port: 3129 })).toEqual([]);
    expect(usernamesFor(store, { host: 'proxy.example.', port: 3128 })).toEqual([]);
    expect(usernamesFor(store, { host: 'other.example', port: 3128 })).toEqual([]);
    // Chrome reports IPv6 bracketed, Firefox bare: the same proxy.
    expect(usernamesFor(store, { host: '::1', port: 8080 })).toEqual(['bob']);
    expect(usernamesFor(store, { host: '[0:0::1]', port: 8080 })).toEqual(['bob']);
  });

  it('keeps the answer order among one proxy’s accounts, and follows a move', async () => {
    const { store, newId } = await makeStore();
    await store.saveFromForm(form(), 1, newId);
    await store.saveFromForm(form({ host: 'other.example' }), 2, newId);
    await store.saveFromForm(form({ username: 'bob' }), 3, newId);
    expect(usernamesFor(store, proxy)).toEqual(['alice', 'bob']);
    await store.move('id3', 'up');
    expect(findUsableCredential(store.listFor(proxy), proxy, '')?.username).toBe('bob');
    expect(findUsableCredential(store.list(), proxy, '')?.username).toBe('bob');
  });

  it('no longer finds a removed entry, and finds an edited one under its new proxy only', async () => {
    const { store, newId } = await makeStore();
    await store.saveFromForm(form(), 1, newId);
    await store.saveFromForm(form({ username: 'bob' }), 2, newId);
    await store.remove('id1');
    expect(usernamesFor(store, proxy)).toEqual(['bob']);
    await store.saveFromForm(form({ id: 'id2', username: 'bob', host: 'NEW.example', port: 8080 }), 3, newId);
    expect(usernamesFor(store, proxy)).toEqual([]);
    expect(usernamesFor(store, { host: 'new.example', port: 8080 })).toEqual(['bob']);
  });

  it('sees a refusal at once: the entry it gives is the one marked refused', async () => {
    const { store, newId } = await makeStore();
    await store.saveFromForm(form(), 1, newId);
    const before = store.listFor(proxy);
    await store.markRejected('id1');
    expect(before.map((c) => c.rejected)).toEqual([false]);
    expect(store.listFor(proxy).map((c) => c.rejected)).toEqual([true]);
    expect(findUsableCredential(store.listFor(proxy), proxy, '')).toBeUndefined();
  });

  it('finds an older entry saved under another spelling of the host, as it is loaded', async () => {
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const areas = { device: createMemoryArea(), session: createMemoryArea() };
    const entry = { username: 'alice', password: 'pw', scope: 'device', rejected: false, order: 0, updatedAt: 1 } as const;
    const vault = new Vault(areas, () => Promise.resolve(key));
    await vault.save({ ...entry, id: 'c1', proxy: { host: 'PROXY.Example', port: 3128 } });
    await vault.save({ ...entry, id: 'c2', username: 'ip', proxy: { host: '0x7f.1', port: 3128 } });
    const store = new CredentialStore(new Vault(areas, () => Promise.resolve(key)));
    // Asked before the load: nothing yet, and the answer after the load is not stale.
    expect(usernamesFor(store, proxy)).toEqual([]);
    await store.ready();
    expect(usernamesFor(store, proxy)).toEqual(['alice']);
    expect(usernamesFor(store, { host: '127.0.0.1', port: 3128 })).toEqual(['ip']);
  });

  it('finds the policy’s accounts, and forgets them when the policy changes', async () => {
    const { store, newId } = await makeStore();
    await store.saveFromForm(form(), 1, newId);
    store.setPolicyCredentials([makeCredential({ id: 'policy:1', proxy: { host: 'Proxy.Example', port: 3128 }, username: 'admin' })]);
    expect(usernamesFor(store, proxy)).toEqual(['alice', 'admin']);
    store.setPolicyCredentials([]);
    expect(usernamesFor(store, proxy)).toEqual(['alice']);
  });

  it('gives a proxy’s accounts in answer order, sorted once and sorted again after every change', async () => {
    const { store, vault, newId } = await makeStore();
    const answerOrder = () => store.answerOrderFor(proxy).map((c) => c.username);
    await store.saveFromForm(form(), 1, newId);
    await store.saveFromForm(form({ username: 'bob' }), 2, newId);
    await store.saveFromForm(form({ host: 'other.example', username: 'olga' }), 3, newId);
    expect(answerOrder()).toEqual(['alice', 'bob']);
    // Unchanged store, the same list: not sorted again for the next challenge.
    expect(store.answerOrderFor(proxy)).toBe(store.answerOrderFor(proxy));
    // A typed account goes first, though it is listed last.
    await store.upsertEntered({ proxy, username: 'carol', password: 'pw', scope: 'session' }, 4, newId);
    expect(store.listFor(proxy).map((c) => c.username)).toEqual(['alice', 'bob', 'carol']);
    expect(answerOrder()).toEqual(['carol', 'alice', 'bob']);
    await store.move('id2', 'up');
    expect(answerOrder()).toEqual(['carol', 'bob', 'alice']);
    await store.markRejected('id4');
    expect(store.answerOrderFor(proxy).map((c) => c.rejected)).toEqual([true, false, false]);
    expect(findUsableCredential(store.answerOrderFor(proxy), proxy, '')?.username).toBe('bob');
    await store.saveFromForm(form({ id: 'id4', username: 'carol', password: '' }), 5, newId);
    expect(store.answerOrderFor(proxy).map((c) => c.rejected)).toEqual([false, false, false]);
    await store.remove('id2');
    expect(answerOrder()).toEqual(['carol', 'alice']);
    store.setPolicyCredentials([makeCredential({ id: 'policy:1', proxy, username: 'admin', order: -1_000_000 })]);
    expect(answerOrder()).toEqual(['admin', 'carol', 'alice']);
    store.setPolicyCredentials([]);
    expect(answerOrder()).toEqual(['carol', 'alice']);
    // Another background moved alice up meanwhile: a reload sees it.
    await vault.updateFlags('id1', { order: -5 });
    await store.reload();
    expect(answerOrder()).toEqual(['alice', 'carol']);
    expect(store.answerOrderFor({ host: 'other.example', port: 3128 }).map((c) => c.username)).toEqual(['olga']);
    expect(store.answerOrderFor({ host: 'a/b', port: 3128 })).toEqual([]);
  });

  it('never finds an entry whose host the URL parser refuses, not even by that host', async () => {
    const { store } = await makeStore();
    await store.ready();
    store.setPolicyCredentials([
      makeCredential({ id: 'policy:x', proxy: { host: 'a/b', port: 3128 } }),
      makeCredential({ id: 'policy:y', proxy: { host: 'proxy.example', port: Number.NaN } }),
    ]);
    expect(store.listFor({ host: 'a/b', port: 3128 })).toEqual([]);
    expect(store.listFor({ host: 'proxy.example', port: Number.NaN })).toEqual([]);
    expect(store.list()).toHaveLength(2);
  });
});
