import { describe, expect, it, vi } from 'vitest';
import { KEY_STORAGE_REFUSED, loadOrCreateDataKey } from '../../../src/storage/data-key';

describe('loadOrCreateDataKey', () => {
  it('creates one non-extractable AES-GCM key and returns the same one afterwards', async () => {
    const [a, b] = await Promise.all([loadOrCreateDataKey(), loadOrCreateDataKey()]);
    const c = await loadOrCreateDataKey();
    expect(a.extractable).toBe(false);
    expect(a.algorithm).toMatchObject({ name: 'AES-GCM', length: 256 });
    await expect(crypto.subtle.exportKey('raw', a)).rejects.toThrow();
    // Concurrent first calls agree on one stored key: what one encrypts, the other decrypts.
    const iv = new Uint8Array(12);
    const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, a, new TextEncoder().encode('x'));
    for (const k of [b, c]) {
      const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, k, sealed);
      expect(new TextDecoder().decode(plain)).toBe('x');
    }
  });
});

describe('when IndexedDB takes no writes', () => {
  it('says so in words, and a later call can still succeed', async () => {
    const open = vi.spyOn(indexedDB, 'open').mockImplementation(() => {
      throw new DOMException('A mutation operation was attempted on a database that did not allow mutations.', 'InvalidStateError');
    });
    const refused = loadOrCreateDataKey();
    await expect(refused).rejects.toThrow(KEY_STORAGE_REFUSED);
    // The page shows the words of the code; the DOMException stays as the cause for the console.
    await expect(refused).rejects.toMatchObject({ code: 'keyStorageRefused', cause: { name: 'InvalidStateError' } });
    open.mockRestore();
    await expect(loadOrCreateDataKey()).resolves.toBeInstanceOf(CryptoKey);
  });
});

describe('when IndexedDB fails for another reason', () => {
  it('is the key store refusing too, with the error kept as the cause', async () => {
    const bug = new TypeError('indexedDB.open is not a function');
    const open = vi.spyOn(indexedDB, 'open').mockImplementation(() => {
      throw bug;
    });
    await expect(loadOrCreateDataKey()).rejects.toMatchObject({ code: 'keyStorageRefused', cause: bug });
    open.mockRestore();
  });
});
