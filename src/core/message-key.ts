import type english from '../../public/_locales/en/messages.json';

/**
 * A key of `public/_locales/en/messages.json`. Any layer may name a
 * user-visible sentence by its key (an error from the vault, a cause from the
 * diagnosis); only the pages turn keys into words (`src/ui/shared/i18n.ts`).
 */
export type MessageKey = keyof typeof english;

/** A sentence to show, not yet in words: its key and the `$1`, `$2`… it fills in. */
export interface UserMessage {
  readonly key: MessageKey;
  readonly substitutions?: readonly string[];
}
