/** The part of `storage.local` / `storage.session` we use; tests pass an in-memory one (test/fakes/memory-area.ts). */
export interface KeyValueArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}
