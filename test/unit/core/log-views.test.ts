import { describe, expect, it } from 'vitest';
import { buildAdminReport } from '../../../src/core/admin-report';
import type { DiagnosisContext } from '../../../src/core/diagnose';
import { recordsToCsv, recordsToJson } from '../../../src/core/log-export';
import { filterRecords } from '../../../src/core/log-filter';
import { countRecent, summariseByProxy } from '../../../src/core/log-summary';
import { bucketTimeline } from '../../../src/core/timeline';
import { t } from '../../../src/ui/shared/i18n';
import { makeRecord } from '../record-factory';

const context: DiagnosisContext = { savedProxies: [], strictProxies: new Set() };
const T = 1_800_000_000_000;

const run = [
  makeRecord({ time: T, requestId: 'a', outcome: 'answered-saved', final: { statusCode: 200 } }),
  makeRecord({ time: T + 1, requestId: 'b', outcome: 'prompted', url: 'https://other.test/x', final: { statusCode: 200 } }),
  makeRecord({
    time: T + 2,
    requestId: 'b',
    outcome: 'answered-prompt',
    url: 'https://other.test/x',
    username: 'alice',
    final: { statusCode: 200 },
  }),
  makeRecord({ time: T + 3, requestId: 'c', outcome: 'rejected', username: 'bob' }),
  makeRecord({ time: T + 4, requestId: 'c', outcome: 'prompted' }),
  makeRecord({ time: T + 5, requestId: 'c', outcome: 'cancelled-user', final: { error: 'net::ERR_ABORTED' } }),
  makeRecord({
    time: T + 6,
    requestId: 'd',
    proxy: '127.0.0.1:9',
    outcome: 'proxy-error',
    final: { error: 'net::ERR_PROXY_CONNECTION_FAILED' },
  }),
];

describe('summariseByProxy', () => {
  it('counts challenges once, silent answers, prompts, rejections, the last error and the share that ended well', () => {
    const [main, dead] = summariseByProxy(run);
    expect(main).toMatchObject({ proxy: 'proxy.example:3128', challenges: 3, answeredSilently: 1, prompts: 2, rejections: 1 });
    expect(main?.lastError).toEqual({ time: T + 5, outcome: 'cancelled-user', error: 'net::ERR_ABORTED' });
    expect(main?.endedWellShare).toBeCloseTo(2 / 3);
    expect(dead).toMatchObject({
      proxy: '127.0.0.1:9',
      challenges: 0,
      endedWellShare: 0,
      lastError: { error: 'net::ERR_PROXY_CONNECTION_FAILED' },
    });
  });

  it('does not count a silent answer the proxy then refused as answered', () => {
    const refusedRun = [
      makeRecord({ time: T, requestId: 'x', attempt: 1, outcome: 'answered-saved' }),
      makeRecord({ time: T + 1, requestId: 'x', attempt: 2, outcome: 'rejected' }),
      makeRecord({ time: T + 1, requestId: 'x', attempt: 2, outcome: 'prompted', afterRejection: true }),
    ];
    expect(summariseByProxy(refusedRun)[0]).toMatchObject({ challenges: 2, answeredSilently: 0, prompts: 1, rejections: 1 });
    expect(countRecent(refusedRun, T + 2).answeredSilently).toBe(0);
  });

  it('counts the last 24 hours only', () => {
    const old = makeRecord({ time: T - 25 * 3_600_000 });
    expect(countRecent([...run, old], T + 10)).toEqual({ challenges: 3, answeredSilently: 1, prompts: 2, failures: 3 });
  });
});

describe('filterRecords', () => {
  it('narrows by proxy, outcome, time, site and free text, together', () => {
    expect(filterRecords(run, { proxy: '127.0.0.1:9' })).toHaveLength(1);
    expect(filterRecords(run, { outcome: 'prompted' })).toHaveLength(2);
    expect(filterRecords(run, { from: T + 2, to: T + 4 })).toHaveLength(3);
    expect(filterRecords(run, { site: 'other.test' })).toHaveLength(2);
    expect(filterRecords(run, { text: 'ALICE' }).map((r) => r.requestId)).toEqual(['b']);
    expect(filterRecords(run, { text: 'err_proxy' }).map((r) => r.requestId)).toEqual(['d']);
    expect(filterRecords(run, { outcome: 'prompted', site: 'other.test' })).toHaveLength(1);
    expect(filterRecords(run, {})).toBe(run);
    // '' is "the browser did not say which proxy", not "any proxy".
    expect(filterRecords([...run, makeRecord({ proxy: '', outcome: 'proxy-error' })], { proxy: '' })).toHaveLength(1);
  });
});

