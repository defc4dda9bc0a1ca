import { describe, expect, it } from 'vitest';
import type { Timers } from '../../../src/core/prompt-board';
import { Verifier, type Admission, type WaitEnd } from '../../../src/core/verifier';

/** A clock and timers the test moves by hand. */
function manualTime(): Timers & { now: () => number; advance: (ms: number) => void } {
  let now = 0;
  let next = 1;
  const pending = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = next++;
      pending.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout: (handle) => void pending.delete(handle as number),
    advance(ms) {
      now += ms;
      for (const [id, timer] of [...pending].sort((a, b) => a[1].at - b[1].at)) {
        if (timer.at <= now && pending.delete(id)) timer.fn();
      }
    },
  };
}

const KEY = 'proxy.example:3128|Office|c1';
const OPTIONS = { probeTimeoutMs: 5_000, trustMs: 5_000 };

function setUp() {
  const time = manualTime();
  return { time, verifier: new Verifier(time, time.now, OPTIONS) };
}

/** Admits n requests r0…r(n-1) and records how each wait ends. */
function admitMany(verifier: Verifier, n: number, key = KEY) {
  const admissions: Admission[] = [];
  const ends = new Map<string, WaitEnd>();
  for (let i = 0; i < n; i++) {
    const admission = verifier.admit(key, `r${i}`);
    admissions.push(admission);
    if (admission.kind === 'wait') void admission.until.then((end) => ends.set(`r${i}`, end));
  }
  return { admissions, ends };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('Verifier: one request carries an unverified password', () => {
  it('sends the first of 60 concurrent requests and parks the other 59', () => {
    const { verifier } = setUp();
    const { admissions } = admitMany(verifier, 60);
    expect(admissions[0]).toEqual({ kind: 'send', probe: true });
    expect(admissions.slice(1).every((a) => a.kind === 'wait')).toBe(true);
    expect(verifier.waitingAt(KEY)).toBe(59);
    expect(verifier.probeOf(KEY)).toBe('r0');
  });

  it('answers every waiting request at once when the proxy accepts, and trusts the password for a while', async () => {
    const { verifier, time } = setUp();
    const { ends } = admitMany(verifier, 60);
    verifier.settle(KEY, 'r0', 'accepted');
    await flush();
    expect(ends.size).toBe(59);
    expect([...ends.values()].every((e) => e.kind === 'send')).toBe(true);
    expect(verifier.admit(KEY, 'late')).toEqual({ kind: 'send', probe: false });
    time.advance(5_000);
    // Long after the verdict a fresh challenge probes again (the browser's cached copy may just have been refused).
    expect(verifier.admit(KEY, 'much-later')).toEqual({ kind: 'send', probe: true });
  });

  it('tells every waiting request that the proxy refused, so nothing else is sent', async () => {
    const { verifier } = setUp();
    const { ends } = admitMany(verifier, 60);
    verifier.settle(KEY, 'r0', 'refused');
    await flush();
    expect([...ends.values()].filter((e) => e.kind === 'refused')).toHaveLength(59);
    expect(verifier.isTrusted(KEY)).toBe(false);
    expect(verifier.waitingAt(KEY)).toBe(0);
  });

  it('hands the probe to the next waiting request when the probe ends without a verdict', async () => {
    const { verifier } = setUp();
    const { ends } = admitMany(verifier, 3);
    verifier.settle(KEY, 'r0', 'none');
    await flush();
    expect(ends.get('r1')).toEqual({ kind: 'send' });
    expect(ends.has('r2')).toBe(false);
    expect(verifier.probeOf(KEY)).toBe('r1');
    verifier.settle(KEY, 'r1', 'accepted');
    await flush();
    expect(ends.get('r2')).toEqual({ kind: 'send' });
  });

  it('hands over a probe that hangs past the probe timeout, and nothing waits forever', async () => {
    const { verifier, time } = setUp();
    const { ends } = admitMany(verifier, 3);
    time.advance(4_999);
    await flush();
    expect(ends.size).toBe(0);
    time.advance(1);
    await flush();
    expect(ends.get('r1')).toEqual({ kind: 'send' });
    time.advance(5_000);
    await flush();
    expect(ends.get('r2')).toEqual({ kind: 'send' });
    time.advance(5_000);
    // The last probe timed out with nobody left: the gate is gone, the next request probes afresh.
    expect(verifier.probeOf(KEY)).toBeUndefined();
    expect(verifier.admit(KEY, 'fresh')).toEqual({ kind: 'send', probe: true });
  });

  it('takes a late acceptance from a probe that already timed out', async () => {
    const { verifier, time } = setUp();
    const { ends } = admitMany(verifier, 3);
    time.advance(5_000);
    await flush();
    verifier.settle(KEY, 'r0', 'accepted');
    await flush();
    expect(ends.get('r2')).toEqual({ kind: 'send' });
    expect(verifier.isTrusted(KEY)).toBe(true);
  });

  it('ignores "no verdict" from a request that is not the probe, but lets it stop waiting', async () => {
    const { verifier } = setUp();
    const { ends } = admitMany(verifier, 3);
    verifier.settle(KEY, 'r2', 'none');
    await flush();
    expect(ends.get('r2')).toEqual({ kind: 'gone' });
    expect(verifier.probeOf(KEY)).toBe('r0');
    expect(verifier.waitingAt(KEY)).toBe(1);
  });

  it('drops a request that ended while it waited, and hands over when the probe itself ended', async () => {
    const { verifier } = setUp();
    const { ends } = admitMany(verifier, 3);
    verifier.abandon('r1');
    verifier.abandon('r0');
    await flush();
    expect(ends.get('r1')).toEqual({ kind: 'gone' });
    expect(ends.get('r2')).toEqual({ kind: 'send' });
    expect(verifier.probeOf(KEY)).toBe('r2');
  });

  it('keeps separate gates per proxy, realm and credential: each costs at most one attempt', () => {
    const { verifier } = setUp();
    const a = admitMany(verifier, 5, 'p:1|R|alice');
    const b = admitMany(verifier, 5, 'p:1|R|bob');
    expect(a.admissions.filter((x) => x.kind === 'send')).toHaveLength(1);
    expect(b.admissions.filter((x) => x.kind === 'send')).toHaveLength(1);
  });

  it('forgets what it verified about a credential that was edited', () => {
    const { verifier } = setUp();
    verifier.admit(KEY, 'r0');
    verifier.settle(KEY, 'r0', 'accepted');
    expect(verifier.isTrusted(KEY)).toBe(true);
    verifier.forget('c1');
    expect(verifier.isTrusted(KEY)).toBe(false);
    expect(verifier.admit(KEY, 'r1')).toEqual({ kind: 'send', probe: true });
  });

  it('re-admits the probe itself as the probe', () => {
    const { verifier } = setUp();
    verifier.admit(KEY, 'r0');
    expect(verifier.admit(KEY, 'r0')).toEqual({ kind: 'send', probe: true });
  });

  it('withdraws trust when a trusted answer is refused', () => {
    const { verifier } = setUp();
    verifier.admit(KEY, 'r0');
    verifier.settle(KEY, 'r0', 'accepted');
    verifier.settle(KEY, 'r7', 'refused');
    expect(verifier.admit(KEY, 'r8')).toEqual({ kind: 'send', probe: true });
  });

  it("sends nothing more after a site's 401 on the probe, and tells the waiting requests to ask", async () => {
    const { verifier } = setUp();
    const { ends } = admitMany(verifier, 4);
    verifier.settle(KEY, 'r0', 'doubt');
    await flush();
    expect([...ends.values()].map((e) => e.kind)).toEqual(['doubt', 'doubt', 'doubt']);
    expect(verifier.isTrusted(KEY)).toBe(false);
    expect(verifier.admit(KEY, 'next')).toEqual({ kind: 'send', probe: true });
  });

  it('where the browser holds a probe back while others wait (Firefox), ends the waiting requests after stallMs so the probe goes', async () => {
    const time = manualTime();
    const verifier = new Verifier(time, time.now, { ...OPTIONS, stallMs: 300 });
    const { admissions, ends } = admitMany(verifier, 10);
    expect(admissions[0]).toEqual({ kind: 'send', probe: true });
    time.advance(299);
    await flush();
    expect(ends.size).toBe(0);
    time.advance(1);
    await flush();
    expect([...ends.values()].every((e) => e.kind === 'held-back')).toBe(true);
    expect(ends.size).toBe(9);
    // The probe is still out: its verdict settles the gate, and later requests are answered from trust.
    expect(verifier.probeOf(KEY)).toBe('r0');
    verifier.settle(KEY, 'r0', 'accepted');
    expect(verifier.admit(KEY, 'late')).toEqual({ kind: 'send', probe: false });
  });

  it('without stallMs (Chrome), waiting requests wait for the verdict however long the probe takes, up to the probe timeout', async () => {
    const { verifier, time } = setUp();
    const { ends } = admitMany(verifier, 3);
    time.advance(4_000);
    await flush();
    expect(ends.size).toBe(0);
  });
});

describe('Verifier: the probe waits for a quiet moment (Chromium)', () => {
  const QUIET = { ...OPTIONS, quietMs: 50, quietMaxMs: 500 };

  function quietSetUp() {
    const time = manualTime();
    return { time, verifier: new Verifier(time, time.now, QUIET) };
  }

  /** Admits a request and records how its wait ends (the held probe waits too). */
  function admitInto(verifier: Verifier, ends: Map<string, WaitEnd>, requestId: string): Admission {
    const admission = verifier.admit(KEY, requestId);
    if (admission.kind === 'wait') void admission.until.then((end) => ends.set(requestId, end));
    return admission;
  }

  it('holds the probe until no challenge joined for quietMs, then sends only the probe', async () => {
    const { verifier, time } = quietSetUp();
    const ends = new Map<string, WaitEnd>();
    expect(admitInto(verifier, ends, 'r0').kind).toBe('wait');
    for (let i = 1; i < 10; i++) {
      time.advance(20);
      admitInto(verifier, ends, `r${i}`);
    }
    // 180 ms in, the last challenge 0 ms ago: nothing has gone yet.
    time.advance(49);
    await flush();
    expect(ends.size).toBe(0);
    time.advance(1);
    await flush();
    expect([...ends]).toEqual([['r0', { kind: 'send' }]]);
    expect(verifier.waitingAt(KEY)).toBe(9);
    verifier.settle(KEY, 'r0', 'accepted');
    await flush();
    expect([...ends.values()].filter((e) => e.kind === 'send')).toHaveLength(10);
  });

  it('lets the probe go quietMaxMs after the first challenge however long the burst goes on', async () => {
    const { verifier, time } = quietSetUp();
    const ends = new Map<string, WaitEnd>();
    admitInto(verifier, ends, 'r0');
    for (let i = 1; i <= 12; i++) {
      time.advance(40);
      admitInto(verifier, ends, `r${i}`);
      await flush();
    }
    // 480 ms: still held; the cap is 500 ms from the first challenge.
    expect(ends.size).toBe(0);
    time.advance(20);
    await flush();
    expect([...ends]).toEqual([['r0', { kind: 'send' }]]);
  });

  it('a lone challenge goes after quietMs, and its probe timeout starts only then', async () => {
    const { verifier, time } = quietSetUp();
    const ends = new Map<string, WaitEnd>();
    admitInto(verifier, ends, 'r0');
    time.advance(50);
    await flush();
    expect(ends.get('r0')).toEqual({ kind: 'send' });
    admitInto(verifier, ends, 'r1');
    time.advance(4_999);
    await flush();
    expect(ends.has('r1')).toBe(false);
    time.advance(1);
    await flush();
    // The probe hung for probeTimeoutMs after it went: the waiting request carries it next.
    expect(ends.get('r1')).toEqual({ kind: 'send' });
    expect(verifier.probeOf(KEY)).toBe('r1');
  });

  it('a held probe that ends before it went sends nothing and hands over at once', async () => {
    const { verifier, time } = quietSetUp();
    const ends = new Map<string, WaitEnd>();
    admitInto(verifier, ends, 'r0');
    admitInto(verifier, ends, 'r1');
    admitInto(verifier, ends, 'r2');
    verifier.abandon('r0');
    await flush();
    expect(ends.get('r0')).toEqual({ kind: 'gone' });
    expect(ends.get('r1')).toEqual({ kind: 'send' });
    expect(ends.has('r2')).toBe(false);
    expect(verifier.probeOf(KEY)).toBe('r1');
    time.advance(1_000);
    await flush();
    expect(ends.has('r2')).toBe(false);
  });

  it('a late acceptance of an earlier probe settles a held gate: the held probe and the waiters are sent', async () => {
    const { verifier } = quietSetUp();
    const ends = new Map<string, WaitEnd>();
    admitInto(verifier, ends, 'r0');
    admitInto(verifier, ends, 'r1');
    verifier.settle(KEY, 'old-probe', 'accepted');
    await flush();
    expect(ends.get('r0')).toEqual({ kind: 'send' });
    expect(ends.get('r1')).toEqual({ kind: 'send' });
  });

  it('a trusted password is sent at once, with no quiet moment', () => {
    const { verifier } = quietSetUp();
    verifier.settle(KEY, 'earlier', 'accepted');
    expect(verifier.admit(KEY, 'r0')).toEqual({ kind: 'send', probe: false });
  });

  it('holds the first probe at least quietMinMs, for the requests the browser lets go only then', async () => {
    const time = manualTime();
    const verifier = new Verifier(time, time.now, { ...QUIET, quietMinMs: 350, quietMaxMs: 1_000 });
    const ends = new Map<string, WaitEnd>();
    admitInto(verifier, ends, 'r0');
    time.advance(250);
    await flush();
    expect(ends.size).toBe(0);
    // The browser lets the others go: they join, and the probe waits for them to go quiet.
    for (let i = 1; i <= 5; i++) admitInto(verifier, ends, `r${i}`);
    time.advance(99);
    await flush();
    expect(ends.size).toBe(0);
    time.advance(1);
    await flush();
    expect([...ends]).toEqual([['r0', { kind: 'send' }]]);
  });

  it('does not hold a probe of a password this proxy accepted before in this run, nor one typed while all wait', () => {
    const time = manualTime();
    const verifier = new Verifier(time, time.now, { ...QUIET, quietMinMs: 350 });
    verifier.settle(KEY, 'earlier', 'accepted');
    time.advance(6_000); // the trust has run out: a new challenge probes, but at once
    expect(verifier.admit(KEY, 'r0')).toEqual({ kind: 'send', probe: true });
    expect(verifier.admit('other-gate', 'r1', false)).toEqual({ kind: 'send', probe: true });
  });

  it('holds again once the password was refused or the credential changed', () => {
    const time = manualTime();
    const verifier = new Verifier(time, time.now, { ...QUIET, quietMinMs: 350 });
    verifier.settle(KEY, 'earlier', 'accepted');
    verifier.forget('c1');
    time.advance(6_000);
    expect(verifier.admit(KEY, 'r0').kind).toBe('wait');
    const other = 'proxy.example:3128|Office|c2';
    verifier.settle(other, 'earlier', 'accepted');
    verifier.settle(other, 'earlier', 'refused');
    expect(verifier.admit(other, 'r1').kind).toBe('wait');
  });

  it('trusts a password again from each acceptance, and tells of an acceptance again only after a refusal', () => {
    const time = manualTime();
    const heard: (readonly string[])[] = [];
    const verifier = new Verifier(time, time.now, OPTIONS, (keys) => heard.push(keys));
    verifier.settle(KEY, 'r0', 'accepted');
    time.advance(4_000);
    verifier.settle(KEY, 'r1', 'accepted');
    time.advance(4_000);
    expect(verifier.isTrusted(KEY)).toBe(true);
    expect(heard).toEqual([[KEY]]);
    verifier.settle(KEY, 'r2', 'refused');
    expect(verifier.isTrusted(KEY)).toBe(false);
    verifier.settle(KEY, 'r3', 'accepted');
    expect(heard).toEqual([[KEY], [], [KEY]]);
  });

  it('tells which gates were accepted whenever that changes, and adopts those of a background before it', () => {
    const time = manualTime();
    const heard: (readonly string[])[] = [];
    const verifier = new Verifier(time, time.now, { ...QUIET, quietMinMs: 350 }, (keys) => heard.push(keys));
    verifier.settle(KEY, 'r0', 'accepted');
    verifier.settle(KEY, 'r1', 'accepted');
    expect(heard).toEqual([[KEY]]);
    verifier.forget('c1');
    expect(heard).toEqual([[KEY], []]);
    const next = new Verifier(time, time.now, { ...QUIET, quietMinMs: 350 });
    next.adoptAccepted([KEY]);
    expect(next.admit(KEY, 'r2')).toEqual({ kind: 'send', probe: true });
  });
});
