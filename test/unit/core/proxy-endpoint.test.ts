import { describe, expect, it } from 'vitest';
import {
  canonicaliseHost,
  formatEndpoint,
  isValidPort,
  normaliseHost,
  parseEndpoint,
  sameEndpoint,
} from '../../../src/core/proxy-endpoint';

describe('proxy endpoints', () => {
  it('lower-cases hosts and keeps a trailing dot: `proxy.` and `proxy` are different hosts', () => {
    expect(normaliseHost('Proxy.Example')).toBe('proxy.example');
    expect(normaliseHost('Proxy.Example.')).toBe('proxy.example.');
    expect(sameEndpoint({ host: 'proxy.', port: 3128 }, { host: 'proxy', port: 3128 })).toBe(false);
  });

  it('reads each host for itself when hosts are asked in turn and again (what it remembers never leaks to another)', () => {
    const hosts = ['Proxy.Example', 'a/b', '', '[::1]', 'Proxy.Example', 'proxy.example', '0x7f.1', 'a/b', '0x7f.1'];
    expect(hosts.map((h) => canonicaliseHost(h))).toEqual([
      { ok: true, host: 'proxy.example' },
      { ok: false, problem: 'hostInvalid' },
      { ok: false, problem: 'hostEmpty' },
      { ok: true, host: '::1' },
      { ok: true, host: 'proxy.example' },
      { ok: true, host: 'proxy.example' },
      { ok: true, host: '127.0.0.1' },
      { ok: false, problem: 'hostInvalid' },
      { ok: true, host: '127.0.0.1' },
    ]);
  });

  it('spells Unicode names as the URL parser does, so a case-folded look-alike is another host', () => {
    expect(normaliseHost('GROẞ-proxy.example')).toBe('gross-proxy.example');
    expect(normaliseHost('groß-proxy.example')).toBe('xn--gro-proxy-i1a.example');
    expect(sameEndpoint({ host: 'GROẞ-proxy.example', port: 3128 }, { host: 'groß-proxy.example', port: 3128 })).toBe(false);
    expect(sameEndpoint({ host: 'ПРОКСИ.рф', port: 3128 }, { host: 'xn--h1adldfi.xn--p1ai', port: 3128 })).toBe(true);
  });

  it('writes every IPv4 form as dotted decimal and IPv6 compressed in lower case', () => {
    expect(normaliseHost('0x7f.1')).toBe('127.0.0.1');
    expect(normaliseHost('2130706433')).toBe('127.0.0.1');
    expect(normaliseHost('[2001:DB8:0:0:0:0:0:1]')).toBe('2001:db8::1');
    expect(normaliseHost('2001:db8:0::1')).toBe('2001:db8::1');
    expect(sameEndpoint({ host: '0x7f.1', port: 80 }, { host: '127.0.0.1', port: 80 })).toBe(true);
  });

  it.each([
    ['', 'hostEmpty'],
    ['  ', 'hostEmpty'],
    ['[]', 'hostEmpty'],
    ['bad host', 'hostInvalid'],
    ['proxy.example/path', 'hostInvalid'],
    ['user@proxy.example', 'hostInvalid'],
    ['proxy.example:3128', 'hostInvalid'],
    ['[::1]:3128', 'hostInvalid'],
    ['[::1', 'hostInvalid'],
    ['a%2eb', 'hostInvalid'],
    ['1.2.3.999', 'hostInvalid'],
    ['xn--', 'hostInvalid'],
    ['pro\txy', 'hostInvalid'],
    ['[127.0.0.1]', 'hostInvalid'],
  ])('refuses %j with a typed problem, never a throw', (text, problem) => {
    expect(canonicaliseHost(text)).toEqual({ ok: false, problem });
  });

  it('never matches a host the URL parser refuses, not even to itself', () => {
    expect(sameEndpoint({ host: 'a b', port: 1 }, { host: 'a b', port: 1 })).toBe(false);
    expect(sameEndpoint({ host: '', port: 1 }, { host: '', port: 1 })).toBe(false);
    // The same text that is a host: the same proxy, on the same port only.
    expect(sameEndpoint({ host: 'Proxy.Example', port: 1 }, { host: 'Proxy.Example', port: 1 })).toBe(true);
    expect(sameEndpoint({ host: 'Proxy.Example', port: 1 }, { host: 'Proxy.Example', port: 2 })).toBe(false);
    expect(normaliseHost('[Bad Host]')).toBe('bad host');
  });

  it('treats bracketed and bare IPv6 as the same host', () => {
    expect(normaliseHost('[::1]')).toBe('::1');
    expect(sameEndpoint({ host: '[2001:DB8::1]', port: 8080 }, { host: '2001:db8::1', port: 8080 })).toBe(true);
  });

  it('requires the exact port', () => {
    expect(sameEndpoint({ host: 'proxy.example', port: 3128 }, { host: 'proxy.example', port: 3129 })).toBe(false);
  });

  it('does not match a different host that merely contains the name', () => {
    expect(sameEndpoint({ host: 'proxy.example', port: 3128 }, { host: 'gw.proxy.example', port: 3128 })).toBe(false);
  });

  it('formats IPv6 with brackets so the port stays readable', () => {
    expect(formatEndpoint({ host: '::1', port: 3128 })).toBe('[::1]:3128');
    expect(formatEndpoint({ host: 'Proxy.Example', port: 80 })).toBe('proxy.example:80');
  });

  it('accepts ports 1 to 65535 only', () => {
    expect([0, 1, 65535, 65536, 1.5, -3].map(isValidPort)).toEqual([false, true, true, false, false, false]);
  });

  it('reads back what formatEndpoint writes, IPv6 included', () => {
    for (const endpoint of [
      { host: '::1', port: 3128 },
      { host: '2001:db8::1', port: 8080 },
      { host: 'proxy.example', port: 80 },
      { host: '127.0.0.1', port: 65535 },
    ]) {
      expect(parseEndpoint(formatEndpoint(endpoint))).toEqual(endpoint);
    }
  });

  it('normalises the host it reads and ignores surrounding space', () => {
    expect(parseEndpoint(' Proxy.Example:3128 ')).toEqual({ host: 'proxy.example', port: 3128 });
    expect(parseEndpoint('Proxy.Example.:3128')).toEqual({ host: 'proxy.example.', port: 3128 });
  });

  it('uses the default port only when the text names none', () => {
    expect(parseEndpoint('proxy.example', 80)).toEqual({ host: 'proxy.example', port: 80 });
    expect(parseEndpoint('proxy.example:3128', 80)).toEqual({ host: 'proxy.example', port: 3128 });
    expect(parseEndpoint('[::1]', 1080)).toEqual({ host: '::1', port: 1080 });
    expect(parseEndpoint('proxy.example')).toBeUndefined();
  });

  it('takes a bare IPv6 address as a host, not as host and port', () => {
    expect(parseEndpoint('::1', 80)).toEqual({ host: '::1', port: 80 });
    expect(parseEndpoint('2001:db8::1')).toBeUndefined();
  });

  it('refuses empty hosts and ports that are not 1 to 65535', () => {
    for (const text of [
      '',
      ':3128',
      '[]:3128',
      'proxy:0',
      'proxy:65536',
      'proxy:',
      'proxy:80x',
      'proxy:-1',
      '[::1]:',
      '[::1]x',
      'a b:80',
    ]) {
      expect(parseEndpoint(text, 80), text).toBeUndefined();
    }
  });
});
