import { openDB } from 'idb';
import { UserError } from '../core/user-error';
import type { KeyValueArea } from './key-value-area';

/**
 * The one place that holds the vault's keys.
 *
 * - The device data key: AES-GCM, created non-extractable so no script can
 *   read its bytes, kept in IndexedDB (which stores CryptoKey objects as they
 *   are) together with a random id. Entries name the id of the key that
 *   sealed them, so a key that was lost and replaced is told apart from an
 *   entry that was damaged.
 * - The session key: a key for `storage.session` entries, kept in
 *   `storage.session` itself (memory only, gone with the browser session).
 *   Session entries so keep working when IndexedDB refuses (Firefox's
 *   "Always use private browsing mode") or the device key is locked.
 */
const DB_NAME = 'proxy-keyring-keys';
const STORE = 'keys';
const KEY_NAME = 'vault-data-key';

/** A key and the id entries name it by; `id` is undefined for a key whose origin is unknown (given by a test). */
export interface DataKey {
  readonly key: CryptoKey;
  readonly id?: string;
}

/**
 * Where the vault gets a scope's key. `read` never creates one (a missing
 * key while entries exist is "key lost", not a reason to make a new one);
 * `obtain` is for writing and creates (or replaces a damaged record) when
 * needed. Both throw a `UserError`: `keyStorageRefused` when the store cannot
 * be opened, `keyLocked` when a passphrase must be entered first.
 */
export interface KeySource {
  read(): Promise<DataKey | undefined>;
  obtain(): Promise<DataKey>;
}

/**
 * Said when the key store cannot be opened or written — seen in Firefox with
 * "Always use private browsing mode", where the extension's IndexedDB takes
 * no writes. "Just this once" still works there: it never needs the key.
 */
export const KEY_STORAGE_REFUSED =
  'This browser does not let Proxy Keyring keep its encryption key (Firefox does this in "Always use private browsing mode"), so passwords cannot be remembered. Choose "Just this once", or turn that mode off.';

function refused(error: unknown): UserError {
  return new UserError('keyStorageRefused', KEY_STORAGE_REFUSED, { cause: error });
}

async function newAesKey(extractable: boolean): Promise<CryptoKey> {
  return crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, extractable, ['encrypt', 'decrypt']);
}

/** What is stored in IndexedDB; a bare CryptoKey is the record of version 1 (no id). */
function readRecord(stored: unknown): DataKey | 'damaged' | undefined {
  if (stored === undefined) return undefined;
  if (stored instanceof CryptoKey) return { key: stored, id: 'v1' };
  if (typeof stored === 'object' && stored !== null) {
    const { key, id } = stored as { key?: unknown; id?: unknown };
    if (key instanceof CryptoKey && typeof id === 'string') return { key, id };
  }
  return 'damaged';
}

async function withKeyDb<T>(run: (db: Awaited<ReturnType<typeof openKeyDb>>) => Promise<T>): Promise<T> {
  let db: Awaited<ReturnType<typeof openKeyDb>>;
  try {
    db = await openKeyDb();
  } catch (error) {
    throw refused(error);
  }
  try {
    return await run(db);
  } finally {
    db.close();
  }
}

function openKeyDb() {
  return openDB(DB_NAME, 1, {
    upgrade(d) {
      d.createObjectStore(STORE);
    },
  });
}

/** The device key in IndexedDB as it is: the key, undefined when none is stored, or 'damaged' for a record that is not one. */
export async function readStoredDataKey(): Promise<DataKey | 'damaged' | undefined> {
  return withKeyDb(async (db) => {
    try {
      return readRecord(await db.get(STORE, KEY_NAME));
    } catch (error) {
      throw refused(error);
    }
  });
}

/**
 * The device key, created when none is stored (a damaged record is
 * replaced: what it sealed was lost with it and is reported as such, and
 * the entries stay deletable by id).
 */
export async function obtainStoredDataKey(): Promise<DataKey> {
  return withKeyDb(async (db) => {
    try {
      const existing = readRecord(await db.get(STORE, KEY_NAME));
      if (existing !== undefined && existing !== 'damaged') return existing;
      const created: DataKey = { key: await newAesKey(false), id: crypto.randomUUID() };
      const record = { key: created.key, id: created.id };
      if (existing === 'damaged') {
        await db.put(STORE, record, KEY_NAME);
        return created;
      }
      // add() fails if a concurrent caller stored one first; then use theirs.
      try {
        await db.add(STORE, record, KEY_NAME);
        return created;
      } catch (error) {
        const stored = readRecord(await db.get(STORE, KEY_NAME));
        if (stored !== undefined && stored !== 'damaged') return stored;
        throw error;
      }
    } catch (error) {
      if (error instanceof UserError) throw error;
      throw refused(error);
    }
  });
}

