import { hostWithPort, readPlainUrl } from './plain-url';
import { canonicaliseHost, type ProxyEndpoint } from './proxy-endpoint';

/**
 * One `webRequest.onAuthRequired` event, narrowed from what the browser sent.
 * Chrome and Firefox send the same fields for what we use; see the recorded
 * payloads in test/fixtures.
 */
export interface Challenge {
  readonly requestId: string;
  readonly url: string;
  readonly method: string;
  readonly type: string;
  readonly tabId: number;
  readonly isProxy: boolean;
  /** Lower-case: `basic`, `digest`, `ntlm`, `negotiate`, … */
  readonly scheme: string;
  /** Empty when the challenge carried no realm. */
  readonly realm: string;
  readonly challenger: ProxyEndpoint;
  readonly timeStamp: number;
}

/** Schemes the browser lets an extension answer with a username and password. */
const ANSWERABLE_SCHEMES = new Set(['basic', 'digest']);

export function isAnswerableScheme(scheme: string): boolean {
  return ANSWERABLE_SCHEMES.has(scheme);
}

function readString(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

function readNumber(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** The browser's time of the event, or now where it sent none (the clock is read only then: this runs on every challenge). */
function readTime(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : Date.now();
}

/**
 * Narrows an onAuthRequired payload; the challenger's host is canonical
 * (proxy-endpoint.ts). Returns null for anything that is not a usable
 * challenge (no request id, no challenger, a host that is none), which the
 * caller leaves to the browser rather than guessing.
 */
export function readChallenge(details: unknown): Challenge | null {
  if (typeof details !== 'object' || details === null) return null;
  const d = details as Record<string, unknown>;
  const challenger = d['challenger'] as Record<string, unknown> | undefined;
  const requestId = d['requestId'];
  if (typeof requestId !== 'string' && typeof requestId !== 'number') return null;
  if (typeof challenger !== 'object' || challenger === null) return null;
  // A host the URL parser refuses names no proxy a credential was saved for: left to the browser.
  const host = canonicaliseHost(readString(challenger['host']));
  const port = readNumber(challenger['port'], NaN);
  if (!host.ok || !Number.isInteger(port)) return null;
  return {
    requestId: String(requestId),
    url: readString(d['url']),
    method: readString(d['method'], 'GET'),
    type: readString(d['type'], 'other'),
    tabId: readNumber(d['tabId'], -1),
    isProxy: d['isProxy'] === true,
    scheme: readString(d['scheme']).toLowerCase(),
    realm: readString(d['realm']),
    challenger: { host: host.host, port },
    timeStamp: readTime(d['timeStamp']),
  };
}

/** The URL as the log keeps it: no query, no fragment (they can hold tokens). */
export function stripUrl(url: string, detail: 'path' | 'origin' = 'path'): string {
  // Most URLs need no parser (plain-url.ts): this runs on every challenge.
  const plain = readPlainUrl(url);
  if (plain !== undefined) {
    const origin = `${plain.scheme}://${hostWithPort(plain)}`;
    return detail === 'origin' ? origin : origin + plain.path;
  }
  try {
    const u = new URL(url);
    return detail === 'origin' ? u.origin : `${u.origin}${u.pathname}`;
  } catch {
    return '';
  }
}
