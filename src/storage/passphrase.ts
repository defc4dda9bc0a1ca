import * as v from 'valibot';
import { UserError } from '../core/user-error';
import { keepableKey, openKeptKey, type DataKey, type KeySource } from './data-key';
import type { KeyValueArea } from './key-value-area';

/**
 * The optional passphrase. When the user sets one, the device data key is a
 * new AES-GCM key wrapped (AES-GCM) by a key derived from the passphrase
 * with PBKDF2-SHA-256, and the wrapped key is kept in `storage.local` —
 * so device credentials work where IndexedDB takes no writes (Firefox's
 * "Always use private browsing mode"), and a copied profile without the
 * passphrase opens nothing. The unwrapped key lives in the background's
 * memory and, as a JWK, in `storage.session` (memory only, emptied when the
 * browser closes), so a background the browser stopped while idle — Chrome
 * after 30 s — wakes unlocked: the passphrase is asked once per browser
 * session, not once per wake. The passphrase itself is never stored.
 */
export const UNLOCKED_KEY = 'pk.unlockedKey';
export const PASSPHRASE_RECORD_KEY = 'pk.passphraseKey';

/** OWASP's figure for PBKDF2-HMAC-SHA-256 (2023); docs/benchmarks.md#passphrase has its time here. */
export const PBKDF2_ITERATIONS = 600_000;

const RecordSchema = v.object({
  version: v.literal(1),
  kdf: v.literal('PBKDF2-SHA-256'),
  iterations: v.pipe(v.number(), v.integer(), v.minValue(1)),
  salt: v.pipe(v.string(), v.minLength(1)),
  iv: v.pipe(v.string(), v.minLength(1)),
  wrapped: v.pipe(v.string(), v.minLength(1)),
  keyId: v.pipe(v.string(), v.minLength(1)),
});
type WrappedKeyRecord = v.InferOutput<typeof RecordSchema>;

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

function additionalData(keyId: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(JSON.stringify(['proxy-keyring/wrapped-data-key', 1, keyId]));
}

async function deriveWrappingKey(passphrase: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(passphrase), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, material, { name: 'AES-GCM', length: 256 }, false, [
    'wrapKey',
    'unwrapKey',
  ]);
}

async function wrap(key: CryptoKey, keyId: string, passphrase: string, iterations: number): Promise<WrappedKeyRecord> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const wrapping = await deriveWrappingKey(passphrase, salt, iterations);
  const wrapped = await crypto.subtle.wrapKey('raw', key, wrapping, { name: 'AES-GCM', iv, additionalData: additionalData(keyId) });
  return {
    version: 1,
    kdf: 'PBKDF2-SHA-256',
    iterations,
    salt: toBase64(salt),
    iv: toBase64(iv),
    wrapped: toBase64(new Uint8Array(wrapped)),
    keyId,
  };
}

/** The data key, or `passphraseWrong` (AES-GCM refuses to unwrap with any other derived key). */
async function unwrap(record: WrappedKeyRecord, passphrase: string, extractable: boolean): Promise<CryptoKey> {
  const wrapping = await deriveWrappingKey(passphrase, fromBase64(record.salt), record.iterations);
  try {
    return await crypto.subtle.unwrapKey(
      'raw',
      fromBase64(record.wrapped),
      wrapping,
      { name: 'AES-GCM', iv: fromBase64(record.iv), additionalData: additionalData(record.keyId) },
      { name: 'AES-GCM', length: 256 },
      extractable,
      ['encrypt', 'decrypt'],
    );
  } catch (error) {
    throw new UserError('passphraseWrong', 'That passphrase is not the one set; nothing was changed.', { cause: error });
  }
}

export interface PassphraseStatus {
  /** A passphrase protects the device credentials. */
  readonly passphrase: boolean;
  /** …and it has not been entered since the background started. */
  readonly locked: boolean;
}

/** Re-seals the usable device credentials under `key` and writes them with `extra` in one write (credential-store.ts). */
export type Reseal = (key: DataKey, extra: Record<string, unknown>) => Promise<void>;

/**
 * The device key with or without a passphrase: the vault's `KeySource` for
 * device entries, and the passphrase's set, change, remove and unlock.
 */
export class DeviceKeys implements KeySource {
  #unlocked: DataKey | undefined;

  constructor(
    private readonly local: KeyValueArea,
    /** Where the unlocked key outlives a stopped background: `storage.session`. */
    private readonly session: KeyValueArea,
    /** The key in IndexedDB, used while no passphrase is set. */
    private readonly stored: KeySource & { forget?(): void; discard?(): Promise<void> },
    private readonly iterations: number = PBKDF2_ITERATIONS,
  ) {}

  /** The key unlocked earlier in this browser session, if it is the one `record` wraps. */
  async #unlockedInSession(record: WrappedKeyRecord): Promise<DataKey | undefined> {
    if (this.#unlocked?.id === record.keyId) return this.#unlocked;
    const kept = await openKeptKey((await this.session.get(UNLOCKED_KEY).catch((): Record<string, unknown> => ({})))[UNLOCKED_KEY]);
    if (kept?.id !== record.keyId) return undefined;
    this.#unlocked = kept;
    return kept;
  }

