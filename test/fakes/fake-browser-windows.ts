/** One window the extension opened. */
export interface FakeWindow {
  readonly id: number;
  readonly url: string;
  readonly type: string;
}

/**
 * `windows` as far as the background uses it: `create` keeps the URL (the
 * prompt id is in it), `remove` of a window that is gone rejects as the
 * browsers do, and every removal — by the extension or by the user's
 * `close` — fires `onRemoved`.
 */
export function createFakeWindows() {
  const open = new Map<number, FakeWindow>();
  const listeners: ((windowId: number) => void)[] = [];
  let nextId = 100;
  let failNext = false;
  const removeWindow = (windowId: number): void => {
    if (!open.delete(windowId)) throw new Error(`No window with id: ${windowId}.`);
    for (const listener of listeners) listener(windowId);
  };
  return {
    create(data: { url: string; type: string }): Promise<{ id: number }> {
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error('Could not create window.'));
      }
      const id = nextId++;
      open.set(id, { id, url: data.url, type: data.type });
      return Promise.resolve({ id });
    },
    async remove(windowId: number): Promise<void> {
      // The browser answers on a later turn, as a real API call does.
      await Promise.resolve();
      removeWindow(windowId);
    },
    onRemoved: {
      addListener(listener: (windowId: number) => void): void {
        listeners.push(listener);
      },
    },
    /** The user closes a window. */
    close(windowId: number): void {
      removeWindow(windowId);
    },
    /** The window is gone, and the event never reached the extension (it was closed with its profile, say). */
    forget(windowId: number): void {
      open.delete(windowId);
    },
    /** The next `create` fails, as it does when the browser is shutting down. */
    failNextCreate(): void {
      failNext = true;
    },
    /** The windows open now, oldest first. */
    list(): FakeWindow[] {
      return [...open.values()];
    },
    /** A background restart drops its listeners; the windows stay open. */
    dropListeners(): void {
      listeners.length = 0;
    },
  };
}

export type FakeWindows = ReturnType<typeof createFakeWindows>;
