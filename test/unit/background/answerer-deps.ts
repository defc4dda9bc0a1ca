import type { AnswererDeps } from '../../../src/background/answerer';
import { ProxyStandings } from '../../../src/background/proxy-standings';
import { DEFAULT_LOCK_POLICY } from '../../../src/core/refusal-guard';
import type { Timers } from '../../../src/core/prompt-board';
import { Verifier, DEFAULT_VERIFIER_OPTIONS, type VerifierOptions } from '../../../src/core/verifier';
import { AnswerMemory, type AnswerMemoryAreas } from '../../../src/storage/answer-memory';
import { createMemoryArea } from '../../fakes/memory-area';

type VerificationDeps = Pick<AnswererDeps, 'verifier' | 'standings' | 'memory' | 'standingsChanged'>;

/**
 * The answerer's verification parts, real, over in-memory storage: the
 * verifier on real timers, the standings with the default lock policy.
 * Pass the same `areas` to a second answerer to play a background restart.
 */
export function verificationDeps(
  areas: AnswerMemoryAreas = { local: createMemoryArea(), session: createMemoryArea() },
  now: () => number = Date.now,
  timers: Timers = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
  options: VerifierOptions = DEFAULT_VERIFIER_OPTIONS,
): VerificationDeps {
  const memory = new AnswerMemory(areas);
  return {
    // Wired as start-background.ts does: what was accepted is kept for the next background.
    verifier: new Verifier(timers, now, options, (keys) => memory.saveAcceptedGates(keys)),
    standings: new ProxyStandings(memory, () => DEFAULT_LOCK_POLICY, now),
    memory,
    standingsChanged: () => {},
  };
}
