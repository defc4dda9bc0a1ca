import { readStandings, type Standings } from '../core/refusal-guard';
import type { SuppliedAnswer } from '../core/request-tracker';
import type { KeyValueArea } from './key-value-area';

/**
 * What the answerer must not forget across a background restart, none of it
 * secret:
 * - per proxy, the refusals and a lock (`storage.local`: a restart must not
 *   undo a lock);
 * - the credentials a proxy accepted with Digest (`storage.local`: never sent
 *   to its Basic challenge without asking);
 * - the answers whose verdict is still out (`storage.session`): a background
 *   that restarts while the proxy judges a probe must count the probe's next
 *   challenge as the refusal it is, not send the password again (for
 *   `PENDING_MAX_AGE_MS`);
 * - the gates (proxy, realm, credential) a proxy accepted in this browser
 *   session (`storage.session`): their checks are not held again after the
 *   worker restarts (verifier.ts `quietMs`).
 *
 * Memory is authoritative; writes follow it and a failed write is reported,
 * never thrown into an answer.
 */
export const STANDINGS_KEY = 'pk.proxyStandings';
export const DIGEST_KEY = 'pk.digestCredentials';
export const PENDING_KEY = 'pk.pendingAnswers';
export const ACCEPTED_KEY = 'pk.acceptedGates';

export interface AnswerMemoryAreas {
  readonly local: KeyValueArea;
  readonly session: KeyValueArea;
}

export interface LoadedAnswerMemory {
  readonly standings: Standings;
  readonly digestCredentialIds: ReadonlySet<string>;
  readonly pending: ReadonlyMap<string, SuppliedAnswer>;
  readonly acceptedGates: ReadonlySet<string>;
}

/** An answer whose verdict is out, and when it was sent. */
interface Pending {
  readonly answer: SuppliedAnswer;
  readonly sentAt: number;
}

type Stored = { readonly answer: SuppliedAnswer; readonly sentAt: number | undefined };

/** As stored: `sentAt` is missing in entries written before times were kept. */
function readPending(value: unknown): Map<string, Stored> {
  const pending = new Map<string, Stored>();
  if (typeof value !== 'object' || value === null) return pending;
  for (const [requestId, raw] of Object.entries(value as Record<string, unknown>)) {
    if (typeof raw !== 'object' || raw === null) continue;
    const r = raw as Record<string, unknown>;
    const proxy = r['proxy'] as Record<string, unknown> | undefined;
    const strings = ['credentialId', 'username', 'realm', 'scheme', 'gate'].every((k) => typeof r[k] === 'string');
    if (!strings || typeof proxy !== 'object' || proxy === null) continue;
    if (typeof proxy['host'] !== 'string' || typeof proxy['port'] !== 'number') continue;
    const answer: SuppliedAnswer = {
      credentialId: r['credentialId'] as string,
      username: r['username'] as string,
      realm: r['realm'] as string,
      scheme: r['scheme'] as string,
      gate: r['gate'] as string,
      proxy: { host: proxy['host'], port: proxy['port'] },
    };
    const sentAt = r['sentAt'];
    pending.set(requestId, { answer, sentAt: typeof sentAt === 'number' && Number.isFinite(sentAt) ? sentAt : undefined });
  }
  return pending;
}

function readIds(value: unknown): Set<string> {
  return new Set(Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : []);
}

/** At most this many answers wait for a verdict; the oldest go first (the browser has long finished those). */
const PENDING_LIMIT = 200;

/**
 * A verdict comes back within its request's round trip, and the browser
 * challenges a refused request again at once. An answer pending longer than
 * this lost its verdict with a worker (its request ended while none ran): it
 * is let go, or every new worker would listen for it again, and Chrome then
 * wakes the worker for every page load (docs/browser-behaviour.md#idle-wakes).
 */
export const PENDING_MAX_AGE_MS = 2 * 60_000;

export class AnswerMemory {
  #pending = new Map<string, Pending>();

  constructor(
    private readonly areas: AnswerMemoryAreas,
    private readonly onWriteError: (error: unknown) => void = () => {},
    private readonly now: () => number = () => Date.now(),
  ) {}

  async load(): Promise<LoadedAnswerMemory> {
    const read = (area: KeyValueArea, key: string): Promise<unknown> =>
      area.get(key).then(
        (items) => items[key],
        // Unreadable reads as empty: a lost lock is better than a background that cannot answer.
        () => undefined,
      );
    const [standings, digest, pending, accepted] = await Promise.all([
      read(this.areas.local, STANDINGS_KEY),
      read(this.areas.local, DIGEST_KEY),
      read(this.areas.session, PENDING_KEY),
      read(this.areas.session, ACCEPTED_KEY),
    ]);
    const now = this.now();
    let changed = false;
    this.#pending = new Map();
    for (const [requestId, stored] of readPending(pending)) {
      // One without a time is dated now, so it ages out like the rest.
      const sentAt = stored.sentAt ?? now;
      const kept = now - sentAt <= PENDING_MAX_AGE_MS;
      if (kept) this.#pending.set(requestId, { answer: stored.answer, sentAt });
      if (!kept || stored.sentAt === undefined) changed = true;
    }
    // Written back when some were let go or dated, so the next load finds what this one kept.
    if (changed) this.#writePending();
    return {
      standings: readStandings(standings),
      digestCredentialIds: readIds(digest),
      pending: new Map([...this.#pending].map(([requestId, p]) => [requestId, p.answer])),
      acceptedGates: readIds(accepted),
    };
  }

  saveStandings(standings: Standings): void {
    this.#write(this.areas.local, { [STANDINGS_KEY]: standings });
  }

  saveDigestCredentials(ids: ReadonlySet<string>): void {
    this.#write(this.areas.local, { [DIGEST_KEY]: [...ids] });
  }

  saveAcceptedGates(keys: readonly string[]): void {
    this.#write(this.areas.session, { [ACCEPTED_KEY]: keys });
  }

  /** An answer whose verdict is out: kept until the verdict, so a restart in between still knows. */
  addPending(requestId: string, answer: SuppliedAnswer): void {
    this.#pending.set(requestId, { answer, sentAt: this.now() });
    while (this.#pending.size > PENDING_LIMIT) this.#pending.delete(this.#pending.keys().next().value as string);
    this.#writePending();
  }

  removePending(requestId: string): void {
    if (this.#pending.delete(requestId)) this.#writePending();
  }

  #writePending(): void {
    const stored = [...this.#pending].map(([requestId, p]) => [requestId, { ...p.answer, sentAt: p.sentAt }] as const);
    this.#write(this.areas.session, { [PENDING_KEY]: Object.fromEntries(stored) });
  }

  #write(area: KeyValueArea, items: Record<string, unknown>): void {
    void area.set(items).catch(this.onWriteError);
  }
}
