import { describe, expect, it } from 'vitest';
import { findUsableCredential } from '../../../src/core/credential';
import type { CredentialInput } from '../../../src/core/credential-input';
import { CredentialStore } from '../../../src/storage/credential-store';
import { createMemoryArea } from '../../fakes/memory-area';
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
