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

/**
 * How long one start took, in ms since the browser began starting the worker
 * or event page (`performance.now()`): its script's first statement ran
 * (what came before is starting it and loading and compiling the script),
 * its modules evaluated, its listeners registered, and the credentials,
 * settings and answer memory in memory.
 * The last few are kept beside the starts (`npm run bench` reads them; the
 * cold-wake figures in docs/benchmarks.md are split by them).
 */
export interface StartTimings {
  /** Absent when the entry did not give it (a test starting the background itself). */
  readonly startedMs?: number;
  readonly scriptMs: number;
  /** The loads below asked for (they go out before the listeners), then onAuthRequired registered, then every listener. */
  readonly loadsAskedMs?: number;
  readonly authListenerMs?: number;
  readonly listenersMs: number;
  readonly readyMs: number;
  /** When each load of `readyMs` was done: the credentials (vault, key, decryption), the settings and policy, the answer memory. */
  readonly credentialsMs?: number;
  readonly settingsMs?: number;
  readonly memoryMs?: number;
}
export const START_TIMINGS_KEY = 'backgroundStartTimings';

export async function recordStartTimings(session: KeyValueArea, timings: StartTimings): Promise<void> {
  const stored = (await session.get(START_TIMINGS_KEY))[START_TIMINGS_KEY];
  const kept = Array.isArray(stored)
    ? stored.filter((t): t is StartTimings => typeof (t as StartTimings | null)?.readyMs === 'number')
    : [];
  await session.set({ [START_TIMINGS_KEY]: [...kept, timings].slice(-KEEP) });
}
