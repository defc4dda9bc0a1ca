import { describe, expect, it } from 'vitest';
import { Answerer, type AuthAnswer } from '../../../src/background/answerer';
import { PromptBoard, type Timers } from '../../../src/core/prompt-board';
import { RequestTracker } from '../../../src/core/request-tracker';
import { DEFAULT_VERIFIER_OPTIONS, type VerifierOptions } from '../../../src/core/verifier';
import { DEFAULT_SETTINGS } from '../../../src/settings/settings';
import { ACCEPTED_KEY } from '../../../src/storage/answer-memory';
import { CredentialStore } from '../../../src/storage/credential-store';
import { Vault } from '../../../src/storage/vault';
import { createMemoryArea } from '../../fakes/memory-area';
import { makeChallengeDetails } from '../challenge-factory';
import { verificationDeps } from './answerer-deps';

/** Timers that never fire: a probe held for a quiet moment stays held, so a test sees whether it was. */
const frozen: Timers = { setTimeout: () => 0, clearTimeout: () => undefined };
const CHROME_QUIET = { ...DEFAULT_VERIFIER_OPTIONS, quietMinMs: 350, quietMs: 50, quietMaxMs: 1_000 };

function makeBackground(
  areas: { local: ReturnType<typeof createMemoryArea>; session: ReturnType<typeof createMemoryArea> },
  key: CryptoKey,
  options: VerifierOptions = CHROME_QUIET,
) {
  const store = new CredentialStore(new Vault({ device: areas.local, session: areas.session }, () => Promise.resolve(key)));
  const answerer = new Answerer({
    ...verificationDeps(areas, Date.now, frozen, options),
    store,
    board: new PromptBoard(() => 60_000),
    tracker: new RequestTracker(),
    settings: () => DEFAULT_SETTINGS,
    settingsReady: async () => {},
    log: () => {},
    openPromptWindow: () => {},
    now: () => Date.now(),
    newId: () => crypto.randomUUID(),
  });
  return { store, answerer };
}

const settled = (p: Promise<AuthAnswer>) => Promise.race([p, new Promise<'pending'>((r) => setTimeout(() => r('pending'), 50))]);

describe('what a proxy accepted survives a restart of the background, for this browser session', () => {
  it("a fresh background does not hold the check of a password accepted before it started (Chrome's quiet moment)", async () => {
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const areas = { local: createMemoryArea(), session: createMemoryArea() };
    // A background that checks at once (as Firefox's does) sees the proxy accept the password.
    const first = makeBackground(areas, key, DEFAULT_VERIFIER_OPTIONS);
    await first.store.upsertEntered(
      { proxy: { host: 'proxy.example', port: 3128 }, username: 'alice', password: 'right', scope: 'device' },
      1,
      () => 'alice',
    );
    expect(await first.answerer.answer(makeChallengeDetails({ requestId: 'a' }))).toMatchObject({ kind: 'credentials' });
    first.answerer.observeResponse({ requestId: 'a', statusCode: 200 });
    await new Promise((r) => setTimeout(r, 0));
    expect((await areas.session.get(ACCEPTED_KEY))[ACCEPTED_KEY]).toHaveLength(1);

    const restarted = makeBackground(areas, key);
    expect(await settled(restarted.answerer.answer(makeChallengeDetails({ requestId: 'b' })))).toMatchObject({
      kind: 'credentials',
      username: 'alice',
    });

    // A new browser session (storage.session empty): never accepted here, so the check is held (the frozen timers never let it go).
    const newSession = makeBackground({ local: areas.local, session: createMemoryArea() }, key);
    expect(await settled(newSession.answerer.answer(makeChallengeDetails({ requestId: 'c' })))).toBe('pending');
  });
});
