import { describe, expect, it } from 'vitest';
import { formatEndpoint, isValidPort, normaliseHost, parseEndpoint, sameEndpoint } from '../../../src/core/proxy-endpoint';

describe('proxy endpoints', () => {
  it('lower-cases hosts and drops a trailing dot', () => {
    expect(normaliseHost('Proxy.Example.')).toBe('proxy.example');
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
    expect(parseEndpoint(' Proxy.Example.:3128 ')).toEqual({ host: 'proxy.example', port: 3128 });
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
    for (const text of ['', ':3128', '[]:3128', 'proxy:0', 'proxy:65536', 'proxy:', 'proxy:80x', 'proxy:-1', '[::1]:', '[::1]x']) {
      expect(parseEndpoint(text, 80), text).toBeUndefined();
    }
  });
});
