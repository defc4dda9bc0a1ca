/**
 * `npm start` / `npm run start:firefox`: the built extension in a real browser
 * behind an authenticating proxy on 127.0.0.1, with a demo account and a demo
 * page. With a display, a visible browser the user drives; without one, the
 * same demo headless and scripted, with screenshots and a summary under
 * test-artifacts/demo/ and an exit code that says whether it all went as
 * expected (CI runs it so).
 *
 *   node --import tsx test/demo/demo.ts [--browser chromium|firefox] [--squid] [--headless] [--port N]
 *
 * PK_CHROMIUM_BIN / PK_FIREFOX_BIN point at another browser binary.
 */
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import type { BrowserName, BrowserUnderTest } from '../e2e/support/browser';
import { CHROMIUM_BIN } from '../e2e/support/chromium';
import { CHROME_DIST, FIREFOX_DIST, REPO_ROOT } from '../e2e/support/extension';
import { asFirefox, FIREFOX_BIN } from '../e2e/support/firefox';
import { makePacUrl } from '../e2e/support/pac';
import { launchBrowser } from '../e2e/support/stack';
import { DEMO_ACCOUNT, DemoError, startDemoProxy, type DemoProxy } from './proxy';
import { runScripted, DEMO_ARTIFACTS } from './script';
import { DEMO_HOST, startDemoSite, type DemoSite } from './site';

const EXIT_OK = 0;
const EXIT_CHECKS_FAILED = 1;
const EXIT_CANNOT_RUN = 2;
const EXIT_INTERRUPTED = 130;

const USAGE = 'usage: npm start [-- --browser chromium|firefox] [--squid] [--headless] [--port N]';

interface Options {
  browser: BrowserName;
  squid: boolean;
  headless: boolean;
  port: number | undefined;
  help: boolean;
}

const BROWSERS: Record<BrowserName, { label: string; env: string; bin: string; dist: string; install: string; privateKeys: string }> = {
  chromium: {
    label: 'Chromium',
    env: 'PK_CHROMIUM_BIN',
    bin: CHROMIUM_BIN,
    dist: CHROME_DIST,
    install: 'chromium',
    privateKeys: 'Ctrl+Shift+N',
  },
  firefox: {
    label: 'Firefox',
    env: 'PK_FIREFOX_BIN',
    bin: FIREFOX_BIN,
    dist: FIREFOX_DIST,
    install: 'firefox-esr',
    privateKeys: 'Ctrl+Shift+P',
  },
};

/** What was started, stopped in reverse order, once, on every way out (Ctrl-C included). */
const stops: (() => Promise<void>)[] = [];
let stopping: Promise<void> | undefined;
function stopAll(): Promise<void> {
  stopping ??= (async () => {
    for (const stop of stops.splice(0).reverse())
      await stop().catch((e: unknown) => {
        if (process.env['PK_DEMO_DEBUG'] === '1') console.error('stop failed:', e);
      });
  })();
  return stopping;
}

/** Set by Ctrl-C: what the interrupted steps report then is noise. */
let interrupted = false;
function say(line = ''): void {
  if (!interrupted) process.stdout.write(`${line}\n`);
}

function parseOptions(argv: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        browser: { type: 'string', default: 'chromium' },
        squid: { type: 'boolean', default: false },
        headless: { type: 'boolean', default: false },
        port: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new DemoError(`${error instanceof Error ? error.message : String(error)}; ${USAGE}`);
  }
  if (values.help) return { browser: 'chromium', squid: false, headless: false, port: undefined, help: true };
  if (values.browser !== 'chromium' && values.browser !== 'firefox') throw new DemoError(`--browser is chromium or firefox; ${USAGE}`);
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65_535))
    throw new DemoError(`--port needs a port number; ${USAGE}`);
  return { browser: values.browser, squid: values.squid, headless: values.headless, port, help: false };
}

