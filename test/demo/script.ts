import { mkdir, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import type { LogRecord } from '../../src/core/log-record';
import type { BrowserUnderTest } from '../e2e/support/browser';
import { OPTIONS_PATH, POPUP_PATH } from '../e2e/support/extension';
import { listCredentials, readLogOf, sendFromPage } from '../e2e/support/messages';
import { navigate, readPrompt, readText, signIn, waitUntil } from '../e2e/support/steps';
import { ARTIFACTS } from '../e2e/support/stack';
import { DEMO_ACCOUNT, type DemoProxy } from './proxy';
import { TILES, type DemoSite } from './site';

export const DEMO_ARTIFACTS = resolve(ARTIFACTS, 'demo');

/** A password the demo account does not have: what a user mistyped, or what changed on the proxy. */
const WRONG_PASSWORD = 'not-the-demo-password';

interface Check {
  readonly what: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface ScriptResult {
  readonly ok: boolean;
  readonly summaryPath: string;
}

/**
 * The demo without a display: what a user would do, done through the real
 * prompt window, with screenshots and a summary. Each step is checked; a step
 * that throws is recorded as failed and the run goes on to the summary.
 */
export async function runScripted(
  b: BrowserUnderTest,
  proxy: DemoProxy,
  site: DemoSite,
  say: (line: string) => void,
): Promise<ScriptResult> {
  await rm(DEMO_ARTIFACTS, { recursive: true, force: true });
  await mkdir(DEMO_ARTIFACTS, { recursive: true });
  const shot = (name: string) => resolve(DEMO_ARTIFACTS, name);
  const checks: Check[] = [];
  const check = (what: string, ok: boolean, detail: string) => {
    checks.push({ what, ok, detail });
    say(`${ok ? 'ok  ' : 'FAIL'} ${what}: ${detail}`);
  };
  const step = async (what: string, run: () => Promise<string>) => {
    try {
      check(what, true, await run());
    } catch (error) {
      check(what, false, error instanceof Error ? error.message.split('\n')[0]! : String(error));
    }
  };
  const url = site.url('/');

  // The popup opens before the challenge: in Firefox a page opened while the
  // prompt is up lands in the prompt's window and closes with it.
  const popup = await b.openExtensionPage(POPUP_PATH);
  await popup.setViewport({ width: 400, height: 700 });

  let first: { page: Page; prompt: Page; loading: Promise<number | string> } | undefined;
  await step('the prompt opens when the proxy asks', async () => {
    const page = await b.freshPage(proxy.port);
    await page.setViewport({ width: 1000, height: 900 });
    const loading = navigate(page, url, 60_000);
    const prompt = await b.waitForPrompt(30_000);
    first = { page, prompt, loading };
    const text = await readPrompt(prompt);
    await prompt.screenshot({ path: shot('prompt.png') });
    await popup.waitForSelector('[data-testid=waiting-prompts] input[name=username]', { timeout: 10_000 }).catch(() => undefined);
    await popup.screenshot({ path: shot('popup.png'), fullPage: true });
    if (!text.includes(proxy.label)) throw new Error(`the prompt does not name ${proxy.label}: ${text.slice(0, 120)}`);
    return `a prompt for ${proxy.label} (prompt.png, popup.png)`;
  });

  await step('signing in through the prompt loads the page', async () => {
    if (first === undefined) throw new Error('no prompt to sign in to');
    await signIn(first.prompt, DEMO_ACCOUNT.user, DEMO_ACCOUNT.password, 'device');
    const status = await first.loading;
    if (status !== 200) throw new Error(`the page ended with ${status}`);
    const loaded = await waitForPage(first.page);
    await first.page.screenshot({ path: shot('page.png') });
    return `${loaded} (page.png)`;
  });

  await step('reloading in a fresh session is answered silently', async () => {
    // The browser re-sends a password it already holds without asking anyone,
    // so the reload goes to a fresh session (incognito context / relaunched
    // Firefox): the proxy asks again and only the extension can answer.
    const watch = b.watchPromptWindows();
    try {
      const page = await b.freshPage(proxy.port);
      const status = await navigate(page, url, 60_000);
      if (status !== 200) throw new Error(`the page ended with ${status}`);
      const loaded = await waitForPage(page);
      await page.close();
      if (watch.count() > 0) throw new Error(`${watch.count()} prompt window(s) opened`);
      return `${loaded}, no prompt`;
    } finally {
      watch.stop();
    }
  });

  const failedBefore = (await proxy.counts()).failedLogins;
  await step('a wrong saved password is refused once, then the prompt asks', async () => {
    // What a user does on the options page: edit the saved password (to a wrong one).
    const messaging = await b.messagingPage();
    const saved = (await listCredentials(messaging)).find((c) => c.proxy.port === proxy.port && c.username === DEMO_ACCOUNT.user);
    if (saved === undefined) throw new Error('no saved demo account to edit');
    await sendFromPage(messaging, 'credentials:save', {
      id: saved.id,
      host: saved.proxy.host,
      port: saved.proxy.port,
      realm: saved.realm ?? '',
      username: DEMO_ACCOUNT.user,
      password: WRONG_PASSWORD,
      scope: 'device',
    });
    const page = await b.freshPage(proxy.port);
    const loading = navigate(page, url, 60_000);
    const prompt = await b.waitForPrompt(30_000);
    await readPrompt(prompt);
    const refused = await waitUntil(
      () => readText(prompt, '[data-testid=rejected]').then((t) => t ?? undefined),
      10_000,
      'the refused line',
    );
    await prompt.screenshot({ path: shot('prompt-refused.png') });
    await signIn(prompt, DEMO_ACCOUNT.user, DEMO_ACCOUNT.password, 'device');
    const status = await loading;
    if (status !== 200) throw new Error(`after signing in again the page ended with ${status}`);
    await waitForPage(page);
    const failed = (await proxy.counts()).failedLogins - failedBefore;
    if (failed !== 1) throw new Error(`the proxy saw ${failed} failed logins, not 1`);
    return `1 failed login at the proxy; the prompt said "${refused.trim()}" (prompt-refused.png)`;
  });

  let log: LogRecord[] = [];
  await step('the diagnostics page lists every challenge', async () => {
    log = await readLogOf(await b.messagingPage(), proxy.label);
    const options = await b.openExtensionPage(OPTIONS_PATH);
    await options.setViewport({ width: 1280, height: 1600 });
    await options.waitForSelector('[data-testid=log-row]', { timeout: 10_000 });
    await options.evaluate(() => document.querySelector('[data-testid=log]')?.closest('section')?.scrollIntoView());
    await options.screenshot({ path: shot('options.png') });
    return `${log.length} records (options.png)`;
  });

  const outcomes = countOutcomes(log);
  const counts = await proxy.counts();
  const expected: [string, boolean][] = [
    ['prompted', (outcomes['prompted'] ?? 0) >= 2],
    ['answered-prompt', (outcomes['answered-prompt'] ?? 0) >= 2],
    ['answered-saved', (outcomes['answered-saved'] ?? 0) >= 2],
    ['rejected', outcomes['rejected'] === 1],
  ];
  for (const [outcome, ok] of expected) check(`log outcome ${outcome}`, ok, `${outcomes[outcome] ?? 0} record(s)`);
  check('failed logins at the proxy', counts.failedLogins === 1, String(counts.failedLogins));

  const ok = checks.every((c) => c.ok);
  const summaryPath = shot('summary.txt');
  await writeFile(summaryPath, renderSummary({ b, proxy, log, outcomes, counts, checks, ok }));
  return { ok, summaryPath };
}

async function waitForPage(page: Page): Promise<string> {
  await page.waitForFunction(() => document.body?.dataset['done'] === 'true', { timeout: 30_000 });
  const title = await page.title();
  if (!title.includes(`${2 * TILES}/${2 * TILES} loaded`)) throw new Error(`the page says "${title}"`);
  return `${2 * TILES} of ${2 * TILES} resources loaded`;
}

function countOutcomes(log: readonly LogRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of log) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
  return counts;
}

function renderSummary(s: {
  b: BrowserUnderTest;
  proxy: DemoProxy;
  log: readonly LogRecord[];
  outcomes: Record<string, number>;
  counts: { challenges: number; failedLogins: number };
  checks: readonly Check[];
  ok: boolean;
}): string {
  // Counted as the options page's "By proxy" table counts: a challenge is a decision
  // (answered from the saved password or prompted), and a silent answer the proxy
  // refused (the request's next challenge is "rejected") is not an answer.
  const refusedRequests = new Set(s.log.filter((r) => r.outcome === 'rejected').map((r) => r.requestId));
  const decisions = s.log.filter((r) => r.outcome === 'answered-saved' || r.outcome === 'prompted').length;
  const silent = s.log.filter((r) => r.outcome === 'answered-saved' && !refusedRequests.has(r.requestId)).length;
  const fromPrompt = s.outcomes['answered-prompt'] ?? 0;
  const lines = [
    `Proxy Keyring demo, ${s.b.name}, ${new Date().toISOString()}`,
    `proxy: ${s.proxy.kind} on ${s.proxy.label}, account ${DEMO_ACCOUNT.user}`,
    '',
    `challenges (extension's log): ${decisions}, ${s.log.length} records`,
    `answers: ${silent + fromPrompt} that went through (${silent} silent from the saved password, ${fromPrompt} from the prompt); ${refusedRequests.size} refused by the proxy`,
    `outcomes (extension's log): ${Object.entries(s.outcomes)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([o, n]) => `${o} ${n}`)
      .join(', ')}`,
    `proxy: ${s.counts.challenges} challenges (407 without credentials), ${s.counts.failedLogins} failed login(s) (407 with credentials)`,
    '',
    ...s.checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.what}: ${c.detail}`),
    '',
    s.ok ? 'result: every step as expected' : 'result: FAILED (see the FAIL lines)',
    '',
  ];
  return lines.join('\n');
}
