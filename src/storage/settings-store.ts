import * as v from 'valibot';
import { SCOPES } from '../core/credential';
import { DEFAULT_SETTINGS, SETTING_LIMITS, type SettingSource, type Settings } from '../core/settings';
import type { KeyValueArea } from './key-value-area';

export const SETTINGS_KEY = 'settings';

const intIn = (range: { min: number; max: number }) => v.pipe(v.number(), v.integer(), v.minValue(range.min), v.maxValue(range.max));

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
  /** Where each value came from; managed policy will add `policy`. */
  readonly sources: Record<keyof Settings, SettingSource>;
}

/** Validates stored settings field by field; a bad field falls back to its default and is reported, never crashes. */
export function parseSettings(stored: unknown): SettingsRead {
  const source = typeof stored === 'object' && stored !== null ? (stored as Record<string, unknown>) : {};
  const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  const invalid: (keyof Settings)[] = [];
  const sources = Object.fromEntries(SETTING_KEYS.map((k) => [k, 'default'])) as Record<keyof Settings, SettingSource>;
  for (const key of SETTING_KEYS) {
    if (!(key in source)) continue;
    const parsed = v.safeParse(FIELD_SCHEMAS[key], source[key]);
    if (parsed.success) {
      settings[key] = parsed.output;
      sources[key] = 'user';
    } else invalid.push(key);
  }
  return { settings: settings as unknown as Settings, invalid, sources };
}

const SETTING_KEYS = Object.keys(FIELD_SCHEMAS) as (keyof Settings)[];

/** Why a field was refused; the page words it (`settingsError_<code>`) with SETTING_LIMITS. */
export type SettingsErrorCode = 'range' | 'choice';
export type SettingsErrors = Partial<Record<keyof Settings, SettingsErrorCode>>;

/**
 * Validates changes from the settings form; all valid → merged with what is
 * stored and written, otherwise nothing is written and each bad field says why.
 */
export async function writeSettings(
  area: KeyValueArea,
  changes: Record<string, unknown>,
): Promise<{ read: SettingsRead } | { errors: SettingsErrors }> {
  const errors: SettingsErrors = {};
  for (const [key, value] of Object.entries(changes)) {
    if (!SETTING_KEYS.includes(key as keyof Settings)) throw new Error(`Unknown setting ${JSON.stringify(key)}.`);
    const parsed = v.safeParse(FIELD_SCHEMAS[key as keyof Settings], value);
    if (!parsed.success) errors[key as keyof Settings] = key in SETTING_LIMITS ? 'range' : 'choice';
  }
  if (Object.keys(errors).length > 0) return { errors };
  const stored = (await area.get(SETTINGS_KEY))[SETTINGS_KEY];
  const base = typeof stored === 'object' && stored !== null ? stored : {};
  await area.set({ [SETTINGS_KEY]: { ...base, ...changes } });
  return { read: await readSettings(area) };
}

export async function readSettings(area: KeyValueArea): Promise<SettingsRead> {
  return parseSettings((await area.get(SETTINGS_KEY))[SETTINGS_KEY]);
}
