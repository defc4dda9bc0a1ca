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
  /**
   * Chromium holds a page's other requests to a proxy back while the first one
   * is challenged (about 250 ms here), then sends them with whatever password
   * it was given meanwhile, before the proxy judged it: a wrong password then
   * fails on every one of them (docs/browser-behaviour.md#credential-caches).
   * Where set, the first probe of a password not yet accepted in this run is
   * held at least `quietMinMs`, and until no other challenge joined for
   * `quietMs`, never past `quietMaxMs`: the burst is parked with us before the
   * browser learns the unverified password.
   */
  readonly quietMs?: number;
  readonly quietMinMs?: number;
  readonly quietMaxMs?: number;
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
  /** Where the probe is held for a quiet moment (`quietMs`): how to let it go, and when the gate opened. */
  hold?: { readonly release: (end: WaitEnd) => void; readonly openedAt: number; timer: unknown };
}

/** Every challenge while a password is trusted is admitted so: one object for them all. */
const SEND_TRUSTED: Admission = { kind: 'send', probe: false };

/** The gate a request waits at: one proxy and realm, one credential. */
export function gateKey(promptKey: string, credentialId: string): string {
  return `${promptKey}|${credentialId}`;
}

export class Verifier {
  readonly #gates = new Map<string, Gate>();
  /** Gate key → until when an accepted password is sent without a probe. */
  readonly #trustedUntil = new Map<string, number>();
  /** Gate keys whose password the proxy accepted in this run: their probes are not held (`quietMs`). */
  readonly #acceptedOnce = new Set<string>();

  constructor(
    private readonly timers: Timers,
    private readonly now: () => number,
    private readonly options: VerifierOptions = DEFAULT_VERIFIER_OPTIONS,
    /** Hears the gate keys accepted in this run whenever they change, to keep them across a restart of the background. */
    private readonly onAcceptedChange: (keys: readonly string[]) => void = () => undefined,
  ) {}

  /** Gate keys accepted earlier in this browser session, by a background that has since restarted. */
  adoptAccepted(keys: Iterable<string>): void {
    for (const key of keys) this.#acceptedOnce.add(key);
  }

  /**
   * May this request be sent the credential now, or must it wait for a
   * verdict? `holdForBurst` false: every request that could follow is already
   * waiting with us (a password typed into the prompt), so a probe is not held.
   */
  admit(key: string, requestId: string, holdForBurst = true): Admission {
    const trustedUntil = this.#trustedUntil.get(key);
    if (trustedUntil !== undefined && this.now() < trustedUntil) return SEND_TRUSTED;
    const gate = this.#gates.get(key);
    if (!gate) return this.#open(key, requestId, holdForBurst && !this.#acceptedOnce.has(key));
    if (gate.probeRequestId === requestId && !gate.hold) return { kind: 'send', probe: true };
    // A request challenged again while already waiting replaces its older wait.
    this.#dropWaiter(gate, requestId);
    const until = new Promise<WaitEnd>((resolve) => gate.waiters.push({ requestId, resolve }));
    this.#watchForStall(gate);
    this.#keepQuiet(key, gate);
    return { kind: 'wait', until };
  }

  /** The first request at a gate is its probe: sent now, or once the burst has gone quiet (`quietMs`). */
  #open(key: string, requestId: string, hold: boolean): Admission {
    if (this.options.quietMs === undefined || !hold) {
      this.#gates.set(key, { probeRequestId: requestId, probeTimer: this.#startProbeTimer(key, requestId), waiters: [] });
      return { kind: 'send', probe: true };
    }
    let release: (end: WaitEnd) => void = () => undefined;
    const until = new Promise<WaitEnd>((resolve) => (release = resolve));
    const gate: Gate = {
      probeRequestId: requestId,
      probeTimer: undefined,
      waiters: [],
      hold: { release, openedAt: this.now(), timer: undefined },
    };
    this.#gates.set(key, gate);
    this.#keepQuiet(key, gate);
    return { kind: 'wait', until };
  }

  /** (Re)starts the quiet moment before a held probe goes, never past `quietMaxMs` from the first challenge. */
  #keepQuiet(key: string, gate: Gate): void {
    const { hold } = gate;
    if (!hold) return;
    this.timers.clearTimeout(hold.timer);
    const { quietMs = 0, quietMinMs = 0, quietMaxMs = Infinity } = this.options;
    const now = this.now();
    const wait = Math.min(Math.max(quietMs, hold.openedAt + quietMinMs - now), hold.openedAt + quietMaxMs - now);
    if (wait <= 0) this.#releaseProbe(key, gate, { kind: 'send' });
    else hold.timer = this.timers.setTimeout(() => this.#releaseProbe(key, gate, { kind: 'send' }), wait);
  }

  #releaseProbe(key: string, gate: Gate, end: WaitEnd): void {
    const { hold } = gate;
    if (!hold) return;
    gate.hold = undefined;
    this.timers.clearTimeout(hold.timer);
    if (end.kind === 'send') gate.probeTimer = this.#startProbeTimer(key, gate.probeRequestId);
    hold.release(end);
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
      // Most verdicts are on a password accepted before: nothing changes, and no closure is made for it.
      if (!this.#acceptedOnce.has(key)) this.#changeAccepted(() => this.#acceptedOnce.add(key));
      if (gate) this.#close(key, gate, { kind: 'send' });
      return;
    }
    if (verdict === 'refused' || verdict === 'doubt') {
      this.#trustedUntil.delete(key);
      this.#changeAccepted(() => this.#acceptedOnce.delete(key));
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
    this.#changeAccepted(() => {
      for (const key of this.#acceptedOnce) if (key.endsWith(suffix)) this.#acceptedOnce.delete(key);
    });
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

  #changeAccepted(change: () => unknown): void {
    const before = this.#acceptedOnce.size;
    change();
    if (this.#acceptedOnce.size !== before) this.onAcceptedChange([...this.#acceptedOnce]);
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
    // A held probe that ended before it went: nothing was sent, and the next request goes at once.
    this.#releaseProbe(key, gate, { kind: 'gone' });
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
    this.#releaseProbe(key, gate, end);
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
