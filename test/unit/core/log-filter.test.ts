import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NarrowingFilter, filterRecords, prepareTextSearch, type LogFilter } from '../../../src/core/log-filter';
import type { Outcome } from '../../../src/core/outcome';
import { makeRecord } from '../record-factory';

const OUTCOMES: Outcome[] = ['answered-saved', 'prompted', 'rejected'];
const records = Array.from({ length: 300 }, (_, i) =>
  makeRecord({
    requestId: String(i),
    time: i * 1000,
    proxy: `proxy${i % 3}.example:3128`,
    url: `https://site${i % 17}.example/p/${i}`,
    outcome: OUTCOMES[i % OUTCOMES.length]!,
  }),
);

describe('NarrowingFilter', () => {
  it('gives what filterRecords gives while the user types, deletes and changes the other choices', () => {
    const narrowing = new NarrowingFilter();
    const steps: LogFilter[] = [
      { text: 's' },
      { text: 'si' },
      { text: 'site1' },
      { text: 'site12' },
      { text: 'site1' }, // a deleted key widens again
      { text: 'site1', outcome: 'rejected' },
      { text: 'site1' },
      { text: 'Site1 ' },
      { site: 'site3', text: 'site' },
      {},
    ];
    for (const filter of steps) expect(narrowing.apply(records, filter)).toEqual(filterRecords(records, filter));
  });

  it('gives back the same array when a key drops nothing, so nothing derived from it is computed again', () => {
    const narrowing = new NarrowingFilter();
    const first = narrowing.apply(records, { text: 's' });
    expect(first).toBe(records);
    expect(narrowing.apply(records, { text: 'si' })).toBe(first);
    expect(narrowing.apply(records, { text: 'site16' })).not.toBe(first);
  });

  it('starts again from every record when the records change', () => {
    const narrowing = new NarrowingFilter();
    narrowing.apply(records.slice(0, 10), { text: 'site1' });
    expect(narrowing.apply(records, { text: 'site12' })).toEqual(filterRecords(records, { text: 'site12' }));
  });

  it('matches filterRecords over any sequence of filters (10,000 sequences)', () => {
    const text = fc.option(fc.stringMatching(/^[a-z0-9. ]{0,7}$/), { nil: undefined });
    const filter: fc.Arbitrary<LogFilter> = fc.record(
      {
        text,
        site: text,
        outcome: fc.option(fc.constantFrom(...OUTCOMES), { nil: undefined }),
        proxy: fc.option(fc.constantFrom('proxy0.example:3128', 'proxy1.example:3128'), { nil: undefined }),
        from: fc.option(fc.integer({ min: 0, max: 300_000 }), { nil: undefined }),
      },
      { requiredKeys: [] },
    );
    const small = records.slice(0, 40);
    fc.assert(
      fc.property(fc.array(filter, { minLength: 1, maxLength: 6 }), (filters) => {
        const narrowing = new NarrowingFilter();
        return filters.every((f) => JSON.stringify(narrowing.apply(small, f)) === JSON.stringify(filterRecords(small, f)));
      }),
      { numRuns: 10_000 },
    );
  });
});

describe('prepareTextSearch', () => {
  it('goes through the records a slice at a time and says where the next slice starts', () => {
    expect(prepareTextSearch(records, 0, 128)).toBe(128);
    expect(prepareTextSearch(records, 256, 128)).toBe(300);
    expect(prepareTextSearch([], 0, 10)).toBe(0);
    // Prepared or not, the filter's answer is the same.
    expect(filterRecords(records, { text: 'site16' })).toHaveLength(records.filter((r) => r.url.includes('site16')).length);
  });
});
