import browser from 'webextension-polyfill';

/** The toolbar badge counts the challenges waiting for the user. */
export function showWaitingCount(count: number): void {
  void browser.action.setBadgeBackgroundColor({ color: '#b3261e' }).catch(() => undefined);
  void browser.action.setBadgeText({ text: count > 0 ? String(count) : '' }).catch(() => undefined);
}
