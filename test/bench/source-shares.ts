import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** One mapping segment's fields, from its base64 VLQ text. */
function decodeSegment(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = BASE64.indexOf(ch);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >> 1) : value >> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/**
 * How many bytes of a built file each source wrote, from the file's source
 * map: every mapped span is counted to the source of its segment (unmapped
 * glue goes to the previous segment's source).
 */
export function bytesBySource(code: string, map: { sources: string[]; mappings: string }): Map<string, number> {
  const lines = code.split('\n');
  const out = new Map<string, number>();
  let source = 0;
  map.mappings.split(';').forEach((line, lineIndex) => {
    const segments = line.split(',').filter(Boolean).map(decodeSegment);
    let column = 0;
    segments.forEach((segment, i) => {
      column += segment[0]!;
      if (segment.length > 1) source += segment[1]!;
      const end = i + 1 < segments.length ? column + segments[i + 1]![0]! : (lines[lineIndex]?.length ?? column);
      const name = map.sources[source] ?? '(unmapped)';
      out.set(name, (out.get(name) ?? 0) + end - column);
    });
  });
  return out;
}

/** The part of the tree a source belongs to: a package's name, or `src/<folder>`. */
export function groupOf(source: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
  if (pkg) return pkg[1]!;
  const own = /(src\/[^/]+)\//.exec(source);
  return own ? own[1]! : source;
}

/** Bytes per group over the given built files of `dir` (each with its `.map` beside it). */
export async function bytesByGroup(dir: string, files: Iterable<string>): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const file of files) {
    if (!file.endsWith('.js')) continue;
    const code = await readFile(resolve(dir, file), 'utf8');
    const mapText = await readFile(resolve(dir, `${file}.map`), 'utf8').catch(() => undefined);
    // A built file without a map (none is expected: the size bench fails on any): counted as glue.
    if (mapText === undefined) {
      out.set('(build glue)', (out.get('(build glue)') ?? 0) + code.length);
      continue;
    }
    const map = JSON.parse(mapText) as { sources: string[]; mappings: string };
    for (const [source, bytes] of bytesBySource(code, map)) out.set(groupOf(source), (out.get(groupOf(source)) ?? 0) + bytes);
  }
  return out;
}
