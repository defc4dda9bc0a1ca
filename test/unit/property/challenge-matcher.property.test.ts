import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readChallenge } from '../../../src/core/challenge';
import type { Credential } from '../../../src/core/credential';
import { decide } from '../../../src/core/decide';
import { makeCredential } from '../credential-factory';
import { RUNS, ensure, host, port, realm, respell, url } from './arbitraries';

/**
 * What the URL parser says a host is, written here apart from the code
 * under test: the host part of `http://<host>/` when the parser reads the
 * text as nothing but a host, else nothing (no proxy has that name).
 */
function hostByUrlParser(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || /[\s/\\?#@%]/.test(trimmed)) return undefined;
  const literal = trimmed.includes(':') && !trimmed.startsWith('[') ? `[${trimmed}]` : trimmed;
  try {
    const parsed = new URL(`http://${literal}/`);
    if (parsed.host !== parsed.hostname || parsed.username !== '' || parsed.pathname !== '/') return undefined;
    return parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return undefined;
  }
}

/** A challenge as a browser could send it: any field missing or of the wrong type, sometimes. */
const details = (challenger: fc.Arbitrary<unknown>, challengeRealm: fc.Arbitrary<string | undefined>) =>
  fc.record(
    {
      requestId: fc.oneof(fc.string({ maxLength: 8 }), fc.nat(), fc.constant(undefined)),
      url,
      method: fc.constantFrom('GET', 'POST', 'CONNECT'),
      type: fc.constantFrom('main_frame', 'xmlhttprequest', 'other'),
      tabId: fc.integer({ min: -1, max: 50 }),
      isProxy: fc.oneof(
        { weight: 6, arbitrary: fc.constant(true) },
        { weight: 3, arbitrary: fc.constant(false) },
        { weight: 1, arbitrary: fc.constantFrom('true', 1, null) },
      ),
      scheme: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('Basic', 'basic', 'Digest') }, fc.constantFrom('NTLM', 'Negotiate', '')),
      realm: challengeRealm,
      challenger: fc.oneof({ weight: 9, arbitrary: challenger }, { weight: 1, arbitrary: fc.anything() }),
      timeStamp: fc.nat(),
    },
    { requiredKeys: ['requestId', 'challenger'] },
  );

/** Saved credentials for hosts, ports and realms from the same pools (entries of older versions may hold any spelling). */
const saved = fc.array(
  fc
    .record({ host, port: fc.integer({ min: 1, max: 65535 }), realm, id: fc.uuid() })
    .map((c): Credential =>
      makeCredential({ id: c.id, proxy: { host: c.host, port: c.port }, ...(c.realm === undefined ? {} : { realm: c.realm }) }),
    ),
  { maxLength: 4 },
);

/** A case: saved credentials, and a challenge that often names one of them, spelled another way. */
const scenario = saved.chain((credentials) => {
  const anywhere = fc.record({ host, port });
  // One of the saved proxies, its host spelled another way, on its own port or another.
  const near =
    credentials.length === 0
      ? anywhere
      : fc
          .tuple(fc.constantFrom(...credentials), fc.nat(), fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, port))
          .map(([c, how, otherPort]) => ({ host: respell(c.proxy.host, how), port: otherPort ?? c.proxy.port }));
  const realms = credentials.map((c) => c.realm).filter((r): r is string => r !== undefined);
  const nearRealm = realms.length === 0 ? realm : fc.oneof(fc.constantFrom(...realms), realm);
  return fc.record({
    credentials: fc.constant(credentials),
    details: details(fc.oneof({ weight: 3, arbitrary: near }, { weight: 1, arbitrary: anywhere }), nearRealm),
  });
});

describe('property: the challenge reader and the credential matcher', () => {
  it(`never gives a credential to a proxy whose canonical host or port differ, nor to a site's 401 (${RUNS} cases)`, () => {
    let supplied = 0;
    let refusedAsOtherHost = 0;
    fc.assert(
      fc.property(scenario, ({ credentials, details: raw }) => {
        const d = raw as Record<string, unknown>;
        const challengerRaw = d['challenger'] as { host?: unknown; port?: unknown } | undefined;
        const challenge = readChallenge(d);
        if (challenge === null) return;
        const decision = decide({ challenge, track: { attempts: 1, firstSeen: 0 }, credentials, attemptCap: 3 });
        if (!challenge.isProxy) {
          ensure(decision.kind === 'ignore', `a site's 401 is left alone, not ${decision.kind}`);
          return;
        }
        const rawHost = typeof challengerRaw?.host === 'string' ? challengerRaw.host : '';
        const challengerHost = hostByUrlParser(rawHost);
        ensure(challenge.challenger.host === challengerHost, `the challenger reads as ${String(challengerHost)}`);
        const fits = (c: Credential) =>
          hostByUrlParser(c.proxy.host) === challengerHost &&
          c.proxy.port === challenge.challenger.port &&
          (c.realm === undefined || c.realm === '' || c.realm === challenge.realm);
        if (decision.kind === 'supply') {
          supplied++;
          ensure(fits(decision.credential), 'a credential goes only to its own canonical host, port and realm');
        } else if (decision.kind === 'prompt' && ['basic', 'digest'].includes(challenge.scheme)) {
          // And the other way round: a fitting credential is not withheld.
          ensure(!credentials.some(fits), 'a fitting credential is not withheld');
          const sameLetters = credentials.some((c) => c.proxy.host.trim().toLowerCase() === rawHost.trim().toLowerCase());
          if (sameLetters) refusedAsOtherHost++;
        }
      }),
      { numRuns: RUNS },
    );
    // The pools must reach both sides of the property, or it proves little.
    expect(supplied).toBeGreaterThan(RUNS / 50);
    expect(refusedAsOtherHost).toBeGreaterThan(0);
  }, 60_000);
});
