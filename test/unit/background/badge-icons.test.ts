import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ICON_SETS } from '../../../src/background/badge';
import { decodePng, drawIcon, ICON_SIZES, ICON_STATES, marginOf, ringOf, TILE_COLORS } from '../../icons/draw-icons';
import manifest from '../../../manifest.json';

const PUBLIC = join(import.meta.dirname, '../../../public');

/** WCAG relative luminance of an sRGB colour. */
function luminance([r, g, b]: readonly number[]): number {
  const linear = (c: number) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
  return 0.2126 * linear(r!) + 0.7152 * linear(g!) + 0.0722 * linear(b!);
}
const contrast = (a: readonly number[], b: readonly number[]) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
};

describe('the icon files', () => {
  it.each(ICON_STATES.flatMap((state) => ICON_SIZES.map((size) => ({ state, size }))))(
    '$state at $size px is the committed file, drawn again by test/icons/draw-icons.ts',
    async ({ state, size }) => {
      const file = decodePng(await readFile(join(PUBLIC, ICON_SETS[state][size])));
      expect([file.width, file.height]).toEqual([size, size]);
      expect(Buffer.from(file.pixels).equals(Buffer.from(drawIcon(state, size)))).toBe(true);
    },
  );

  it('tell the states apart by the shape of their glyph, not only by colour, at every size', () => {
    // Where the icon is white (glyph or ring): what is left of a state in grey scale or to a colour-blind eye.
    const glyphOf = (pixels: Uint8Array) =>
      Array.from({ length: pixels.length / 4 }, (_, p) => Math.min(pixels[p * 4]!, pixels[p * 4 + 1]!, pixels[p * 4 + 2]!) > 200);
    for (const size of ICON_SIZES) {
      const glyphs = ICON_STATES.map((state) => glyphOf(drawIcon(state, size)));
      for (let i = 0; i < glyphs.length; i++) {
        for (let j = i + 1; j < glyphs.length; j++) {
          const differing = glyphs[i]!.filter((white, p) => white !== glyphs[j]![p]).length;
          expect(differing / (size * size), `${ICON_STATES[i]} vs ${ICON_STATES[j]} at ${size}`).toBeGreaterThan(0.05);
        }
      }
    }
  });

  it('draw a white glyph at 4.5:1 or more on each tile, and a white ring that shows on a dark toolbar', () => {
    for (const state of ICON_STATES) expect(contrast(TILE_COLORS[state], [255, 255, 255]), state).toBeGreaterThanOrEqual(4.5);
    for (const size of ICON_SIZES) {
      for (const state of ICON_STATES) {
        const pixels = drawIcon(state, size);
        // The middle of the top edge: the ring, opaque and white, at every size.
        const row = Math.floor((marginOf(size) + ringOf(size) / 2) / (128 / size));
        const at = (row * size + size / 2) * 4;
        expect([...pixels.subarray(at, at + 3)], `${state} at ${size}`).toEqual([255, 255, 255]);
        expect(pixels[at + 3], `${state} at ${size}`).toBe(255);
      }
    }
  });

  it('are what the manifest names for the extension and its toolbar button before the background sets one', () => {
    expect(manifest.icons).toEqual(Object.fromEntries(Object.entries(ICON_SETS.idle).map(([size, path]) => [size, path.slice(1)])));
    for (const [size, path] of Object.entries(manifest.action.default_icon)) expect(`/${path}`).toBe(ICON_SETS.idle[size as '16']);
  });
});
