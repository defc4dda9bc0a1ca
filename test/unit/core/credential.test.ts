import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findUsableCredential, inAnswerOrder, sortByOrder } from '../../../src/core/credential';
import { makeCredential } from '../credential-factory';

const proxy = { host: 'proxy.example', port: 3128 };

describe('answer order', () => {
  const first = makeCredential({ id: 'first', order: 0, updatedAt: 5 });
  // The same order: the one updated last goes first.
  const older = makeCredential({ id: 'older', order: 0, updatedAt: 3 });
  const last = makeCredential({ id: 'last', order: 1, updatedAt: 9 });

  it('gives a list already in answer order as it is, without a copy', () => {
    const ordered = [first, older, last];
    expect(inAnswerOrder(ordered)).toBe(ordered);
    const none: never[] = [];
    expect(inAnswerOrder(none)).toBe(none);
  });

  it('sorts any other list as sortByOrder does, leaving the list given as it was', () => {
    for (const list of [
      [last, older, first],
      [older, first, last],
      [first, last, older],
    ]) {
      const given = [...list];
      expect(inAnswerOrder(list).map((c) => c.id)).toEqual(['first', 'older', 'last']);
      expect(list).toEqual(given);
    }
  });

  it('is sortByOrder for any list, ties kept in list order (property)', () => {
    const entries = fc.array(fc.record({ order: fc.integer({ min: -2, max: 2 }), updatedAt: fc.integer({ min: 0, max: 3 }) }), {
      maxLength: 8,
    });
    fc.assert(
      fc.property(entries, (picked) => {
        const list = picked.map((e, i) => makeCredential({ id: `c${i}`, ...e }));
        expect(inAnswerOrder(list)).toEqual(sortByOrder(list));
      }),
    );
  });

  it('finds the first usable credential in answer order, however the list is ordered', () => {
    const refused = makeCredential({ id: 'refused', order: -1, rejected: true });
    expect(findUsableCredential([last, refused, older, first], proxy, '')?.id).toBe('first');
    expect(findUsableCredential([refused, first, older, last], proxy, '', new Set(['first']))?.id).toBe('older');
  });
});
