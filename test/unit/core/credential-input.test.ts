import { describe, expect, it } from 'vitest';
import { validateCredentialInput, type CredentialInput } from '../../../src/core/credential-input';

const existing = [{ id: 'c1', proxy: { host: 'proxy.example', port: 3128 }, realm: 'Office', username: 'alice' }];
const input = (o: Partial<CredentialInput> = {}): CredentialInput => ({
  host: 'proxy.example',
  port: 3128,
  realm: '',
  username: 'bob',
  password: 'pw',
  scope: 'device',
  ...o,
});

describe('validateCredentialInput', () => {
  it('accepts a new account, and another account for the same proxy', () => {
    expect(validateCredentialInput(input(), existing)).toEqual({});
    expect(validateCredentialInput(input({ username: 'alice', realm: 'Lab' }), existing)).toEqual({});
  });

  it.each([
    [{ host: '' }, { host: 'hostEmpty' }],
    [{ host: 'bad host!' }, { host: 'hostInvalid' }],
    [{ port: 0 }, { port: 'portRange' }],
    [{ port: 70000 }, { port: 'portRange' }],
    [{ username: '  ' }, { username: 'usernameEmpty' }],
    [{ password: '' }, { password: 'passwordEmpty' }],
    [{ host: 'PROXY.example', username: 'alice', realm: 'Office' }, { username: 'duplicate' }],
    [{ id: 'missing' }, { username: 'unknownId' }],
  ] as const)('refuses %j with %j', (o, errors) => {
    expect(validateCredentialInput(input(o), existing)).toEqual(errors);
  });

  it('lets an edit keep the stored password and its own identity', () => {
    expect(validateCredentialInput(input({ id: 'c1', username: 'alice', realm: 'Office', password: '' }), existing)).toEqual({});
  });

  it('accepts Unicode names and refuses what the URL parser would read as another host', () => {
    expect(validateCredentialInput(input({ host: 'ПРОКСИ.рф' }), existing)).toEqual({});
    expect(validateCredentialInput(input({ host: 'proxy.example:3128' }), existing)).toEqual({ host: 'hostInvalid' });
    expect(validateCredentialInput(input({ host: 'a%2eb' }), existing)).toEqual({ host: 'hostInvalid' });
    // Another spelling of a saved proxy is the same proxy.
    expect(validateCredentialInput(input({ host: 'Proxy.Example', username: 'alice', realm: 'Office' }), existing)).toEqual({
      username: 'duplicate',
    });
  });

  it('accepts IPv6 and IPv4 hosts', () => {
    expect(validateCredentialInput(input({ host: '[::1]' }), existing)).toEqual({});
    expect(validateCredentialInput(input({ host: '10.0.0.1' }), existing)).toEqual({});
  });
});
