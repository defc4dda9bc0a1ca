import { describe, expect, it } from 'vitest';
import { buildAdminReport } from '../../../src/core/admin-report';
import type { DiagnosisContext } from '../../../src/core/diagnose';
import { recordsToCsv, recordsToJson } from '../../../src/core/log-export';
import { describeErrorSafely, redactUrl, redactUrlsIn } from '../../../src/core/redact-url';
import { t } from '../../../src/ui/shared/i18n';
import { makeRecord } from '../record-factory';

/** What must never leave the extension, whatever URL it sits in. */
const SECRETS = ['hunter2', 'pacuser', 'tok3n', 'frag-secret', 'sessionid'];

function expectNoSecret(text: string): void {
  for (const secret of SECRETS) expect(text, `${secret} in ${text}`).not.toContain(secret);
}

describe('redactUrl', () => {
  it.each([
    ['http://pacuser:hunter2@pac.example:8080/proxy.pac?key=tok3n#frag-secret', 'http://pac.example:8080/proxy.pac'],
    ['https://a.test/p/q?x=1', 'https://a.test/p/q'],
    ['https://a.test/p#frag-secret', 'https://a.test/p'],
    ['http://pacuser@a.test/', 'http://a.test/'],
    ['http://:hunter2@a.test/', 'http://a.test/'],
    ['http://[::1]:3128/x?sessionid=1', 'http://[::1]:3128/x'],
    ['file:///etc/proxy.pac?x=tok3n', 'file:///etc/proxy.pac'],
    ['data:application/x-ns-proxy-autoconfig,function FindProxyForURL(){return "hunter2"}', 'data:'],
  ])('keeps scheme, host, port and path of %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('leaves a URL with nothing to drop as it was written', () => {
    expect(redactUrl('https://a.test')).toBe('https://a.test');
    expect(redactUrl('http://proxy.example:3128/wpad.dat')).toBe('http://proxy.example:3128/wpad.dat');
  });

  it.each([
    // Cut short by a length limit: what follows the scheme may be a user name and password.
    ['http://pacuser:hunt', 'http://'],
    ['http://pacuser:hunter2@bad host/x?key=tok3n', 'http://bad host/x'],
    ['http://pacuser:hunter2@', 'http://'],
    ['not a url?sessionid=1', 'not a url'],
    // The parser reads this as scheme `pacuser:` and a path: only the scheme is kept.
    ['pacuser:hunter2@somewhere', 'pacuser:'],
    ['pacuser hunter2@somewhere', ''],
    ['', ''],
  ])('redacts what the parser refuses too: %j', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

describe('redactUrlsIn', () => {
  it('redacts every URL in a sentence and keeps the sentence', () => {
    expect(
      redactUrlsIn('Failed to fetch http://pacuser:hunter2@pac.example/p.pac?key=tok3n. Also (https://b.test/x#frag-secret), done'),
    ).toBe('Failed to fetch http://pac.example/p.pac. Also (https://b.test/x), done');
  });

  it('redacts a URL with a quote or bracket inside, and gives the closing ones back to the sentence', () => {
    expect(redactUrlsIn("at 'http://pacuser:hunter2'x@a.test/p?key=tok3n', then")).toBe("at 'http://a.test/p', then");
    expect(redactUrlsIn('see <https://a.test/(x)?sessionid=1>.')).toBe('see <https://a.test/(x)>.');
  });

  it('leaves text without URLs alone', () => {
    expect(redactUrlsIn('net::ERR_PROXY_CONNECTION_FAILED at proxy.example:3128')).toBe(
      'net::ERR_PROXY_CONNECTION_FAILED at proxy.example:3128',
    );
  });

  it('gives an error’s text for the console, redacted, and no more', () => {
    const error = new Error('NetworkError when attempting to fetch resource https://pacuser:hunter2@a.test/x?sessionid=9');
    expect(describeErrorSafely(error)).toBe('NetworkError when attempting to fetch resource https://a.test/x');
    expect(describeErrorSafely('https://a.test/?tok3n')).toBe('https://a.test/');
    expect(describeErrorSafely({ password: 'hunter2' })).toBe('unknown error');
  });
});

describe('what leaves the extension', () => {
  const context: DiagnosisContext = { savedProxies: [], strictProxies: new Set() };
  const T = 1_800_000_000_000;
  // Records from an older version, or a browser's error text, may still carry what the log now drops.
  const records = [
    makeRecord({ time: T, requestId: 'a', outcome: 'rejected', url: 'http://pacuser:hunter2@site.test/p?sessionid=1#frag-secret' }),
    makeRecord({
      time: T + 1,
      requestId: 'b',
      outcome: 'proxy-error',
      url: 'https://site.test/q?key=tok3n',
      final: { error: 'net::ERR_PROXY_CONNECTION_FAILED fetching http://pacuser:hunter2@pac.example/p.pac?key=tok3n' },
    }),
  ];

  it('the admin report prints the PAC URL without user name, password, query or fragment', () => {
    const report = buildAdminReport(
      records,
      context,
      {
        now: T + 100,
        browser: 'Chromium 156',
        extensionVersion: '0.1.0',
        proxyMode: t('reportProxyPac', 'http://pacuser:hunter2@pac.example:8080/proxy.pac?key=tok3n#frag-secret'),
      },
      (c) => c,
      t,
    );
    expectNoSecret(report);
    expect(report).toContain('http://pac.example:8080/proxy.pac');
    expect(report).toContain('http://site.test');
  });

  it('the CSV and JSON exports print every URL redacted, in the url column and in error text', () => {
    const csv = recordsToCsv(records, context);
    const json = recordsToJson(records, context);
    for (const text of [csv, json]) {
      expectNoSecret(text);
      expect(text).toContain('http://site.test/p');
      expect(text).toContain('https://site.test/q');
      expect(text).toContain('http://pac.example/p.pac');
      expect(text).toContain('net::ERR_PROXY_CONNECTION_FAILED');
    }
    expect((JSON.parse(json) as { records: unknown[] }).records).toHaveLength(2);
  });
});
