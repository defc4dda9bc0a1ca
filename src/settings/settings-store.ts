import type { KeyValueArea } from '../storage/key-value-area';
import {
  SETTINGS_VERSION,
  migrateSettings,
  parseSettings,
  storedSettingsVersion,
  validateSettingsChanges,
  type SettingsErrors,
  type SettingsRead,
} from './settings';

/** The settings document's key in `storage.local`. */
export const SETTINGS_KEY = 'settings';

export async function readSettings(area: KeyValueArea): Promise<SettingsRead> {
  return parseSettings((await area.get(SETTINGS_KEY))[SETTINGS_KEY]);
}

/**
 * Validates changes from the settings form; all valid → merged with what is
 * stored (migrated to the current version) and written, otherwise nothing is
 * written and each bad field says why. A document from a newer version is
 * never overwritten: nothing is written, and the read that comes back says
 * `newerVersion` (the page shows why the change did not take).
 */
export async function writeSettings(
  area: KeyValueArea,
  changes: Record<string, unknown>,
): Promise<{ read: SettingsRead } | { errors: SettingsErrors }> {
  const errors = validateSettingsChanges(changes);
  if (Object.keys(errors).length > 0) return { errors };
  const document: unknown = (await area.get(SETTINGS_KEY))[SETTINGS_KEY];
  if (storedSettingsVersion(document) > SETTINGS_VERSION) return { read: parseSettings(document) };
  await area.set({ [SETTINGS_KEY]: { ...migrateSettings(document), ...changes, version: SETTINGS_VERSION } });
  return { read: await readSettings(area) };
}