describe('exports', () => {
  it('CSV has a header, one row per record, quoting, and the cause', () => {
    const csv = recordsToCsv([makeRecord({ realm: 'Office, "HQ"', url: 'http://a.test/x' }), makeRecord({ realm: '=cmd()' })], context);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('time,requestId,proxy,scheme,realm,method,type,url,tabId,attempt,outcome,answerMs,username,status,error,cause');
    expect(lines[1]).toContain('"Office, ""HQ"""');
    expect(lines[1]!.endsWith(',answered')).toBe(true);
    expect(csv).not.toContain('answered-ok');
    expect(lines[2]).toContain("'=cmd()");
  });

  it('JSON carries the records with their cause', () => {
    const parsed = JSON.parse(recordsToJson(run, context)) as { format: string; records: { cause: string; requestId: string }[] };
    expect(parsed.format).toBe('proxy-keyring-log');
    expect(parsed.records.map((r) => r.cause)).toEqual([
      'answered-ok',
      'missing-credentials',
      'answered-ok',
      'credentials-rejected',
      'missing-credentials',
      'cancelled',
      'proxy-unreachable',
    ]);
  });
});

describe('buildAdminReport', () => {
  const env = { now: T + 100, browser: 'Chromium 156', extensionVersion: '0.1.0', proxyMode: 'fixed: 127.0.0.1:3128' };

  it('gives per-proxy counts and recent failures with causes, URLs cut to their origin', () => {
    const records = [
      ...run,
      makeRecord({ time: T + 7, requestId: 'e', outcome: 'rejected', url: 'https://secret.test/path/with/token?x=1' }),
      makeRecord({ time: T + 8, requestId: 'f', proxy: '', outcome: 'proxy-error', url: 'not a url', scheme: '', realm: '' }),
    ];
    const report = buildAdminReport(records, context, env, (c) => `<${c}>`, t);
    expect(report.split('\n').slice(0, 6)).toEqual([
      'Proxy Keyring — proxy authentication report',
      `Generated: ${new Date(T + 100).toISOString()}`,
      'Browser: Chromium 156',
      'Extension: Proxy Keyring 0.1.0',
      'Browser proxy setting: fixed: 127.0.0.1:3128',
      'Records: 9',
    ]);
    expect(report).toContain('Proxy proxy.example:3128\n  Scheme: basic; realm: "Office"\n');
    expect(report).toContain('  Challenges: 3; answered silently: 1; prompts: 2; rejected credentials: 2\n');
    expect(report).toContain(`  - ${new Date(T + 7).toISOString()} GET https://secret.test — rejected, no result: <credentials-rejected>`);
    expect(report).not.toContain('/path/with/token');
    expect(report).toContain('Proxy 127.0.0.1:9');
    expect(report).toContain('<proxy-unreachable>');
    expect(report).toContain('Proxy (not reported by the browser)\n  Scheme: unknown; realm: none\n');
    expect(report).toContain('GET (no URL) — proxy-error, no result: <proxy-unreachable>');
  });

  it('names every line by key, so a page in another language gets no English', () => {
    const keysOnly = (key: string, ...subs: string[]) => `[${key}${subs.length ? `:${subs.join('|')}` : ''}]`;
    const report = buildAdminReport(run, context, env, (c) => `<${c}>`, keysOnly);
    const words = report
      .replace(/\[[a-zA-Z_]+(:[^\]]*)?\]|<[a-z-]+>|[\d.:TZ-]{20,}|https?:\/\/\S+|net::[A-Z_]+|proxy\.example|GET|HTTP|\d+%?/g, '')
      .match(/[A-Za-z]{3,}/g);
    expect(words ?? []).toEqual([]);
  });

  it('says so when nothing was recorded', () => {
    expect(buildAdminReport([], context, env, (c) => c, t)).toMatch(/Records: 0\n\nNo proxy challenge has been recorded\.\n$/);
  });
});

describe('bucketTimeline', () => {
  it('spreads records over buckets by band', () => {
    const records = [
      makeRecord({ time: 0 }),
      makeRecord({ time: 59_999, outcome: 'prompted' }),
      makeRecord({ time: 120_000, outcome: 'rejected' }),
    ];
    const buckets = bucketTimeline(records, 4);
    expect(buckets).toHaveLength(4);
    expect(buckets.map((b) => b.counts)).toEqual([
      { silent: 1, asked: 0, failed: 0 },
      { silent: 0, asked: 1, failed: 0 },
      { silent: 0, asked: 0, failed: 0 },
      { silent: 0, asked: 0, failed: 1 },
    ]);
    expect(bucketTimeline([], 10)).toEqual([]);
  });
});
