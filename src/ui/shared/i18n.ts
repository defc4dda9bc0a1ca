import english from '../../../public/_locales/en/messages.json';
import type { MessageKey } from '../../core/message-key';
import { messageArgs, userMessageOf } from '../../core/user-error';

export type { MessageKey };

interface LocaleEntry {
  readonly message: string;
  readonly placeholders?: Record<string, { readonly content: string }>;
}

type GetMessage = (key: string, substitutions?: string[]) => string;

function browserGetMessage(): GetMessage | undefined {
  const api = (globalThis as { chrome?: { i18n?: { getMessage?: GetMessage } } }).chrome?.i18n?.getMessage;
  return typeof api === 'function' ? api : undefined;
}

/** The English text, filled in the way the browser would: for tests and previews outside an extension. */
function fallback(key: MessageKey, substitutions: string[]): string {
  const entry = english[key] as LocaleEntry;
  return entry.message.replace(/\$([A-Z_]+)\$/g, (_, name: string) => {
    const content = entry.placeholders?.[name.toLowerCase()]?.content ?? '';
    return content.replace(/\$(\d)/g, (__, n: string) => substitutions[Number(n) - 1] ?? '');
  });
}

/** Every user-visible string goes through here, so more languages need only `_locales`. */
export function t(key: MessageKey, ...substitutions: string[]): string {
  const fromBrowser = browserGetMessage()?.(key, substitutions);
  return fromBrowser || fallback(key, substitutions);
}

/** Any error in the user's words: a `UserError`'s own sentence, else "something went wrong" with its text. */
export function describeError(error: unknown): string {
  return t(...messageArgs(userMessageOf(error)));
}
