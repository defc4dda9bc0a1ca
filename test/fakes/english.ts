import english from '../../public/_locales/en/messages.json';

interface LocaleEntry {
  readonly message: string;
  readonly placeholders?: Record<string, { readonly content: string }>;
}

/** `i18n.getMessage` over the English `_locales`, filling placeholders the way the browser does. */
export function englishMessage(key: string, substitutions: readonly string[] = []): string {
  const entry = (english as Record<string, LocaleEntry | undefined>)[key];
  if (!entry) return '';
  return entry.message.replace(/\$([A-Z_]+)\$/g, (_, name: string) => {
    const content = entry.placeholders?.[name.toLowerCase()]?.content ?? '';
    return content.replace(/\$(\d)/g, (__, n: string) => substitutions[Number(n) - 1] ?? '');
  });
}
