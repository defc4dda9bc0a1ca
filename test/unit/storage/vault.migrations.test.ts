import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normaliseHost } from '../../../src/core/proxy-endpoint';
import type { KeySource } from '../../../src/storage/data-key';
import { VAULT_KEY, Vault, type VaultKeys } from '../../../src/storage/vault';
import { createMemoryArea } from '../../fakes/memory-area';

/**
 * The vault document of version 1 (the additional data was the entry id
 * alone; both scopes sealed with the device key), kept as a fixture under a
 * known test key, and its migration to version 2.
 */
const FIXTURE_PATH = join(import.meta.dirname, '../../fixtures/storage/vault-v1.json');

interface V1Fixture {
  readonly note: string;
  /** The raw AES-256 test key, base64 (test data only). */
  readonly testKey: string;
  readonly device: { version: 1; entries: unknown[] };
  readonly session: { version: 1; entries: unknown[] };
}

const fixture = JSON.parse(readFileSync(FIXTURE_PATH, 'utf8')) as V1Fixture;

const bytes = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const base64 = (data: Uint8Array) => btoa(String.fromCharCode(...data));

/** Builds the fixture again, deterministically (fixed key and IVs), the way version 1 sealed. */
async function buildV1Fixture(): Promise<V1Fixture> {
  const raw = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
  const key = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt']);
  let ivSeed = 0;
  const seal = async (id: string, password: string) => {
    const iv = Uint8Array.from({ length: 12 }, () => ++ivSeed);
    const data = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(id) },
      key,
      new TextEncoder().encode(password),
    );
    return { iv: base64(iv), data: base64(new Uint8Array(data)) };
  };
  const entry = async (e: Record<string, unknown> & { id: string }, password: string) => ({ ...e, ...(await seal(e.id, password)) });
  return {
    note: 'A vault document of version 1 (src/storage/vault-migrations.ts). testKey is a test key, not a secret; regenerate with WRITE_FIXTURES=1 and test/unit/storage/vault.migrations.test.ts.',
    testKey: base64(raw),
    device: {
      version: 1,
      entries: [
        await entry(
          {
            id: 'v1-alice',
            host: 'Proxy.Example',
            port: 3128,
            realm: 'Office',
            username: 'alice',
            rejected: false,
            order: 0,
            updatedAt: 1000,
          },
          'fixture-password-1',
        ),
        await entry(
          { id: 'v1-bob', host: '[::1]', port: 8080, username: 'bob', rejected: true, order: 1, updatedAt: 2000 },
          'fixture-password-2',
        ),
        { id: 'v1-broken', host: 42 },
      ],
    },
    session: {
      version: 1,
      entries: [
        await entry(
          { id: 'v1-sam', host: 'gw.example', port: 80, username: 'sam', rejected: false, order: 0, updatedAt: 3000 },
          'fixture-password-3',
        ),
      ],
    },
  };
}

function sourceOf(key: CryptoKey | undefined, id: string): KeySource {
  return {
    read: () => Promise.resolve(key ? { key, id } : undefined),
    obtain: () => (key ? Promise.resolve({ key, id }) : Promise.reject(new Error('no key in this test'))),
  };
}

async function fixtureKey(): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', bytes(fixture.testKey), 'AES-GCM', false, ['encrypt', 'decrypt']);
}

const sessionKey = () => crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);

describe('the version-1 fixture', () => {
  it('is what the generator builds (deterministic, so it can be made again)', async () => {
    const built = await buildV1Fixture();
    // WRITE_FIXTURES=1 npx vitest run … writes it again.
    if (process.env['WRITE_FIXTURES'] === '1') writeFileSync(FIXTURE_PATH, `${JSON.stringify(built, null, 2)}\n`);
    expect(built).toEqual(fixture);
  });
});

