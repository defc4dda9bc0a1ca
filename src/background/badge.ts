import type { BackgroundApi } from './background-api';

/**
 * The toolbar badge: the number of challenges waiting for the user (red), or
 * a "!" (amber) when nothing waits but a saved credential was refused by its
 * proxy and needs the user's attention.
 */
export function showBadge(action: BackgroundApi['action'], waiting: number, anyRejected: boolean): void {
  const text = waiting > 0 ? String(waiting) : anyRejected ? '!' : '';
  const color = waiting > 0 ? '#b3261e' : '#b26a00';
  void action.setBadgeBackgroundColor({ color }).catch(() => undefined);
  void action.setBadgeText({ text }).catch(() => undefined);
}
