import { beforeEach, describe, expect, it } from 'vitest';
import type { Credential } from '../../../src/core/credential';
import { createMemoryArea } from '../../fakes/memory-area';
import { VAULT_KEY, Vault } from '../../../src/storage/vault';
import { makeCredential } from '../credential-factory';

const cred = (overrides: Partial<Credential> = {}) =>
  makeCredential({ realm: 'Office', password: 'correct horse battery staple', ...overrides });

const newKey = () => crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);

describe('Vault', () => {
  let device: ReturnType<typeof createMemoryArea>;
  let session: ReturnType<typeof createMemoryArea>;
  let key: CryptoKey;

  beforeEach(async () => {
    device = createMemoryArea();
    session = createMemoryArea();
    key = await newKey();
  });

  const vaultWith = (k: CryptoKey) => new Vault({ device, session }, () => Promise.resolve(k));

  it('round-trips a credential and never stores the password in clear', async () => {
    await vaultWith(key).save(cred());
    const { credentials, problems } = await vaultWith(key).load();
    expect(problems).toEqual([]);
    expect(credentials).toEqual([cred()]);
    expect(JSON.stringify(device.data)).not.toContain('correct horse');
    expect(JSON.stringify(device.data)).toContain('alice');
  });

  it('keeps session credentials in the session area only', async () => {
    await vaultWith(key).save(cred({ scope: 'session' }));
    expect(device.data[VAULT_KEY]).toBeUndefined();
    expect(JSON.stringify(session.data)).not.toContain('correct horse');
    expect((await vaultWith(key).load()).credentials[0]?.scope).toBe('session');
  });

  it('moves a credential between scopes without leaving a copy behind', async () => {
    const vault = vaultWith(key);
    await vault.save(cred({ scope: 'session' }));
    await vault.save(cred({ scope: 'device' }));
    const { credentials } = await vault.load();
    expect(credentials.map((c) => c.scope)).toEqual(['device']);
  });

  it('never writes a "just this once" credential', async () => {
    await vaultWith(key).save(cred({ scope: 'once' }));
    expect(device.data).toEqual({});
    expect(session.data).toEqual({});
  });

  it('skips and reports entries under another key, and keeps them', async () => {
    await vaultWith(key).save(cred());
    const { credentials, problems } = await vaultWith(await newKey()).load();
    expect(credentials).toEqual([]);
    // A key of unknown origin (a test's) cannot tell a lost key from damage: the entry fails to authenticate.
    expect(problems).toEqual([expect.objectContaining({ entryId: 'c1', scope: 'device', code: 'entryDamaged' })]);
    expect(problems[0]?.message).not.toContain('correct horse');
    // The unreadable entry is still there for the right key.
    expect((await vaultWith(key).load()).credentials).toHaveLength(1);
  });

  it('skips a corrupt entry, reports it, and keeps the others working', async () => {
    const vault = vaultWith(key);
    await vault.save(cred({ id: 'good' }));
    const doc = device.data[VAULT_KEY] as { entries: unknown[] };
    doc.entries.push({ id: 'broken', host: 42 }, 'garbage');
    await vault.save(cred({ id: 'second', username: 'bob' }));
    const { credentials, problems } = await vault.load();
    expect(credentials.map((c) => c.id).sort()).toEqual(['good', 'second']);
    expect(problems.map((p) => [p.code, p.entryId])).toEqual([
      ['entryDamaged', 'broken'],
      ['entryDamaged', undefined],
    ]);
    // Writing did not drop what could not be read.
    expect((device.data[VAULT_KEY] as { entries: unknown[] }).entries).toContainEqual('garbage');
  });

  it('detects a ciphertext moved to another entry', async () => {
    const vault = vaultWith(key);
    await vault.save(cred({ id: 'a' }));
    await vault.save(cred({ id: 'b', username: 'bob', password: 'other' }));
    const doc = device.data[VAULT_KEY] as { entries: Record<string, unknown>[] };
    doc.entries[1]!['data'] = doc.entries[0]!['data'];
    doc.entries[1]!['iv'] = doc.entries[0]!['iv'];
    const { credentials, problems } = await vault.load();
    expect(credentials.map((c) => c.id)).toEqual(['a']);
    expect(problems).toEqual([expect.objectContaining({ entryId: 'b', code: 'entryDamaged' })]);
  });

  it('reports a document of a newer version and refuses to overwrite it', async () => {
    device.data[VAULT_KEY] = { version: 99, whatever: true };
    const vault = vaultWith(key);
    const { credentials, problems } = await vault.load();
    expect(credentials).toEqual([]);
    expect(problems).toEqual([expect.objectContaining({ scope: 'device', code: 'vaultNewer' })]);
    await expect(vault.save(cred())).rejects.toMatchObject({ name: 'UserError', code: 'vaultFormatUnknown' });
    expect(device.data[VAULT_KEY]).toEqual({ version: 99, whatever: true });
    await expect(vault.remove('c1')).rejects.toMatchObject({ code: 'vaultFormatUnknown' });
    expect(device.data[VAULT_KEY]).toEqual({ version: 99, whatever: true });
  });

  it('reports a document of no known shape and refuses to overwrite it', async () => {
    session.data[VAULT_KEY] = ['not', 'a', 'vault'];
    const vault = vaultWith(key);
    expect((await vault.load()).problems).toEqual([expect.objectContaining({ scope: 'session', code: 'vaultUnreadable' })]);
    await expect(vault.save(cred({ scope: 'session' }))).rejects.toMatchObject({ code: 'vaultFormatUnknown' });
    expect(session.data[VAULT_KEY]).toEqual(['not', 'a', 'vault']);
  });

  it('updates the rejected flag without re-encrypting, and removes', async () => {
    const vault = vaultWith(key);
    await vault.save(cred());
    await vault.updateFlags('c1', { rejected: true });
    expect((await vault.load()).credentials[0]?.rejected).toBe(true);
    await vault.remove('c1');
    expect((await vault.load()).credentials).toEqual([]);
  });

  it('serialises concurrent writes so none is lost', async () => {
    const vault = vaultWith(key);
    await Promise.all(Array.from({ length: 20 }, (_, i) => vault.save(cred({ id: `c${i}`, username: `u${i}` }))));
    expect((await vault.load()).credentials).toHaveLength(20);
  });
});

