import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/core/decide';
import { sameEndpoint } from '../../../src/core/proxy-endpoint';
import { CredentialStore } from '../../../src/storage/credential-store';
import type { Vault } from '../../../src/storage/vault';
import { makeCredential } from '../credential-factory';
import { makeChallenge } from '../challenge-factory';
import { RUNS, ensure, host, port, respell } from './arbitraries';

/** Entries as an older version or the policy may hold them: any spelling of a host, any port, some refused. */
const entries = fc.array(fc.record({ host, port, rejected: fc.boolean(), order: fc.integer({ min: -3, max: 3 }) }), { maxLength: 8 });

const scenario = entries.chain((picked) => {
  const credentials = picked.map((e, i) =>
    makeCredential({ id: `policy:${i}`, username: `u${i}`, proxy: { host: e.host, port: e.port }, rejected: e.rejected, order: e.order }),
  );
  const anywhere = fc.record({ host, port });
  // Often one of the entries' proxies, its host spelled another way.
  const near =
    credentials.length === 0
      ? anywhere
      : fc.tuple(fc.constantFrom(...credentials), fc.nat()).map(([c, how]) => ({ host: respell(c.proxy.host, how), port: c.proxy.port }));
  return fc.record({ credentials: fc.constant(credentials), challenger: fc.oneof({ weight: 3, arbitrary: near }, anywhere) });
});

describe('property: the store by proxy', () => {
  it(`gives a challenger exactly the entries sameEndpoint matches, in list order, and the same decision (${RUNS} cases)`, () => {
    let found = 0;
    fc.assert(
      fc.property(scenario, ({ credentials, challenger }) => {
        const store = new CredentialStore({} as Vault);
        store.setPolicyCredentials(credentials);
        const expected = store.list().filter((c) => sameEndpoint(c.proxy, challenger));
        const listed = store.listFor(challenger);
        found += listed.length;
        ensure(listed.length === expected.length && listed.every((c, i) => c === expected[i]), 'the entries for the proxy, in order');
        const challenge = makeChallenge({ challenger, realm: '' });
        const input = { challenge, track: { attempts: 1, firstSeen: 0 }, attemptCap: 3 };
        const fromAll = decide({ ...input, credentials: store.list() });
        const fromIndex = decide({ ...input, credentials: listed });
        ensure(JSON.stringify(fromAll) === JSON.stringify(fromIndex), 'the decision does not depend on the entries for other proxies');
        // What the answerer reads: the same entries, in answer order, and the same decision.
        const ordered = store.answerOrderFor(challenger);
        ensure(ordered.length === listed.length && listed.every((c) => ordered.includes(c)), 'answer order holds the same entries');
        const fromOrdered = decide({ ...input, credentials: ordered });
        ensure(JSON.stringify(fromAll) === JSON.stringify(fromOrdered), 'the decision from the answer-order list is the same');
      }),
      { numRuns: RUNS },
    );
    // The pools must reach matching entries, or the property proves little.
    expect(found).toBeGreaterThan(RUNS / 10);
  }, 60_000);
});
