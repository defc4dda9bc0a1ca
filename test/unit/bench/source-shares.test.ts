import { describe, expect, it } from 'vitest';
import { bytesBySource, groupOf } from '../../bench/source-shares';

describe('the size benchmark’s split of a built file by source', () => {
  it('counts each mapped span to its segment’s source, across lines and back-references', () => {
    // Line 1: "abc" from a.ts (col 0), "defg" from b.ts (col 3); line 2: "hi" from a.ts again (source delta -1).
    const code = 'abcdefg\nhi';
    const map = { sources: ['src/core/a.ts', 'node_modules/valibot/dist/index.mjs'], mappings: 'AAAA,GCAA;ADAA' };
    expect(Object.fromEntries(bytesBySource(code, map))).toEqual({ 'src/core/a.ts': 5, 'node_modules/valibot/dist/index.mjs': 4 });
  });

  it('groups a source by its package or its src folder', () => {
    expect(groupOf('../../node_modules/webextension-polyfill/dist/browser-polyfill.js')).toBe('webextension-polyfill');
    expect(groupOf('node_modules/@preact/signals/dist/x.mjs')).toBe('@preact/signals');
    expect(groupOf('../../work/main/src/storage/vault.ts')).toBe('src/storage');
    expect(groupOf('virtual:crx')).toBe('virtual:crx');
  });
});
