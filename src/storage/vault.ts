import * as v from 'valibot';
import type { Credential } from '../core/credential';
import type { MessageKey } from '../core/message-key';
import { normaliseHost } from '../core/proxy-endpoint';
import { describeErrorSafely } from '../core/redact-url';
import { UserError } from '../core/user-error';
import { fixedKeySource, type DataKey, type KeySource } from './data-key';
import type { KeyValueArea } from './key-value-area';
import {
  EntrySchema,
  EntryV1Schema,
  ENTRY_VERSION,
  entryIdOf,
  factsOf,
  openPassword,
  sealPassword,
  type Entry,
  type EntryFacts,
  type StoredScope,
} from './vault-entry';
import { classifyDoc, migrateEntries, VAULT_VERSION, type DocRead } from './vault-migrations';

export type { StoredScope } from './vault-entry';
export { VAULT_VERSION } from './vault-migrations';

/**
 * Saved credentials. Each entry keeps its password sealed with AES-GCM under
 * its scope's key, its metadata bound as the additional data (vault-entry.ts).
 * Device entries live in `storage.local`, session entries in
 * `storage.session`; `once` never reaches storage. Every read is validated
 * entry by entry: an entry that cannot be used is reported with its id (so
 * the user can delete or re-enter it), the others keep working, and a write
 * never drops it. A key that cannot be had fails the entries of its scope
 * only, never the load.
 */
export const VAULT_KEY = 'vault';

/** What was wrong with what the vault read; the words live in _locales (`PROBLEM_KEYS`). */
export type VaultProblemCode =
  /** The entry does not parse, or its sealed password fails to authenticate (ciphertext or metadata changed). */
  | 'entryDamaged'
  /** The key that sealed the entry is gone or was replaced: the password cannot come back. */
  | 'keyLost'
  /** The key store could not be opened (IndexedDB refused or failed); may work again later. */
  | 'keyStoreRefused'
  /** A passphrase protects the key and has not been entered since the background started. */
  | 'keyLocked'
  /** The document is of no known shape; left untouched. */
  | 'vaultUnreadable'
  /** The document was written by a newer version; left untouched. */
  | 'vaultNewer';

export const PROBLEM_KEYS = {
  entryDamaged: 'problem_credentialDamaged',
  keyLost: 'problem_keyLost',
  keyStoreRefused: 'problem_keyStoreRefused',
  keyLocked: 'problem_keyLocked',
  vaultUnreadable: 'problem_vaultUnreadable',
  vaultNewer: 'problem_vaultNewer',
} as const satisfies Record<VaultProblemCode, MessageKey>;

/** English for the console; never holds a password. */
const PROBLEM_TEXT: Record<VaultProblemCode, string> = {
  entryDamaged: 'A saved credential is damaged (it does not parse, or its sealed password or metadata were changed) and is not used.',
  keyLost: 'A saved credential was sealed with an encryption key that is gone; it is not used.',
  keyStoreRefused: 'The store of the encryption key could not be opened; the saved credential is not usable now.',
  keyLocked: 'A saved credential is locked until the passphrase is entered.',
  vaultUnreadable: 'The saved credentials could not be read (unknown format); they were left untouched.',
  vaultNewer: 'The saved credentials were written by a newer version; they were left untouched.',
};

export interface VaultProblem {
  readonly scope: StoredScope;
  readonly entryId?: string;
  readonly code: VaultProblemCode;
  /** Where the unusable entry was for, when it still says. */
  readonly entry?: EntryFacts;
  /** English for the console and developers; pages show `PROBLEM_KEYS[code]`. */
  readonly message: string;
}

function problemOf(code: VaultProblemCode, scope: StoredScope, raw?: unknown): VaultProblem {
  const entryId = raw === undefined ? undefined : entryIdOf(raw);
  const entry = raw === undefined ? undefined : factsOf(raw);
  return { scope, ...(entryId ? { entryId } : {}), code, ...(entry ? { entry } : {}), message: PROBLEM_TEXT[code] };
}

export interface VaultLoad {
  readonly credentials: Credential[];
  readonly problems: VaultProblem[];
}

export type VaultKeys = Readonly<Record<StoredScope, KeySource>>;

/** A scope's key as the load found it: there, none stored, or not to be had now (locked by a passphrase, or the store refused). */
type KeyState =
  | { readonly kind: 'key'; readonly key: DataKey }
  | { readonly kind: 'none' }
  | { readonly kind: 'failed'; readonly code: 'keyLocked' | 'keyStoreRefused' };

async function readKey(source: KeySource): Promise<KeyState> {
  try {
    const key = await source.read();
    return key ? { kind: 'key', key } : { kind: 'none' };
  } catch (error) {
    return { kind: 'failed', code: error instanceof UserError && error.code === 'vaultLocked' ? 'keyLocked' : 'keyStoreRefused' };
  }
}

