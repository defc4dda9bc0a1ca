import { hostWithPort, readPlainUrl } from './plain-url';

/**
 * The site a request belongs to: `host[:port]` of its URL, as the prompt
 * lists the waiting sites and the log filter matches them. Empty for a URL
 * that does not parse (a browser-internal or truncated one).
 */
export function siteOf(url: string): string {
  // Most URLs need no parser (plain-url.ts): the log filter reads the site of every record.
  const plain = readPlainUrl(url);
  if (plain !== undefined) return hostWithPort(plain);
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}
