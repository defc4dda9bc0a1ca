import { describe, expect, it } from 'vitest';
import { findUsableCredential } from '../../../src/core/credential';
import type { CredentialInput } from '../../../src/core/credential-input';
import { CredentialStore } from '../../../src/storage/credential-store';
import { createMemoryArea } from '../../fakes/memory-area';
import { Vault } from '../../../src/storage/vault';

async function makeStore() {
  const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  const vault = new Vault({ device: createMemoryArea(), session: createMemoryArea() }, async () => key);
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
