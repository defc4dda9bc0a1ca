import { describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_SETTINGS,
  SETTINGS_MIGRATIONS,
  SETTINGS_VERSION,
  migrateSettings,
  parseSettings,
  validateSettingsChanges,
} from '../../../src/settings/settings';
import { readSettings, writeSettings } from '../../../src/settings/settings-store';
import { SettingsCache } from '../../../src/settings/settings-cache';
import { createMemoryArea } from '../../fakes/memory-area';
import settingsV0 from '../../fixtures/storage/settings-v0.json';
import settingsV1 from '../../fixtures/storage/settings-v1.json';

/** Every settings document a released version wrote, by its schema version (test/fixtures/storage/settings-v<n>.json). */
const FIXTURES: Record<number, { storageKey: string; document: Record<string, unknown> }> = { 0: settingsV0, 1: settingsV1 };

describe('settings', () => {
  it('gives the defaults when nothing is stored', async () => {
    const read = await readSettings(createMemoryArea());
    expect(read.settings).toEqual(DEFAULT_SETTINGS);
    expect(read.invalid).toEqual([]);
    expect(new Set(Object.values(read.sources))).toEqual(new Set(['default']));
  });

  it('keeps valid fields and falls back field by field, reporting the bad ones', () => {
    const { settings, invalid } = parseSettings({ attemptCap: 5, promptTimeoutSec: -1, onCancel: 'explode', urlDetail: 'origin' });
    expect(settings).toEqual({ ...DEFAULT_SETTINGS, attemptCap: 5, urlDetail: 'origin' });
    expect(invalid.sort()).toEqual(['onCancel', 'promptTimeoutSec']);
  });

  it.each([null, 'x', 42, []])('survives a corrupt settings value %j', (stored) => {
    expect(parseSettings(stored).settings).toEqual(DEFAULT_SETTINGS);
  });

  it('writes valid changes, stamped with the schema version, and says where each value came from', async () => {
    const area = createMemoryArea();
    const result = await writeSettings(area, { attemptCap: 5, onCancel: 'browser' });
    expect('read' in result && result.read.settings).toMatchObject({
      attemptCap: 5,
      onCancel: 'browser',
      logLimit: DEFAULT_SETTINGS.logLimit,
    });
    expect('read' in result && result.read.sources).toMatchObject({ attemptCap: 'user', onCancel: 'user', logLimit: 'default' });
    expect(area.data['settings']).toEqual({ attemptCap: 5, onCancel: 'browser', version: SETTINGS_VERSION });
  });

  it('refuses invalid changes field by field and writes nothing', async () => {
    const area = createMemoryArea({ settings: { attemptCap: 4 } });
    const result = await writeSettings(area, { attemptCap: 0, promptTimeoutSec: 20, defaultScope: 'sync' });
    expect(result).toEqual({ errors: { attemptCap: 'range', defaultScope: 'choice' } });
    expect(area.data['settings']).toEqual({ attemptCap: 4 });
    await expect(writeSettings(area, { bogus: 1 })).rejects.toMatchObject({
      code: 'messageMalformed',
      message: 'Unknown setting "bogus".',
    });
    expect(area.data['settings']).toEqual({ attemptCap: 4 });
  });

  it('says why each bad change is refused: out of range, or not one of the choices', () => {
    expect(validateSettingsChanges({ logLimit: 99, urlDetail: 'full', attemptCap: 2.5 })).toEqual({
      logLimit: 'range',
      urlDetail: 'choice',
      attemptCap: 'range',
    });
    expect(validateSettingsChanges({ logLimit: 100, urlDetail: 'origin' })).toEqual({});
  });
});

