import { describe, expect, it } from 'vitest';
import { hasSocksServer, isConfiguredProxy, readProxyConfig } from '../../../src/core/proxy-config';

describe('readProxyConfig', () => {
  it('reads Chrome fixed servers and who controls them', () => {
    const view = readProxyConfig({
      value: { mode: 'fixed_servers', rules: { singleProxy: { scheme: 'http', host: 'Proxy.Example', port: 3128 } } },
      levelOfControl: 'controlled_by_other_extensions',
    });
    expect(view).toEqual({
      mode: 'fixed',
      servers: [{ scheme: 'http', host: 'proxy.example', port: 3128 }],
      controlledBy: 'other-extension',
    });
    expect(isConfiguredProxy(view, { host: 'proxy.example', port: 3128 })).toBe(true);
    expect(isConfiguredProxy(view, { host: 'gw.proxy.example', port: 3128 })).toBe(false);
  });

  it('reads Chrome PAC, system and policy-locked settings', () => {
    const pac = readProxyConfig({
      value: { mode: 'pac_script', pacScript: { url: 'http://wpad/wpad.dat' } },
      levelOfControl: 'not_controllable',
    });
    expect(pac).toEqual({ mode: 'pac', servers: [], pacUrl: 'http://wpad/wpad.dat', controlledBy: 'policy' });
    expect(isConfiguredProxy(pac, { host: 'x', port: 1 })).toBeUndefined();
    expect(readProxyConfig({ value: { mode: 'system' }, levelOfControl: 'controllable_by_this_extension' })).toMatchObject({
      mode: 'system',
      controlledBy: 'user',
    });
  });

  it('reads Firefox manual settings, including SOCKS', () => {
    const view = readProxyConfig({
      value: { proxyType: 'manual', http: '127.0.0.1:3128', ssl: '127.0.0.1:3128', socks: 'socks.example:1080', socksVersion: 5 },
      levelOfControl: 'controlled_by_this_extension',
    });
    expect(view.servers).toEqual([
      { scheme: 'http', host: '127.0.0.1', port: 3128 },
      { scheme: 'https', host: '127.0.0.1', port: 3128 },
      { scheme: 'socks5', host: 'socks.example', port: 1080 },
    ]);
    expect(view.controlledBy).toBe('this-extension');
    expect(hasSocksServer(view)).toBe(true);
  });

  it('reads Firefox manual settings with IPv6 or without a port, and drops unreadable ones', () => {
    const view = readProxyConfig({
      value: { proxyType: 'manual', http: '[::1]:3128', ssl: 'Proxy.Example', socks: 'socks.example:99999', socksVersion: 4 },
    });
    expect(view.servers).toEqual([
      { scheme: 'http', host: '::1', port: 3128 },
      { scheme: 'https', host: 'proxy.example', port: 80 },
    ]);
    expect(isConfiguredProxy(view, { host: '[::1]', port: 3128 })).toBe(true);
    expect(readProxyConfig({ value: { proxyType: 'manual', socks: 'socks.example', socksVersion: 4 } }).servers).toEqual([
      { scheme: 'socks4', host: 'socks.example', port: 1080 },
    ]);
  });

  it('reads Firefox none/autoConfig and survives junk', () => {
    expect(readProxyConfig({ value: { proxyType: 'none' } }).mode).toBe('direct');
    expect(readProxyConfig({ value: { proxyType: 'autoConfig', autoConfigUrl: 'http://pac/' } })).toMatchObject({
      mode: 'pac',
      pacUrl: 'http://pac/',
    });
    expect(readProxyConfig(null)).toEqual({ mode: 'unknown', servers: [], controlledBy: 'user' });
    expect(readProxyConfig({ value: 'x' }).mode).toBe('unknown');
  });
});
