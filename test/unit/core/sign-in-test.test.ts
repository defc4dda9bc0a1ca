import { describe, expect, it } from 'vitest';
import { buildSignInReport, isTestUrl, type SignInObservation } from '../../../src/core/sign-in-test';
import { makeRecord } from '../record-factory';

const T0 = 1_800_000_000_000;
const URL = 'http://site.test/';
const PROXY = 'proxy.example:3128';

const observe = (fields: Partial<SignInObservation>): SignInObservation => ({
  url: URL,
  startedAt: T0,
  records: [],
  savedProxies: [{ host: 'proxy.example', port: 3128 }],
  ...fields,
});

/** The steps as "kind" or "kind@atMs+tookMs" lists, the shape a reader follows. */
const kinds = (o: SignInObservation) => buildSignInReport(o).steps.map((s) => s.kind);

describe('the sign-in test report', () => {
  it('a saved password the proxy accepts: challenged, answered by the user, accepted, loaded, with the time of each step', () => {
    const report = buildSignInReport(
      observe({
        records: [makeRecord({ time: T0 + 40, answerMs: 10, outcome: 'answered-saved', username: 'alice', proxy: PROXY })],
        final: { time: T0 + 95, statusCode: 200 },
      }),
    );
    expect(report.state).toBe('passed');
    expect(report.steps).toEqual([
      { kind: 'opened', atMs: 0, tookMs: 0 },
      { kind: 'challenged', atMs: 30, tookMs: 30, proxy: PROXY, scheme: 'basic', realm: 'Office' },
      { kind: 'answered-saved', atMs: 40, tookMs: 10, proxy: PROXY, scheme: 'basic', realm: 'Office', username: 'alice' },
      { kind: 'accepted', atMs: 95, tookMs: 55, proxy: PROXY, username: 'alice' },
      { kind: 'loaded', atMs: 95, tookMs: 0, statusCode: 200 },
    ]);
    expect(JSON.stringify(report)).not.toMatch(/password/i);
  });

  it('a saved password the proxy refuses, then the user cancels the prompt: refused with its cause, and the 407 it ended with', () => {
    const report = buildSignInReport(
      observe({
        records: [
          makeRecord({ time: T0 + 20, answerMs: 5, outcome: 'answered-saved', username: 'alice' }),
          makeRecord({ time: T0 + 30, attempt: 2, outcome: 'rejected' }),
          makeRecord({ time: T0 + 31, attempt: 2, outcome: 'prompted', afterRejection: true }),
          makeRecord({ time: T0 + 900, attempt: 2, outcome: 'cancelled-user' }),
        ],
        final: { time: T0 + 910, statusCode: 407 },
      }),
    );
    expect(report.state).toBe('failed');
    expect(report.steps.map((s) => s.kind)).toEqual(['opened', 'challenged', 'answered-saved', 'refused', 'prompted', 'outcome', 'loaded']);
    const refused = report.steps[3]!;
    // The rejected record names no user: the refused account is the one that answered before it.
    expect(refused).toMatchObject({ username: 'alice', diagnosis: { cause: 'credentials-rejected', severity: 'error' }, tookMs: 10 });
    expect(report.steps[4]).toMatchObject({ diagnosis: { cause: 'rejected-then-asked' } });
    expect(report.steps[5]).toMatchObject({ outcome: 'cancelled-user', diagnosis: { cause: 'cancelled' } });
    expect(report.steps[6]).toMatchObject({ statusCode: 407, diagnosis: { cause: 'cancelled' } });
    // Nothing was accepted after the refusal.
    expect(report.steps.some((s) => s.kind === 'accepted')).toBe(false);
  });

  it('refused, then the right password typed into the prompt: the report goes on to accepted and passes', () => {
    const report = buildSignInReport(
      observe({
        records: [
          makeRecord({ time: T0 + 20, outcome: 'answered-saved', username: 'alice' }),
          makeRecord({ time: T0 + 30, attempt: 2, outcome: 'rejected' }),
          makeRecord({ time: T0 + 31, attempt: 2, outcome: 'prompted', afterRejection: true }),
          makeRecord({ time: T0 + 5000, attempt: 2, outcome: 'answered-prompt', username: 'bob', answerMs: 4970 }),
        ],
        final: { time: T0 + 5040, statusCode: 200 },
      }),
    );
    expect(report.state).toBe('passed');
    expect(report.steps.map((s) => s.kind)).toEqual([
      'opened',
      'challenged',
      'answered-saved',
      'refused',
      'prompted',
      'answered-prompt',
      'accepted',
      'loaded',
    ]);
    expect(report.steps.find((s) => s.kind === 'accepted')).toMatchObject({ username: 'bob', tookMs: 40 });
  });

  it('no saved password: challenged, then the prompt with the missing-credentials cause; running while it waits', () => {
    const report = buildSignInReport(
      observe({ records: [makeRecord({ time: T0 + 15, outcome: 'prompted', proxy: 'other.example:8080' })] }),
    );
    expect(report.state).toBe('running');
    expect(report.steps.map((s) => s.kind)).toEqual(['opened', 'challenged', 'prompted']);
    expect(report.steps[2]).toMatchObject({ proxy: 'other.example:8080', diagnosis: { cause: 'missing-credentials' } });
  });

  it('an unreachable proxy: not reached, with the browser’s error, the proxy where told, and the cause', () => {
    const report = buildSignInReport(
      observe({ final: { time: T0 + 12, error: 'NS_ERROR_PROXY_CONNECTION_REFUSED', proxy: '127.0.0.1:9' } }),
    );
    expect(report.state).toBe('failed');
    expect(report.steps).toEqual([
      { kind: 'opened', atMs: 0, tookMs: 0 },
      {
        kind: 'not-reached',
        atMs: 12,
        tookMs: 12,
        proxy: '127.0.0.1:9',
        error: 'NS_ERROR_PROXY_CONNECTION_REFUSED',
        diagnosis: { cause: 'proxy-unreachable', severity: 'error' },
      },
    ]);
    expect(kinds(observe({ final: { time: T0 + 3, error: 'net::ERR_TUNNEL_CONNECTION_FAILED' } }))).toEqual(['opened', 'not-reached']);
    expect(buildSignInReport(observe({ final: { time: T0 + 3, error: 'net::ERR_TUNNEL_CONNECTION_FAILED' } })).steps[1]).toMatchObject({
      diagnosis: { cause: 'tunnel-failed' },
    });
  });

  it('no challenge at all: the page loaded without a sign-in being asked for', () => {
    const report = buildSignInReport(observe({ final: { time: T0 + 8, statusCode: 200 } }));
    expect(report.state).toBe('passed');
    expect(report.steps.map((s) => s.kind)).toEqual(['opened', 'no-challenge', 'loaded']);
  });

  it('accepted by the proxy but forbidden (403): failed, with the refused-after-auth cause', () => {
    const report = buildSignInReport(
      observe({ records: [makeRecord({ time: T0 + 5, username: 'alice' })], final: { time: T0 + 9, statusCode: 403 } }),
    );
    expect(report.state).toBe('failed');
    expect(report.steps.at(-1)).toMatchObject({ kind: 'loaded', statusCode: 403, diagnosis: { cause: 'refused-after-auth' } });
  });

  it('a network error after an answer that is no proxy error: failed with the error', () => {
    const report = buildSignInReport(
      observe({ records: [makeRecord({ time: T0 + 5, username: 'alice' })], final: { time: T0 + 9, error: 'net::ERR_CONNECTION_RESET' } }),
    );
    expect(report.state).toBe('failed');
    expect(report.steps.map((s) => s.kind)).toEqual(['opened', 'challenged', 'answered-saved', 'failed']);
    expect(report.steps.at(-1)).toMatchObject({ error: 'net::ERR_CONNECTION_RESET' });
  });

  it('a locked proxy and other outcomes are told as the outcome with its cause', () => {
    const report = buildSignInReport(
      observe({ records: [makeRecord({ time: T0 + 5, outcome: 'locked' })], final: { time: T0 + 6, statusCode: 407 } }),
    );
    expect(report.steps.map((s) => s.kind)).toEqual(['opened', 'challenged', 'outcome', 'loaded']);
    expect(report.steps[2]).toMatchObject({ outcome: 'locked', diagnosis: { cause: 'proxy-locked' } });
  });

  it('nothing ended in time: timed out, failed', () => {
    const report = buildSignInReport(observe({ timedOutAt: T0 + 20_000 }));
    expect(report.state).toBe('failed');
    expect(report.steps.at(-1)).toEqual({ kind: 'timed-out', atMs: 20_000, tookMs: 20_000 });
  });

  it('a record stamped a moment before the step before never gives a negative time', () => {
    const report = buildSignInReport(
      observe({ records: [makeRecord({ time: T0 + 10, answerMs: 30, username: 'alice' })], final: { time: T0 + 12, statusCode: 200 } }),
    );
    expect(report.steps.every((s) => s.tookMs >= 0 && s.atMs >= 0)).toBe(true);
  });
});

describe('the test address', () => {
  it.each([
    ['http://neverssl.com/', true],
    ['https://example.org/path?q=1', true],
    ['http://127.0.0.1:8080/hello.txt', true],
    ['ftp://example.org/', false],
    ['javascript:alert(1)', false],
    ['neverssl.com', false],
    ['', false],
    [`http://example.org/${'a'.repeat(2100)}`, false],
  ])('%s → %s', (url, ok) => {
    expect(isTestUrl(url)).toBe(ok);
  });
});
