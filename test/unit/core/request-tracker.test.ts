import { describe, expect, it } from 'vitest';
import { RequestTracker, type SuppliedAnswer } from '../../../src/core/request-tracker';

const answer: SuppliedAnswer = {
  credentialId: 'c1',
  username: 'alice',
  proxy: { host: 'proxy.example', port: 3128 },
  realm: 'Office',
  scheme: 'basic',
  gate: 'proxy.example:3128|Office|c1',
};

describe('RequestTracker', () => {
  it('restores a request an earlier background answered, so its next challenge is a refusal', () => {
    const tracker = new RequestTracker();
    tracker.restore('r', answer, 5);
    expect(tracker.countAttempt('r', 6)).toEqual({ attempts: 2, supplied: answer, firstSeen: 5 });
    // A request this background already tracks keeps its own history.
    tracker.countAttempt('s', 0);
    tracker.restore('s', answer, 7);
    expect(tracker.get('s')).toEqual({ attempts: 1, firstSeen: 0 });
  });

  it('counts attempts per request and remembers what was supplied', () => {
    const tracker = new RequestTracker();
    expect(tracker.countAttempt('a', 0).attempts).toBe(1);
    tracker.recordSupplied('a', answer);
    const second = tracker.countAttempt('a', 10);
    expect(second).toEqual({ attempts: 2, supplied: answer, firstSeen: 0 });
    expect(tracker.countAttempt('b', 10).attempts).toBe(1);
  });

  it('carries the supplied answer into the next attempt only where there is one', () => {
    const tracker = new RequestTracker();
    expect(tracker.countAttempt('a', 0)).toStrictEqual({ attempts: 1, firstSeen: 0 });
    expect(tracker.countAttempt('a', 1)).toStrictEqual({ attempts: 2, firstSeen: 0 });
    tracker.recordSupplied('a', answer);
    expect(tracker.countAttempt('a', 2)).toStrictEqual({ attempts: 3, firstSeen: 0, supplied: answer });
    expect(tracker.countAttempt('a', 3)).toStrictEqual({ attempts: 4, firstSeen: 0, supplied: answer });
    tracker.clearSupplied('a');
    expect(tracker.countAttempt('a', 4)).toStrictEqual({ attempts: 5, firstSeen: 0 });
  });

  it('forgets the supplied credential once its rejection is handled', () => {
    const tracker = new RequestTracker();
    tracker.countAttempt('a', 0);
    tracker.recordSupplied('a', answer);
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

  it('says when the first request is tracked and when the last one is gone, stale ones included', () => {
    const heard: boolean[] = [];
    const tracker = new RequestTracker((tracking) => heard.push(tracking));
    tracker.countAttempt('a', 0);
    tracker.countAttempt('a', 1);
    tracker.countAttempt('b', 2);
    expect(heard).toEqual([true]);
    tracker.finish('a');
    tracker.finish('unknown');
    expect(heard).toEqual([true]);
    tracker.finish('b');
    expect(heard).toEqual([true, false]);
    tracker.countAttempt('old', 0);
    // Ten minutes on, the old track is swept before the new one is counted: gone, then tracking again.
    tracker.countAttempt('new', 11 * 60_000);
    expect(heard).toEqual([true, false, true, false, true]);
    expect(tracker.size).toBe(1);
  });
});
