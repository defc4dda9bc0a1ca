/**
 * The background: wiring only. Listeners are registered synchronously here,
 * before any await, or the event that woke the worker is missed.
 */
import browser, { type Runtime } from 'webextension-polyfill';
import { makeProxyErrorRecord } from '../core/log-record';
import { PromptBoard } from '../core/prompt-board';
import { RequestTracker } from '../core/request-tracker';
import { announceChange } from '../messaging/events-channel';
import { CredentialStore } from '../storage/credential-store';
import { loadOrCreateDataKey } from '../storage/data-key';
import { EventLogWriter } from '../storage/event-log';
import { Vault } from '../storage/vault';
import { Answerer } from './answerer';
import { listenForAuthChallenges } from './auth-listener';
import { showBadge } from './badge';
import { KeepAlive } from './keep-alive';
import { recordBackgroundStart } from './lifecycle';
import { createHandlers } from './message-handlers';
import { dispatchMessage, isTrustedSender } from './message-router';
import { PromptWindows } from './prompt-windows';
import { listenForRequestResults } from './request-results';
import { SettingsCache } from '../settings/settings-cache';

let dataKey: Promise<CryptoKey> | undefined;
const vault = new Vault(
  { device: browser.storage.local, session: browser.storage.session },
  // One key load shared by all; a failed one is retried next time rather than remembered.
  () =>
    (dataKey ??= loadOrCreateDataKey().catch((error: unknown) => {
      dataKey = undefined;
      throw error;
    })),
);
const store = new CredentialStore(vault, (problem) => console.warn(`Proxy Keyring: ${problem.message}`));
const settings = new SettingsCache(browser.storage.local);
const tracker = new RequestTracker();
const log = new EventLogWriter(
  () => settings.current().logLimit,
  () => announceChange('log'),
);
const keepAlive = new KeepAlive();
const board: PromptBoard = new PromptBoard(
  () => settings.current().promptTimeoutSec * 1000,
  undefined,
  () => {
    keepAlive.update(board.list().length > 0);
    updateBadge();
    void windows.closeEnded(new Set(board.list().map((p) => p.id)));
    announceChange('prompts');
  },
);
const updateBadge = () =>
  showBadge(
    board.waitingTotal(),
    store.list().some((c) => c.rejected),
  );
const windows = new PromptWindows((promptId) => board.cancel(promptId, 'user'));
const answerer = new Answerer({
  store,
  board,
  tracker,
  settings: () => settings.current(),
  settingsReady: () => settings.ready(),
  log: (record) => log.append(record),
  openPromptWindow: (prompt) =>
    void windows.open(prompt).catch((error: unknown) => {
      console.error('Proxy Keyring could not open its prompt:', error instanceof Error ? error.message : error);
      board.cancel(prompt.id, 'user');
    }),
  now: () => Date.now(),
  newId: () => crypto.randomUUID(),
});

listenForAuthChallenges((details) => answerer.answer(details));
browser.storage.onChanged.addListener((changes, areaName) => settings.applyStorageChange(changes, areaName));
listenForRequestResults({
  isTracked: (requestId) => tracker.has(requestId),
  onResult: (requestId, result) => {
    tracker.finish(requestId);
    log.setFinal(requestId, result, Date.now());
    // A refused credential changes the badge; the request's end is a cheap moment to refresh it.
    updateBadge();
  },
  onProxyFailure: (failure) => log.append(makeProxyErrorRecord({ ...failure, time: Date.now(), urlDetail: settings.current().urlDetail })),
});

const handlers = createHandlers({
  answerer,
  board,
  store,
  log,
  settings,
  now: () => Date.now(),
  newId: () => crypto.randomUUID(),
  credentialsChanged: updateBadge,
});
browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => {
  if (!isTrustedSender(sender, browser.runtime.id, browser.runtime.getURL(''))) return undefined;
  return dispatchMessage(handlers, message);
});

// After the listeners: recording the start must not delay them.
void recordBackgroundStart(Date.now()).catch(() => undefined);
void store.ready().then(updateBadge, () => undefined);
