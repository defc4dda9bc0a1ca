import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../src/core/settings';
import { createMemoryArea } from '../../fakes/memory-area';
import { parseSettings, readSettings, writeSettings } from '../../../src/storage/settings-store';

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

  it('writes valid changes and says where each value came from', async () => {
    const area = createMemoryArea();
    const result = await writeSettings(area, { attemptCap: 5, onCancel: 'browser' });
    expect('read' in result && result.read.settings).toMatchObject({
      attemptCap: 5,
      onCancel: 'browser',
      logLimit: DEFAULT_SETTINGS.logLimit,
    });
    expect('read' in result && result.read.sources).toMatchObject({ attemptCap: 'user', onCancel: 'user', logLimit: 'default' });
  });

  it('refuses invalid changes field by field and writes nothing', async () => {
    const area = createMemoryArea({ settings: { attemptCap: 4 } });
    const result = await writeSettings(area, { attemptCap: 0, promptTimeoutSec: 20, defaultScope: 'sync' });
    expect(result).toEqual({ errors: { attemptCap: 'range', defaultScope: 'choice' } });
    expect(area.data['settings']).toEqual({ attemptCap: 4 });
    await expect(writeSettings(area, { bogus: 1 })).rejects.toThrow(/Unknown setting/);
  });
});
