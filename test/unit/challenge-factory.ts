import type { Challenge } from '../../src/core/challenge';

/** A proxy challenge with sensible defaults; tests override what they are about. */
export function makeChallenge(overrides: Partial<Challenge> = {}): Challenge {
  return {
    requestId: '1',
    url: 'http://origin.test/page?token=secret#frag',
    method: 'GET',
    type: 'main_frame',
    tabId: 7,
    isProxy: true,
    scheme: 'basic',
    realm: 'Office',
    challenger: { host: 'proxy.example', port: 3128 },
    timeStamp: 1000,
    ...overrides,
  };
}

/** A proxy challenge as the browsers send it to onAuthRequired, before it is read (recorded ones are in test/fixtures). */
export function makeChallengeDetails(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    requestId: '100',
    url: 'http://origin.test/index.html?q=1',
    method: 'GET',
    type: 'main_frame',
    tabId: 4,
    isProxy: true,
    scheme: 'basic',
    realm: 'Office',
    challenger: { host: 'proxy.example', port: 3128 },
    timeStamp: 1,
    ...overrides,
  };
}
