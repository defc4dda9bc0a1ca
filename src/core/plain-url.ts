/**
 * A URL the URL parser would give back unchanged up to its query: http(s), a
 * lower-case DNS name, a port other than the default, a path of characters
 * it neither encodes nor reads as anything else. What browsers report for
 * most requests, so the log's hot paths (`stripUrl` on every challenge,
 * `siteOf` over every record a filter reads) cut those without parsing them.
 * Groups: scheme, host, port, path.
 */
const PLAIN_URL =
  /^(https?):\/\/((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.?)(?::([1-9]\d{0,4}))?(\/[\w.~!$&'()*+,;=:@/-]*)?(?=[?#]|$)/;
/** A host the parser reads as an IPv4 address (its last label a number), or punycode it checks. */
const NUMERIC_LAST_LABEL = /(?:^|\.)(?:\d+|0x[0-9a-f]*)\.?$/;
const PUNYCODE_LABEL = /(?:^|\.)xn--/;
/** `.` and `..` are read as "this" and "up" (dot segments). */
const DOT_SEGMENT = /\/\.\.?(?=\/|$)/;
const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443' };

export interface PlainUrl {
  readonly scheme: string;
  readonly host: string;
  /** Undefined for the scheme's default (which the parser leaves out). */
  readonly port: string | undefined;
  readonly path: string;
}

/** The parts of `url` as the URL parser would write them, where it would write them as they are; undefined elsewhere (parse it). */
export function readPlainUrl(url: string): PlainUrl | undefined {
  const match = PLAIN_URL.exec(url);
  if (!match) return undefined;
  const [, scheme = '', host = '', port, path = '/'] = match;
  if (NUMERIC_LAST_LABEL.test(host) || PUNYCODE_LABEL.test(host) || DOT_SEGMENT.test(path)) return undefined;
  if (port !== undefined && (port === DEFAULT_PORTS[scheme] || Number(port) > 65_535)) return undefined;
  return { scheme, host, port, path };
}

/** `host[:port]`, as `URL.host` writes it. */
export function hostWithPort(plain: PlainUrl): string {
  return plain.port === undefined ? plain.host : `${plain.host}:${plain.port}`;
}
