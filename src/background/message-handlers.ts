import type { PromptBoard } from '../core/prompt-board';
import { announceChange } from '../messaging/events-channel';
import type { CredentialList } from '../messaging/protocol';
import { findUsableCredential } from '../core/credential';
import type { CredentialStore } from '../storage/credential-store';
import type { DeviceKeys } from '../storage/passphrase';
import { countNewerRecords, isLogHealthy, type EventLogWriter } from '../storage/event-log';
import type { Answerer } from './answerer';
import type { Handlers } from './message-router';
import type { SettingsCache } from '../settings/settings-cache';
import type { SignInTester } from './sign-in-test';

interface HandlerDeps {
  readonly answerer: Answerer;
  readonly board: PromptBoard;
  readonly store: CredentialStore;
  readonly log: EventLogWriter;
  readonly settings: SettingsCache;
  readonly now: () => number;
  readonly newId: () => string;
  /** Called after anything that changes the saved credentials (badge, pages). */
  readonly credentialsChanged: () => void;
  /** The device key with its optional passphrase (passphrase.ts). */
  readonly deviceKeys: DeviceKeys;
  readonly signInTester: SignInTester;
}

/** What the background does for each message type. */
export function createHandlers(deps: HandlerDeps): Handlers {
  const { answerer, board, store, log, settings, deviceKeys } = deps;
  const reseal = (key: Parameters<CredentialStore['resealDevice']>[0], extra: Record<string, unknown>) => store.resealDevice(key, extra);
  /** After an unlock: every open prompt a now-usable saved credential fits is answered with it (checked by one request first, as always). */
  const answerOpenPrompts = (): number =>
    board.list().reduce((answered, prompt) => {
      const credential = findUsableCredential(store.list(), prompt.proxy, prompt.realm);
      if (!credential) return answered;
      const { username, password, id: credentialId } = credential;
      return answered + board.submit(prompt.id, { username, password, credentialId });
    }, 0);
  const listCredentials = async (): Promise<CredentialList> => {
    await store.ready();
    return { credentials: store.summaries(), problems: store.problems() };
  };
  const changed = () => {
    deps.credentialsChanged();
    announceChange('credentials');
  };
  return {
    'prompt:get': ({ promptId }) => board.get(promptId) ?? null,
    'prompt:submit': async (submission) => {
      const result = await answerer.submit(submission);
      if (result.saved) changed();
      return result;
    },
    'prompt:cancel': ({ promptId }) => ({ cancelled: answerer.cancel(promptId) }),
    // Receiving the message is the point: it keeps Firefox's event page awake.
    'prompt:ping': ({ promptId }) => ({ alive: board.get(promptId) !== undefined }),
    'prompts:list': () => board.list(),
    'credentials:list': listCredentials,
    'credentials:delete': async ({ id }) => {
      const proxy = store.get(id)?.proxy;
      const deleted = await store.remove(id);
      answerer.credentialChanged(id, proxy);
      changed();
      return { deleted };
    },
    'credentials:save': async (input) => {
      const result = await store.saveFromForm(input, deps.now(), deps.newId);
      if ('saved' in result) {
        answerer.credentialChanged(result.saved.id, result.saved.proxy);
        changed();
      }
      return result;
    },
    'credentials:move': async ({ id, direction }) => {
      await store.move(id, direction);
      changed();
      return listCredentials();
    },
    // Neither fails because an earlier batch did: the pages then read what is on disk.
    'log:flush': async () => {
      const { flushed, health: written } = await log.flush();
      const newerRecords = await countNewerRecords().catch(() => 0);
      const health = newerRecords > 0 ? { ...written, newerRecords } : written;
      return isLogHealthy(health) ? { flushed } : { flushed, health };
    },
    'log:clear': async () => {
      await log.clear();
      announceChange('log');
      return { cleared: true };
    },
    'settings:get': () => settings.state(),
    'settings:save': ({ changes }) => settings.save(changes),
    'proxies:standings': async () => {
      await answerer.ready();
      return answerer.standings();
    },
    'proxies:unlock': async ({ proxy }) => {
      await answerer.ready();
      return { unlocked: answerer.unlock(proxy) };
    },
    'vault:status': () => deviceKeys.status(),
    'vault:unlock': async ({ passphrase }) => {
      await deviceKeys.unlock(passphrase);
      await store.reload();
      const answered = answerOpenPrompts();
      changed();
      return { answered };
    },
    'vault:setPassphrase': async ({ current, next }) => {
      await deviceKeys.set(current, next, reseal);
      await store.reload();
      changed();
      return deviceKeys.status();
    },
    'signin:test': async ({ start }) => {
      // The test address is a setting: read once the settings are.
      await settings.ready();
      return start ? deps.signInTester.start() : deps.signInTester.report();
    },
    'vault:removePassphrase': async ({ current }) => {
      await deviceKeys.remove(current, () => store.reload(), reseal);
      await store.reload();
      changed();
      return deviceKeys.status();
    },
  };
}
