import type { BackgroundApi } from './background-api';

export interface BadgeState {
  /** Challenges waiting for the user. */
  readonly waiting: number;
  /** A saved credential was refused by its proxy. */
  readonly anyRejected: boolean;
  /** A proxy is locked after repeated refusals: nothing is answered or asked until the user unlocks it. */
  readonly anyLocked: boolean;
}

/**
 * The toolbar badge: the number of challenges waiting for the user (red);
 * when nothing waits, "LOCK" (dark red) while a proxy is locked, or "!"
 * (amber) when a saved credential was refused and needs the user's attention.
 */
export function showBadge(api: Pick<BackgroundApi, 'action' | 'i18n'>, state: BadgeState): void {
  const { action } = api;
  const { waiting, anyRejected, anyLocked } = state;
  const text = waiting > 0 ? String(waiting) : anyLocked ? api.i18n.getMessage('badgeLocked') || 'LOCK' : anyRejected ? '!' : '';
  const color = waiting > 0 ? '#b3261e' : anyLocked ? '#7f1d1d' : '#b26a00';
  void action.setBadgeBackgroundColor({ color }).catch(() => undefined);
  void action.setBadgeText({ text }).catch(() => undefined);
}
