import type { AnswererDeps } from '../../../src/background/answerer';
import { ProxyStandings } from '../../../src/background/proxy-standings';
import { DEFAULT_LOCK_POLICY } from '../../../src/core/refusal-guard';
import { Verifier } from '../../../src/core/verifier';
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
): VerificationDeps {
  const memory = new AnswerMemory(areas);
  return {
    verifier: new Verifier(
      { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
      now,
    ),
    standings: new ProxyStandings(memory, () => DEFAULT_LOCK_POLICY, now),
    memory,
    standingsChanged: () => {},
  };
}
