import { openDB } from 'idb';

/**
 * The one place that holds the vault's data key: AES-GCM, created
 * non-extractable so no script can read its bytes, kept in IndexedDB (which
 * stores CryptoKey objects as they are). A later passphrase can wrap this key
 * here without touching the vault.
 */
const DB_NAME = 'proxy-keyring-keys';
const STORE = 'keys';
const KEY_NAME = 'vault-data-key';

export async function loadOrCreateDataKey(): Promise<CryptoKey> {
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
    } catch {
      const stored: unknown = await db.get(STORE, KEY_NAME);
      if (stored instanceof CryptoKey) return stored;
      throw new Error('The vault key could not be stored.');
    }
  } finally {
    db.close();
  }
}
