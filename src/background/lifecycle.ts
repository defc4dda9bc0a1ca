import type { KeyValueArea } from '../storage/key-value-area';

/**
 * Notes each start of the background in `storage.session` (cleared when the
 * browser closes), so the options page and the tests can tell that the worker
 * or event page was stopped and woken again.
 */
export const STARTS_KEY = 'backgroundStarts';
const KEEP = 20;

export async function recordBackgroundStart(session: KeyValueArea, now: number): Promise<void> {
  const stored = (await session.get(STARTS_KEY))[STARTS_KEY];
  const starts = Array.isArray(stored) ? stored.filter((t): t is number => typeof t === 'number') : [];
  await session.set({ [STARTS_KEY]: [...starts, now].slice(-KEEP) });
}
