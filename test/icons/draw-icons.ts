import { deflateSync, inflateSync } from 'node:zlib';

/**
 * The toolbar icons, drawn from a few shapes so that they can be made again,
 * pixel for pixel, with no image tool and no dependency:
 * `node --import tsx test/icons/generate-icons.ts` writes public/icons, and
 * test/unit/background/badge-icons.test.ts checks the committed files still
 * hold what this draws.
 *
 * Every state is a rounded tile in its own colour with a white glyph (white
 * on each colour is at least 4.5:1), ringed in white so the tile stands out
 * on a dark toolbar too; the glyphs differ in shape, not only in colour:
 * idle a key, waiting a key under three dots, refused a key under a cross,
 * locked a padlock.
 */

export const ICON_SIZES = [16, 32, 48, 128] as const;
export type IconSize = (typeof ICON_SIZES)[number];
export const ICON_STATES = ['idle', 'waiting', 'refused', 'locked'] as const;
export type IconStateName = (typeof ICON_STATES)[number];

type Rgb = readonly [number, number, number];
/** A shape in a 128 × 128 design space: is this point inside? */
type Shape = (x: number, y: number) => boolean;
interface Layer {
  readonly shape: Shape;
  readonly color: Rgb;
}

const WHITE: Rgb = [255, 255, 255];
export const TILE_COLORS: Record<IconStateName, Rgb> = {
  idle: [0x1d, 0x4e, 0xd8],
  waiting: [0xa1, 0x4a, 0x07],
  refused: [0xb9, 0x1c, 0x1c],
  locked: [0x3f, 0x3f, 0x46],
};

