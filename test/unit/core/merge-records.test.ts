import { describe, expect, it } from 'vitest';
import { mergeNewestWindow } from '../../../src/core/merge-records';
import { makeRecord } from '../record-factory';

const ids = (rs: { id?: number }[] | undefined) => rs?.map((r) => r.id);

describe('mergeNewestWindow', () => {
  const current = [5, 4, 3, 2, 1].map((id) => makeRecord({ id }));

  it('adds new records on top and takes updated ones from the window', () => {
    const window = [7, 6, 5, 4].map((id) => makeRecord({ id, ...(id === 4 ? { final: { statusCode: 200 } } : {}) }));
    const merged = mergeNewestWindow(current, window);
    expect(ids(merged)).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(merged?.find((r) => r.id === 4)?.final).toEqual({ statusCode: 200 });
  });

  it('asks for a full read when the window does not reach back (a gap) or the log was cleared', () => {
    expect(mergeNewestWindow(current, [makeRecord({ id: 9 })])).toBeUndefined();
    expect(mergeNewestWindow(current, [])).toBeUndefined();
    expect(ids(mergeNewestWindow([], [makeRecord({ id: 1 })]))).toEqual([1]);
  });
});
