import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

interface Entry {
  readonly message: string;
  readonly description?: string;
  readonly placeholders?: Record<string, { readonly content: string; readonly example?: string }>;
}
type Messages = Record<string, Entry>;

const localesDir = join(import.meta.dirname, '../../../public/_locales');
const readLocale = (locale: string) => JSON.parse(readFileSync(join(localesDir, locale, 'messages.json'), 'utf8')) as Messages;
const english = readLocale('en');

/** The languages Proxy Keyring ships besides English (issue 10). Removing one must be a decision, not an accident. */
const TRANSLATED = ['de', 'es', 'fr', 'zh_CN'] as const;

/**
 * Keys whose text may be the same as in English in a translated locale: the
 * product's name, protocol words and formats that are the same in every
 * language here. Any other key left equal to English is an untranslated
 * message, usually one added after the last translation pass. `locale:key`
 * allows it in one language only.
 */
const SAME_AS_ENGLISH_ALLOWED = new Set([
  'extName',
  'optionsTitle',
  'optionsProxy',
  'summaryProxy',
  'diagFilterProxy',
  'optionsStatus',
  'credPort',
  'diagFilters',
  'diagDetails',
  'diagFilterSite',
  'fieldTab',
  'inspectorMode',
  'unlockLabel',
  'reportProxyPac',
  'report_proxy',
  'report_browser',
  'summaryHttpStatus',
  'fieldAnswerMsValue',
  'report_failure',
  // The same word in that language.
  'de:passphraseHeading',
  'fr:navDiagnostics',
]);

/** `$NAME$` references in a message, lower-cased as Chrome matches them, sorted. */
function namedPlaceholders(message: string): string[] {
  return [...new Set([...message.matchAll(/\$([A-Za-z0-9_@]+)\$/g)].map((m) => m[1]!.toLowerCase()))].sort();
}

/** Positional `$1`… used directly in the message (not through a named placeholder), sorted. */
function positionalPlaceholders(message: string): string[] {
  return [...new Set([...message.replace(/\$\$/g, '').matchAll(/\$(\d)(?!\d*\$)/g)].map((m) => m[1]!))].sort();
}

/** Each declared placeholder as `name=$n`, sorted: the names and which substitution fills each. */
function declaredPlaceholders(entry: Entry): string[] {
  return Object.entries(entry.placeholders ?? {})
    .map(([name, p]) => `${name.toLowerCase()}=${p.content}`)
    .sort();
}

/** Everything one locale gets wrong against English, as readable lines (empty when it is right). */
function findLocaleProblems(locale: Messages, reference: Messages): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(reference)) if (!(key in locale)) problems.push(`missing: ${key}`);
  for (const key of Object.keys(locale)) if (!(key in reference)) problems.push(`extra: ${key}`);
  for (const [key, entry] of Object.entries(locale)) {
    const ref = reference[key];
    if (ref === undefined) continue;
    if (typeof entry.message !== 'string' || entry.message.trim() === '') {
      problems.push(`empty: ${key}`);
      continue;
    }
    const named = namedPlaceholders(entry.message).join();
    if (named !== namedPlaceholders(ref.message).join()) {
      problems.push(`placeholders in the message: ${key} uses [${named}], English [${namedPlaceholders(ref.message).join()}]`);
    }
    if (positionalPlaceholders(entry.message).join() !== positionalPlaceholders(ref.message).join()) {
      problems.push(`positional $n in the message: ${key}`);
    }
    if (declaredPlaceholders(entry).join() !== declaredPlaceholders(ref).join()) {
      problems.push(
        `declared placeholders: ${key} has [${declaredPlaceholders(entry).join()}], English [${declaredPlaceholders(ref).join()}]`,
      );
    }
  }
  return problems;
}

describe('the translated locales', () => {
  it('are exactly English and the four translations', () => {
    const present = readdirSync(localesDir).filter((name) => existsSync(join(localesDir, name, 'messages.json')));
    expect(present.sort()).toEqual(['en', ...TRANSLATED].sort());
  });

  it.each(TRANSLATED)('%s has every English key, no other, none empty, and the same placeholders', (name) => {
    expect(findLocaleProblems(readLocale(name), english)).toEqual([]);
  });

  it.each(TRANSLATED)('%s translates every message that is not a name or a format', (name) => {
    const locale = readLocale(name);
    const untranslated = Object.keys(english).filter(
      (key) =>
        !SAME_AS_ENGLISH_ALLOWED.has(key) &&
        !SAME_AS_ENGLISH_ALLOWED.has(`${name}:${key}`) &&
        locale[key]?.message === english[key]!.message,
    );
    expect(untranslated).toEqual([]);
  });

  it.each(['en', ...TRANSLATED])('%s keeps the store limits: name at most 45 characters, description at most 132', (name) => {
    const locale = readLocale(name);
    expect(locale['extName']!.message.length).toBeLessThanOrEqual(45);
    expect(locale['extDescription']!.message.length).toBeLessThanOrEqual(132);
  });

  it.each(TRANSLATED)('%s keeps the toolbar badge short enough to show (at most 4 characters)', (name) => {
    expect([...readLocale(name)['badgeLocked']!.message].length).toBeLessThanOrEqual(4);
  });
});

describe('findLocaleProblems', () => {
  const reference: Messages = {
    hello: { message: 'Hello $NAME$', placeholders: { name: { content: '$1' } } },
    pair: { message: '$A$ of $B$', placeholders: { a: { content: '$1' }, b: { content: '$2' } } },
    plain: { message: 'Plain' },
  };
  const good: Messages = {
    hello: { message: 'Hallo $NAME$', placeholders: { name: { content: '$1' } } },
    pair: { message: '$B$ für $A$', placeholders: { a: { content: '$1' }, b: { content: '$2' } } },
    plain: { message: 'Schlicht' },
  };

  it('accepts a locale with the same keys and placeholders in another order', () => {
    expect(findLocaleProblems(good, reference)).toEqual([]);
  });

  it('names a missing key, an extra key and an empty message', () => {
    const { plain: _, ...withoutPlain } = good;
    expect(findLocaleProblems({ ...withoutPlain, stray: { message: 'x' } }, reference)).toEqual(['missing: plain', 'extra: stray']);
    expect(findLocaleProblems({ ...good, plain: { message: '  ' } }, reference)).toEqual(['empty: plain']);
  });

  it('names a placeholder renamed, dropped or filled from another substitution', () => {
    expect(
      findLocaleProblems({ ...good, hello: { message: 'Hallo $NAME$', placeholders: { nom: { content: '$1' } } } }, reference),
    ).toEqual(['declared placeholders: hello has [nom=$1], English [name=$1]']);
    expect(findLocaleProblems({ ...good, hello: { message: 'Hallo', placeholders: { name: { content: '$1' } } } }, reference)).toEqual([
      'placeholders in the message: hello uses [], English [name]',
    ]);
    expect(
      findLocaleProblems(
        { ...good, pair: { message: '$A$ von $B$', placeholders: { a: { content: '$2' }, b: { content: '$1' } } } },
        reference,
      ),
    ).toEqual(['declared placeholders: pair has [a=$2,b=$1], English [a=$1,b=$2]']);
    expect(findLocaleProblems({ ...good, plain: { message: 'Schlicht $1' } }, reference)).toEqual(['positional $n in the message: plain']);
  });
});
