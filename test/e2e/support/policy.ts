import { createHash } from 'node:crypto';
import { access, mkdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ACCOUNTS, type Account } from './accounts';
import type { BrowserName, BrowserUnderTest } from './browser';
import { CHROME_DIST, GECKO_ID } from './extension';
import { startOrigin, type Origin } from './origin';
import { makePacUrl } from './pac';
import { startSquid, type Squid } from './squid';
import { launchBrowser } from './stack';

/**
 * An administrator's policy for the extension, written where each browser
 * reads it at start, and a stack (origin, squid, browser) started after it.
 * The files are machine-wide and these tests run as root: they are written
 * right before the browser starts and removed as soon as it stops (also on
 * failure), and a file already there that is not ours is never touched.
 */

/** Linux Chromium reads every JSON file here (mandatory policies). */
export const CHROMIUM_POLICY_DIR = '/etc/chromium/policies/managed';
/** Debian's firefox-esr reads the distribution folder beside its binary (/usr/lib/firefox-esr). */
export const FIREFOX_POLICY_FILE = '/usr/lib/firefox-esr/distribution/policies.json';

/** The policy account squid knows: it shows in squid's log when the policy's password answered. */
export const FLEET: Account = { user: 'fleet', password: 'fl33t-from-policy' };

/** Chrome's id of the built extension: from the manifest's public `key` (first 128 bits of its SHA-256, 0-f as a-p). */
export async function chromeExtensionId(dist = CHROME_DIST): Promise<string> {
  const manifest = JSON.parse(await readFile(resolve(dist, 'manifest.json'), 'utf8')) as { key?: string };
  if (!manifest.key) throw new Error('the Chrome build has no manifest key: its id is not stable');
  const hex = createHash('sha256').update(Buffer.from(manifest.key, 'base64')).digest('hex').slice(0, 32);
  return [...hex].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** What is written and not yet removed: `removeWrittenPolicies` clears it after a test that never reached its own cleanup (a timeout). */
const written = new Set<() => Promise<void>>();

export async function removeWrittenPolicies(): Promise<void> {
  for (const remove of [...written]) await remove();
}

/** Writes the policy for `name`'s browser; the returned function removes exactly what was written. */
export async function writeBrowserPolicy(name: BrowserName, policy: Record<string, unknown>): Promise<() => Promise<void>> {
  const file = name === 'chromium' ? resolve(CHROMIUM_POLICY_DIR, `proxy-keyring-e2e-${process.pid}.json`) : FIREFOX_POLICY_FILE;
  if (await exists(file)) throw new Error(`${file} already exists: not ours, left alone`);
  const created: string[] = [];
  for (let dir = dirname(file); !(await exists(dir)); dir = dirname(dir)) created.unshift(dir);
  await mkdir(dirname(file), { recursive: true });
  const content =
    name === 'chromium'
      ? { '3rdparty': { extensions: { [await chromeExtensionId()]: policy } } }
      : { policies: { '3rdparty': { Extensions: { [GECKO_ID]: policy } } } };
  await writeFile(file, JSON.stringify(content, null, 2));
  const remove = async () => {
    written.delete(remove);
    await rm(file, { force: true });
    for (const dir of created.reverse()) await rmdir(dir).catch(() => undefined);
  };
  written.add(remove);
  return remove;
}

export interface PolicyStack {
  readonly origin: Origin;
  readonly squid: Squid;
  readonly browser: BrowserUnderTest;
  /** The one proxy (a Basic squid port) the PAC sends `policy.test` through. */
  readonly port: number;
  readonly proxy: string;
  url(path?: string): string;
  stop(): Promise<void>;
}

/**
 * Origin and squid first (the policy names the proxy's port), then the
 * policy, then a browser of its own that starts with it; `stop` removes the
 * policy with the browser. Nothing of the other scenarios' stacks is shared.
 */
export async function startPolicyStack(
  name: BrowserName,
  policyFor: (proxy: { port: number }) => Record<string, unknown>,
): Promise<PolicyStack> {
  const origin = await startOrigin();
  let squid: Squid | undefined;
  let removePolicy: (() => Promise<void>) | undefined;
  let browser: BrowserUnderTest | undefined;
  try {
    squid = await startSquid({
      ports: [{ name: 'policy', auth: 'basic' }],
      users: [...ACCOUNTS, FLEET],
      hosts: { 'policy.test': '127.0.0.1' },
    });
    const port = squid.ports['policy']!;
    removePolicy = await writeBrowserPolicy(name, policyFor({ port }));
    browser = await launchBrowser(name, { pacUrl: makePacUrl({ 'policy.test': port }) });
    const [b, s, remove] = [browser, squid, removePolicy];
    return {
      origin,
      squid: s,
      browser: b,
      port,
      proxy: `127.0.0.1:${port}`,
      url: (path = '/') => `http://policy.test:${origin.httpPort}${path}`,
      stop: async () => {
        try {
          await b.close();
        } finally {
          await remove();
          await s.stop();
          await origin.stop();
        }
      },
    };
  } catch (error) {
    await browser?.close().catch(() => undefined);
    await removePolicy?.();
    await squid?.stop();
    await origin.stop();
    throw error;
  }
}