describe('migration 1 → 2', () => {
  it('re-seals every entry it can open with its metadata bound, canonicalises hosts, and keeps what it cannot open', async () => {
    const device = createMemoryArea({ [VAULT_KEY]: fixture.device });
    const session = createMemoryArea({ [VAULT_KEY]: fixture.session });
    const keys: VaultKeys = { device: sourceOf(await fixtureKey(), 'device-key'), session: sourceOf(await sessionKey(), 'session-key') };
    const { credentials, problems } = await new Vault({ device, session }, keys).load();

    expect(credentials.map((c) => [c.id, c.scope, c.proxy.host, c.proxy.port, c.realm, c.username, c.password, c.rejected])).toEqual([
      ['v1-alice', 'device', normaliseHost('Proxy.Example'), 3128, 'Office', 'alice', 'fixture-password-1', false],
      ['v1-bob', 'device', normaliseHost('[::1]'), 8080, undefined, 'bob', 'fixture-password-2', true],
      ['v1-sam', 'session', 'gw.example', 80, undefined, 'sam', 'fixture-password-3', false],
    ]);
    expect(problems).toEqual([expect.objectContaining({ scope: 'device', entryId: 'v1-broken', code: 'entryDamaged' })]);

    const migrated = device.data[VAULT_KEY] as { version: number; entries: Record<string, unknown>[] };
    expect(migrated.version).toBe(2);
    expect(migrated.entries.map((e) => [e['id'], e['version'], e['keyId']])).toEqual([
      ['v1-alice', 2, 'device-key'],
      ['v1-bob', 2, 'device-key'],
      ['v1-broken', undefined, undefined],
    ]);
    expect(migrated.entries[2]).toEqual({ id: 'v1-broken', host: 42 });
    expect((session.data[VAULT_KEY] as { entries: Record<string, unknown>[] }).entries[0]).toMatchObject({
      version: 2,
      keyId: 'session-key',
    });
    const everything = JSON.stringify([device.data, session.data]);
    expect(everything).not.toContain('fixture-password');

    // Read again: the same, and nothing written this time.
    const before = structuredClone([device.data, session.data]);
    expect((await new Vault({ device, session }, keys).load()).credentials).toEqual(credentials);
    expect([device.data, session.data]).toEqual(before);
  });

  it('leaves a version-1 document untouched while the key store refuses, and lists its entries as unusable', async () => {
    const device = createMemoryArea({ [VAULT_KEY]: fixture.device });
    const refusing: KeySource = {
      read: () => Promise.reject(Object.assign(new Error('refused'), { code: 'keyStorageRefused' })),
      obtain: () => Promise.reject(new Error('refused')),
    };
    const { credentials, problems } = await new Vault(
      { device, session: createMemoryArea() },
      { device: refusing, session: refusing },
    ).load();
    expect(credentials).toEqual([]);
    expect(problems.map((p) => [p.entryId, p.code])).toEqual([
      ['v1-alice', 'keyStoreRefused'],
      ['v1-bob', 'keyStoreRefused'],
      ['v1-broken', 'entryDamaged'],
    ]);
    expect(device.data[VAULT_KEY]).toEqual(fixture.device);
  });

  it('reports "key lost" for a version-1 document whose key is gone, and can still delete from it without a key', async () => {
    const device = createMemoryArea({ [VAULT_KEY]: fixture.device });
    const none = sourceOf(undefined, 'none');
    const vault = new Vault({ device, session: createMemoryArea() }, { device: none, session: none });
    expect((await vault.load()).problems.map((p) => p.code)).toEqual(['keyLost', 'keyLost', 'entryDamaged']);
    await vault.remove('v1-alice');
    const doc = device.data[VAULT_KEY] as { version: number; entries: { id: string }[] };
    expect(doc.version).toBe(1);
    expect(doc.entries.map((e) => e.id)).toEqual(['v1-bob', 'v1-broken']);
  });

  it('leaves a document of a newer version untouched and reports it', async () => {
    const newer = { version: 3, entries: [{ id: 'x', future: true }], extra: 'kept' };
    const device = createMemoryArea({ [VAULT_KEY]: newer });
    const key = await fixtureKey();
    const vault = new Vault({ device, session: createMemoryArea() }, () => Promise.resolve(key));
    expect((await vault.load()).problems).toEqual([expect.objectContaining({ scope: 'device', code: 'vaultNewer' })]);
    await expect(vault.remove('x')).rejects.toMatchObject({ code: 'vaultFormatUnknown' });
    expect(device.data[VAULT_KEY]).toEqual(newer);
  });
});