export class Vault {
  #writes: Promise<unknown> = Promise.resolve();
  readonly #keys: VaultKeys;

  /** `keys` per scope (data-key.ts); a plain function gives one key for both (tests). */
  constructor(
    private readonly areas: Readonly<Record<StoredScope, KeyValueArea>>,
    keys: VaultKeys | (() => Promise<CryptoKey>),
  ) {
    if (typeof keys === 'function') {
      const source = fixedKeySource(keys);
      this.#keys = { device: source, session: source };
    } else {
      this.#keys = keys;
    }
  }

  /** Never rejects for a key or an entry: what cannot be used is in `problems`. Rejects only when storage itself cannot be read. */
  load(): Promise<VaultLoad> {
    // Both scopes at once, and each scope's entries at once: a woken background waits on this before its first answer.
    return this.#serialise(async () => {
      const scopes = await Promise.all((['device', 'session'] as const).map((scope) => this.#loadScope(scope)));
      return { credentials: scopes.flatMap((s) => s.credentials), problems: scopes.flatMap((s) => s.problems) };
    });
  }

  async #loadScope(scope: StoredScope): Promise<VaultLoad> {
    // The device key is read beside the entries (it is needed whenever there are any); the session key is cheap.
    const deviceKey = scope === 'device' ? readKey(this.#keys.device) : undefined;
    const read = classifyDoc(await this.#stored(scope));
    if (read.kind === 'unreadable') return { credentials: [], problems: [problemOf('vaultUnreadable', scope)] };
    if (read.kind === 'newer') return { credentials: [], problems: [problemOf('vaultNewer', scope)] };
    if ((read.kind !== 'current' && read.kind !== 'older') || read.entries.length === 0) return { credentials: [], problems: [] };
    const key = await (deviceKey ?? readKey(this.#keys[scope]));
    const entries = read.kind === 'older' ? await this.#migrateOnLoad(scope, read, key) : read.entries;
    const opened = await Promise.all(entries.map((raw) => openEntry(raw, scope, key)));
    return {
      credentials: opened.flatMap((o) => ('credential' in o ? [o.credential] : [])),
      problems: opened.flatMap((o) => ('problem' in o ? [o.problem] : [])),
    };
  }

  /** Inserts or replaces the credential in its scope's area (and removes it from the other). */
  save(credential: Credential): Promise<void> {
    if (credential.scope === 'once') return this.remove(credential.id);
    const scope = credential.scope;
    return this.#serialise(async () => {
      const key = await this.#keys[scope].obtain();
      const entry = await sealEntry(credential, scope, key);
      await this.#rewrite(scope, (entries) => [...entries.filter((e) => entryIdOf(e) !== credential.id), entry], key);
      const other: StoredScope = scope === 'device' ? 'session' : 'device';
      await this.#rewrite(other, (entries) => entries.filter((e) => entryIdOf(e) !== credential.id));
    });
  }

  /** Updates the rejected flag (and order) without touching the ciphertext: neither is bound to it. */
  updateFlags(id: string, flags: { rejected?: boolean; order?: number }): Promise<void> {
    return this.#serialise(async () => {
      for (const scope of ['device', 'session'] as const) {
        await this.#rewrite(scope, (entries) =>
          entries.map((e) => (entryIdOf(e) === id && typeof e === 'object' && e !== null ? { ...e, ...flags } : e)),
        );
      }
    });
  }

  /**
   * Seals these device credentials again under `key` (a passphrase was set or
   * removed) and writes them with `extra` in one write, so the entries and
   * the key that opens them never disagree. Entries not among them (unusable
   * ones) are kept as they are.
   */
  resealDevice(credentials: readonly Credential[], key: DataKey, extra: Record<string, unknown>): Promise<void> {
    return this.#serialise(async () => {
      const read = classifyDoc(await this.#stored('device'));
      if (read.kind !== 'current') {
        throw new UserError('vaultFormatUnknown', 'The saved credentials are in a format this version cannot read; nothing was changed.');
      }
      const byId = new Map(credentials.filter((c) => c.scope === 'device').map((c) => [c.id, c]));
      const entries = await Promise.all(
        read.entries.map((raw) => {
          const credential = byId.get(entryIdOf(raw) ?? '');
          return credential ? sealEntry(credential, 'device', key) : raw;
        }),
      );
      await this.areas.device.set({ [VAULT_KEY]: { version: VAULT_VERSION, entries }, ...extra });
    });
  }

  /** Removes every entry with this id, usable or not: needs no key. */
  remove(id: string): Promise<void> {
    return this.#serialise(async () => {
      for (const scope of ['device', 'session'] as const) {
        await this.#rewrite(scope, (entries) => entries.filter((e) => entryIdOf(e) !== id));
      }
    });
  }

  async #stored(scope: StoredScope): Promise<unknown> {
    return (await this.areas[scope].get(VAULT_KEY))[VAULT_KEY];
  }

  /** The keys a migration of this scope needs: version 1 sealed both scopes with the device key. */
  async #migrationKeys(scope: StoredScope, next: DataKey): Promise<{ previous: DataKey | undefined; next: DataKey }> {
    if (scope === 'device') return { previous: next, next };
    const previous = await readKey(this.#keys.device);
    return { previous: previous.kind === 'key' ? previous.key : undefined, next };
  }

  /** An older document is migrated and written back when its scope's key is there; otherwise read as it is. */
  async #migrateOnLoad(scope: StoredScope, read: Extract<DocRead, { kind: 'older' }>, key: KeyState): Promise<readonly unknown[]> {
    if (key.kind !== 'key') return read.entries;
    const keys = await this.#migrationKeys(scope, key.key);
    if (!keys.previous) return read.entries;
    const entries = await migrateEntries(read, scope, keys);
    try {
      await this.areas[scope].set({ [VAULT_KEY]: { version: VAULT_VERSION, entries } });
    } catch (error) {
      // Read the migrated form now and migrate again next time: nothing is lost.
      console.warn('Proxy Keyring could not save its migrated credentials:', describeErrorSafely(error));
    }
    return entries;
  }

  /**
   * Changes a scope's entries. An older document is migrated first when a
   * key is at hand (a save); a change that needs no key (delete, flags)
   * keeps the older version as it is.
   */
  async #rewrite(scope: StoredScope, change: (entries: unknown[]) => unknown[], key?: DataKey): Promise<void> {
    const stored = await this.#stored(scope);
    const read = classifyDoc(stored);
    if (read.kind === 'newer' || read.kind === 'unreadable') {
      // Never overwrite what we cannot read: the user may still recover it.
      throw new UserError('vaultFormatUnknown', 'The saved credentials are in a format this version cannot read; nothing was changed.');
    }
    let version = VAULT_VERSION;
    let entries: unknown[] = [...read.entries];
    if (read.kind === 'older') {
      if (key) entries = await migrateEntries(read, scope, await this.#migrationKeys(scope, key));
      else version = read.version;
    }
    const next = change(entries);
    if (stored === undefined && next.length === 0) return;
    await this.areas[scope].set({ [VAULT_KEY]: { version, entries: next } });
  }

  #serialise<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#writes.then(task, task);
    this.#writes = run.catch(() => undefined);
    return run;
  }
}

