import * as v from 'valibot';
import { normaliseHost } from '../core/proxy-endpoint';
import type { DataKey } from './data-key';
import { ENTRY_VERSION, EntryV1Schema, openPasswordV1, sealPassword, type Entry, type StoredScope } from './vault-entry';

/**
 * The vault document's versions and the ordered steps between them. A
 * document is read as what it claims to be: an older one is migrated step by
 * step, a newer one (or one of no known shape) is left exactly as it is and
 * reported, since writing it would lose what a newer version stored.
 *
 * - 1 → 2: each password is re-sealed with its metadata as the additional
 *   data (vault-entry.ts), under the key of its scope, and its host is
 *   canonicalised as hosts are on save. An entry that cannot be opened with
 *   the key of version 1 is kept as it was, and is never used: version 2 has
 *   no way to trust its metadata.
 */
export const VAULT_VERSION = 2;

const DocSchema = v.object({ version: v.pipe(v.number(), v.integer(), v.minValue(1)), entries: v.array(v.unknown()) });

export type DocRead =
  | { readonly kind: 'current'; readonly entries: readonly unknown[] }
  | { readonly kind: 'older'; readonly version: number; readonly entries: readonly unknown[] }
  | { readonly kind: 'newer'; readonly version: number }
  | { readonly kind: 'unreadable' };

/** What a stored value is, without changing it. */
export function classifyDoc(stored: unknown): DocRead {
  if (stored === undefined) return { kind: 'current', entries: [] };
  const version = typeof stored === 'object' && stored !== null ? (stored as { version?: unknown }).version : undefined;
  if (typeof version === 'number' && Number.isInteger(version) && version > VAULT_VERSION) return { kind: 'newer', version };
  const parsed = v.safeParse(DocSchema, stored);
  if (!parsed.success) return { kind: 'unreadable' };
  const { version: known, entries } = parsed.output;
  return known === VAULT_VERSION ? { kind: 'current', entries } : { kind: 'older', version: known, entries };
}

export interface MigrationKeys {
  /** The key version 1 sealed this scope's entries with (the device key, for both scopes); undefined when it is gone. */
  readonly previous: DataKey | undefined;
  /** The key to seal with now. */
  readonly next: DataKey;
}

type Step = (entries: readonly unknown[], scope: StoredScope, keys: MigrationKeys) => Promise<unknown[]>;

async function resealV1(raw: unknown, scope: StoredScope, keys: MigrationKeys): Promise<unknown> {
  const parsed = v.safeParse(EntryV1Schema, raw);
  if (!parsed.success || !keys.previous) return raw;
  let password: string;
  try {
    password = await openPasswordV1(keys.previous.key, parsed.output);
  } catch {
    return raw;
  }
  let host: string;
  try {
    host = normaliseHost(parsed.output.host);
  } catch {
    return raw;
  }
  if (host === '') return raw;
  const { iv: _iv, data: _data, realm, ...rest } = parsed.output;
  const bound = { ...rest, host, ...(realm ? { realm } : {}) };
  const sealed = await sealPassword(keys.next.key, scope, bound, password);
  const entry: Entry = { version: ENTRY_VERSION, ...bound, ...(keys.next.id ? { keyId: keys.next.id } : {}), ...sealed };
  return entry;
}

/** Step n turns a document of version n into one of version n + 1. */
const STEPS: Readonly<Record<number, Step>> = {
  1: async (entries, scope, keys) => Promise.all(entries.map((raw) => resealV1(raw, scope, keys))),
};

/** The entries of an older document, migrated to the current version. */
export async function migrateEntries(
  read: Extract<DocRead, { kind: 'older' }>,
  scope: StoredScope,
  keys: MigrationKeys,
): Promise<unknown[]> {
  let entries = [...read.entries];
  for (let version = read.version; version < VAULT_VERSION; version++) {
    const step = STEPS[version];
    if (!step) throw new Error(`No vault migration from version ${version}`);
    entries = await step(entries, scope, keys);
  }
  return entries;
}
