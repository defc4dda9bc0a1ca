import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseHost } from '../../../src/core/proxy-endpoint';
import { UserError } from '../../../src/core/user-error';
import { PROBLEM_KEYS, VAULT_KEY, Vault } from '../../../src/storage/vault';
import { openPassword, type Entry } from '../../../src/storage/vault-entry';
import { classifyDoc, migrateEntries } from '../../../src/storage/vault-migrations';
import { createMemoryArea } from '../../fakes/memory-area';

/**
 * The vault's reader and its migration over arbitrary stored documents:
 * whatever storage holds, a load resolves with typed problems only, a
 * document it refuses is left exactly as it was, and a migration never
 * loses an entry or changes where a password may go.
 */
const RUNS = 10_000;

const base64 = (data: Uint8Array) => btoa(String.fromCharCode(...data));

const host = fc.oneof(
  fc.domain(),
  fc.constantFrom('Proxy.Example', 'proxy.example.', '[::1]', '127.0.0.1', 'GROSS-proxy.example'),
  fc.string(),
);
const port = fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.integer(), fc.double());

/** Something shaped like an entry, each field sometimes right, sometimes not, sometimes missing. */
const entryLike = fc.record(
  {
    version: fc.oneof(fc.constant(2), fc.constant(1), fc.anything()),
    id: fc.oneof(fc.uuid(), fc.string(), fc.anything()),
    keyId: fc.oneof(fc.constant('k1'), fc.string()),
    host,
    port,
    realm: fc.oneof(fc.string(), fc.anything()),
    username: fc.oneof(fc.string(), fc.anything()),
    rejected: fc.oneof(fc.boolean(), fc.anything()),
    order: fc.oneof(fc.integer(), fc.anything()),
    updatedAt: fc.oneof(fc.nat(), fc.anything()),
    iv: fc.oneof(fc.base64String(), fc.string()),
    data: fc.oneof(fc.base64String(), fc.string()),
  },
  { requiredKeys: [] },
);

const stored = fc.oneof(
  fc.anything(),
  fc.record(
    {
      version: fc.oneof(fc.constant(1), fc.constant(2), fc.integer({ min: -2, max: 9 }), fc.anything()),
      entries: fc.array(fc.oneof(entryLike, fc.anything()), { maxLength: 4 }),
    },
    { requiredKeys: [] },
  ),
);

const problemCodes = new Set(Object.keys(PROBLEM_KEYS));

describe('the vault reader over arbitrary stored documents', () => {
  it(`resolves with typed problems only, opens nothing it did not seal, and leaves what it refuses as it was (${RUNS} cases)`, async () => {
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const keys = { device: { read: () => Promise.resolve({ key, id: 'k1' }), obtain: () => Promise.resolve({ key, id: 'k1' }) } };
    await fc.assert(
      fc.asyncProperty(stored, stored, async (deviceDoc, sessionDoc) => {
        const device = createMemoryArea(deviceDoc === undefined ? {} : { [VAULT_KEY]: deviceDoc });
        const session = createMemoryArea(sessionDoc === undefined ? {} : { [VAULT_KEY]: sessionDoc });
        const before = structuredClone([device.data, session.data]);
        const vault = new Vault({ device, session }, { device: keys.device, session: keys.device });
        const { credentials, problems } = await vault.load();
        // Nothing here was sealed with the key: nothing opens.
        expect(credentials).toEqual([]);
        for (const p of problems) {
          expect(problemCodes.has(p.code)).toBe(true);
          expect(['device', 'session']).toContain(p.scope);
        }
        // Only a version-1 document is ever rewritten by a read (its migration).
        for (const [i, doc] of [deviceDoc, sessionDoc].entries()) {
          if (classifyDoc(doc).kind !== 'older') expect([device.data, session.data][i]).toEqual(before[i]);
        }
        // A write to a document it cannot read is refused with a typed error, and changes nothing.
        const refused = [deviceDoc].filter((d) => ['newer', 'unreadable'].includes(classifyDoc(d).kind));
        if (refused.length > 0) {
          const error: unknown = await vault.remove('x').then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(UserError);
          expect(error).toMatchObject({ code: 'vaultFormatUnknown' });
          expect(device.data).toEqual(before[0]);
        }
      }),
      { numRuns: RUNS },
    );
  }, 60_000);
});

describe('migration 1 → 2 over arbitrary version-1 documents', () => {
  it(`keeps every entry, re-seals the ones it can open with their metadata bound, and keeps the rest as they were (${RUNS} cases)`, async () => {
    const oldKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const newKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const sealedV1 = fc
      .record({
        id: fc.oneof(fc.uuid(), fc.string({ minLength: 1 })),
        host: fc.oneof(fc.domain(), fc.constantFrom('Proxy.Example', 'proxy.example.', '[::1]', '10.0.0.1')),
        port: fc.integer({ min: 1, max: 65535 }),
        realm: fc.option(fc.string(), { nil: undefined }),
        username: fc.string(),
        rejected: fc.boolean(),
        order: fc.integer(),
        updatedAt: fc.nat(),
        password: fc.string(),
      })
      .map(({ password, realm, ...e }) => ({ entry: { ...e, ...(realm === undefined ? {} : { realm }) }, password }));
    const item = fc.oneof(
      { weight: 3, arbitrary: sealedV1 },
      { weight: 1, arbitrary: fc.oneof(entryLike, fc.anything()).map((raw) => ({ entry: raw, password: undefined })) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(item, { maxLength: 4 }), fc.constantFrom('device' as const, 'session' as const), async (items, scope) => {
        const entries = await Promise.all(
          items.map(async ({ entry, password }) => {
            if (password === undefined) return entry;
            const iv = crypto.getRandomValues(new Uint8Array(12));
            const id = (entry as { id: string }).id;
            const data = await crypto.subtle.encrypt(
              { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(id) },
              oldKey,
              new TextEncoder().encode(password),
            );
            return { ...(entry as object), iv: base64(iv), data: base64(new Uint8Array(data)) };
          }),
        );
        const read = classifyDoc({ version: 1, entries });
        if (read.kind !== 'older') throw new Error('a version-1 document');
        const migrated = await migrateEntries(read, scope, { previous: { key: oldKey, id: 'old' }, next: { key: newKey, id: 'new' } });
        expect(migrated).toHaveLength(entries.length);
        for (const [i, out] of migrated.entries()) {
          const { password } = items[i]!;
          if (password === undefined) {
            // Nothing that was not a sealed version-1 entry is changed (nor made usable).
            expect(out).toEqual(entries[i]);
            continue;
          }
          const source = entries[i] as Record<string, unknown>;
          const e = out as Entry;
          expect(e).toMatchObject({ version: 2, keyId: 'new', id: source['id'], port: source['port'], username: source['username'] });
          expect(e.host).toBe(normaliseHost(source['host'] as string));
          expect(await openPassword(newKey, scope, e)).toBe(password);
        }
      }),
      { numRuns: RUNS },
    );
  }, 60_000);
});