/** Kept for callers that want a bare key: the device key, created when none is stored. */
export async function loadOrCreateDataKey(): Promise<CryptoKey> {
  return (await obtainStoredDataKey()).key;
}

/**
 * The data key for the vault: one load shared by every caller, so a cold
 * start's concurrent challenges open IndexedDB once. A failed load is not
 * remembered: the next caller tries again (the user may have left private
 * browsing mode, or the database was busy).
 */
export function createDataKeyLoader(load: () => Promise<CryptoKey> = loadOrCreateDataKey): () => Promise<CryptoKey> {
  let key: Promise<CryptoKey> | undefined;
  return () =>
    (key ??= load().catch((error: unknown) => {
      key = undefined;
      throw error;
    }));
}

/** Shares one pending call, and keeps a success; a failure is tried again by the next caller. */
function shared<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () =>
    (pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    }));
}

/** Deletes the device key from IndexedDB (a passphrase now wraps the data key). */
export async function deleteStoredDataKey(): Promise<void> {
  await withKeyDb((db) => db.delete(STORE, KEY_NAME));
}

/** The device key in IndexedDB: read without creating, created only to write. */
export function createDeviceKeySource(): KeySource & { forget(): void; discard(): Promise<void> } {
  let known: DataKey | undefined;
  const read = shared(async () => {
    const stored = await readStoredDataKey();
    if (stored === 'damaged') return undefined;
    return stored;
  });
  return {
    async read() {
      if (known) return known;
      const key = await read();
      if (key) known = key;
      return key;
    },
    async obtain() {
      known ??= await obtainStoredDataKey();
      return known;
    },
    /** Reads IndexedDB again next time (the key there was replaced or deleted). */
    forget() {
      known = undefined;
    },
    async discard() {
      known = undefined;
      await deleteStoredDataKey();
    },
  };
}

/** A key given as a function (tests, and callers of `loadDataKey`): used for reading and writing alike, its origin unknown. */
export function fixedKeySource(load: () => Promise<CryptoKey>): KeySource {
  const toDataKey = async (): Promise<DataKey> => {
    try {
      return { key: await load() };
    } catch (error) {
      if (error instanceof UserError) throw error;
      throw refused(error);
    }
  };
  return { read: toDataKey, obtain: toDataKey };
}

export const SESSION_KEY = 'pk.sessionKey';

/** How a key is kept in `storage.session` (JSON only): its material as a JWK, and its id. */
export interface KeptKey {
  readonly jwk: JsonWebKey;
  readonly id: string;
}

/** What to keep for an extractable key, and the non-extractable key to use in memory. */
export async function keepableKey(extractable: CryptoKey, id: string): Promise<{ kept: KeptKey; key: DataKey }> {
  const jwk = await crypto.subtle.exportKey('jwk', extractable);
  const key = await crypto.subtle.importKey('jwk', jwk, 'AES-GCM', false, ['encrypt', 'decrypt']);
  return { kept: { jwk, id }, key: { key, id } };
}

/** A kept key read back (non-extractable); undefined for anything that is not one. */
export async function openKeptKey(stored: unknown): Promise<DataKey | undefined> {
  if (typeof stored !== 'object' || stored === null) return undefined;
  const { jwk, id } = stored as { jwk?: unknown; id?: unknown };
  if (typeof id !== 'string' || typeof jwk !== 'object' || jwk === null) return undefined;
  try {
    const key = await crypto.subtle.importKey('jwk', jwk as JsonWebKey, 'AES-GCM', false, ['encrypt', 'decrypt']);
    return { key, id };
  } catch {
    return undefined;
  }
}

/** The session key in `storage.session`, as a JWK with its id; created on the first write of the session. */
export function createSessionKeySource(area: KeyValueArea): KeySource {
  let known: Promise<DataKey | undefined> | undefined;
  const readStored = async (): Promise<DataKey | undefined> => openKeptKey((await area.get(SESSION_KEY))[SESSION_KEY]);
  const read = () =>
    (known ??= readStored().then(
      (key) => {
        if (!key) known = undefined;
        return key;
      },
      (error: unknown) => {
        known = undefined;
        throw refused(error);
      },
    ));
  let creating: Promise<DataKey> | undefined;
  return {
    read,
    obtain: async () => {
      const existing = await read();
      if (existing) return existing;
      creating ??= (async () => {
        const { kept, key } = await keepableKey(await newAesKey(true), crypto.randomUUID());
        await area.set({ [SESSION_KEY]: kept });
        known = Promise.resolve(key);
        return key;
      })().finally(() => (creating = undefined));
      return creating;
    },
  };
}