async function sealEntry(credential: Credential, scope: StoredScope, key: DataKey): Promise<Entry> {
  const bound = {
    id: credential.id,
    host: normaliseHost(credential.proxy.host),
    port: credential.proxy.port,
    ...(credential.realm ? { realm: credential.realm } : {}),
    username: credential.username,
  };
  const sealed = await sealPassword(key.key, scope, bound, credential.password);
  return {
    version: ENTRY_VERSION,
    ...bound,
    rejected: credential.rejected,
    order: credential.order,
    updatedAt: credential.updatedAt,
    ...(key.id ? { keyId: key.id } : {}),
    ...sealed,
  };
}

/** One stored entry as a credential, or why it cannot be one. */
async function openEntry(raw: unknown, scope: StoredScope, key: KeyState): Promise<{ credential: Credential } | { problem: VaultProblem }> {
  const parsed = v.safeParse(EntrySchema, raw);
  if (!parsed.success) {
    // Left over from version 1 by a migration that could not open it: its key is gone.
    const leftover = v.is(EntryV1Schema, raw) && (raw as { version?: unknown }).version === undefined;
    if (leftover && key.kind === 'failed') return { problem: problemOf(key.code, scope, raw) };
    return { problem: problemOf(leftover ? 'keyLost' : 'entryDamaged', scope, raw) };
  }
  const entry = parsed.output;
  if (key.kind === 'failed') return { problem: problemOf(key.code, scope, raw) };
  if (key.kind === 'none') return { problem: problemOf('keyLost', scope, raw) };
  if (entry.keyId !== undefined && key.key.id !== undefined && entry.keyId !== key.key.id) {
    return { problem: problemOf('keyLost', scope, raw) };
  }
  try {
    const password = await openPassword(key.key.key, scope, entry);
    return { credential: toCredential(entry, scope, password) };
  } catch {
    return { problem: problemOf('entryDamaged', scope, raw) };
  }
}

function toCredential(entry: Entry, scope: StoredScope, password: string): Credential {
  return {
    id: entry.id,
    proxy: { host: entry.host, port: entry.port },
    ...(entry.realm ? { realm: entry.realm } : {}),
    username: entry.username,
    password,
    scope,
    rejected: entry.rejected,
    order: entry.order,
    updatedAt: entry.updatedAt,
  };
}
