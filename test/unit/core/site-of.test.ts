import { describe, expect, it } from 'vitest';
import { siteOf } from '../../../src/core/site-of';

describe('siteOf', () => {
  it('keeps host and a non-default port, drops scheme, path, query and credentials', () => {
    expect(siteOf('http://origin.test:8080/a?q=1#f')).toBe('origin.test:8080');
    expect(siteOf('https://user:secret@Origin.Test/x')).toBe('origin.test');
    expect(siteOf('https://origin.test:443/')).toBe('origin.test');
  });

  it('brackets an IPv6 host', () => {
    expect(siteOf('http://[::1]:3000/')).toBe('[::1]:3000');
  });

  it('gives empty text for an unparsable URL', () => {
    expect(siteOf('::')).toBe('');
    expect(siteOf('')).toBe('');
  });
});
