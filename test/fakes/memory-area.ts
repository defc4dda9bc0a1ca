import type { KeyValueArea } from '../../src/storage/key-value-area';

/**
 * An in-memory `storage.local` / `storage.session` area. Values are cloned on
 * the way in and out, as the browser's storage does, so a test cannot pass by
 * mutating an object the code under test still holds.
 */
export function createMemoryArea(initial: Record<string, unknown> = {}): KeyValueArea & { readonly data: Record<string, unknown> } {
  const data: Record<string, unknown> = structuredClone(initial);
  return {
    data,
    get(key) {
      return Promise.resolve(key in data ? { [key]: structuredClone(data[key]) } : {});
    },
    set(items) {
      for (const [k, v] of Object.entries(items)) data[k] = structuredClone(v);
      return Promise.resolve();
    },
  };
}
