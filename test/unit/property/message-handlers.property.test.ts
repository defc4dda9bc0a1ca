import { fakeBrowser } from '@webext-core/fake-browser';
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isErrorCode } from '../../../src/core/user-error';
import { REQUEST_SCHEMAS } from '../../../src/messaging/protocol';
import { readStoredDataKey } from '../../../src/storage/data-key';
import type { MessageSender } from '../../../src/background/background-api';
import { BROWSER_PATHS, type FakeBrowserWorld } from '../../fakes/fake-browser';
import { PROXY, saveCredential, startFreshBackground } from '../background/background-world';
import { RUNS, ensure } from './arbitraries';

/** A password that must never come back in any reply. */
const SECRET = 'pw-Zq8-never-echoed';

/** A valid payload of each message type, for the cases that change one field of it. */
const VALID: Record<string, Record<string, unknown>> = {
  'prompt:get': { promptId: 'p1' },
  'prompt:submit': { promptId: 'p1', proxy: PROXY, realm: 'Office', username: 'mallory', password: SECRET, scope: 'device' },
  'prompt:cancel': { promptId: 'p1' },
  'prompt:ping': { promptId: 'p1' },
  'credentials:delete': { id: 'c1' },
  'credentials:save': { host: PROXY.host, port: PROXY.port, realm: '', username: 'mallory', password: SECRET, scope: 'device' },
  'credentials:move': { id: 'c1', direction: 'up' },
  'settings:save': { changes: { attemptCap: 4 } },
  'proxies:unlock': { proxy: 'proxy.example:3128' },
};

const TYPES = Object.keys(REQUEST_SCHEMAS);

/** A payload one step from a valid one: a field of the wrong type, missing, or one too many; or anything at all. */
const payloadFor = (type: string) => {
  const valid = VALID[type] ?? {};
  const fields = Object.keys(valid);
  const changed = fc
    .tuple(fc.oneof(fc.constantFrom(...(fields.length > 0 ? fields : ['x'])), fc.string({ maxLength: 6 })), fc.anything({ maxDepth: 1 }))
    .map(([field, value]) => ({ ...valid, [field]: value }));
  const dropped = fc.constantFrom(...(fields.length > 0 ? fields : ['x'])).map((field) => {
    const { [field]: _gone, ...rest } = valid;
    return rest;
  });
  return fc.oneof(changed, dropped, fc.anything({ maxDepth: 2 }));
};

const message = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...TYPES).chain((type) => payloadFor(type).map((payload) => ({ type, payload }))) },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.oneof(fc.string({ maxLength: 20 }), fc.anything({ maxDepth: 0 })), payload: fc.anything() }),
  },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
);

/** Senders: our own page, and everything that must be refused — another extension, a content script, no address. */
const sender = (world: FakeBrowserWorld): fc.Arbitrary<{ sender: MessageSender; trusted: boolean }> => {
  const own = world.trustedSender;
  const origin = new URL(own.url!).origin;
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant({ sender: own, trusted: true }) },
    {
      weight: 3,
      arbitrary: fc
        .oneof(
          fc.constant<MessageSender>({ id: own.id! }),
          fc.webUrl().map((url): MessageSender => ({ id: own.id!, url })),
          fc.constant<MessageSender>({ id: own.id!, url: `${origin}.evil.example/page.html` }),
          fc.constant<MessageSender>({ id: 'another-extension', url: own.url! }),
          fc.record({ id: fc.string({ maxLength: 10 }), url: fc.string({ maxLength: 30 }) }, { requiredKeys: [] }),
        )
        .map((s) => ({ sender: s, trusted: false })),
    },
  );
};

async function storedState(): Promise<unknown> {
  return structuredClone({ local: await fakeBrowser.storage.local.get(), session: await fakeBrowser.storage.session.get() });
}

/** Lets what a carried-out message started (badge, announcements, writes not awaited) finish first. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('property: the background’s message handlers', () => {
  it(`answer any message from any sender with a typed reply, and a refused one changes no stored state (${RUNS} cases)`, async () => {
    const world = startFreshBackground(BROWSER_PATHS[0]!);
    await saveCredential(world, { username: 'alice', password: 'right' });
    await world.send('prompt:submit', { promptId: 'gone', proxy: PROXY, realm: '', username: 'bob', password: 'pw', scope: 'session' });
    await world.send('settings:save', { changes: { attemptCap: 5 } });
    await settle();
    const keyBefore = await readStoredDataKey();
    ensure(typeof keyBefore === 'object', 'the device key is in IndexedDB');
    // What a refused message must leave as it is: the state after the last message that was carried out.
    let before = await storedState();
    let vaultBefore = await world.send('credentials:list', {});
    let refused = 0;
    let silent = 0;
    await fc.assert(
      fc.asyncProperty(message, sender(world), async (msg, from) => {
        const reply = (await world.sendRaw(msg, from.sender)) as
          { ok: true; value: unknown } | { ok: false; error: { code: unknown; substitutions: unknown; message: unknown } } | undefined;
        if (!from.trusted) {
          ensure(reply === undefined, 'a message from anyone but our own pages gets no answer');
          silent++;
        } else {
          ensure(typeof reply === 'object' && reply !== null && typeof reply.ok === 'boolean', 'our own page always gets a reply');
          ensure(!JSON.stringify(reply).includes(SECRET), 'no reply echoes a password');
          if (reply.ok) {
            // It did what it was asked: let what it started land, and compare the next cases with what it left.
            await settle();
            before = await storedState();
            vaultBefore = await world.send('credentials:list', {});
            return;
          }
          const { error } = reply;
          ensure(isErrorCode(error.code), `a typed error code, not ${String(error.code)}`);
          ensure(
            Array.isArray(error.substitutions) && error.substitutions.every((s) => typeof s === 'string'),
            'substitutions are strings',
          );
          ensure(typeof error.message === 'string', 'an error has a message');
          refused++;
        }
        ensure(isDeepStrictEqual(await storedState(), before), 'a refused message leaves storage.local and storage.session as they were');
        ensure(isDeepStrictEqual(await world.send('credentials:list', {}), vaultBefore), 'a refused message leaves the vault as it was');
      }),
      { numRuns: RUNS },
    );
    expect(refused).toBeGreaterThan(RUNS / 4);
    expect(silent).toBeGreaterThan(RUNS / 10);
    // The data key in IndexedDB is the one the vault started with.
    const keyAfter = await readStoredDataKey();
    expect(typeof keyAfter === 'object' && keyAfter.id).toBe(keyBefore.id);
    // And the background still works: the saved password is still listed.
    expect((await world.send('credentials:list', {})).credentials.map((c) => c.username)).toEqual(expect.arrayContaining(['alice']));
  }, 120_000);
});
