import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../src/core/settings';
import { createMemoryArea } from '../../../src/storage/key-value-area';
import { parseSettings, readSettings } from '../../../src/storage/settings-store';

describe('settings', () => {
  it('gives the defaults when nothing is stored', async () => {
    expect(await readSettings(createMemoryArea())).toEqual({ settings: DEFAULT_SETTINGS, invalid: [] });
  });

  it('keeps valid fields and falls back field by field, reporting the bad ones', () => {
    const { settings, invalid } = parseSettings({ attemptCap: 5, promptTimeoutSec: -1, onCancel: 'explode', urlDetail: 'origin' });
    expect(settings).toEqual({ ...DEFAULT_SETTINGS, attemptCap: 5, urlDetail: 'origin' });
    expect(invalid.sort()).toEqual(['onCancel', 'promptTimeoutSec']);
  });

  it.each([null, 'x', 42, []])('survives a corrupt settings value %j', (stored) => {
    expect(parseSettings(stored).settings).toEqual(DEFAULT_SETTINGS);
  });
});
