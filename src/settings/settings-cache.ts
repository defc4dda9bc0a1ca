import type { KeyValueArea } from '../storage/key-value-area';
import { parseSettings, type Settings, type SettingsErrors, type SettingsRead } from './settings';
import { SETTINGS_KEY, readSettings, writeSettings } from './settings-store';

/** One entry of a `storage.onChanged` event, as far as settings need it. */
export interface StorageChange {
  readonly newValue?: unknown;
}

/**
 * Settings in memory: loaded once, kept current when another page changes
 * them. The background registers the storage listener and hands each change
 * to `applyStorageChange`, so no listener hides in here.
 */
export class SettingsCache {
  #read: SettingsRead = parseSettings(undefined);
  #loading: Promise<void> | undefined;

  constructor(private readonly area: KeyValueArea) {}

  /** For `storage.onChanged`: a change of the settings in `storage.local` replaces what is in memory. */
  applyStorageChange(changes: Readonly<Record<string, StorageChange>>, areaName: string): void {
    const change = changes[SETTINGS_KEY];
    if (areaName === 'local' && change) this.#read = parseSettings(change.newValue);
  }

  ready(): Promise<void> {
    this.#loading ??= readSettings(this.area).then(
      (read) => {
        this.#read = read;
        if (read.invalid.length > 0) console.warn(`Proxy Keyring: invalid settings fell back to defaults: ${read.invalid.join(', ')}`);
        if (read.newerVersion !== undefined) {
          console.warn(`Proxy Keyring: settings of a newer version (${read.newerVersion}) are kept as they are; the defaults apply.`);
        }
      },
      () => {
        // Unreadable settings: keep the defaults rather than block every answer.
        this.#loading = undefined;
      },
    );
    return this.#loading;
  }

  current(): Settings {
    return this.#read.settings;
  }

  async state(): Promise<SettingsRead> {
    await this.ready();
    return this.#read;
  }

  async save(changes: Record<string, unknown>): Promise<SettingsRead | { errors: SettingsErrors }> {
    const result = await writeSettings(this.area, changes);
    if ('errors' in result) return result;
    this.#read = result.read;
    return result.read;
  }
}
