import { openDB } from 'idb';
import { UserError } from '../core/user-error';

/**
 * The one place that holds the vault's data key: AES-GCM, created
 * non-extractable so no script can read its bytes, kept in IndexedDB (which
 * stores CryptoKey objects as they are). A later passphrase can wrap this key
 * here without touching the vault.
 */
const DB_NAME = 'proxy-keyring-keys';
const STORE = 'keys';
const KEY_NAME = 'vault-data-key';

/**
 * Said when IndexedDB refuses to keep the key — seen in Firefox with "Always
 * use private browsing mode", where the extension's IndexedDB takes no writes.
 * "Just this once" still works there: it never needs the key.
 */
export const KEY_STORAGE_REFUSED =
  'This browser does not let Proxy Keyring keep its encryption key (Firefox does this in "Always use private browsing mode"), so passwords cannot be remembered. Choose "Just this once", or turn that mode off.';

export async function loadOrCreateDataKey(): Promise<CryptoKey> {
  try {
    return await openOrCreate();
  } catch (error) {
    if (error instanceof DOMException) throw new UserError('keyStorageRefused', KEY_STORAGE_REFUSED, { cause: error });
    throw error;
  }
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

async function openOrCreate(): Promise<CryptoKey> {
  const db = await openDB(DB_NAME, 1, {
    upgrade(d) {
      d.createObjectStore(STORE);
    },
  });
  try {
    const existing: unknown = await db.get(STORE, KEY_NAME);
    if (existing instanceof CryptoKey) return existing;
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    // add() fails if a concurrent caller stored one first; then use theirs.
    try {
      await db.add(STORE, key, KEY_NAME);
      return key;
    } catch (error) {
      const stored: unknown = await db.get(STORE, KEY_NAME);
      if (stored instanceof CryptoKey) return stored;
      throw error;
    }
  } finally {
    db.close();
  }
}
