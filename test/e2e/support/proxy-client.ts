import { createHash, randomBytes } from 'node:crypto';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect as connectTls } from 'node:tls';

export interface ProxyResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Credentials {
  user: string;
  password: string;
}

/** GET an absolute URL through an HTTP proxy on 127.0.0.1, like a browser would. */
export function proxyGet(proxyPort: number, url: string, headers: Record<string, string> = {}): Promise<ProxyResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      // agent: false → a fresh connection each time, so no state leaks between asserts.
      { host: '127.0.0.1', port: proxyPort, method: 'GET', path: url, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

export function basicAuthHeader({ user, password }: Credentials): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/**
 * GET through a Digest proxy: first request gets the challenge, second answers
 * it (RFC 7616 with MD5 and qop=auth, what squid offers).
 */
export async function proxyGetWithDigest(
  proxyPort: number,
  url: string,
  creds: Credentials,
): Promise<{ challenge: ProxyResponse; response: ProxyResponse }> {
  const challenge = await proxyGet(proxyPort, url);
  const header = String(challenge.headers['proxy-authenticate'] ?? '');
  const authorization = answerDigestChallenge(header, 'GET', url, creds);
  const response = await proxyGet(proxyPort, url, { 'Proxy-Authorization': authorization });
  return { challenge, response };
}

export function answerDigestChallenge(header: string, method: string, uri: string, { user, password }: Credentials): string {
  const params = parseAuthParams(header.replace(/^Digest\s+/i, ''));
  const realm = params.realm ?? '';
  const nonce = params.nonce ?? '';
  const md5 = (s: string) => createHash('md5').update(s).digest('hex');
  const cnonce = randomBytes(8).toString('hex');
  const nc = '00000001';
  const ha1 = md5(`${user}:${realm}:${password}`);
  const ha2 = md5(`${method}:${uri}`);
  const response = md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
  return (
    `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", ` +
    `qop=auth, nc=${nc}, cnonce="${cnonce}", response="${response}"`
  );
}

function parseAuthParams(text: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const m of text.matchAll(/(\w+)=(?:"([^"]*)"|([^\s,]+))/g)) {
    const key = m[1];
    if (key !== undefined) params[key.toLowerCase()] = m[2] ?? m[3] ?? '';
  }
  return params;
}

export interface ConnectResult {
  status: number;
  statusMessage: string;
  /** Body of GET `path` over TLS through the tunnel, when the tunnel opened. */
  tunneledBody?: string;
}

/** CONNECT host:port through the proxy; on 200 fetch `path` over TLS inside the tunnel. */
export function proxyConnect(
  proxyPort: number,
  authority: string,
  headers: Record<string, string> = {},
  path = '/hello.txt',
): Promise<ConnectResult> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: proxyPort,
      method: 'CONNECT',
      path: authority,
      headers,
      agent: false,
    });
    req.on('connect', (res, socket) => {
      const result = { status: res.statusCode ?? 0, statusMessage: res.statusMessage ?? '' };
      if (result.status !== 200) {
        socket.destroy();
        resolve(result);
        return;
      }
      const tls = connectTls({ socket, rejectUnauthorized: false, servername: 'localhost' }, () => {
        tls.write(`GET ${path} HTTP/1.1\r\nHost: ${authority}\r\nConnection: close\r\n\r\n`);
      });
      const chunks: Buffer[] = [];
      tls.on('data', (c: Buffer) => chunks.push(c));
      tls.on('end', () => resolve({ ...result, tunneledBody: Buffer.concat(chunks).toString() }));
      tls.on('error', reject);
    });
    // A non-2xx CONNECT answer arrives as a normal response.
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, statusMessage: res.statusMessage ?? '' });
    });
    req.on('error', reject);
    req.end();
  });
}
