import { describe, expect, it } from 'vitest';
import { readChallenge, stripUrl } from '../../../src/core/challenge';
import { findUsableCredential } from '../../../src/core/credential';
import { makeCredential } from '../credential-factory';

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

  it('reads the challenger as the URL parser spells it, and leaves a host that is none to the browser', () => {
    const read = (host: string) => readChallenge({ requestId: '1', isProxy: true, challenger: { host, port: 3128 } })?.challenger.host;
    expect(read('GROẞ-proxy.example')).toBe('gross-proxy.example');
    expect(read('0x7f.1')).toBe('127.0.0.1');
    expect(read('[2001:DB8:0::1]')).toBe('2001:db8::1');
    expect(read('proxy.')).toBe('proxy.');
    expect(read('a b')).toBeUndefined();
    expect(read('proxy.example/x')).toBeUndefined();
  });

  it('gives a credential only to the host the URL parser says it was saved for', () => {
    const saved = [makeCredential({ proxy: { host: 'groß-proxy.example', port: 3128 }, realm: '' })];
    const challenger = (host: string) => readChallenge({ requestId: '1', isProxy: true, challenger: { host, port: 3128 } })!.challenger;
    expect(findUsableCredential(saved, challenger('GROẞ-proxy.example'), '')).toBeUndefined();
    expect(findUsableCredential(saved, challenger('xn--gro-proxy-i1a.example'), '')?.id).toBe('c1');
    const plain = [makeCredential({ proxy: { host: 'proxy', port: 3128 }, realm: '' })];
    expect(findUsableCredential(plain, challenger('proxy.'), '')).toBeUndefined();
    expect(findUsableCredential(plain, challenger('PROXY'), '')?.id).toBe('c1');
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

  it('gives each URL and detail its own answer, asked in any order and again', () => {
    const url = 'https://a.test:8443/p/q?token=abc#x';
    expect(stripUrl(url)).toBe('https://a.test:8443/p/q');
    expect(stripUrl(url)).toBe('https://a.test:8443/p/q');
    expect(stripUrl(url, 'origin')).toBe('https://a.test:8443');
    expect(stripUrl(url, 'path')).toBe('https://a.test:8443/p/q');
    expect(stripUrl('http://A.Test/P?x')).toBe('http://a.test/P');
    expect(stripUrl(url, 'origin')).toBe('https://a.test:8443');
    expect(stripUrl('')).toBe('');
    expect(stripUrl('', 'origin')).toBe('');
    expect(stripUrl('not a url')).toBe('');
    expect(stripUrl(url)).toBe('https://a.test:8443/p/q');
  });

  it('gives empty text for an unparsable URL', () => {
    expect(stripUrl('not a url')).toBe('');
    expect(stripUrl('http://a.test:65536/p')).toBe('');
  });

  it('writes what the URL parser would where a URL is not already in its form', () => {
    expect(stripUrl('http://a.test:80/p?x')).toBe('http://a.test/p');
    expect(stripUrl('https://a.test:443/p')).toBe('https://a.test/p');
    expect(stripUrl('http://a.test/x/../y/./z')).toBe('http://a.test/y/z');
    expect(stripUrl('http://A.Test/P')).toBe('http://a.test/P');
    expect(stripUrl('http://0x7f.1/p')).toBe('http://127.0.0.1/p');
    expect(stripUrl('http://a.test/a b')).toBe('http://a.test/a%20b');
    expect(stripUrl('http://a.test?q')).toBe('http://a.test/');
    expect(stripUrl('http://proxy./p#f', 'origin')).toBe('http://proxy.');
  });
});
