/**
 * Writes the toolbar icons into public/icons, every state at every size:
 *   node --import tsx test/icons/generate-icons.ts
 * Run it after changing test/icons/draw-icons.ts and commit the PNGs;
 * test/unit/background/badge-icons.test.ts fails while they differ.
 */
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ICON_SETS } from '../../src/background/badge';
import { drawIcon, encodePng, ICON_SIZES, ICON_STATES } from './draw-icons';

const PUBLIC = join(dirname(fileURLToPath(import.meta.url)), '../../public');

for (const state of ICON_STATES) {
  for (const size of ICON_SIZES) {
    const path = join(PUBLIC, ICON_SETS[state][size]);
    await writeFile(path, encodePng(drawIcon(state, size), size));
    console.log(`wrote ${path}`);
  }
}
