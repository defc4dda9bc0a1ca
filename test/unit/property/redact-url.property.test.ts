import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactUrl, redactUrlsIn } from '../../../src/core/redact-url';
import { RUNS, ensure } from './arbitraries';

/** Markers that stand for what a URL must not carry out of the extension. */
const USER = 'uSeRmark';
const PASSWORD = 'pAsSmark';
const QUERY = 'qUeRymark';
const FRAGMENT = 'fRaGmark';

/** A URL with a user name, a password, a query and a fragment, each holding its marker; sometimes cut short. */
const secretUrl = fc
  .tuple(
    fc.webUrl({ validSchemes: ['http', 'https', 'ftp', 'socks5', 'chrome-extension', 'moz-extension'] }),
    fc.string({ maxLength: 8 }),
    fc.string({ maxLength: 8 }),
    fc.boolean(),
    fc.nat({ max: 200 }),
  )
  .map(([base, extra, extra2, cut, at]) => {
    const u = base.replace('://', `://${USER}${encodeURIComponent(extra)}:${PASSWORD}${encodeURIComponent(extra2)}@`);
    const full = `${u.split(/[?#]/)[0]}?token=${QUERY}&x=${encodeURIComponent(extra)}#${FRAGMENT}`;
    // A length limit may cut anywhere, even inside the password.
    return cut ? full.slice(0, Math.max(at, full.indexOf(PASSWORD) + 2)) : full;
  });

describe('property: redaction', () => {
  it(`no user name, password, query or fragment survives redactUrl or redactUrlsIn (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(secretUrl, fc.string({ maxLength: 10 }), (url, around) => {
        for (const out of [redactUrl(url), redactUrlsIn(`failed: ${url} ${around}`)]) {
          for (const marker of [USER, PASSWORD, QUERY, FRAGMENT]) ensure(!out.includes(marker), `${marker} left in ${out}`);
        }
      }),
      { numRuns: RUNS },
    );
  }, 60_000);

  it(`keeps scheme, host, port and path of a URL with nothing to drop (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(fc.webUrl(), (url) => {
        const parsed = new URL(url);
        ensure(redactUrl(url) === url, `${url} is left as it is`);
        ensure(redactUrl(url).startsWith(`${parsed.protocol}//${parsed.host}`), 'the origin stays');
      }),
      { numRuns: RUNS },
    );
    expect(redactUrl('https://a.test/p')).toBe('https://a.test/p');
  }, 60_000);
});
