import browser from 'webextension-polyfill';
import { DEFAULT_SETTINGS, type Settings } from '../core/settings';
import type { KeyValueArea } from '../storage/key-value-area';
import {
  SETTINGS_KEY,
  parseSettings,
  readSettings,
  writeSettings,
  type SettingsErrors,
  type SettingsRead,
} from '../storage/settings-store';

/** Settings in memory: loaded once, kept current when another page changes them. */
export class SettingsCache {
  #read: SettingsRead = parseSettings(undefined);
  #loading: Promise<void> | undefined;

  constructor(private readonly area: KeyValueArea) {
    browser.storage.onChanged.addListener((changes, areaName) => {
      const change = changes[SETTINGS_KEY];
      if (areaName === 'local' && change) this.#read = parseSettings(change.newValue);
    });
  }

  ready(): Promise<void> {
    this.#loading ??= readSettings(this.area).then(
      (read) => {
        this.#read = read;
        if (read.invalid.length > 0) console.warn(`Proxy Keyring: invalid settings fell back to defaults: ${read.invalid.join(', ')}`);
      },
      () => {
        // Unreadable settings: keep the defaults rather than block every answer.
        this.#loading = undefined;
      },
    );
    return this.#loading;
  }

  current(): Settings {
    return this.#read.settings ?? DEFAULT_SETTINGS;
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
