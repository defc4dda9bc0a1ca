import type { Credential } from './credential';
import { canonicaliseHost, isValidPort, sameEndpoint } from './proxy-endpoint';

/** What the options form sends to add or edit a saved credential. */
export interface CredentialInput {
  /** Set when editing. */
  readonly id?: string;
  readonly host: string;
  readonly port: number;
  readonly realm: string;
  readonly username: string;
  /** Empty when editing means "keep the stored password". */
  readonly password: string;
  readonly scope: 'device' | 'session';
}

export type CredentialField = 'host' | 'port' | 'username' | 'password' | 'realm';
export type CredentialErrors = Partial<Record<CredentialField, CredentialErrorCode>>;
/** Message ids; the words live in _locales (`credentialError_<code>`). */
export type CredentialErrorCode = 'hostEmpty' | 'hostInvalid' | 'portRange' | 'usernameEmpty' | 'passwordEmpty' | 'duplicate' | 'unknownId';

/** Checks a credential form; an empty result means it may be saved. */
export function validateCredentialInput(
  input: CredentialInput,
  existing: readonly Pick<Credential, 'id' | 'proxy' | 'realm' | 'username'>[],
): CredentialErrors {
  const errors: CredentialErrors = {};
  // The browser's URL parser decides what a host is: Unicode names are saved as the punycode the proxy is reached by.
  const host = canonicaliseHost(input.host);
  if (!host.ok) errors.host = host.problem;
  if (!isValidPort(input.port)) errors.port = 'portRange';
  if (input.username.trim() === '') errors.username = 'usernameEmpty';
  const editing = input.id === undefined ? undefined : existing.find((c) => c.id === input.id);
  if (input.id !== undefined && !editing) errors.username = 'unknownId';
  if (!editing && input.password === '') errors.password = 'passwordEmpty';
  if (!errors.host && !errors.port && !errors.username) {
    const proxy = { host: host.ok ? host.host : '', port: input.port };
    const duplicate = existing.some(
      (c) =>
        c.id !== input.id && sameEndpoint(c.proxy, proxy) && (c.realm ?? '') === input.realm.trim() && c.username === input.username.trim(),
    );
    if (duplicate) errors.username = 'duplicate';
  }
  return errors;
}
