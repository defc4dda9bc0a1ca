/**
 * What of a URL may leave the extension (the admin report, the log exports,
 * the console): scheme, host, port and path. The user name and password of
 * `http://user:pass@host/`, the query and the fragment are dropped — they
 * carry passwords, tokens and session ids, a PAC URL's included.
 */
export function redactUrl(url: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    return redactUnparsable(url);
  }
  // `data:` and the like keep everything in the path: nothing of it is needed to find a proxy's fault.
  const keepsPath = parsed.host !== '' || parsed.protocol === 'file:';
  const nothingToDrop = parsed.username === '' && parsed.password === '' && !/[?#]/.test(url);
  // Left as written when there is nothing to drop: `https://a.test` stays without the parser's `/`.
  if (keepsPath && nothingToDrop) return url;
  const authority = parsed.host === '' && parsed.protocol !== 'file:' ? '' : `//${parsed.host}`;
  return `${parsed.protocol}${authority}${keepsPath ? parsed.pathname : ''}`;
}

/**
 * A URL the parser refuses (cut short, mistyped) may still hold a password:
 * cut at the query, and whatever could be a user name or password before
 * the host goes. Without a sure host only the scheme remains.
 */
function redactUnparsable(url: string): string {
  const beforeQuery = url.split(/[?#]/, 1)[0] ?? '';
  const scheme = /^([a-z][a-z0-9+.-]*:)(\/\/)?/i.exec(beforeQuery);
  if (!scheme) return beforeQuery.includes('@') ? '' : beforeQuery;
  const rest = beforeQuery.slice(scheme[0].length);
  const slash = rest.indexOf('/');
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? '' : rest.slice(slash);
  const at = authority.lastIndexOf('@');
  if (at !== -1) return `${scheme[0]}${authority.slice(at + 1)}${path.includes('@') ? '' : path}`;
  // `http://user:pa` cut short looks like host and port: a port is digits, anything else may be a password.
  if (/:(?!\d*$)/.test(authority) && !authority.startsWith('[')) return scheme[0];
  return `${scheme[0]}${authority}${path.includes('@') ? '' : path}`;
}

/**
 * Anything that starts like a URL, up to the next white space: a quote or a
 * bracket may sit inside a URL (`http://a:b'c@host/`), so only what it ends
 * with is given back to the sentence.
 */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/\S*/gi;
const SENTENCE_AFTER_URL = /[.,;:!?'"()[\]<>]+$/;

/**
 * Every URL inside a sentence redacted (an error's text, a line of the
 * report): the browser's own messages quote the addresses they failed on.
 */
export function redactUrlsIn(text: string): string {
  return text.replace(URL_IN_TEXT, (url) => {
    // A sentence's full stop, comma, closing quote or bracket after the address is the sentence's.
    const trailing = SENTENCE_AFTER_URL.exec(url)?.[0] ?? '';
    return redactUrl(url.slice(0, url.length - trailing.length)) + trailing;
  });
}

/** An error as the console may show it: its text with every URL redacted, never its stack or cause. */
export function describeErrorSafely(error: unknown): string {
  const text = error instanceof Error ? error.message : typeof error === 'string' ? error : 'unknown error';
  return redactUrlsIn(text);
}
