import type { MessageKey, UserMessage } from './message-key';

/**
 * Why something the user asked for failed, as an id the pages can put into
 * words. Errors cross from the background to the pages by this code, so a
 * page never shows the English developer text of an `Error`.
 */
export type ErrorCode =
  /** A saved-credentials document in a format this version cannot read: writing it would lose it. */
  | 'vaultFormatUnknown'
  /** The credential the page named was deleted meanwhile (another page, another window). */
  | 'credentialGone'
  /** IndexedDB refused to keep the data key (Firefox's "Always use private browsing mode"). */
  | 'keyStorageRefused'
  /** Saving a password failed for a reason with no words of its own (storage full, refused). Nothing was changed. */
  | 'credentialNotSaved'
  /** The passphrase entered is not the one set; nothing was changed. */
  | 'passphraseWrong'
  /** Device passwords are locked until the passphrase is entered (after a background restart). */
  | 'vaultLocked'
  /** Unlock, change or remove asked for where no passphrase is set. */
  | 'passphraseNotSet'
  /** The background gave no answer (it was restarting, or the extension was updated). */
  | 'backgroundSilent'
  /** A page sent the background a message it could not read; $1 says which part. */
  | 'messageMalformed'
  /** Anything else; $1 is the error's own text. */
  | 'unexpected';

/** The words of each error; `satisfies` makes a code without words, or a missing key, a type error. */
export const ERROR_KEYS = {
  vaultFormatUnknown: 'error_vaultFormatUnknown',
  credentialGone: 'error_credentialGone',
  keyStorageRefused: 'error_keyStorageRefused',
  credentialNotSaved: 'error_credentialNotSaved',
  passphraseWrong: 'error_passphraseWrong',
  vaultLocked: 'error_vaultLocked',
  passphraseNotSet: 'error_passphraseNotSet',
  backgroundSilent: 'error_backgroundSilent',
  messageMalformed: 'error_messageMalformed',
  unexpected: 'error_unexpected',
} as const satisfies Record<ErrorCode, MessageKey>;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_KEYS, value);
}

/**
 * An error meant for the user: its `code` (and `substitutions`) say what to
 * show; its `message` is English for the console and developers only.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  readonly code: ErrorCode;
  readonly substitutions: readonly string[];

  constructor(code: ErrorCode, message: string, options: { readonly substitutions?: readonly string[]; readonly cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.substitutions = options.substitutions ?? [];
  }
}

/** The sentence to show for any error: a `UserError`'s own, else "something went wrong" with the error's text. */
export function userMessageOf(error: unknown): UserMessage {
  if (error instanceof UserError) return { key: ERROR_KEYS[error.code], substitutions: error.substitutions };
  const detail = error instanceof Error ? error.message : String(error);
  return { key: ERROR_KEYS.unexpected, substitutions: [detail] };
}

/** A `UserMessage` as the arguments of `t()`: `t(...messageArgs(m))`. */
export function messageArgs(message: UserMessage): [MessageKey, ...string[]] {
  return [message.key, ...(message.substitutions ?? [])];
}
