import { describe, expect, it } from 'vitest';
import { diagnose, findRefusedAnswers, findStrictProxies, type DiagnosisContext } from '../../../src/core/diagnose';
import { classifyProxyError } from '../../../src/core/proxy-error';
import { isLikelyAlias } from '../../../src/core/similar-host';
import { makeRecord } from '../record-factory';

const none: DiagnosisContext = { savedProxies: [], strictProxies: new Set() };

describe('diagnose', () => {
  it.each([
    [{ outcome: 'answered-saved', final: { statusCode: 200 } }, 'answered-ok'],
    [{ outcome: 'answered-prompt', final: { statusCode: 304 } }, 'answered-ok'],
    [{ outcome: 'answered-saved' }, 'answered'],
    [{ outcome: 'answered-saved', final: { statusCode: 404 } }, 'answered'],
    [{ outcome: 'prompted' }, 'missing-credentials'],
    [{ outcome: 'prompted', afterRejection: true }, 'rejected-then-asked'],
    [{ outcome: 'rejected' }, 'credentials-rejected'],
    [{ outcome: 'unsupported-scheme', scheme: 'ntlm' }, 'unsupported-scheme'],
    [{ outcome: 'cancelled-user' }, 'cancelled'],
    [{ outcome: 'timed-out' }, 'timed-out'],
    [{ outcome: 'attempt-cap' }, 'attempt-cap'],
    [{ outcome: 'handed-to-browser' }, 'handed-to-browser'],
    [{ outcome: 'proxy-error', final: { error: 'net::ERR_PROXY_CONNECTION_FAILED' } }, 'proxy-unreachable'],
    [{ outcome: 'proxy-error', final: { error: 'NS_ERROR_PROXY_CONNECTION_REFUSED' } }, 'proxy-unreachable'],
    [{ outcome: 'answered-saved', final: { error: 'net::ERR_TUNNEL_CONNECTION_FAILED' } }, 'tunnel-failed'],
    [{ outcome: 'proxy-error', final: { error: 'net::ERR_SOCKS_CONNECTION_FAILED' } }, 'socks'],
    [{ outcome: 'answered-saved', final: { statusCode: 403 } }, 'refused-after-auth'],
    [{ outcome: 'answered-prompt', final: { statusCode: 403 } }, 'refused-after-auth'],
  ] as const)('%j → %s', (overrides, cause) => {
    expect(diagnose(makeRecord(overrides), none).cause).toBe(cause);
  });

  it('a site 403 without our answer is not blamed on the proxy account', () => {
    expect(diagnose(makeRecord({ outcome: 'prompted', final: { statusCode: 403 } }), none).cause).toBe('missing-credentials');
  });

  it('points at an alias when a similar proxy name has a saved password', () => {
    const context: DiagnosisContext = { savedProxies: [{ host: 'proxy.example', port: 3128 }], strictProxies: new Set() };
    const d = diagnose(makeRecord({ outcome: 'prompted', proxy: 'gw.proxy.example:3128' }), context);
    expect(d).toEqual({ cause: 'alias-host', severity: 'warning', similarTo: 'proxy.example:3128' });
    // Another port is another proxy, not an alias.
    expect(diagnose(makeRecord({ outcome: 'prompted', proxy: 'gw.proxy.example:8080' }), context).cause).toBe('missing-credentials');
  });

  it('flags answered challenges from a strict proxy', () => {
    const context: DiagnosisContext = { savedProxies: [], strictProxies: new Set(['proxy.example:3128']) };
    expect(diagnose(makeRecord({ final: { statusCode: 200 } }), context).cause).toBe('strict-policy');
  });
});