const circle =
  (cx: number, cy: number, r: number): Shape =>
  (x, y) =>
    (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const rect =
  (x0: number, y0: number, x1: number, y1: number): Shape =>
  (x, y) =>
    x >= x0 && x <= x1 && y >= y0 && y <= y1;
const roundRect = (x0: number, y0: number, x1: number, y1: number, r: number): Shape => {
  return (x, y) => {
    if (!rect(x0, y0, x1, y1)(x, y)) return false;
    const dx = Math.max(x0 + r - x, 0, x - (x1 - r));
    const dy = Math.max(y0 + r - y, 0, y - (y1 - r));
    return dx * dx + dy * dy <= r * r;
  };
};
const union =
  (...shapes: Shape[]): Shape =>
  (x, y) =>
    shapes.some((s) => s(x, y));
const minus =
  (a: Shape, b: Shape): Shape =>
  (x, y) =>
    a(x, y) && !b(x, y);
/** A thick line with round ends from (x0, y0) to (x1, y1). */
const stroke = (x0: number, y0: number, x1: number, y1: number, width: number): Shape => {
  const [dx, dy] = [x1 - x0, y1 - y0];
  const length2 = dx * dx + dy * dy;
  return (x, y) => {
    const t = Math.max(0, Math.min(1, ((x - x0) * dx + (y - y0) * dy) / length2));
    return (x - x0 - t * dx) ** 2 + (y - y0 - t * dy) ** 2 <= (width / 2) ** 2;
  };
};

/** A key lying left to right, its bow centred at (cx, cy). */
function key(cx: number, cy: number): Shape {
  const bow = minus(circle(cx, cy, 22), circle(cx, cy, 9));
  const shaft = rect(cx + 16, cy - 7, cx + 64, cy + 7);
  const teeth = union(rect(cx + 44, cy + 7, cx + 53, cy + 22), rect(cx + 56, cy + 7, cx + 64, cy + 18));
  return union(bow, shaft, teeth);
}

function padlock(): Shape {
  const shackle = minus(
    union(minus(circle(64, 52, 26), rect(0, 52, 128, 128)), rect(38, 52, 90, 66)),
    union(circle(64, 52, 14), rect(50, 52, 78, 66)),
  );
  const body = roundRect(30, 62, 98, 106, 8);
  const keyhole = union(circle(64, 80, 8), rect(60, 80, 68, 96));
  return union(shackle, minus(body, keyhole));
}

function glyphLayers(state: IconStateName): Layer[] {
  switch (state) {
    case 'idle':
      return [{ shape: key(36, 64), color: WHITE }];
    case 'waiting':
      return [
        { shape: key(36, 78), color: WHITE },
        { shape: union(circle(40, 32, 9), circle(64, 32, 9), circle(88, 32, 9)), color: WHITE },
      ];
    case 'refused':
      return [
        { shape: key(36, 78), color: WHITE },
        { shape: union(stroke(44, 14, 84, 48, 14), stroke(84, 14, 44, 48, 14)), color: WHITE },
      ];
    case 'locked':
      return [{ shape: padlock(), color: WHITE }];
  }
}

/** The clear edge around the tile, in design units: one pixel at small sizes, so that the ring falls on whole pixels. */
export const marginOf = (size: IconSize): number => Math.max(128 / size, 2);
/** The white ring's width, in design units: at least one pixel at every size. */
export const ringOf = (size: IconSize): number => Math.max(128 / size, 4);

/** The icon for one state at one size, as RGBA pixels (row by row, 4 bytes a pixel). */
export function drawIcon(state: IconStateName, size: IconSize): Uint8Array {
  const tile = TILE_COLORS[state];
  const [margin, ring] = [marginOf(size), ringOf(size)];
  const layers: Layer[] = [
    { shape: roundRect(margin, margin, 128 - margin, 128 - margin, 28), color: WHITE },
    { shape: roundRect(margin + ring, margin + ring, 128 - margin - ring, 128 - margin - ring, 28 - ring), color: tile },
    ...glyphLayers(state),
  ];
  // 8 × 8 samples a pixel: soft edges without an anti-aliasing library.
  const samples = 8;
  const pixels = new Uint8Array(size * size * 4);
  const scale = 128 / size;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let [r, g, b, covered] = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) * scale;
          const y = (py + (sy + 0.5) / samples) * scale;
          let color: Rgb | undefined;
          for (const layer of layers) if (layer.shape(x, y)) color = layer.color;
          if (!color) continue;
          r += color[0];
          g += color[1];
          b += color[2];
          covered++;
        }
      }
      const at = (py * size + px) * 4;
      if (covered > 0) {
        pixels[at] = Math.round(r / covered);
        pixels[at + 1] = Math.round(g / covered);
        pixels[at + 2] = Math.round(b / covered);
      }
      pixels[at + 3] = Math.round((covered / (samples * samples)) * 255);
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A square RGBA image as a PNG file (8 bits a channel, no filter). */
export function encodePng(pixels: Uint8Array, size: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rows.set(pixels.subarray(y * size * 4, (y + 1) * size * 4), y * (size * 4 + 1) + 1);
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', new Uint8Array()),
  ]);
}

/** Reads back a PNG that encodePng wrote (RGBA, filter 0): its size and pixels. */
export function decodePng(file: Uint8Array): { width: number; height: number; pixels: Uint8Array } {
  const buffer = Buffer.from(file);
  if (!buffer.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG');
  let offset = 8;
  let [width, height] = [0, 0];
  const data: Buffer[] = [];
  while (offset < buffer.length) {
    const length = buffer.readUInt32BE(offset);
    const type = buffer.toString('latin1', offset + 4, offset + 8);
    const body = buffer.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      [width, height] = [body.readUInt32BE(0), body.readUInt32BE(4)];
      if (body[8] !== 8 || body[9] !== 6) throw new Error('not 8-bit RGBA');
    }
    if (type === 'IDAT') data.push(body);
    offset += 12 + length;
  }
  const rows = inflateSync(Buffer.concat(data));
  const pixels = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    if (rows[y * (width * 4 + 1)] !== 0) throw new Error('filtered rows are not read here');
    pixels.set(rows.subarray(y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1)), y * width * 4);
  }
  return { width, height, pixels };
}
