/**
 * What we know about one request across its challenges. A second challenge of
 * the same requestId after we supplied a credential means the proxy refused it.
 */
export interface RequestTrack {
  readonly attempts: number;
  /** The credential we answered the previous challenge with, if any. */
  readonly suppliedCredentialId?: string;
  /** Its user name, so a refused "just this once" answer can still be named. */
  readonly suppliedUsername?: string;
  readonly firstSeen: number;
}

/** Tracks are dropped after this long even if the browser never reports the end of the request. */
const STALE_AFTER_MS = 10 * 60_000;

/** Sweeping stale tracks walks them all, so it runs at most this often, off the hot path's common case. */
const SWEEP_EVERY_MS = 60_000;

export class RequestTracker {
  readonly #tracks = new Map<string, RequestTrack>();
  #lastSweep = Number.NEGATIVE_INFINITY;

  get(requestId: string): RequestTrack | undefined {
    return this.#tracks.get(requestId);
  }

  /** Counts a new challenge for the request and returns its attempt number (1-based). */
  countAttempt(requestId: string, now: number): RequestTrack {
    this.#dropStale(now);
    const previous = this.#tracks.get(requestId);
    const track: RequestTrack = {
      ...previous,
      attempts: (previous?.attempts ?? 0) + 1,
      firstSeen: previous?.firstSeen ?? now,
    };
    this.#tracks.set(requestId, track);
    return track;
  }

  recordSupplied(requestId: string, credentialId: string, username: string): void {
    const track = this.#tracks.get(requestId);
    if (track) this.#tracks.set(requestId, { ...track, suppliedCredentialId: credentialId, suppliedUsername: username });
  }

  clearSupplied(requestId: string): void {
    const track = this.#tracks.get(requestId);
    if (track) this.#tracks.set(requestId, { attempts: track.attempts, firstSeen: track.firstSeen });
  }

  has(requestId: string): boolean {
    return this.#tracks.has(requestId);
  }

  finish(requestId: string): void {
    this.#tracks.delete(requestId);
  }

  get size(): number {
    return this.#tracks.size;
  }

  #dropStale(now: number): void {
    if (now - this.#lastSweep < SWEEP_EVERY_MS) return;
    this.#lastSweep = now;
    for (const [id, track] of this.#tracks) {
      if (now - track.firstSeen > STALE_AFTER_MS) this.#tracks.delete(id);
    }
  }
}
