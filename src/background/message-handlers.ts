import type { PromptBoard } from '../core/prompt-board';
import { announceChange } from '../messaging/events-channel';
import type { CredentialStore } from '../storage/credential-store';
import { readRecentRecords, type EventLogWriter } from '../storage/event-log';
import type { Answerer } from './answerer';
import type { Handlers } from './message-router';

interface HandlerDeps {
  readonly answerer: Answerer;
  readonly board: PromptBoard;
  readonly store: CredentialStore;
  readonly log: EventLogWriter;
}

/** What the background does for each message type. */
export function createHandlers({ answerer, board, store, log }: HandlerDeps): Handlers {
  return {
    'prompt:get': ({ promptId }) => board.get(promptId) ?? null,
    'prompt:submit': async (submission) => {
      const result = await answerer.submit(submission);
      if (result.saved) announceChange('credentials');
      return result;
    },
    'prompt:cancel': ({ promptId }) => ({ cancelled: answerer.cancel(promptId) }),
    // Receiving the message is the point: it keeps Firefox's event page awake.
    'prompt:ping': ({ promptId }) => ({ alive: board.get(promptId) !== undefined }),
    'credentials:list': async () => {
      await store.ready();
      return {
        credentials: store.summaries(),
        problems: store.problems().map((p) => p.message),
      };
    },
    'credentials:delete': async ({ id }) => {
      const deleted = await store.remove(id);
      announceChange('credentials');
      return { deleted };
    },
    'log:list': async ({ limit }) => {
      await log.flush();
      return readRecentRecords(limit);
    },
  };
}
