import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { siteOf } from '../../../src/core/site-of';
import { stripUrl } from '../../../src/core/challenge';
import { RUNS, ensure, url } from './arbitraries';

/** What the URL parser keeps of a URL for the log, written here apart from the code under test. */
function byUrlParser(text: string, detail: 'path' | 'origin'): string {
  try {
    const parsed = new URL(text);
    return detail === 'origin' ? parsed.origin : parsed.origin + parsed.pathname;
  } catch {
    return '';
  }
}

/**
 * URLs near the edge of what reads back unchanged: numbers and punycode as
 * hosts, upper case, default and out-of-range ports, dot segments, escapes
 * and characters the parser encodes, tabs and spaces.
 */
const label = fc.constantFrom(
  'a',
  'proxy',
  'x1',
  'a-b',
  '-a',
  'a-',
  'A',
  'xn--a',
  'xn--nxasmq6b',
  '0x1f',
  '0x',
  '0xg',
  '1',
  '09',
  'é',
  '_',
  '',
);
const edgeUrl = fc
  .record({
    scheme: fc.constantFrom('http', 'https', 'HTTP', 'ws', 'ftp'),
    labels: fc.array(label, { minLength: 1, maxLength: 4 }),
    trailingDot: fc.boolean(),
    port: fc.constantFrom('', ':80', ':443', ':8080', ':080', ':65535', ':65536', ':0', ':'),
    path: fc.option(
      fc.array(
        fc.constantFrom(
          '',
          '.',
          '..',
          '.a',
          'a.',
          '%2e',
          '%2E',
          'a b',
          'a\\b',
          'é',
          '{',
          '|',
          '^',
          '`',
          '"',
          'Ab',
          "a_b~!$&'()*+,;=:@",
          '\t',
        ),
        {
          maxLength: 4,
        },
      ),
    ),
    tail: fc.constantFrom('', '?x', '#y', '?a#b', ' ', '?\t#', '?/../'),
  })
  .map(
    ({ scheme, labels, trailingDot, port, path, tail }) =>
      `${scheme}://${labels.join('.')}${trailingDot ? '.' : ''}${port}${path === null ? '' : `/${path.join('/')}`}${tail}`,
  );

describe('property: the URL the log keeps', () => {
  it(`is what the URL parser gives, cut without it or not (${RUNS} cases)`, () => {
    let kept = 0;
    fc.assert(
      fc.property(fc.oneof(edgeUrl, url), fc.constantFrom('path' as const, 'origin' as const), (text, detail) => {
        const expected = byUrlParser(text, detail);
        if (expected !== '') kept++;
        ensure(stripUrl(text, detail) === expected, `reads as ${JSON.stringify(expected)}`);
      }),
      { numRuns: RUNS },
    );
    expect(kept).toBeGreaterThan(RUNS / 4);
  }, 60_000);

  it(`gives the site the URL parser gives, read without it or not (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(fc.oneof(edgeUrl, url), (text) => {
        let expected = '';
        try {
          expected = new URL(text).host;
        } catch {
          // Not a URL: no site.
        }
        ensure(siteOf(text) === expected, `site ${JSON.stringify(expected)}`);
      }),
      { numRuns: RUNS },
    );
  }, 60_000);
});
