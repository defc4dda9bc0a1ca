import { describe, expect, it } from 'vitest';
import { RequestTracker } from '../../../src/core/request-tracker';

describe('RequestTracker', () => {
  it('counts attempts per request and remembers what was supplied', () => {
    const tracker = new RequestTracker();
    expect(tracker.countAttempt('a', 0).attempts).toBe(1);
    tracker.recordSupplied('a', 'c1', 'alice');
    const second = tracker.countAttempt('a', 10);
    expect(second).toMatchObject({ attempts: 2, suppliedCredentialId: 'c1', suppliedUsername: 'alice' });
    expect(tracker.countAttempt('b', 10).attempts).toBe(1);
  });

  it('forgets the supplied credential once its rejection is handled', () => {
    const tracker = new RequestTracker();
    tracker.countAttempt('a', 0);
    tracker.recordSupplied('a', 'c1', 'alice');
    tracker.clearSupplied('a');
    expect(tracker.countAttempt('a', 1)).toEqual({ attempts: 2, firstSeen: 0 });
  });

  it('drops finished and stale requests', () => {
    const tracker = new RequestTracker();
    tracker.countAttempt('a', 0);
    tracker.countAttempt('b', 0);
    tracker.finish('a');
    expect(tracker.has('a')).toBe(false);
    tracker.countAttempt('c', 11 * 60_000);
    expect(tracker.has('b')).toBe(false);
    expect(tracker.size).toBe(1);
  });
});
