/**
 * What a proxy has refused lately, per proxy (`host:port`), so that Proxy
 * Keyring never locks an account by itself:
 *
 * - after `lockAfter` refusals within `windowMs` the proxy is *locked*: no
 *   answer and no prompt for it until the user unlocks it deliberately;
 * - after any refusal the proxy is *held* (when the user asked for it): the
 *   next saved account is not tried until the user has had a say.
 *
 * Plain data and pure functions, so the background persists it as it is
 * (it holds no secret) and a restart does not forget a lock.
 */
export interface ProxyStanding {
  /** Times of the refusals still inside the window, oldest first. */
  readonly refusals: readonly number[];
  readonly lockedAt?: number;
  /** A refusal waits for the user's word before another account is tried. */
  readonly held?: boolean;
}

export type Standings = Readonly<Record<string, ProxyStanding>>;

/** One proxy's standing as the popup and the options page show it. */
export interface StandingView {
  /** `host:port`. */
  readonly proxy: string;
  /** Failed logins Proxy Keyring sent it within the lock window. */
  readonly failedLogins: number;
  /** Set while the proxy is locked: since when. */
  readonly lockedAt?: number;
  readonly held: boolean;
}

export interface LockPolicy {
  /** Refusals within the window that lock the proxy. */
  readonly lockAfter: number;
  readonly windowMs: number;
}

export const DEFAULT_LOCK_POLICY: LockPolicy = { lockAfter: 2, windowMs: 15 * 60_000 };

function recent(standing: ProxyStanding | undefined, now: number, policy: LockPolicy): number[] {
  return (standing?.refusals ?? []).filter((time) => now - time < policy.windowMs);
}

/** One more failed login at the proxy; locks it when that makes too many. */
export function recordRefusal(standings: Standings, proxy: string, now: number, policy: LockPolicy, hold: boolean): Standings {
  const previous = standings[proxy];
  const refusals = [...recent(previous, now, policy), now];
  const lockedAt = previous?.lockedAt ?? (refusals.length >= policy.lockAfter ? now : undefined);
  const standing: ProxyStanding = {
    refusals,
    ...(lockedAt === undefined ? {} : { lockedAt }),
    ...(hold || previous?.held === true ? { held: true } : {}),
  };
  return { ...standings, [proxy]: standing };
}

export function isLocked(standings: Standings, proxy: string): boolean {
  return standings[proxy]?.lockedAt !== undefined;
}

export function isHeld(standings: Standings, proxy: string): boolean {
  return standings[proxy]?.held === true;
}

/** Failed logins Proxy Keyring sent to the proxy within the window: what the prompt tells the user. */
export function failedLogins(standings: Standings, proxy: string, now: number, policy: LockPolicy): number {
  return recent(standings[proxy], now, policy).length;
}

/** The user unlocked the proxy: the count starts again. */
export function unlock(standings: Standings, proxy: string): Standings {
  const { [proxy]: _dropped, ...rest } = standings;
  return rest;
}

/** The user has had a say (signed in, edited an account): the next account may be tried again. */
export function release(standings: Standings, proxy: string): Standings {
  const standing = standings[proxy];
  if (standing?.held !== true) return standings;
  const { held: _held, ...rest } = standing;
  return { ...standings, [proxy]: rest };
}

/** Reads persisted standings, keeping only what has the right shape (a bad entry is dropped, not fatal). */
export function readStandings(value: unknown): Standings {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const result: Record<string, ProxyStanding> = {};
  for (const [proxy, raw] of Object.entries(value as Record<string, unknown>)) {
    if (typeof raw !== 'object' || raw === null) continue;
    const r = raw as Record<string, unknown>;
    const refusals = Array.isArray(r['refusals'])
      ? r['refusals'].filter((t): t is number => typeof t === 'number' && Number.isFinite(t))
      : [];
    const lockedAt = typeof r['lockedAt'] === 'number' && Number.isFinite(r['lockedAt']) ? r['lockedAt'] : undefined;
    result[proxy] = { refusals, ...(lockedAt === undefined ? {} : { lockedAt }), ...(r['held'] === true ? { held: true } : {}) };
  }
  return result;
}
