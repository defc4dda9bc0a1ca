import { describe, expect, it } from 'vitest';
import { readChallenge, stripUrl } from '../../../src/core/challenge';

describe('readChallenge', () => {
  it('narrows a proxy challenge and normalises the challenger', () => {
    const c = readChallenge({
      requestId: '42',
      url: 'http://a.test/x',
      method: 'GET',
      type: 'main_frame',
      tabId: 3,
      isProxy: true,
      scheme: 'Basic',
      realm: 'R',
      challenger: { host: 'PROXY.example', port: 3128 },
      timeStamp: 5,
    });
    expect(c).toMatchObject({
      requestId: '42',
      isProxy: true,
      scheme: 'basic',
      realm: 'R',
      challenger: { host: 'proxy.example', port: 3128 },
    });
  });

  it('turns a numeric request id into a string and defaults a missing realm to empty', () => {
    const c = readChallenge({ requestId: 9, isProxy: true, scheme: 'digest', challenger: { host: '[::1]', port: 8080 } });
    expect(c?.requestId).toBe('9');
    expect(c?.realm).toBe('');
    expect(c?.challenger.host).toBe('::1');
  });

  it.each([
    null,
    'x',
    3,
    {},
    { requestId: '1' },
    { requestId: '1', challenger: { host: '', port: 1 } },
    { requestId: '1', challenger: { host: 'h', port: 'x' } },
  ])('rejects a payload it cannot use: %j', (payload) => {
    expect(readChallenge(payload)).toBeNull();
  });

  it('treats anything but isProxy === true as a site challenge', () => {
    expect(readChallenge({ requestId: '1', isProxy: 'yes', challenger: { host: 'h', port: 1 } })?.isProxy).toBe(false);
  });
});

describe('stripUrl', () => {
  it('drops query and fragment, which may carry tokens', () => {
    expect(stripUrl('https://a.test:8443/p/q?token=abc#x')).toBe('https://a.test:8443/p/q');
    expect(stripUrl('https://a.test/p?x=1', 'origin')).toBe('https://a.test');
  });

  it('gives empty text for an unparsable URL', () => {
    expect(stripUrl('not a url')).toBe('');
  });
});
