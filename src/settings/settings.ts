import * as v from 'valibot';
import { SCOPES, type Scope } from '../core/credential';
import { UserError } from '../core/user-error';
import { isTestUrl } from '../core/sign-in-test';
import type { PolicyView } from './policy';

/**
 * Settings as data: their types, defaults, limits, schema version and
 * migrations, and the validation of every read and every change. Pure (no
 * browser API): the store reads and writes them, the cache keeps them in memory.
 */

/** What a cancelled or timed-out prompt does with the waiting requests. */
export type CancelAction = 'cancel' | 'browser';

export interface Settings {
  /** Seconds a prompt stays open before its requests are ended. */
  readonly promptTimeoutSec: number;
  /** Challenges one request may get before it is cancelled. */
  readonly attemptCap: number;
  readonly onCancel: CancelAction;
  readonly logLimit: number;
  readonly urlDetail: 'path' | 'origin';
  readonly defaultScope: Scope;
  /** Refusals within `lockWindowMin` after which a proxy gets no answer and no prompt until the user unlocks it. */
  readonly lockAfterRefusals: number;
  readonly lockWindowMin: number;
  /** After a saved account is refused: ask the user first, or try the next saved account (with one request). */
  readonly afterRefusal: RefusalAction;
  /** The page "Test my proxy sign-in" opens through the browser's proxy: an http(s) URL. */
  readonly testUrl: string;
}

export type RefusalAction = 'ask' | 'next';

/** Where a setting's value came from: managed configuration will add `policy`. */
export type SettingSource = 'default' | 'user' | 'policy';

export const DEFAULT_SETTINGS: Settings = {
  // Chrome ends an extension event that runs longer than five minutes; stay under it.
  promptTimeoutSec: 240,
  attemptCap: 3,
  onCancel: 'cancel',
  logLimit: 10_000,
  urlDetail: 'path',
  defaultScope: 'device',
  // Directory lockout thresholds are often 3 to 10 failures: stop well before.
  lockAfterRefusals: 2,
  lockWindowMin: 15,
  afterRefusal: 'ask',
  // Plain HTTP on purpose: the proxy sees the request itself, not only a tunnel, and no redirect to https.
  testUrl: 'http://neverssl.com/',
};

export const SETTING_LIMITS = {
  promptTimeoutSec: { min: 10, max: 280 },
  attemptCap: { min: 1, max: 10 },
  logLimit: { min: 100, max: 200_000 },
  lockAfterRefusals: { min: 1, max: 10 },
  lockWindowMin: { min: 1, max: 24 * 60 },
} as const;

/** The version stamped on every settings document written. */
export const SETTINGS_VERSION = 1;

type Fields = Record<string, unknown>;

/**
 * Ordered migrations: `SETTINGS_MIGRATIONS[n]` turns a version-n document
 * into version n+1, so there is exactly one per earlier version (a test
 * holds this, and a fixture of each earlier version in
 * test/fixtures/storage/settings-v<n>.json). A document without a version was
 * written before versioning (version 0).
 */
export const SETTINGS_MIGRATIONS: readonly ((fields: Fields) => Fields)[] = [
  // 0 → 1: the unversioned document already had today's fields; only the stamp is new.
  (fields) => fields,
];

function isDocument(stored: unknown): stored is Fields {
  return typeof stored === 'object' && stored !== null && !Array.isArray(stored);
}

/**
 * The schema version a stored document was written with. No version, or
 * one that is no whole number ≥ 0, is a document from before versioning.
 */
export function storedSettingsVersion(stored: unknown): number {
  const version = isDocument(stored) ? stored['version'] : undefined;
  return typeof version === 'number' && Number.isSafeInteger(version) && version >= 0 ? version : 0;
}

/**
 * The fields of a stored settings document, brought up to the current
 * version. Anything that is not an object reads as empty (all defaults). A
 * document from a newer version cannot be read by this one (its fields may
 * mean something else now): it reads as empty too, and `parseSettings` says so.
 */
export function migrateSettings(stored: unknown): Fields {
  if (!isDocument(stored)) return {};
  const from = storedSettingsVersion(stored);
  if (from > SETTINGS_VERSION) return {};
  const { version: _version, ...fields } = stored;
  let migrated = fields;
  for (let at = from; at < SETTINGS_VERSION; at++) migrated = SETTINGS_MIGRATIONS[at]!(migrated);
  return migrated;
}

