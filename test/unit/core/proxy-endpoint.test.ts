import { describe, expect, it } from 'vitest';
import { formatEndpoint, isValidPort, normaliseHost, sameEndpoint } from '../../../src/core/proxy-endpoint';

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
});
