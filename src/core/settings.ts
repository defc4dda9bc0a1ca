import type { Scope } from './credential';

/** What a cancelled or timed-out prompt does with the waiting requests. */
export type CancelAction = 'cancel' | 'browser';

export interface Settings {
  /** Seconds a prompt stays open before its requests are ended. */
  readonly promptTimeoutSec: number;
  /** Challenges one request may get before it is cancelled. */
  readonly attemptCap: number;
  readonly onCancel: CancelAction;
  readonly logLimit: number;
  readonly urlDetail: 'path' | 'origin';
  readonly defaultScope: Scope;
}

/** Where a setting's value came from: managed configuration will add `policy`. */
export type SettingSource = 'default' | 'user' | 'policy';

export const DEFAULT_SETTINGS: Settings = {
  // Chrome ends an extension event that runs longer than five minutes; stay under it.
  promptTimeoutSec: 240,
  attemptCap: 3,
  onCancel: 'cancel',
  logLimit: 10_000,
  urlDetail: 'path',
  defaultScope: 'device',
};

export const SETTING_LIMITS = {
  promptTimeoutSec: { min: 10, max: 280 },
  attemptCap: { min: 1, max: 10 },
  logLimit: { min: 100, max: 200_000 },
} as const;
