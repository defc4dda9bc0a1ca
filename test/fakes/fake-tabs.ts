/** One tab the extension opened, with the address it was sent to last. */
export interface FakeTab {
  readonly id: number;
  readonly url: string;
  readonly active: boolean;
}

/**
 * `tabs` as far as the background uses it (the sign-in test): `create`,
 * `update` of the address, and `remove`, which rejects for a tab that is gone
 * as the browsers do. Nothing loads: a test fires the webRequest events.
 */
export function createFakeTabs() {
  const open = new Map<number, FakeTab>();
  const removed: number[] = [];
  let nextId = 500;
  return {
    create(properties: { url: string; active: boolean }): Promise<{ id: number }> {
      const id = nextId++;
      open.set(id, { id, url: properties.url, active: properties.active });
      return Promise.resolve({ id });
    },
    update(tabId: number, properties: { url: string }): Promise<FakeTab> {
      const tab = open.get(tabId);
      if (!tab) return Promise.reject(new Error(`No tab with id: ${tabId}.`));
      const updated = { ...tab, url: properties.url };
      open.set(tabId, updated);
      return Promise.resolve(updated);
    },
    remove(tabId: number): Promise<void> {
      if (!open.delete(tabId)) return Promise.reject(new Error(`No tab with id: ${tabId}.`));
      removed.push(tabId);
      return Promise.resolve();
    },
    /** The tabs open now. */
    list(): FakeTab[] {
      return [...open.values()];
    },
    /** Ids of the tabs closed, in order. */
    removed(): readonly number[] {
      return removed;
    },
  };
}

export type FakeTabs = ReturnType<typeof createFakeTabs>;
