import * as v from 'valibot';
import { SCOPES } from '../core/credential';
import { DEFAULT_SETTINGS, SETTING_LIMITS, type Settings } from '../core/settings';
import type { KeyValueArea } from './key-value-area';

export const SETTINGS_KEY = 'settings';

const intIn = (range: { min: number; max: number }) =>
  v.pipe(v.number(), v.integer(), v.minValue(range.min), v.maxValue(range.max));

/** One validator per field, so one bad field falls back alone. */
const FIELD_SCHEMAS: { [K in keyof Settings]: v.GenericSchema<unknown, Settings[K]> } = {
  promptTimeoutSec: intIn(SETTING_LIMITS.promptTimeoutSec),
  attemptCap: intIn(SETTING_LIMITS.attemptCap),
  onCancel: v.picklist(['cancel', 'browser']),
  logLimit: intIn(SETTING_LIMITS.logLimit),
  urlDetail: v.picklist(['path', 'origin']),
  defaultScope: v.picklist(SCOPES),
};

export interface SettingsRead {
  readonly settings: Settings;
  /** Fields that were stored but invalid and fell back to their default. */
  readonly invalid: (keyof Settings)[];
}

/** Validates stored settings field by field; a bad field falls back to its default and is reported, never crashes. */
export function parseSettings(stored: unknown): SettingsRead {
  const source = typeof stored === 'object' && stored !== null ? (stored as Record<string, unknown>) : {};
  const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  const invalid: (keyof Settings)[] = [];
  for (const key of Object.keys(FIELD_SCHEMAS) as (keyof Settings)[]) {
    if (!(key in source)) continue;
    const parsed = v.safeParse(FIELD_SCHEMAS[key], source[key]);
    if (parsed.success) settings[key] = parsed.output;
    else invalid.push(key);
  }
  return { settings: settings as unknown as Settings, invalid };
}

export async function readSettings(area: KeyValueArea): Promise<SettingsRead> {
  return parseSettings((await area.get(SETTINGS_KEY))[SETTINGS_KEY]);
}
