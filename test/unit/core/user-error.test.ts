import { describe, expect, it } from 'vitest';
import english from '../../../public/_locales/en/messages.json';
import { ERROR_KEYS, isErrorCode, messageArgs, UserError, userMessageOf } from '../../../src/core/user-error';
import { PROBLEM_KEYS } from '../../../src/storage/vault';

interface Entry {
  readonly message: string;
  readonly description?: string;
  readonly placeholders?: Record<string, { readonly content: string }>;
}
const messages: Record<string, Entry | undefined> = english;

describe('user errors', () => {
  it('names the sentence to show and keeps the English for developers', () => {
    const cause = new DOMException('denied');
    const error = new UserError('keyStorageRefused', 'IndexedDB refused the key', { cause });
    expect(userMessageOf(error)).toEqual({ key: 'error_keyStorageRefused', substitutions: [] });
    expect(error.message).toBe('IndexedDB refused the key');
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(Error);
  });

  it('shows any other error as "something went wrong" with its own text', () => {
    expect(userMessageOf(new TypeError('x is undefined'))).toEqual({ key: 'error_unexpected', substitutions: ['x is undefined'] });
    expect(userMessageOf('plain text')).toEqual({ key: 'error_unexpected', substitutions: ['plain text'] });
  });

  it('gives t() its arguments in order', () => {
    expect(messageArgs({ key: 'error_messageMalformed', substitutions: ['a', 'b'] })).toEqual(['error_messageMalformed', 'a', 'b']);
    expect(messageArgs({ key: 'problem_vaultUnreadable' })).toEqual(['problem_vaultUnreadable']);
  });

  it('knows its codes and nothing else', () => {
    expect(isErrorCode('credentialGone')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode(undefined)).toBe(false);
  });
});

describe('the words of errors and vault problems in _locales/en', () => {
  // Substitutions each sentence is given where it is raised.
  const substitutionCounts: Record<string, number> = { error_messageMalformed: 1, error_unexpected: 1 };

  it.each([...Object.values(ERROR_KEYS), ...Object.values(PROBLEM_KEYS)])(
    '%s exists, is described for a translator and fills its $1',
    (key) => {
      const entry = messages[key];
      expect(entry?.message.trim()).toBeTruthy();
      // A description that says where the sentence appears, not the key again.
      expect(entry?.description).not.toBe(key);
      expect(entry?.description?.length ?? 0).toBeGreaterThan(60);
      const placeholders = Object.values(entry?.placeholders ?? {}).map((p) => p.content);
      expect(placeholders).toEqual(Array.from({ length: substitutionCounts[key] ?? 0 }, (_, i) => `$${i + 1}`));
      for (const name of Object.keys(entry?.placeholders ?? {})) expect(entry?.message).toContain(`$${name.toUpperCase()}$`);
    },
  );
});