describe('findRefusedAnswers', () => {
  it('marks the answer that the next challenge of the same request refused, and only that one', () => {
    const records = [
      makeRecord({ requestId: 'r', attempt: 1, outcome: 'answered-saved', time: 10, final: { statusCode: 200 } }),
      makeRecord({ requestId: 'r', attempt: 2, outcome: 'rejected', time: 20 }),
      makeRecord({ requestId: 'r', attempt: 2, outcome: 'prompted', afterRejection: true, time: 20 }),
      makeRecord({ requestId: 'r', attempt: 2, outcome: 'answered-prompt', time: 30, final: { statusCode: 200 } }),
      makeRecord({ requestId: 'other', attempt: 1, outcome: 'answered-saved', time: 15, final: { statusCode: 200 } }),
    ];
    const refused = findRefusedAnswers(records);
    const context: DiagnosisContext = { savedProxies: [], strictProxies: new Set(), refusedAnswers: refused };
    expect(records.map((r) => diagnose(r, context).cause)).toEqual([
      'credentials-rejected',
      'credentials-rejected',
      'rejected-then-asked',
      'answered-ok',
      'answered-ok',
    ]);
  });

  it('ignores a "rejected" of the same request id that is far later (ids restart with the browser)', () => {
    const records = [
      makeRecord({ requestId: 'r', attempt: 1, outcome: 'answered-saved', time: 0 }),
      makeRecord({ requestId: 'r', attempt: 2, outcome: 'rejected', time: 11 * 60_000 }),
    ];
    expect(findRefusedAnswers(records).size).toBe(0);
  });
});

describe('findStrictProxies', () => {
  const ok = (time: number, proxy = 'proxy.example:3128') => makeRecord({ time, proxy, final: { statusCode: 200 } });

  it('flags a proxy that challenges again and again, spaced out, after successes', () => {
    const records = [0, 60_000, 120_000, 180_000, 240_000].map((t) => ok(t));
    expect(findStrictProxies(records)).toEqual(new Set(['proxy.example:3128']));
  });

  it('does not flag a burst of concurrent first challenges', () => {
    const records = Array.from({ length: 60 }, (_, i) => ok(i * 20));
    expect(findStrictProxies(records).size).toBe(0);
  });

  it('does not count failed or unanswered challenges', () => {
    const records = [0, 60_000, 120_000, 180_000, 240_000].map((time) =>
      makeRecord({ time, outcome: 'prompted', final: { statusCode: 200 } }),
    );
    expect(findStrictProxies(records).size).toBe(0);
  });
});

describe('helpers', () => {
  it('classifies proxy network errors of both browsers', () => {
    expect(classifyProxyError('net::ERR_PROXY_CONNECTION_FAILED')).toBe('unreachable');
    expect(classifyProxyError('NS_ERROR_UNKNOWN_PROXY_HOST')).toBe('unreachable');
    expect(classifyProxyError('net::ERR_TUNNEL_CONNECTION_FAILED')).toBe('tunnel');
    expect(classifyProxyError('net::ERR_SOCKS_CONNECTION_FAILED')).toBe('socks');
    expect(classifyProxyError('net::ERR_CONNECTION_REFUSED')).toBeUndefined();
    expect(classifyProxyError(undefined)).toBeUndefined();
  });

  it('recognises likely aliases only for names, not addresses', () => {
    expect(isLikelyAlias({ host: 'proxy.example', port: 1 }, { host: 'gw.proxy.example', port: 1 })).toBe(true);
    expect(isLikelyAlias({ host: 'a.corp.example', port: 1 }, { host: 'b.corp.example', port: 1 })).toBe(true);
    expect(isLikelyAlias({ host: 'proxy.example', port: 1 }, { host: 'proxy.example', port: 1 })).toBe(false);
    expect(isLikelyAlias({ host: 'a.example', port: 1 }, { host: 'b.example', port: 1 })).toBe(false);
    expect(isLikelyAlias({ host: '10.0.0.1', port: 1 }, { host: '10.0.0.2', port: 1 })).toBe(false);
  });

  it('calls a name with a trailing dot a likely alias of the name without: another host, probably the same proxy', () => {
    expect(isLikelyAlias({ host: 'proxy', port: 1 }, { host: 'proxy.', port: 1 })).toBe(true);
    expect(isLikelyAlias({ host: 'Proxy.Example.', port: 1 }, { host: 'proxy.example', port: 1 })).toBe(true);
    const context: DiagnosisContext = { savedProxies: [{ host: 'proxy', port: 3128 }], strictProxies: new Set() };
    expect(diagnose(makeRecord({ outcome: 'prompted', proxy: 'proxy.:3128' }), context)).toEqual({
      cause: 'alias-host',
      severity: 'warning',
      similarTo: 'proxy:3128',
    });
  });
});
