import type { Timers } from './prompt-board';

/**
 * Verified before trusted. A password that is not yet known to work at a
 * proxy is sent for one request only, the probe; every other request for the
 * same proxy, realm and credential waits on the proxy's verdict:
 *
 * - accepted (the probe got a response other than 407 from that proxy): every
 *   waiting request is sent the password at once, and for a short while
 *   later challenges are too, without a probe;
 * - refused (the proxy challenged the probe again): nothing else was sent; the
 *   waiting requests are told so and go to the prompt;
 * - no verdict (the probe was cancelled, failed, or hangs past the probe
 *   timeout): the next waiting request becomes the probe. Nothing waits
 *   forever: a gate with no probe and no waiters is gone.
 *
 * So a wrong password, saved or typed, costs one failed login however many
 * requests are challenged at once. Pure: timers and the clock are injected.
 */
export type Verdict =
  | 'accepted'
  | 'refused'
  /** The request ended, or hangs, without a word from the proxy. */
  | 'none'
  /**
   * A site's 401 on the request we answered: some proxies refuse that way
   * (docs/browser-behaviour.md#tinyproxy-401). Not a refusal we can be sure
   * of, so nothing is marked refused, but nothing more is sent either.
   */
  | 'doubt';

/** What a waiting request is told when its wait ends. */
export type WaitEnd =
  /** Send the password now: the proxy accepted it, or this request is the next probe. */
  | { readonly kind: 'send' }
  /** The proxy refused it: do not send it; ask the user. */
  | { readonly kind: 'refused' }
  /** The proxy may have refused it (a 401 instead of a 407): ask the user rather than send it again. */
  | { readonly kind: 'doubt' }
  /** The request ended by itself while it waited: nothing to answer. */
  | { readonly kind: 'gone' }
  /**
   * The browser would not send the probe while this request waited
   * (`stallMs`): end this request without sending anything, so the probe can
   * go. docs/browser-behaviour.md#firefox-holds-auth-answers
   */
  | { readonly kind: 'held-back' };

export type Admission =
  /** Send it now: trusted, or this request is the probe. */
  { readonly kind: 'send'; readonly probe: boolean } | { readonly kind: 'wait'; readonly until: Promise<WaitEnd> };

export interface VerifierOptions {
  /** A probe with no verdict by then hands over to the next waiting request. */
  readonly probeTimeoutMs: number;
  /**
   * How long an accepted password is sent without a new probe. Short on
   * purpose: a challenge long after the proxy accepted a password means the
   * browser's own cached copy was just refused (or a new context asks), and
   * only a probe tells which.
   */
  readonly trustMs: number;
  /**
   * Firefox acts on no answer to a proxy challenge while other challenges for
   * that proxy wait unanswered: a probe with requests waiting behind it never
   * reaches the proxy. Where set, a probe that got no verdict this long after
   * it was sent ends every request waiting behind it (they fail, and no
   * password is sent with them), so the probe goes and a wrong password still
   * costs one failed login. docs/browser-behaviour.md#firefox-holds-auth-answers
   */
  readonly stallMs?: number;
}

export const DEFAULT_VERIFIER_OPTIONS: VerifierOptions = { probeTimeoutMs: 5_000, trustMs: 5_000 };

interface Waiter {
  readonly requestId: string;
  readonly resolve: (end: WaitEnd) => void;
}

interface Gate {
  probeRequestId: string;
  probeTimer: unknown;
  stallTimer?: unknown;
  readonly waiters: Waiter[];
}

/** The gate a request waits at: one proxy and realm, one credential. */
export function gateKey(promptKey: string, credentialId: string): string {
  return `${promptKey}|${credentialId}`;
}

export class Verifier {
  readonly #gates = new Map<string, Gate>();
  /** Gate key → until when an accepted password is sent without a probe. */
  readonly #trustedUntil = new Map<string, number>();

  constructor(
    private readonly timers: Timers,
    private readonly now: () => number,
    private readonly options: VerifierOptions = DEFAULT_VERIFIER_OPTIONS,
  ) {}

