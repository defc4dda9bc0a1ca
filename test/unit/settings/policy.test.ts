import { describe, expect, it } from 'vitest';
import { applyPolicy, isPolicyCredentialId, NO_POLICY, parsePolicy, policyCredentials } from '../../../src/settings/policy';
import { DEFAULT_SETTINGS, parseSettings } from '../../../src/settings/settings';

const GOOD = {
  proxies: [
    { host: 'Proxy.Corp.Example', port: 3128, realm: 'Corp', username: 'alice', password: 's3cret' },
    { host: '[::1]', port: 8080, username: 'bob' },
  ],
  lockedSettings: { attemptCap: 2, onCancel: 'browser' },
  recommendedSettings: { defaultScope: 'session', logLimit: 500 },
};

describe('parsePolicy', () => {
  it('reads every field of a good policy, host lower-cased, no problems', () => {
    const policy = parsePolicy(GOOD);
    expect(policy.problems).toEqual([]);
    expect(policy.credentials).toEqual([
      {
        id: 'policy:proxy.corp.example:3128:Corp:alice',
        proxy: { host: 'proxy.corp.example', port: 3128 },
        realm: 'Corp',
        username: 'alice',
        password: 's3cret',
      },
      { id: 'policy:::1:8080::bob', proxy: { host: '::1', port: 8080 }, username: 'bob' },
    ]);
    expect(policy.locked).toEqual({ attemptCap: 2, onCancel: 'browser' });
    expect(policy.recommended).toEqual({ defaultScope: 'session', logLimit: 500 });
  });

  it('no policy at all, or an empty one, is no policy and no problem', () => {
    expect(parsePolicy(undefined)).toBe(NO_POLICY);
    expect(parsePolicy(null)).toBe(NO_POLICY);
    expect(parsePolicy({})).toEqual(NO_POLICY);
  });

  it('a policy that is no object is one problem and nothing applies', () => {
    expect(parsePolicy('proxies')).toEqual({ ...NO_POLICY, problems: [{ path: '', code: 'notObject' }] });
    expect(parsePolicy([GOOD])).toEqual({ ...NO_POLICY, problems: [{ path: '', code: 'notObject' }] });
  });

  it('ignores each malformed field alone and says where, keeping the good ones', () => {
    const policy = parsePolicy({
      proxies: [
        { host: 'good.example', port: 3128, username: 'carol', password: 'pw' },
        { host: 'bad host/x', port: 3128, username: 'dave' },
        { host: 'p.example', port: 70_000, username: 'erin' },
        { host: 'p.example', port: 1, username: '  ' },
        { host: 'p.example', port: 2, username: 'frank', password: 7, colour: 'red' },
        { host: 'p.example', port: 3, username: 'gina', realm: ['x'] },
        'not an entry',
        { host: 'good.example', port: 3128, username: 'carol', password: 'other' },
      ],
      lockedSettings: { attemptCap: 99, urlDetail: 'origin', nonsense: true },
      recommendedSettings: 'session',
      extra: 1,
    });
    expect(policy.credentials.map((c) => c.id)).toEqual(['policy:good.example:3128::carol']);
    expect(policy.locked).toEqual({ urlDetail: 'origin' });
    expect(policy.recommended).toEqual({});
    expect(policy.problems).toEqual([
      { path: 'extra', code: 'unknownField' },
      { path: 'proxies[1].host', code: 'host' },
      { path: 'proxies[2].port', code: 'port' },
      { path: 'proxies[3].username', code: 'username' },
      { path: 'proxies[4].colour', code: 'unknownField' },
      { path: 'proxies[4].password', code: 'password' },
      { path: 'proxies[5].realm', code: 'realm' },
      { path: 'proxies[6]', code: 'notObject' },
      { path: 'proxies[7]', code: 'duplicate' },
      { path: 'lockedSettings.attemptCap', code: 'settingValue' },
      { path: 'lockedSettings.nonsense', code: 'unknownField' },
      { path: 'recommendedSettings', code: 'notObject' },
    ]);
  });

  it('a proxies field that is no list is reported', () => {
    expect(parsePolicy({ proxies: { host: 'x' } }).problems).toEqual([{ path: 'proxies', code: 'notList' }]);
  });

  it('a problem names the field, never the value (a password could be in it)', () => {
    const policy = parsePolicy({ proxies: [{ host: 'p', port: 0, username: 'u', password: 'hunter2' }] });
    expect(JSON.stringify(policy.problems)).not.toContain('hunter2');
  });
});

describe('policyCredentials', () => {
  it('gives the accounts with a password as credentials tried first, in memory only', () => {
    const credentials = policyCredentials(parsePolicy(GOOD));
    expect(credentials).toHaveLength(1);
    expect(credentials[0]).toMatchObject({ username: 'alice', password: 's3cret', rejected: false, realm: 'Corp' });
    expect(isPolicyCredentialId(credentials[0]!.id)).toBe(true);
    expect(isPolicyCredentialId('3f2c-uuid')).toBe(false);
  });
});

describe('applyPolicy', () => {
  it('a locked value wins over the user, a recommended one only over the default', () => {
    const user = parseSettings({ version: 1, attemptCap: 5, logLimit: 2000 });
    const merged = applyPolicy(user, parsePolicy(GOOD));
    // Locked: the user's 5 loses.
    expect(merged.settings.attemptCap).toBe(2);
    expect(merged.settings.onCancel).toBe('browser');
    // Recommended: the user's own value stays; where the user chose nothing, the recommendation applies.
    expect(merged.settings.logLimit).toBe(2000);
    expect(merged.settings.defaultScope).toBe('session');
    expect(merged.settings.promptTimeoutSec).toBe(DEFAULT_SETTINGS.promptTimeoutSec);
    expect(merged.sources).toMatchObject({
      attemptCap: 'policy',
      onCancel: 'policy',
      logLimit: 'user',
      defaultScope: 'policy',
      promptTimeoutSec: 'default',
    });
    expect(merged.policy?.locked).toEqual(['attemptCap', 'onCancel']);
  });

  it('shows the pages the policy accounts without their passwords', () => {
    const merged = applyPolicy(parseSettings(undefined), parsePolicy(GOOD));
    expect(merged.policy?.credentials.map((c) => [c.username, c.hasPassword])).toEqual([
      ['alice', true],
      ['bob', false],
    ]);
    expect(JSON.stringify(merged)).not.toContain('s3cret');
  });
});
