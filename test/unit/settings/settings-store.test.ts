import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS,
  SETTINGS_VERSION,
  migrateSettings,
  parseSettings,
  validateSettingsChanges,
} from '../../../src/settings/settings';
import { readSettings, writeSettings } from '../../../src/settings/settings-store';
import { createMemoryArea } from '../../fakes/memory-area';

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
    await expect(writeSettings(area, { bogus: 1 })).rejects.toThrow(/Unknown setting/);
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

  it('reads a document from a newer version field by field rather than dropping it', () => {
    const read = parseSettings({ version: SETTINGS_VERSION + 5, attemptCap: 7, somethingNew: true });
    expect(read.settings.attemptCap).toBe(7);
    expect(read.invalid).toEqual([]);
  });

  it.each([{ version: 'two' }, { version: -1 }, { version: 1.5 }])('treats a nonsense version %j as unversioned', (doc) => {
    expect(parseSettings({ ...doc, onCancel: 'browser' }).settings.onCancel).toBe('browser');
  });
});
