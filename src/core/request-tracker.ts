import type { ProxyEndpoint } from './proxy-endpoint';

/** What we sent for a request: which credential, to which proxy and realm, under which scheme. */
export interface SuppliedAnswer {
  readonly credentialId: string;
  /** So a refused "just this once" answer can still be named. */
  readonly username: string;
  readonly proxy: ProxyEndpoint;
  readonly realm: string;
  readonly scheme: string;
  /** The verifier's gate the answer went through (see verifier.ts). */
  readonly gate: string;
}

/**
 * What we know about one request across its challenges. A second challenge of
 * the same requestId from the same proxy after we supplied a credential means
 * that proxy refused it; a challenge from another proxy (a redirect, a proxy
 * chain) is a first challenge there.
 */
export interface RequestTrack {
  readonly attempts: number;
  /** The answer we gave the previous challenge, if any. */
  readonly supplied?: SuppliedAnswer;
  readonly firstSeen: number;
}

/** Tracks are dropped after this long even if the browser never reports the end of the request. */
export const STALE_AFTER_MS = 10 * 60_000;

/** Sweeping stale tracks walks them all, so it runs at most this often, off the hot path's common case. */
export const SWEEP_EVERY_MS = 60_000;

export class RequestTracker {
  readonly #tracks = new Map<string, RequestTrack>();
  #lastSweep = Number.NEGATIVE_INFINITY;

  /** `onTrackingChange` hears when the first request is tracked and when the last one is gone. */
  constructor(private readonly onTrackingChange: (tracking: boolean) => void = () => undefined) {}

  get(requestId: string): RequestTrack | undefined {
    return this.#tracks.get(requestId);
  }

  /** Counts a new challenge for the request and returns its attempt number (1-based). */
  countAttempt(requestId: string, now: number): RequestTrack {
    this.dropStale(now);
    const previous = this.#tracks.get(requestId);
    // Written out rather than spread from `previous`: every challenge builds one (see recordSupplied).
    const track: RequestTrack =
      previous === undefined
        ? { attempts: 1, firstSeen: now }
        : previous.supplied === undefined
          ? { attempts: previous.attempts + 1, firstSeen: previous.firstSeen }
          : { attempts: previous.attempts + 1, firstSeen: previous.firstSeen, supplied: previous.supplied };
    this.#set(requestId, track);
    return track;
  }

  recordSupplied(requestId: string, supplied: SuppliedAnswer): void {
    const track = this.#tracks.get(requestId);
    // Written out: a spread that adds a field costs ~0.7 µs per answer on V8, the whole hot answer's budget (docs/benchmarks.md).
    if (track) this.#tracks.set(requestId, { attempts: track.attempts, firstSeen: track.firstSeen, supplied });
  }

  /**
   * A request answered by an earlier background (it restarted while the proxy
   * judged our answer): tracked as answered once, so its next challenge counts
   * as the refusal it is.
   */
  restore(requestId: string, supplied: SuppliedAnswer, now: number): void {
    if (!this.#tracks.has(requestId)) this.#set(requestId, { attempts: 1, supplied, firstSeen: now });
  }

  clearSupplied(requestId: string): void {
    const track = this.#tracks.get(requestId);
    if (track) this.#tracks.set(requestId, { attempts: track.attempts, firstSeen: track.firstSeen });
  }

  has(requestId: string): boolean {
    return this.#tracks.has(requestId);
  }

  finish(requestId: string): void {
    if (this.#tracks.delete(requestId) && this.#tracks.size === 0) this.onTrackingChange(false);
  }

  get size(): number {
    return this.#tracks.size;
  }

  /**
   * Ends tracks older than STALE_AFTER_MS (their end was never heard), at most
   * once per SWEEP_EVERY_MS. Each challenge sweeps; so does the background's
   * timer while anything is tracked, since a track that never ends keeps the
   * response listeners registered and the worker woken by every page.
   */
  dropStale(now: number): void {
    if (now - this.#lastSweep < SWEEP_EVERY_MS) return;
    this.#lastSweep = now;
    for (const [id, track] of this.#tracks) {
      if (now - track.firstSeen > STALE_AFTER_MS) this.finish(id);
    }
  }

  #set(requestId: string, track: RequestTrack): void {
    const first = this.#tracks.size === 0;
    this.#tracks.set(requestId, track);
    if (first) this.onTrackingChange(true);
  }
}
