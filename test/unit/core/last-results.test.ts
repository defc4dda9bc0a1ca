import { describe, expect, it } from 'vitest';
import { lastResultByProxy } from '../../../src/core/last-results';
import { makeRecord } from '../record-factory';

describe('lastResultByProxy', () => {
  it('keeps the newest record of each proxy (records come newest first)', () => {
    const results = lastResultByProxy([
      makeRecord({ id: 3, time: 300, proxy: 'a.example:3128', outcome: 'rejected' }),
      makeRecord({ id: 2, time: 200, proxy: 'b.example:8080', outcome: 'answered-saved', final: { statusCode: 200 } }),
      makeRecord({ id: 1, time: 100, proxy: 'a.example:3128', outcome: 'answered-saved', final: { statusCode: 200 } }),
    ]);
    expect(results.get('a.example:3128')).toEqual({ outcome: 'rejected', time: 300 });
    expect(results.get('b.example:8080')).toEqual({ outcome: 'answered-saved', time: 200, final: { statusCode: 200 } });
    expect(results.size).toBe(2);
  });

  it('has nothing for an empty log', () => {
    expect(lastResultByProxy([]).size).toBe(0);
  });
});
