import { describe, expect, it } from 'vitest';
import type { SuppliedAnswer } from '../../../src/core/request-tracker';
import type { KeyValueArea } from '../../../src/storage/key-value-area';
import { AnswerMemory, DIGEST_KEY, PENDING_KEY, PENDING_MAX_AGE_MS, STANDINGS_KEY } from '../../../src/storage/answer-memory';
import { createMemoryArea } from '../../fakes/memory-area';

const answer = (o: Partial<SuppliedAnswer> = {}): SuppliedAnswer => ({
  credentialId: 'c1',
  username: 'alice',
  proxy: { host: 'proxy.example', port: 3128 },
  realm: 'Office',
  scheme: 'basic',
  gate: 'proxy.example:3128|Office',
  ...o,
});

/** Lets the fire-and-forget writes land. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('AnswerMemory across a background restart', () => {
  it('gives back the standings, Digest credentials and pending answers the last background wrote', async () => {
    const local = createMemoryArea();
    const session = createMemoryArea();
    const before = new AnswerMemory({ local, session });
    await before.load();
    before.saveStandings({ 'proxy.example:3128': { refusals: [10, 20], lockedAt: 20 } });
    before.saveDigestCredentials(new Set(['c1', 'c2']));
    before.addPending('r1', answer());
    before.addPending('r2', answer({ credentialId: 'c2' }));
    before.removePending('r1');
    before.removePending('never-added');
    await settle();

    const after = await new AnswerMemory({ local, session }).load();
    expect(after.standings).toEqual({ 'proxy.example:3128': { refusals: [10, 20], lockedAt: 20 } });
    expect([...after.digestCredentialIds].sort()).toEqual(['c1', 'c2']);
    expect([...after.pending]).toEqual([['r2', answer({ credentialId: 'c2' })]]);
  });

  it('reads damaged or foreign data as empty, keeping the readable pending answers', async () => {
    const local = createMemoryArea({ [STANDINGS_KEY]: 'garbage', [DIGEST_KEY]: ['c1', 7, null] });
    const session = createMemoryArea({
      [PENDING_KEY]: {
        good: answer(),
        noProxy: { ...answer(), proxy: null },
        badPort: { ...answer(), proxy: { host: 'h', port: '3128' } },
        noGate: { ...answer(), gate: undefined },
        junk: 5,
      },
    });
    const loaded = await new AnswerMemory({ local, session }).load();
    expect(loaded.standings).toEqual({});
    expect([...loaded.digestCredentialIds]).toEqual(['c1']);
    expect([...loaded.pending.keys()]).toEqual(['good']);
  });

  it('answers with empty memory when storage cannot be read, and reports a failed write instead of throwing', async () => {
    const broken: KeyValueArea = {
      get: () => Promise.reject(new Error('storage gone')),
      set: () => Promise.reject(new Error('quota')),
    };
    const errors: unknown[] = [];
    const memory = new AnswerMemory({ local: broken, session: broken }, (e) => errors.push(e));
    const loaded = await memory.load();
    expect(loaded).toEqual({ standings: {}, digestCredentialIds: new Set(), pending: new Map(), acceptedGates: new Set() });
    memory.saveStandings({});
    memory.addPending('r1', answer());
    await settle();
    expect(errors.map((e) => (e instanceof Error ? e.message : e))).toEqual(['quota', 'quota']);
  });

  it('lets go of an answer pending longer than PENDING_MAX_AGE_MS: its verdict was lost with a worker', async () => {
    const session = createMemoryArea();
    let now = 1_000_000;
    const memoryAt = () => new AnswerMemory({ local: createMemoryArea(), session }, undefined, () => now);
    const first = memoryAt();
    await first.load();
    first.addPending('old', answer());
    now += 60_000;
    first.addPending('recent', answer({ credentialId: 'c2' }));
    await settle();
    // A worker a minute later still knows both: a refusal of either is counted.
    expect([...(await memoryAt().load()).pending.keys()]).toEqual(['old', 'recent']);
    now += PENDING_MAX_AGE_MS - 60_000 + 1;
    expect([...(await memoryAt().load()).pending.keys()]).toEqual(['recent']);
    await settle();
    // Let go in storage too, so no later worker restores it again.
    expect(Object.keys((await session.get(PENDING_KEY))[PENDING_KEY] ?? {})).toEqual(['recent']);
    now += 60_000;
    expect((await memoryAt().load()).pending.size).toBe(0);
  });

  it('dates a pending answer stored without a time at the load that finds it, so it ages out too', async () => {
    const session = createMemoryArea({ [PENDING_KEY]: { undated: answer() } });
    let now = 5_000_000;
    const memoryAt = () => new AnswerMemory({ local: createMemoryArea(), session }, undefined, () => now);
    expect([...(await memoryAt().load()).pending]).toEqual([['undated', answer()]]);
    await settle();
    now += PENDING_MAX_AGE_MS;
    expect((await memoryAt().load()).pending.size).toBe(1);
    now += 1;
    expect((await memoryAt().load()).pending.size).toBe(0);
  });

  it('keeps at most 200 pending answers, dropping the oldest', async () => {
    const session = createMemoryArea();
    const memory = new AnswerMemory({ local: createMemoryArea(), session });
    for (let i = 0; i < 205; i++) memory.addPending(`r${i}`, answer());
    await settle();
    const pending = (await new AnswerMemory({ local: createMemoryArea(), session }).load()).pending;
    expect(pending.size).toBe(200);
    expect(pending.has('r4')).toBe(false);
    expect(pending.has('r5')).toBe(true);
    expect(pending.has('r204')).toBe(true);
  });
});