function findBrowser(name: BrowserName): string {
  const b = BROWSERS[name];
  const override = process.env[b.env];
  const bin = override !== undefined && override !== '' ? override : b.bin;
  if (existsSync(bin)) return bin;
  throw new DemoError(
    override !== undefined && override !== ''
      ? `${b.label} not found at ${bin} (${b.env}): apt-get install ${b.install}, or point ${b.env} at a ${b.label} binary`
      : `${b.label} is not installed (no ${bin}): apt-get install ${b.install}`,
  );
}

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2));
  if (opts.help) {
    say(USAGE);
    return EXIT_OK;
  }
  const b = BROWSERS[opts.browser];
  const executablePath = findBrowser(opts.browser);
  if (!existsSync(`${b.dist}/manifest.json`))
    throw new DemoError(`no built extension in ${relative(REPO_ROOT, b.dist)}: run npm run build first`);
  const display = process.env['DISPLAY'] || process.env['WAYLAND_DISPLAY'];
  const headless = opts.headless || !display;

  say(`Proxy Keyring demo in ${b.label}`);
  if (!display) say('No display ($DISPLAY and $WAYLAND_DISPLAY are unset): running the demo headless and scripted.');
  else if (opts.headless) say('--headless: running the demo headless and scripted.');

  // The site first: the proxy lets requests through to its port only, and the page names the proxy once it runs.
  let proxyLabel = '';
  const site: DemoSite = await startDemoSite(() => proxyLabel, DEMO_ACCOUNT.user);
  stops.push(() => site.stop());
  const proxy: DemoProxy = await startDemoProxy({ squid: opts.squid, port: opts.port, sitePort: site.port });
  stops.push(() => proxy.stop());
  proxyLabel = proxy.label;

  const url = site.url('/');
  say(`proxy:    ${proxy.kind} on ${proxy.label}`);
  say(`account:  user ${DEMO_ACCOUNT.user}   password ${DEMO_ACCOUNT.password}`);
  say(`page:     ${url} (only through the proxy)`);
  say('What to try:');
  say('  1. sign in: the Proxy Keyring window asks for the proxy password when the page opens; type the account above');
  say(
    `  2. the silent answer: load the page in a new private window (${b.privateKeys}); the proxy asks, Proxy Keyring answers, no window opens`,
  );
  say('  3. a wrong password is refused once: on the options page edit the saved password to a wrong one, then step 2 again:');
  say('     the proxy refuses it once and the window asks again, saying so');
  say('  4. diagnostics: toolbar button → Proxy Keyring → Open diagnostics and settings');

  // Only the demo site goes through the proxy; everything else the browser sends goes direct.
  const pacUrl = makePacUrl({ [DEMO_HOST]: proxy.port });
  // Stopped even when Ctrl-C comes while it is still starting.
  const launching = launchBrowser(opts.browser, { pacUrl, headless, executablePath, handleSignals: false });
  stops.push(async () => (await launching).close());
  let browser: BrowserUnderTest;
  try {
    browser = await launching;
  } catch (error) {
    throw new DemoError(`${b.label} (${executablePath}) did not start: ${firstLine(error)}`);
  }

  if (headless) {
    say();
    const result = await runScripted(browser, proxy, site, (line) => say(`  ${line}`));
    await stopAll();
    say();
    say(`Screenshots and summary: ${DEMO_ARTIFACTS}`);
    say(result.ok ? 'Demo: every step as expected.' : `Demo: FAILED, see ${result.summaryPath}`);
    return result.ok ? EXIT_OK : EXIT_CHECKS_FAILED;
  }

  if (opts.browser === 'firefox') await asFirefox(browser).allowInPrivateWindows();
  const [first] = await browser.browser.pages();
  const page = first ?? (await browser.browser.newPage());
  // puppeteer emulates an 800×600 viewport on pages it drives: give the window back its own size.
  await page.setViewport(null);
  void page.goto(url, { timeout: 0 }).catch(() => undefined);
  say();
  say(`${b.label} is open. Close its window, or press Ctrl-C here, to stop the demo.`);
  await new Promise<void>((resolve) => browser.browser.once('disconnected', () => resolve()));
  await stopAll();
  say('Demo stopped.');
  return EXIT_OK;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

/**
 * The demo ends when everything it started is stopped: no `process.exit`, so a
 * server, browser or socket left open shows as a demo that does not end (CI
 * runs it under a timeout). Should that happen, what is still open is printed.
 */
function end(code: number): void {
  process.exitCode = code;
  setTimeout(() => {
    process.stderr.write(`The demo is done but still holds: ${process.getActiveResourcesInfo().join(', ')}\n`);
  }, 10_000).unref();
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    say();
    say('Stopping the demo…');
    interrupted = true;
    void stopAll().then(() => {
      process.stdout.write('Demo stopped.\n');
      // The steps it cut short may still wait on their timers: the signal's own default (the handler is gone) ends it now.
      process.kill(process.pid, signal);
    });
  });
}

main().then(
  (code) => end(interrupted ? EXIT_INTERRUPTED : code),
  async (error: unknown) => {
    await stopAll();
    if (error instanceof DemoError) say(`Cannot run the demo: ${error.message}`);
    else {
      say(`The demo failed: ${firstLine(error)}`);
      if (process.env['PK_DEMO_DEBUG'] === '1') console.error(error);
      else say('(PK_DEMO_DEBUG=1 shows the details)');
    }
    end(interrupted ? EXIT_INTERRUPTED : error instanceof DemoError ? EXIT_CANNOT_RUN : EXIT_CHECKS_FAILED);
  },
);
