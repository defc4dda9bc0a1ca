import type { Credential, CredentialSummary } from '../../src/core/credential';

/** A saved credential as the pages see it (no password), with sensible defaults; tests override what they are about. */
export function makeCredentialSummary(overrides: Partial<CredentialSummary> = {}): CredentialSummary {
  return {
    id: 'a',
    proxy: { host: 'proxy.example', port: 3128 },
    username: 'alice',
    scope: 'device',
    rejected: false,
    order: 0,
    updatedAt: 0,
    ...overrides,
  };
}

/** A saved credential as the background holds it, with sensible defaults; tests override what they are about. */
export function makeCredential(overrides: Partial<Credential> = {}): Credential {
  return { ...makeCredentialSummary({ id: 'c1', updatedAt: 1 }), password: 's3cret', ...overrides };
}
