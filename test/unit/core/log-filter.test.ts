import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NarrowingFilter, filterRecords, type LogFilter } from '../../../src/core/log-filter';
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

describe('NarrowingFilter and sites', () => {
  it('matches filterRecords on the site of any URL (plain, with ports, users, IP addresses, IDN, upper case…)', () => {
    const url = fc.oneof(
      fc.webUrl({ withQueryParameters: false, withFragments: false }),
      fc.constantFrom(
        'https://Site.Example/x',
        'https://user@site.example/',
        'http://site.example:80/',
        'https://site.example:8443/a',
        'http://192.168.0.1/',
        'http://0x7f.1/',
        'http://1.2.3.4.5/',
        'https://xn--nxasmq6b.example/',
        'https://xn--zz/',
        'ws://site.example',
        'file:///etc/hosts',
        'chrome-extension://abcdef/page.html',
        'not a url',
        '',
      ),
    );
    fc.assert(
      fc.property(fc.array(url, { minLength: 1, maxLength: 8 }), fc.nat(), fc.integer({ min: 1, max: 8 }), (urls, at, length) => {
        const some = urls.map((u) => makeRecord({ url: u }));
        // A piece of one of the URLs, so that some sites match and some do not.
        const source = urls[at % urls.length]!;
        const start = source.length === 0 ? 0 : at % source.length;
        const filter = { site: source.slice(start, start + length) || 'e' };
        return JSON.stringify(new NarrowingFilter().apply(some, filter)) === JSON.stringify(filterRecords(some, filter));
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('NarrowingFilter and live updates', () => {
  it('finds newer records put in front, and a re-read record by its new final result', () => {
    const narrowing = new NarrowingFilter();
    expect(narrowing.apply(records, { text: 'net::err_proxy' })).toEqual([]);
    expect(narrowing.apply(records, { site: 'site1' })).toEqual(filterRecords(records, { site: 'site1' }));
    // A live update: two new records, and the newest old one read again with its final result (a new object).
    const reRead = { ...records[0]!, final: { error: 'net::ERR_PROXY_CONNECTION_FAILED' } };
    const fresh = [makeRecord({ url: 'https://new.example/a' }), makeRecord({ url: 'https://new.example/b' })];
    const updated = [...fresh, reRead, ...records.slice(1)];
    expect(narrowing.apply(updated, { text: 'net::err_proxy' })).toEqual([reRead]);
    expect(narrowing.apply(updated, { text: 'new.example' })).toEqual(fresh);
    for (const filter of [{ text: 'site1' }, { text: 'site12' }, { site: 'new' }, { site: 'site3', text: 'p/3' }])
      expect(narrowing.apply(updated, filter)).toEqual(filterRecords(updated, filter));
  });

  it('matches filterRecords while records are replaced, put in front or dropped (2,000 sequences)', () => {
    const pool = records.slice(0, 60);
    const step = fc.record({
      added: fc.integer({ min: 0, max: 5 }),
      dropped: fc.integer({ min: 0, max: 5 }),
      filter: fc.record(
        { text: fc.constantFrom('site1', 'site', 'p/1', 'proxy2', '', 'rejected'), site: fc.constantFrom('site1', 'e', '') },
        { requiredKeys: [] },
      ),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 8 }), (steps) => {
        const narrowing = new NarrowingFilter();
        let current = pool.slice(20, 40);
        let next = 19;
        return steps.every(({ added, dropped, filter }) => {
          const front = pool.slice(Math.max(0, next - added + 1), next + 1).reverse();
          next = Math.max(-1, next - added);
          current = [...front, ...current.slice(0, Math.max(0, current.length - dropped))];
          return JSON.stringify(narrowing.apply(current, filter)) === JSON.stringify(filterRecords(current, filter));
        });
      }),
      { numRuns: 2_000 },
    );
  });
});
