/**
 * The site a request belongs to: `host[:port]` of its URL, as the prompt
 * lists the waiting sites and the log filter matches them. Empty for a URL
 * that does not parse (a browser-internal or truncated one).
 */
export function siteOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}