describe('Vault: the metadata is bound to the password', () => {
  type Stored = Record<string, unknown>;
  const changes: [string, (entry: Stored) => void][] = [
    ['version', (e) => (e['version'] = 3)],
    ['id', (e) => (e['id'] = 'other-id')],
    ['host', (e) => (e['host'] = 'evil.example')],
    ['port', (e) => (e['port'] = 8081)],
    ['realm', (e) => (e['realm'] = 'Elsewhere')],
    ['realm (removed)', (e) => delete e['realm']],
    ['username', (e) => (e['username'] = 'mallory')],
  ];

  it.each(changes)('an entry whose %s was changed in storage is reported, not opened', async (_field, change) => {
    const device = createMemoryArea();
    const key = await newKey();
    const vault = new Vault({ device, session: createMemoryArea() }, () => Promise.resolve(key));
    await vault.save(cred());
    const doc = device.data[VAULT_KEY] as { entries: Stored[] };
    change(doc.entries[0]!);
    const { credentials, problems } = await vault.load();
    expect(credentials).toEqual([]);
    expect(problems).toEqual([expect.objectContaining({ scope: 'device', code: 'entryDamaged' })]);
  });

  it('an entry moved to the other scope is reported, not opened', async () => {
    const device = createMemoryArea();
    const session = createMemoryArea();
    const key = await newKey();
    const vault = new Vault({ device, session }, () => Promise.resolve(key));
    await vault.save(cred());
    session.data[VAULT_KEY] = device.data[VAULT_KEY];
    delete device.data[VAULT_KEY];
    const { credentials, problems } = await vault.load();
    expect(credentials).toEqual([]);
    expect(problems).toEqual([expect.objectContaining({ scope: 'session', entryId: 'c1', code: 'entryDamaged' })]);
  });

  it('the unchanged entry opens (the changes above are what fails it)', async () => {
    const device = createMemoryArea();
    const key = await newKey();
    const vault = new Vault({ device, session: createMemoryArea() }, () => Promise.resolve(key));
    await vault.save(cred());
    const doc = device.data[VAULT_KEY] as { entries: Stored[] };
    // Flags and order are not bound: the vault itself rewrites them without the key.
    doc.entries[0]!['rejected'] = true;
    doc.entries[0]!['order'] = 7;
    expect((await vault.load()).credentials).toEqual([cred({ rejected: true, order: 7 })]);
  });
});