const intIn = (range: { min: number; max: number }) => v.pipe(v.number(), v.integer(), v.minValue(range.min), v.maxValue(range.max));

/** One validator per field, so one bad field falls back alone. */
const FIELD_SCHEMAS: { [K in keyof Settings]: v.GenericSchema<unknown, Settings[K]> } = {
  promptTimeoutSec: intIn(SETTING_LIMITS.promptTimeoutSec),
  attemptCap: intIn(SETTING_LIMITS.attemptCap),
  onCancel: v.picklist(['cancel', 'browser']),
  logLimit: intIn(SETTING_LIMITS.logLimit),
  urlDetail: v.picklist(['path', 'origin']),
  defaultScope: v.picklist(SCOPES),
  lockAfterRefusals: intIn(SETTING_LIMITS.lockAfterRefusals),
  lockWindowMin: intIn(SETTING_LIMITS.lockWindowMin),
  afterRefusal: v.picklist(['ask', 'next']),
  testUrl: v.pipe(v.string(), v.check(isTestUrl)),
};

const SETTING_KEYS = Object.keys(FIELD_SCHEMAS) as (keyof Settings)[];

export interface SettingsRead {
  readonly settings: Settings;
  /** Fields that were stored but invalid and fell back to their default. */
  readonly invalid: (keyof Settings)[];
  /** Where each value came from; managed policy will add `policy`. */
  readonly sources: Record<keyof Settings, SettingSource>;
  /**
   * Set when the stored document was written by a newer version of the
   * extension (its schema version): the settings are the defaults, and the
   * document is left as it is on disk — no write replaces it.
   */
  readonly newerVersion?: number;
  /** Set when an administrator's policy applies (policy.ts): which settings it locks, its problems, its accounts. */
  readonly policy?: PolicyView;
}

/**
 * Reads a stored settings document: migrated, then validated field by field;
 * a bad field falls back to its default and is reported, never crashes. A
 * document from a newer version gives the defaults and `newerVersion`.
 */
export function parseSettings(stored: unknown): SettingsRead {
  const source = migrateSettings(stored);
  const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  const invalid: (keyof Settings)[] = [];
  const sources = Object.fromEntries(SETTING_KEYS.map((k) => [k, 'default'])) as Record<keyof Settings, SettingSource>;
  const version = storedSettingsVersion(stored);
  if (version > SETTINGS_VERSION) return { settings: { ...DEFAULT_SETTINGS }, invalid, sources, newerVersion: version };
  for (const key of SETTING_KEYS) {
    if (!Object.hasOwn(source, key)) continue;
    const parsed = v.safeParse(FIELD_SCHEMAS[key], source[key]);
    if (parsed.success) {
      settings[key] = parsed.output;
      sources[key] = 'user';
    } else invalid.push(key);
  }
  return { settings: settings as unknown as Settings, invalid, sources };
}

/** Why a field was refused; the page words it (`settingsError_<code>`) with SETTING_LIMITS. */
export type SettingsErrorCode = 'range' | 'choice' | 'locked';
export type SettingsErrors = Partial<Record<keyof Settings, SettingsErrorCode>>;

/**
 * Checks changes from the settings form: each bad field says why. A key that
 * is no setting at all is a programming error, not a user's, so it throws a
 * typed `messageMalformed` error (and nothing is written).
 */
export function validateSettingsChanges(changes: Record<string, unknown>): SettingsErrors {
  const errors: SettingsErrors = {};
  for (const [key, value] of Object.entries(changes)) {
    if (!SETTING_KEYS.includes(key as keyof Settings)) {
      // Typed, so the page shows words; the name is a field's, never a value (that could be anything).
      throw new UserError('messageMalformed', `Unknown setting ${JSON.stringify(key)}.`, {
        substitutions: ['settings:save: unknown setting'],
      });
    }
    const parsed = v.safeParse(FIELD_SCHEMAS[key as keyof Settings], value);
    if (!parsed.success) errors[key as keyof Settings] = key in SETTING_LIMITS ? 'range' : 'choice';
  }
  return errors;
}
