import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LOCK_POLICY,
  failedLogins,
  isHeld,
  isLocked,
  readStandings,
  recordRefusal,
  release,
  unlock,
  type Standings,
} from '../../../src/core/refusal-guard';

const P = 'proxy.example:3128';
const MIN = 60_000;

describe('refusal guard: a lock after repeated refusals', () => {
  it('locks a proxy after two refusals within 15 minutes, and says since when', () => {
    let s: Standings = {};
    s = recordRefusal(s, P, 0, DEFAULT_LOCK_POLICY, false);
    expect(isLocked(s, P)).toBe(false);
    s = recordRefusal(s, P, 14 * MIN, DEFAULT_LOCK_POLICY, false);
    expect(isLocked(s, P)).toBe(true);
    expect(s[P]?.lockedAt).toBe(14 * MIN);
    expect(failedLogins(s, P, 14 * MIN, DEFAULT_LOCK_POLICY)).toBe(2);
  });

  it('does not lock for refusals further apart than the window', () => {
    let s: Standings = {};
    s = recordRefusal(s, P, 0, DEFAULT_LOCK_POLICY, false);
    s = recordRefusal(s, P, 15 * MIN, DEFAULT_LOCK_POLICY, false);
    expect(isLocked(s, P)).toBe(false);
    expect(failedLogins(s, P, 15 * MIN, DEFAULT_LOCK_POLICY)).toBe(1);
  });

  it('follows the configured count', () => {
    const policy = { lockAfter: 3, windowMs: 15 * MIN };
    let s: Standings = {};
    for (const t of [0, 1, 2]) {
      expect(isLocked(s, P)).toBe(false);
      s = recordRefusal(s, P, t, policy, false);
    }
    expect(isLocked(s, P)).toBe(true);
  });

  it('keeps each proxy apart and unlocks only the one the user chose', () => {
    let s: Standings = {};
    for (const proxy of [P, 'other:8080']) {
      s = recordRefusal(s, proxy, 0, DEFAULT_LOCK_POLICY, false);
      s = recordRefusal(s, proxy, 1, DEFAULT_LOCK_POLICY, false);
    }
    s = unlock(s, P);
    expect(isLocked(s, P)).toBe(false);
    expect(failedLogins(s, P, 2, DEFAULT_LOCK_POLICY)).toBe(0);
    expect(isLocked(s, 'other:8080')).toBe(true);
  });

  it('holds the next account after a refusal when asked to, until the user has a say', () => {
    let s = recordRefusal({}, P, 0, DEFAULT_LOCK_POLICY, true);
    expect(isHeld(s, P)).toBe(true);
    s = release(s, P);
    expect(isHeld(s, P)).toBe(false);
    expect(failedLogins(s, P, 1, DEFAULT_LOCK_POLICY)).toBe(1);
    expect(isHeld(recordRefusal({}, P, 0, DEFAULT_LOCK_POLICY, false), P)).toBe(false);
  });

  it('reads persisted standings, dropping what has the wrong shape', () => {
    const read = readStandings({ [P]: { refusals: [1, 'x', 2], lockedAt: 2, held: true }, bad: 7, worse: { refusals: 'no' } });
    expect(read).toEqual({ [P]: { refusals: [1, 2], lockedAt: 2, held: true }, worse: { refusals: [] } });
    expect(readStandings(null)).toEqual({});
    expect(readStandings([1])).toEqual({});
  });
});
