import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/user-error';
import {
  DEFAULT_SETTINGS,
  SETTINGS_VERSION,
  migrateSettings,
  parseSettings,
  validateSettingsChanges,
  type Settings,
} from '../../../src/settings/settings';
import { SETTINGS_KEY, writeSettings } from '../../../src/settings/settings-store';
import { createMemoryArea } from '../../fakes/memory-area';
import { RUNS, ensure } from './arbitraries';

const KEYS = Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[];

/** A value a setting might hold: a right one of its kind, a wrong one, or anything at all. */
const settingValue = fc.oneof(
  fc.integer({ min: -10, max: 300_000 }),
  fc.constantFrom(1.5, Number.NaN, Number.POSITIVE_INFINITY, -0, 2 ** 53),
  fc.constantFrom('cancel', 'browser', 'path', 'origin', 'device', 'session', 'once', 'sync', 'ask', 'next', ''),
  fc.anything({ maxDepth: 1, maxKeys: 4 }),
);

const version = fc.oneof(
  fc.constant(undefined),
  fc.integer({ min: -2, max: SETTINGS_VERSION + 3 }),
  fc.constantFrom(1.5, '1', null, Number.NaN, 2 ** 60),
);

/**
 * A stored settings document: a plausible one with wrong fields, or anything
 * — as storage.local gives it back, a structured clone.
 */
const stored = fc
  .oneof(
    fc
      .tuple(fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 8 })), settingValue, { maxKeys: 12 }), version)
      .map(([fields, v]) => (v === undefined ? fields : { ...fields, version: v })),
    fc.anything({ maxDepth: 2, maxKeys: 6 }),
  )
  .map((value) => structuredClone(value));

const changes = fc.dictionary(
  fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }),
  settingValue,
  { maxKeys: 4 },
);

const SORTED_KEYS = JSON.stringify([...KEYS].sort());

function ensureTypedRead(read: ReturnType<typeof parseSettings>): void {
  ensure(JSON.stringify(Object.keys(read.settings).sort()) === SORTED_KEYS, 'the settings have exactly the known keys');
  // Every value read is one the form would accept.
  ensure(Object.keys(validateSettingsChanges({ ...read.settings })).length === 0, 'every value read is valid');
  ensure(
    read.invalid.every((key) => KEYS.includes(key)),
    'invalid names settings only',
  );
  ensure(
    Object.values(read.sources).every((source) => source === 'default' || source === 'user'),
    'sources are default or user',
  );
  if (read.newerVersion !== undefined) {
    ensure(read.newerVersion > SETTINGS_VERSION, 'newerVersion is newer');
    ensure(isDeepStrictEqual(read.settings, DEFAULT_SETTINGS), 'a newer document reads as the defaults');
  }
}

describe('property: the settings reader and its migrations', () => {
  it(`reads any stored value as typed settings, and never changes what it read (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(stored, (document) => {
        const before = structuredClone(document);
        const read = parseSettings(document);
        ensureTypedRead(read);
        ensure(isDeepStrictEqual(document, before), 'reading left the document as it was');
        // Migrated fields never carry the version stamp, and a newer document gives none.
        const fields = migrateSettings(document);
        ensure(!Object.hasOwn(fields, 'version'), 'no version among the fields');
        if (read.newerVersion !== undefined) ensure(Object.keys(fields).length === 0, 'a newer document has no fields to read');
        // A field is the user's exactly when it was stored valid (and readable by this version).
        for (const key of KEYS) {
          const expected = read.sources[key] === 'user' ? fields[key] : DEFAULT_SETTINGS[key];
          ensure(isDeepStrictEqual(read.settings[key], expected), `${key} is the stored value or the default`);
        }
      }),
      { numRuns: RUNS },
    );
  }, 60_000);

  it(`a save gives a typed answer, and when it is refused storage is as it was (${RUNS} cases)`, async () => {
    let written = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(stored, changes, async (document, change) => {
        const area = createMemoryArea(document === undefined ? {} : { [SETTINGS_KEY]: document });
        const before = structuredClone(area.data);
        let outcome: Awaited<ReturnType<typeof writeSettings>> | undefined;
        let thrown: unknown;
        try {
          outcome = await writeSettings(area, change);
        } catch (error) {
          thrown = error;
        }
        if (outcome === undefined) {
          ensure(thrown instanceof UserError && thrown.code === 'messageMalformed', 'only a typed error is thrown');
          ensure(
            Object.keys(change).some((k) => !KEYS.includes(k as keyof Settings)),
            'only an unknown setting throws',
          );
        } else if ('errors' in outcome) {
          ensure(Object.keys(outcome.errors).length > 0, 'a refusal names a field');
        } else {
          ensureTypedRead(outcome.read);
          if (outcome.read.newerVersion === undefined) {
            written++;
            for (const [key, value] of Object.entries(change)) {
              ensure(isDeepStrictEqual(outcome.read.settings[key as keyof Settings], value), `${key} reads back as saved`);
            }
            const document = area.data[SETTINGS_KEY] as { version?: unknown };
            ensure(document.version === SETTINGS_VERSION, 'what is written is stamped with this version');
            return;
          }
        }
        refused++;
        ensure(isDeepStrictEqual(area.data, before), 'a refused save leaves storage as it was');
      }),
      { numRuns: RUNS },
    );
    expect(written).toBeGreaterThan(RUNS / 20);
    expect(refused).toBeGreaterThan(RUNS / 20);
  }, 60_000);
});
