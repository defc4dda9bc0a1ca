// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';

import { describeBrowser } from '../../../src/ui/shared/browser-differences';

// The browser's own `browser` namespace (Firefox's has getBrowserInfo; Chromium 156 has one without it).
const runtime: { getBrowserInfo?: () => Promise<{ name: string; version: string }> } = {};

afterEach(() => {
  delete runtime.getBrowserInfo;
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('describeBrowser', () => {
  it('asks Firefox for its name and version', async () => {
    runtime.getBrowserInfo = () => Promise.resolve({ name: 'Firefox', version: '140.0esr' });
    vi.stubGlobal('browser', { runtime });
    expect(await describeBrowser()).toBe('Firefox 140.0esr');
  });

  it('reads Chromium’s from the user agent when its `browser` namespace has no getBrowserInfo', async () => {
    vi.stubGlobal('browser', { runtime });
    vi.spyOn(navigator, 'userAgent', 'get').mockReturnValue(
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chromium/156.0.8078.114 Safari/537.36',
    );
    expect(await describeBrowser()).toBe('Chromium 156.0.8078.114');
  });

  it('reads Chrome’s from the user agent, which is all Chrome offers', async () => {
    vi.spyOn(navigator, 'userAgent', 'get').mockReturnValue(
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/141.0.7390.54 Safari/537.36',
    );
    expect(await describeBrowser()).toBe('Chrome 141.0.7390.54');
  });

  it('falls back to the whole user agent for a browser it does not know', async () => {
    vi.spyOn(navigator, 'userAgent', 'get').mockReturnValue('SomeBrowser/1.0');
    expect(await describeBrowser()).toBe('SomeBrowser/1.0');
  });
});