  /**
   * Keeps the unlocked key for this browser session (made by `keepableKey`);
   * in memory it is used as a non-extractable one. A session that takes no
   * write leaves it unlocked until the background stops, as before the
   * session kept it.
   */
  async #keepUnlocked({ kept, key }: Awaited<ReturnType<typeof keepableKey>>): Promise<void> {
    this.#unlocked = key;
    await this.session.set({ [UNLOCKED_KEY]: kept }).catch(() => undefined);
  }

  async #record(): Promise<WrappedKeyRecord | 'damaged' | undefined> {
    const value = (await this.local.get(PASSPHRASE_RECORD_KEY))[PASSPHRASE_RECORD_KEY];
    if (value === undefined || value === null) return undefined;
    const parsed = v.safeParse(RecordSchema, value);
    return parsed.success ? parsed.output : 'damaged';
  }

  async #locked(record: WrappedKeyRecord): Promise<DataKey> {
    const key = await this.#unlockedInSession(record);
    if (key) return key;
    throw new UserError('vaultLocked', 'The saved passwords are locked until the passphrase is entered.');
  }

  async read(): Promise<DataKey | undefined> {
    // Both at once (a woken background waits on this): the stored key is used only when no passphrase is set.
    const stored = this.stored.read();
    stored.catch(() => undefined);
    const record = await this.#record();
    if (record === undefined) return stored;
    // A damaged record can never open what it wrapped: the entries' key is lost.
    if (record === 'damaged') return undefined;
    return this.#locked(record);
  }

  async obtain(): Promise<DataKey> {
    const record = await this.#record();
    if (record === undefined) return this.stored.obtain();
    const key = record === 'damaged' ? undefined : await this.#locked(record);
    if (!key) throw new UserError('vaultLocked', 'The passphrase record is damaged; remove the passphrase to save passwords again.');
    return key;
  }

  async status(): Promise<PassphraseStatus> {
    const record = await this.#record();
    if (record === undefined) return { passphrase: false, locked: false };
    return { passphrase: true, locked: record === 'damaged' || (await this.#unlockedInSession(record)) === undefined };
  }

  /** Unlocks the device credentials until the browser closes; a wrong passphrase changes nothing. */
  async unlock(passphrase: string): Promise<void> {
    const record = await this.#record();
    if (record === undefined || record === 'damaged') throw new UserError('passphraseNotSet', 'No passphrase is set.');
    if (await this.#unlockedInSession(record)) return;
    await this.#keepUnlocked(await keepableKey(await unwrap(record, passphrase, true), record.keyId));
  }

  /**
   * Sets a passphrase where none is: a new data key, wrapped; every device
   * credential re-sealed under it and written with the wrapped key in one
   * write; the key in IndexedDB then discarded. Changes an existing one
   * only with the current passphrase.
   */
  async set(current: string, next: string, reseal: Reseal): Promise<void> {
    const record = await this.#record();
    if (record !== undefined && record !== 'damaged') {
      await this.#change(record, current, next);
      return;
    }
    const extractable = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']);
    const keyId = crypto.randomUUID();
    const wrapped = await wrap(extractable, keyId, next, this.iterations);
    const unlocked = await keepableKey(extractable, keyId);
    await reseal(unlocked.key, { [PASSPHRASE_RECORD_KEY]: wrapped });
    await this.#keepUnlocked(unlocked);
    // Nothing is sealed with it any more; a copied profile must not hold a key that opens anything.
    await this.stored.discard?.().catch(() => undefined);
  }

  async #change(record: WrappedKeyRecord, current: string, next: string): Promise<void> {
    const key = await unwrap(record, current, true);
    const wrapped = await wrap(key, record.keyId, next, this.iterations);
    await this.local.set({ [PASSPHRASE_RECORD_KEY]: wrapped });
    if (!(await this.#unlockedInSession(record))) await this.#keepUnlocked(await keepableKey(key, record.keyId));
  }

  /**
   * Removes the passphrase: the device credentials go back under a key in
   * IndexedDB (which must take it; else nothing is changed). `beforeReseal`
   * loads the credentials with the unlocked key, so none is left behind.
   */
  async remove(current: string, beforeReseal: () => Promise<void>, reseal: Reseal): Promise<void> {
    const record = await this.#record();
    if (record === undefined) throw new UserError('passphraseNotSet', 'No passphrase is set.');
    if (record !== 'damaged') {
      const key = await unwrap(record, current, false);
      this.#unlocked = { key, id: record.keyId };
      await beforeReseal();
    }
    this.stored.forget?.();
    const next = await this.stored.obtain();
    await reseal(next, { [PASSPHRASE_RECORD_KEY]: null });
    this.#unlocked = undefined;
    await this.session.set({ [UNLOCKED_KEY]: null }).catch(() => undefined);
  }
}
