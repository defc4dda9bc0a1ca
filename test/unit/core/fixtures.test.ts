import { describe, expect, it } from 'vitest';
import { readChallenge } from '../../../src/core/challenge';
import { decide } from '../../../src/core/decide';
import chromium from '../../fixtures/chromium-156-proxy-basic.json';
import firefox from '../../fixtures/firefox-153-proxy-basic.json';

describe.each([
  ['Chromium', chromium],
  ['Firefox', firefox],
])('a challenge recorded from %s', (_browser, payload) => {
  it('reads as a Basic proxy challenge from squid', () => {
    expect(readChallenge(payload)).toMatchObject({
      isProxy: true,
      scheme: 'basic',
      realm: 'Office',
      challenger: { host: '127.0.0.1', port: 13128 },
      url: 'http://127.0.0.1:18080/',
      method: 'GET',
      type: 'main_frame',
    });
  });

  it('is answered with the credential saved for that proxy only', () => {
    const challenge = readChallenge(payload)!;
    const saved = { id: 'c', username: 'alice', password: 'p', scope: 'device' as const, rejected: false, order: 0, updatedAt: 0 };
    const right = decide({
      challenge,
      track: { attempts: 1, firstSeen: 0 },
      credentials: [{ ...saved, proxy: { host: '127.0.0.1', port: 13128 } }],
      attemptCap: 3,
    });
    const wrongPort = decide({
      challenge,
      track: { attempts: 1, firstSeen: 0 },
      credentials: [{ ...saved, proxy: { host: '127.0.0.1', port: 3128 } }],
      attemptCap: 3,
    });
    expect(right.kind).toBe('supply');
    expect(wrongPort.kind).toBe('prompt');
  });
});
