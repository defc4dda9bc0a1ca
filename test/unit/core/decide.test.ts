import { describe, expect, it } from 'vitest';
import { decide, findRefusal } from '../../../src/core/decide';
import type { RequestTrack, SuppliedAnswer } from '../../../src/core/request-tracker';
import { makeChallenge } from '../challenge-factory';
import { makeCredential } from '../credential-factory';

const cred = makeCredential;

const first: RequestTrack = { attempts: 1, firstSeen: 0 };

/** What we sent for request '1' to proxy.example:3128 before this challenge. */
function sent(credentialId: string, overrides: Partial<SuppliedAnswer> = {}): SuppliedAnswer {
  return {
    credentialId,
    username: 'alice',
    proxy: { host: 'proxy.example', port: 3128 },
    realm: 'Office',
    scheme: 'basic',
    gate: `proxy.example:3128|Office|${credentialId}`,
    ...overrides,
  };
}

describe('decide', () => {
  it('supplies the saved credential on the first challenge', () => {
    const d = decide({ challenge: makeChallenge(), track: first, credentials: [cred()], attemptCap: 3 });
    expect(d).toMatchObject({ kind: 'supply', attempt: 1, credential: { id: 'c1' } });
    expect(d).not.toHaveProperty('refused');
  });

  it('leaves a site 401 alone even when a credential would fit', () => {
    const d = decide({ challenge: makeChallenge({ isProxy: false }), track: first, credentials: [cred()], attemptCap: 3 });
    expect(d).toEqual({ kind: 'ignore' });
  });

  it('marks the credential rejected when the same request is challenged again, and prompts', () => {
    const track: RequestTrack = { attempts: 2, firstSeen: 0, supplied: sent('c1') };
    const d = decide({ challenge: makeChallenge(), track, credentials: [cred()], attemptCap: 3 });
    expect(d).toEqual({ kind: 'prompt', attempt: 2, reason: 'no-credential', refused: sent('c1') });
  });

  it('moves to the next account for the same proxy when the first is refused', () => {
    const track: RequestTrack = { attempts: 2, firstSeen: 0, supplied: sent('c1') };
    const credentials = [cred(), cred({ id: 'c2', username: 'bob', order: 1 })];
    const d = decide({ challenge: makeChallenge(), track, credentials, attemptCap: 3 });
    expect(d).toMatchObject({ kind: 'supply', credential: { id: 'c2' }, refused: { credentialId: 'c1' } });
  });

  it('never supplies a credential already known to be rejected, for any request', () => {
    const d = decide({
      challenge: makeChallenge({ requestId: 'other' }),
      track: first,
      credentials: [cred({ rejected: true })],
      attemptCap: 3,
    });
    expect(d).toEqual({ kind: 'prompt', attempt: 1, reason: 'no-credential' });
  });

  it('cancels once the attempt cap is passed', () => {
    const track: RequestTrack = { attempts: 4, firstSeen: 0, supplied: sent('c2') };
    const d = decide({ challenge: makeChallenge(), track, credentials: [cred()], attemptCap: 3 });
    expect(d).toEqual({ kind: 'cap', attempt: 4, refused: sent('c2') });
  });

  it('still answers at exactly the cap', () => {
    const d = decide({ challenge: makeChallenge(), track: { attempts: 3, firstSeen: 0 }, credentials: [cred()], attemptCap: 3 });
    expect(d.kind).toBe('supply');
  });

  it('prompts for another proxy instead of sending this one its password', () => {
    const challenge = makeChallenge({ challenger: { host: 'proxy.example', port: 3129 } });
    expect(decide({ challenge, track: first, credentials: [cred()], attemptCap: 3 }).kind).toBe('prompt');
    const other = makeChallenge({ challenger: { host: 'gw.proxy.example', port: 3128 } });
    expect(decide({ challenge: other, track: first, credentials: [cred()], attemptCap: 3 }).kind).toBe('prompt');
  });

  it('requires the saved realm to match when one was saved', () => {
    const withRealm = cred({ realm: 'Office' });
    expect(decide({ challenge: makeChallenge({ realm: 'Office' }), track: first, credentials: [withRealm], attemptCap: 3 }).kind).toBe(
      'supply',
    );
    expect(decide({ challenge: makeChallenge({ realm: 'Lab' }), track: first, credentials: [withRealm], attemptCap: 3 }).kind).toBe(
      'prompt',
    );
    expect(decide({ challenge: makeChallenge({ realm: 'Lab' }), track: first, credentials: [cred()], attemptCap: 3 }).kind).toBe('supply');
  });

  it('matches an IPv6 proxy whichever way the brackets are written', () => {
    const saved = cred({ proxy: { host: '[::1]', port: 3128 } });
    const d = decide({
      challenge: makeChallenge({ challenger: { host: '::1', port: 3128 } }),
      track: first,
      credentials: [saved],
      attemptCap: 3,
    });
    expect(d.kind).toBe('supply');
  });

  it('uses the lowest order first', () => {
    const credentials = [cred({ id: 'late', order: 5 }), cred({ id: 'early', order: -1 })];
    const d = decide({ challenge: makeChallenge(), track: first, credentials, attemptCap: 3 });
    expect(d).toMatchObject({ credential: { id: 'early' } });
  });

  it.each(['ntlm', 'negotiate', 'kerberos'])('does not try to answer a %s challenge', (scheme) => {
    const d = decide({ challenge: makeChallenge({ scheme }), track: first, credentials: [cred()], attemptCap: 3 });
    expect(d).toEqual({ kind: 'unsupported', attempt: 1 });
  });

  it('answers digest like basic', () => {
    expect(decide({ challenge: makeChallenge({ scheme: 'digest' }), track: first, credentials: [cred()], attemptCap: 3 }).kind).toBe(
      'supply',
    );
  });

  it('treats a challenge from another proxy on the same request as a first challenge there, refusing nothing', () => {
    const track: RequestTrack = { attempts: 2, firstSeen: 0, supplied: sent('c1') };
    const second = makeChallenge({ challenger: { host: 'gw.example', port: 8080 } });
    const other = cred({ id: 'c9', proxy: { host: 'gw.example', port: 8080 } });
    const d = decide({ challenge: second, track, credentials: [cred(), other], attemptCap: 3 });
    expect(d).toMatchObject({ kind: 'supply', credential: { id: 'c9' } });
    expect(d).not.toHaveProperty('refused');
    expect(findRefusal(second, track)).toBeUndefined();
    expect(findRefusal(makeChallenge(), track)).toEqual(sent('c1'));
  });

  it("reports a site's 401 on a request we answered with a proxy password, and leaves it to the browser", () => {
    const track: RequestTrack = { attempts: 2, firstSeen: 0, supplied: sent('c1') };
    const d = decide({ challenge: makeChallenge({ isProxy: false }), track, credentials: [cred()], attemptCap: 3 });
    expect(d).toEqual({ kind: 'site-after-proxy', supplied: sent('c1') });
  });

  it('neither answers nor prompts for a locked proxy, and still reports the refusal', () => {
    const track: RequestTrack = { attempts: 2, firstSeen: 0, supplied: sent('c1') };
    const d = decide({ challenge: makeChallenge(), track, credentials: [cred()], attemptCap: 3, proxy: { locked: true, held: false } });
    expect(d).toEqual({ kind: 'locked', attempt: 2, refused: sent('c1') });
  });

  it('does not speak of other accounts while a refusal is held if there is none', () => {
    const d = decide({
      challenge: makeChallenge(),
      track: first,
      credentials: [cred({ rejected: true })],
      attemptCap: 3,
      proxy: { locked: false, held: true },
    });
    expect(d).toEqual({ kind: 'prompt', attempt: 1, reason: 'no-credential' });
  });

  it('asks before trying the next account while a refusal is held', () => {
    const credentials = [cred({ rejected: true }), cred({ id: 'c2', username: 'bob', order: 1 })];
    const held = decide({ challenge: makeChallenge(), track: first, credentials, attemptCap: 3, proxy: { locked: false, held: true } });
    expect(held).toEqual({ kind: 'prompt', attempt: 1, reason: 'held' });
    const free = decide({ challenge: makeChallenge(), track: first, credentials, attemptCap: 3, proxy: { locked: false, held: false } });
    expect(free).toMatchObject({ kind: 'supply', credential: { id: 'c2' } });
  });

  it('does not send a password used with Digest to a Basic challenge from the same proxy without asking', () => {
    const digestUsed = new Set(['c1']);
    const basic = decide({
      challenge: makeChallenge({ scheme: 'basic' }),
      track: first,
      credentials: [cred()],
      attemptCap: 3,
      digestCredentialIds: digestUsed,
    });
    expect(basic).toEqual({ kind: 'prompt', attempt: 1, reason: 'downgrade' });
    const digest = decide({
      challenge: makeChallenge({ scheme: 'digest' }),
      track: first,
      credentials: [cred()],
      attemptCap: 3,
      digestCredentialIds: digestUsed,
    });
    expect(digest.kind).toBe('supply');
  });
});
