import browser from 'webextension-polyfill';
import { DEFAULT_SETTINGS, type Settings } from '../core/settings';
import type { KeyValueArea } from '../storage/key-value-area';
import { SETTINGS_KEY, parseSettings, readSettings } from '../storage/settings-store';

/** Settings in memory: loaded once, kept current when another page changes them. */
export class SettingsCache {
  #settings: Settings = DEFAULT_SETTINGS;
  #loading: Promise<void> | undefined;

  constructor(private readonly area: KeyValueArea) {
    browser.storage.onChanged.addListener((changes, areaName) => {
      const change = changes[SETTINGS_KEY];
      if (areaName === 'local' && change) this.#settings = parseSettings(change.newValue).settings;
    });
  }

  ready(): Promise<void> {
    this.#loading ??= readSettings(this.area).then(
      ({ settings, invalid }) => {
        this.#settings = settings;
        if (invalid.length > 0) console.warn(`Proxy Keyring: invalid settings fell back to defaults: ${invalid.join(', ')}`);
      },
      () => {
        // Unreadable settings: keep the defaults rather than block every answer.
        this.#loading = undefined;
      },
    );
    return this.#loading;
  }

  current(): Settings {
    return this.#settings;
  }
}
