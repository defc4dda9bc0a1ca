import type { KeyValueArea } from '../storage/key-value-area';
import { applyPolicy, NO_POLICY, type Policy } from './policy';
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
  /** The user's settings with the administrator's policy over them (policy.ts applyPolicy). */
  #merged: SettingsRead = this.#read;
  #policy: Policy = NO_POLICY;
  #loading: Promise<void> | undefined;

  constructor(
    private readonly area: KeyValueArea,
    /** Resolves once the policy read at start is applied: the pages then see the settings in force. */
    private readonly policyReady: () => Promise<unknown> = () => Promise.resolve(),
  ) {}

  /** For `storage.onChanged`: a change of the settings in `storage.local` replaces what is in memory. */
  applyStorageChange(changes: Readonly<Record<string, StorageChange>>, areaName: string): void {
    const change = changes[SETTINGS_KEY];
    if (areaName === 'local' && change) this.#setRead(parseSettings(change.newValue));
  }

  /** The administrator's policy now (read at start and on every `managed` change): it applies at once. */
  applyPolicy(policy: Policy): void {
    this.#policy = policy;
    this.#setRead(this.#read);
  }

  #setRead(read: SettingsRead): void {
    this.#read = read;
    this.#merged = this.#policy === NO_POLICY ? read : applyPolicy(read, this.#policy);
  }

  ready(): Promise<void> {
    this.#loading ??= readSettings(this.area).then(
      (read) => {
        this.#setRead(read);
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
    return this.#merged.settings;
  }

  async state(): Promise<SettingsRead> {
    await Promise.all([this.ready(), this.policyReady()]);
    return this.#merged;
  }

  async save(changes: Record<string, unknown>): Promise<SettingsRead | { errors: SettingsErrors }> {
    // A locked setting is the administrator's: a change to it is refused, and nothing is written.
    const locked = this.#merged.policy?.locked.filter((key) => Object.hasOwn(changes, key)) ?? [];
    if (locked.length > 0) return { errors: Object.fromEntries(locked.map((key) => [key, 'locked'])) };
    const result = await writeSettings(this.area, changes);
    if ('errors' in result) return result;
    this.#setRead(result.read);
    return this.#merged;
  }
}