describe('settings migration', () => {
  it('reads a document written before versioning as the current version, and keeps its values on the next write', async () => {
    const area = createMemoryArea({ settings: { attemptCap: 4, urlDetail: 'origin' } });
    expect((await readSettings(area)).settings).toEqual({ ...DEFAULT_SETTINGS, attemptCap: 4, urlDetail: 'origin' });
    await writeSettings(area, { logLimit: 500 });
    expect(area.data['settings']).toEqual({ attemptCap: 4, urlDetail: 'origin', logLimit: 500, version: SETTINGS_VERSION });
  });

  it('does not take the version stamp for a setting', () => {
    expect(migrateSettings({ version: SETTINGS_VERSION, attemptCap: 2 })).toEqual({ attemptCap: 2 });
    expect(parseSettings({ version: SETTINGS_VERSION }).invalid).toEqual([]);
  });

  it('reads a document from a newer version as the defaults and says so', () => {
    const read = parseSettings({ version: SETTINGS_VERSION + 5, attemptCap: 7, somethingNew: true });
    expect(read.settings).toEqual(DEFAULT_SETTINGS);
    expect(read.newerVersion).toBe(SETTINGS_VERSION + 5);
    expect(read.invalid).toEqual([]);
    expect(new Set(Object.values(read.sources))).toEqual(new Set(['default']));
    expect(parseSettings({ version: SETTINGS_VERSION, attemptCap: 7 }).newerVersion).toBeUndefined();
  });

  it('never overwrites a document from a newer version: a save writes nothing and the read says why', async () => {
    const newer = { version: SETTINGS_VERSION + 1, attemptCap: 7, renamedSetting: 'x' };
    const area = createMemoryArea({ settings: newer });
    const result = await writeSettings(area, { attemptCap: 4 });
    expect(result).toEqual({ read: parseSettings(newer) });
    expect('read' in result && result.read.newerVersion).toBe(SETTINGS_VERSION + 1);
    expect(area.data['settings']).toEqual(newer);
    expect((await readSettings(area)).settings).toEqual(DEFAULT_SETTINGS);
  });

  it.each([{ version: 'two' }, { version: -1 }, { version: 1.5 }])('treats a nonsense version %j as unversioned', (doc) => {
    expect(parseSettings({ ...doc, onCancel: 'browser' }).settings.onCancel).toBe('browser');
  });
});

describe('settings migrations, one per earlier version', () => {
  it('has one migration per earlier version and a fixture of every version up to this one', () => {
    expect(SETTINGS_MIGRATIONS).toHaveLength(SETTINGS_VERSION);
    for (let version = 0; version <= SETTINGS_VERSION; version++) {
      expect(FIXTURES[version], `test/fixtures/storage/settings-v${version}.json`).toBeDefined();
      expect(FIXTURES[version]!.storageKey).toBe('settings');
    }
  });

  it('0 → 1: an unversioned document keeps all six of its settings, and the new ones are defaults', async () => {
    const document = settingsV0.document;
    expect(SETTINGS_MIGRATIONS[0]!(structuredClone(document))).toEqual(document);
    const area = createMemoryArea({ settings: document });
    const read = await readSettings(area);
    expect(read.settings).toEqual({
      ...DEFAULT_SETTINGS,
      promptTimeoutSec: 120,
      attemptCap: 5,
      onCancel: 'browser',
      logLimit: 2000,
      urlDetail: 'origin',
      defaultScope: 'session',
    });
    expect(read.invalid).toEqual([]);
    expect(read.sources).toMatchObject({ attemptCap: 'user', lockAfterRefusals: 'default' });
    // Reading changes nothing on disk; the first save writes the migrated document, stamped.
    expect(area.data['settings']).toEqual(document);
    await writeSettings(area, { lockWindowMin: 30 });
    expect(area.data['settings']).toEqual({ ...document, lockWindowMin: 30, version: SETTINGS_VERSION });
  });

  it('the current version reads back every field it wrote (settings added since read as their defaults)', async () => {
    const { version: _version, ...fields } = settingsV1.document;
    const read = await readSettings(createMemoryArea({ settings: settingsV1.document }));
    expect(read.settings).toEqual({ ...DEFAULT_SETTINGS, ...fields });
    expect(read.invalid).toEqual([]);
    for (const key of Object.keys(fields)) expect(read.sources[key as keyof typeof read.sources], key).toBe('user');
  });
});

describe('SettingsCache and a document from a newer version', () => {
  it('holds the defaults, reports the newer version, and a save leaves the document on disk as it was', async () => {
    const newer = { ...settingsV1.document, version: SETTINGS_VERSION + 1 };
    const area = createMemoryArea({ settings: newer });
    const cache = new SettingsCache(area);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await cache.state()).toMatchObject({ settings: DEFAULT_SETTINGS, newerVersion: SETTINGS_VERSION + 1 });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('newer version'));
    expect(await cache.save({ attemptCap: 9 })).toMatchObject({ settings: DEFAULT_SETTINGS, newerVersion: SETTINGS_VERSION + 1 });
    expect(area.data['settings']).toEqual(newer);
    expect(cache.current()).toEqual(DEFAULT_SETTINGS);
    warn.mockRestore();
  });
});
