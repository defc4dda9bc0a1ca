import type { MessageKey } from '../../core/message-key';
import { browserNamespace } from '../../messaging/browser-namespace';
import { messageArgs, userMessageOf } from '../../core/user-error';

export type { MessageKey };

type GetMessage = (key: string, substitutions?: string[]) => string;

function browserGetMessage(): GetMessage | undefined {
  const i18n = browserNamespace()?.i18n;
  return typeof i18n?.getMessage === 'function' ? (key, substitutions) => i18n.getMessage!(key, substitutions) : undefined;
}

/**
 * Where the words come from outside an extension (unit tests set English from
 * `_locales`, test/fakes/english.ts). Not bundled: the pages read the browser's.
 */
let outsideExtension: GetMessage = () => '';

export function useMessagesOutsideExtension(getMessage: GetMessage): void {
  outsideExtension = getMessage;
}

/** Every user-visible string goes through here, so more languages need only `_locales`. */
export function t(key: MessageKey, ...substitutions: string[]): string {
  const fromBrowser = browserGetMessage()?.(key, substitutions);
  return fromBrowser || outsideExtension(key, substitutions);
}

/** Any error in the user's words: a `UserError`'s own sentence, else "something went wrong" with its text. */
export function describeError(error: unknown): string {
  return t(...messageArgs(userMessageOf(error)));
}