  /** May this request be sent the credential now, or must it wait for a verdict? */
  admit(key: string, requestId: string): Admission {
    const trustedUntil = this.#trustedUntil.get(key);
    if (trustedUntil !== undefined && this.now() < trustedUntil) return { kind: 'send', probe: false };
    const gate = this.#gates.get(key);
    if (!gate) {
      this.#gates.set(key, { probeRequestId: requestId, probeTimer: this.#startProbeTimer(key, requestId), waiters: [] });
      return { kind: 'send', probe: true };
    }
    if (gate.probeRequestId === requestId) return { kind: 'send', probe: true };
    // A request challenged again while already waiting replaces its older wait.
    this.#dropWaiter(gate, requestId);
    const until = new Promise<WaitEnd>((resolve) => gate.waiters.push({ requestId, resolve }));
    this.#watchForStall(gate);
    return { kind: 'wait', until };
  }

  /**
   * The proxy's verdict on a password sent for `requestId`. Accepted or
   * refused settles the whole gate, whichever request carried it (a probe
   * that timed out may still answer later); "none" matters only from the
   * current probe, and hands over to the next waiting request.
   */
  settle(key: string, requestId: string, verdict: Verdict): void {
    const gate = this.#gates.get(key);
    if (verdict === 'accepted') {
      this.#trustedUntil.set(key, this.now() + this.options.trustMs);
      if (gate) this.#close(key, gate, { kind: 'send' });
      return;
    }
    if (verdict === 'refused' || verdict === 'doubt') {
      this.#trustedUntil.delete(key);
      if (gate) this.#close(key, gate, { kind: verdict });
      return;
    }
    if (gate?.probeRequestId === requestId) this.#handOver(key, gate);
    else if (gate) this.#dropWaiter(gate, requestId);
  }

  /** A request that waited ended by itself (cancelled, failed): it no longer waits. */
  abandon(requestId: string): void {
    for (const [key, gate] of this.#gates) {
      if (gate.probeRequestId === requestId) this.#handOver(key, gate);
      else this.#dropWaiter(gate, requestId);
    }
  }

  /** The credential changed or was deleted: whatever was verified about it no longer holds. */
  forget(credentialId: string): void {
    const suffix = `|${credentialId}`;
    for (const key of this.#trustedUntil.keys()) if (key.endsWith(suffix)) this.#trustedUntil.delete(key);
  }

  isTrusted(key: string): boolean {
    const until = this.#trustedUntil.get(key);
    return until !== undefined && this.now() < until;
  }

  /** The request currently carrying the probe at this gate, if any. */
  probeOf(key: string): string | undefined {
    return this.#gates.get(key)?.probeRequestId;
  }

  waitingAt(key: string): number {
    return this.#gates.get(key)?.waiters.length ?? 0;
  }

  #startProbeTimer(key: string, requestId: string): unknown {
    return this.timers.setTimeout(() => this.settle(key, requestId, 'none'), this.options.probeTimeoutMs);
  }

  /** Where the browser holds a probe back while others wait (`stallMs`), the waiting requests give way. */
  #watchForStall(gate: Gate): void {
    const { stallMs } = this.options;
    if (stallMs === undefined || gate.stallTimer !== undefined) return;
    gate.stallTimer = this.timers.setTimeout(() => {
      gate.stallTimer = undefined;
      for (const waiter of gate.waiters.splice(0)) waiter.resolve({ kind: 'held-back' });
    }, stallMs);
  }

  #clearTimers(gate: Gate): void {
    this.timers.clearTimeout(gate.probeTimer);
    if (gate.stallTimer !== undefined) this.timers.clearTimeout(gate.stallTimer);
    gate.stallTimer = undefined;
  }

  #handOver(key: string, gate: Gate): void {
    this.#clearTimers(gate);
    const next = gate.waiters.shift();
    if (!next) {
      this.#gates.delete(key);
      return;
    }
    gate.probeRequestId = next.requestId;
    gate.probeTimer = this.#startProbeTimer(key, next.requestId);
    next.resolve({ kind: 'send' });
    if (gate.waiters.length > 0) this.#watchForStall(gate);
  }

  #close(key: string, gate: Gate, end: WaitEnd): void {
    this.#clearTimers(gate);
    this.#gates.delete(key);
    for (const waiter of gate.waiters) waiter.resolve(end);
  }

  #dropWaiter(gate: Gate, requestId: string): void {
    const index = gate.waiters.findIndex((w) => w.requestId === requestId);
    if (index === -1) return;
    const [dropped] = gate.waiters.splice(index, 1);
    dropped?.resolve({ kind: 'gone' });
  }
}
