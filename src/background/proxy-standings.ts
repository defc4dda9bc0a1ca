import type { ProxyState } from '../core/decide';
import { formatEndpoint, type ProxyEndpoint } from '../core/proxy-endpoint';
import {
  failedLogins,
  isHeld,
  isLocked,
  recordRefusal,
  release,
  unlock,
  type LockPolicy,
  type ProxyStanding,
  type StandingView,
  type Standings,
} from '../core/refusal-guard';
import type { AnswerMemory, LoadedAnswerMemory } from '../storage/answer-memory';

/**
 * The answerer's memory of each proxy: its refusals and lock
 * (core/refusal-guard.ts) and which credentials it accepted with Digest, kept
 * in memory and written through `AnswerMemory`. Loaded once with the
 * credentials; every read after that is synchronous.
 */
export class ProxyStandings {
  #standings: Standings = {};
  #digest = new Set<string>();

  constructor(
    private readonly memory: AnswerMemory,
    private readonly policy: () => LockPolicy,
    private readonly now: () => number,
  ) {}

  adopt(loaded: LoadedAnswerMemory): void {
    this.#standings = loaded.standings;
    this.#digest = new Set(loaded.digestCredentialIds);
  }

  stateOf(proxy: ProxyEndpoint): ProxyState {
    const label = formatEndpoint(proxy);
    return { locked: isLocked(this.#standings, label), held: isHeld(this.#standings, label) };
  }

  failedLogins(proxy: ProxyEndpoint): number {
    return failedLogins(this.#standings, formatEndpoint(proxy), this.now(), this.policy());
  }

  /** The proxy refused a password we sent; returns whether that locked it. */
  recordRefusal(proxy: ProxyEndpoint, holdNextAccount: boolean): boolean {
    const label = formatEndpoint(proxy);
    this.#update(recordRefusal(this.#standings, label, this.now(), this.policy(), holdNextAccount));
    return isLocked(this.#standings, label);
  }

  /** The user signed in for this proxy: the next account may be tried again. */
  release(proxy: ProxyEndpoint): void {
    this.#update(release(this.#standings, formatEndpoint(proxy)));
  }

  /** The user unlocked the proxy; false when it was not locked. */
  unlock(label: string): boolean {
    if (!isLocked(this.#standings, label)) return false;
    this.#update(unlock(this.#standings, label));
    return true;
  }

  anyLocked(): boolean {
    return Object.values(this.#standings).some((s: ProxyStanding) => s.lockedAt !== undefined);
  }

  list(): StandingView[] {
    const now = this.now();
    return Object.entries(this.#standings)
      .map(([proxy, s]) => ({
        proxy,
        failedLogins: failedLogins(this.#standings, proxy, now, this.policy()),
        ...(s.lockedAt === undefined ? {} : { lockedAt: s.lockedAt }),
        held: s.held === true,
      }))
      .filter((s) => s.failedLogins > 0 || s.lockedAt !== undefined || s.held)
      .sort((a, b) => a.proxy.localeCompare(b.proxy));
  }

  digestCredentialIds(): ReadonlySet<string> {
    return this.#digest;
  }

  /** The proxy accepted this credential with Digest: from now on Basic asks first. */
  noteDigest(credentialId: string): void {
    if (this.#digest.has(credentialId)) return;
    this.#digest.add(credentialId);
    this.memory.saveDigestCredentials(this.#digest);
  }

  #update(next: Standings): void {
    if (next === this.#standings) return;
    this.#standings = next;
    this.memory.saveStandings(next);
  }
}
