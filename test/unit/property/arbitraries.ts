import fc from 'fast-check';

/** Cases per property: issue 8 asks for at least 10,000 each. */
export const RUNS = 10_000;

/**
 * Letters where case folding and IDNA disagree, or where IDNA maps one
 * spelling onto another: the German sharp s in both cases, dotted and
 * dotless i, the Greek sigmas, a Roman numeral, a ligature, a title-case
 * digraph, Cyrillic, an accent written both ways, full-width digits and dots.
 */
const TRICKY = [
  'ß',
  'ẞ',
  'ss',
  'SS',
  'İ',
  'ı',
  'i',
  'I',
  'Σ',
  'σ',
  'ς',
  'Ⅻ',
  'xii',
  'ﬀ',
  'ǅ',
  'К',
  'к',
  'é',
  'É',
  'e\u0301',
  '１',
  '．',
  '。',
  '\u200d',
  'xn--',
  '-',
  '_',
];

const asciiLabel = fc.stringMatching(/^[a-zA-Z0-9]([a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?$/);
const trickyLabel = fc
  .array(fc.oneof(fc.constantFrom(...TRICKY), fc.constantFrom('a', 'b', 'p', 'r', 'o', 'x', 'y', '1')), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.join(''));

const domain = fc
  .tuple(
    fc.array(fc.oneof({ weight: 3, arbitrary: asciiLabel }, { weight: 2, arbitrary: trickyLabel }), { minLength: 1, maxLength: 4 }),
    fc.boolean(),
  )
  .map(([labels, trailingDot]) => labels.join('.') + (trailingDot ? '.' : ''));

/** IPv4 as people and old parsers write it: decimal, hex, octal, fewer than four parts, one number. */
const ipv4 = fc.oneof(
  fc.ipV4(),
  fc.ipV4Extended(),
  fc.nat({ max: 0xffffffff }).map(String),
  fc.tuple(fc.nat({ max: 255 }), fc.nat({ max: 0xffffff })).map(([a, b]) => `0x${a.toString(16)}.${b}`),
);

/** IPv6 in upper or lower case, bracketed (Chrome) or bare (Firefox). */
const ipv6 = fc
  .tuple(fc.oneof(fc.ipV6(), fc.constantFrom('::1', '::', '::ffff:127.0.0.1', '2001:DB8:0:0:0:0:0:1')), fc.boolean(), fc.boolean())
  .map(([address, upper, brackets]) => {
    const cased = upper ? address.toUpperCase() : address;
    return brackets ? `[${cased}]` : cased;
  });

/** Hosts as a challenger or a stored entry may name them, valid or not. */
export const host = fc.oneof(
  { weight: 4, arbitrary: domain },
  { weight: 2, arbitrary: ipv4 },
  { weight: 2, arbitrary: ipv6 },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '[]', '[::1', '::1]', 'proxy:3128', 'a/b', 'u@proxy', 'a%2eb', 'pro\txy', '1.2.3.999') },
);

/** The same host spelled another way: what a second challenge or an older entry might say. */
export function respell(name: string, how: number): string {
  switch (how % 7) {
    case 0:
      return name.toUpperCase();
    case 1:
      return name.toLowerCase();
    case 2:
      return name.endsWith('.') ? name.slice(0, -1) : `${name}.`;
    case 3:
      return name.startsWith('[') ? name.slice(1, -1) : name.includes(':') ? `[${name}]` : name;
    case 4:
      return ` ${name} `;
    case 5:
      return name.replace(/[a-z]/g, (c) => c.toUpperCase()).replace(/ß/g, 'ẞ');
    default:
      return name;
  }
}

/** Ports: the usual ones, the edges, and what no port is. */
export const port = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(80, 3128, 8080, 1080, 443) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 65535 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 65536, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53) },
);

/** Realms: none, empty, Unicode, very long. */
export const realm = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.constant('') },
  fc.constantFrom('Office', 'office', 'OFFICE', 'Büro', 'BÜRO', 'Groß', 'GROẞ'),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.nat({ max: 5000 }).map((n) => 'r'.repeat(n)),
);

/** URLs of every length, a few of 200,000 characters (Chrome allows 2 MB). */
export const url = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc
    .tuple(fc.webUrl(), fc.oneof({ weight: 20, arbitrary: fc.nat({ max: 20_000 }) }, { weight: 1, arbitrary: fc.constant(200_000) }))
    .map(([u, n]) => `${u}/${'a'.repeat(n)}?token=${'b'.repeat(n % 977)}`),
  fc.string({ maxLength: 50 }),
);

/**
 * A failed check inside a property: cheaper than `expect` over ten thousand
 * cases, and fast-check shows the counterexample with this message.
 */
export function ensure(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}
