import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import { sleep } from './ports';

/**
 * What a user does and sees in the extension's pages (prompt, popup, options),
 * the same in both browsers. Every read is bounded: a page can be mid-navigation.
 */

/** What the prompt window says, once it has loaded its state from the background. */
export async function readPrompt(prompt: Page): Promise<string> {
  await prompt.waitForSelector('input[name=username]');
  await prompt.waitForFunction(() => !document.body.innerText.includes('Loading…'));
  return prompt.evaluate(() => document.body.innerText);
}

/** Types into the prompt like a user and presses Enter. */
export async function signIn(
  prompt: Page,
  username: string,
  password: string,
  scope: 'device' | 'session' | 'once' = 'device',
): Promise<void> {
  await prompt.waitForSelector('input[name=username]');
  // After a refusal the prompt fills in the refused user name: type over it, as a user would.
  await prompt.$eval('input[name=username]', (el) => el.select());
  await prompt.type('input[name=username]', username);
  await prompt.type('input[name=password]', password);
  await prompt.click(`input[name=scope][value=${scope}]`);
  await prompt.focus('input[name=password]');
  // A successful submit closes the window as soon as the keydown lands, so the
  // keyup can meet a closed target: that is the expected end, not a failure.
  await prompt.keyboard.press('Enter').catch((error: unknown) => {
    if (prompt.isClosed() || (error instanceof Error && error.name === 'TargetCloseError')) return;
    throw error;
  });
}

/** Polls until `check` returns a value (not undefined/false) or the time is up. */
export async function waitUntil<T>(check: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(250);
  }
}

/** Starts a navigation without awaiting it, and gives its outcome as a status code or an error text. */
export function navigate(page: Page, url: string, timeoutMs = 60_000): Promise<number | string> {
  return page.goto(url, { timeout: timeoutMs, waitUntil: 'load' }).then(
    (response) => response?.status() ?? 'no response',
    (error: unknown) => `error: ${error instanceof Error ? error.message : String(error)}`,
  );
}

export interface OptionsLogRow {
  proxy: string;
  outcome: string;
  cause: string;
}

/**
 * Waits for the options page's log table to show a row and returns the
 * first. When none comes, the error says what the page showed instead (its
 * error line, "showing 0 of N", the log's health), so a failure in CI can be
 * told apart from an empty log.
 */
export async function waitForLogRows(options: Page, timeoutMs = 30_000): Promise<ElementHandle<Element>> {
  try {
    const row = await options.waitForSelector('[data-testid=log-row]', { timeout: timeoutMs });
    if (row !== null) return row;
    throw new Error('waitForSelector found no row');
  } catch (error) {
    const shown = await readText(options, 'body').catch((e: unknown) => `(page unreadable: ${String(e)})`);
    const where = await options.evaluate(() => `${location.href}, ${document.readyState}`).catch(() => '(no location)');
    throw new Error(
      `no log row within ${timeoutMs} ms on ${where}; the page showed: ${(shown ?? '').replace(/\s+/g, ' ').slice(0, 1_500)}`,
      {
        cause: error,
      },
    );
  }
}

/** The options page's "N of M records" line. */
export async function readShowing(options: Page): Promise<{ shown: number; total: number } | undefined> {
  const text = await options.evaluate(() => document.querySelector('[data-testid=showing]')?.textContent ?? '');
  const match = /(\d+) of (\d+)/.exec(text);
  return match ? { shown: Number(match[1]), total: Number(match[2]) } : undefined;
}

/**
 * Narrows the options page's log with its own filters, as a user would: clear,
 * then set one control at a time and let the page render in between (a user's
 * separate clicks never fire two changes in one task). Throws when a select has
 * no such option yet (its records have not loaded). The table is virtualised,
 * so filtering is how a test — and a user — finds a row. Returns the rows shown.
 */
export async function filterOptionsLog(
  options: Page,
  filter: { proxy?: string; outcome?: string; text?: string; site?: string },
): Promise<OptionsLogRow[]> {
  await options.evaluate(async (f) => {
    const render = () => new Promise((r) => setTimeout(r, 0));
    const clear = [...document.querySelectorAll<HTMLButtonElement>('[data-testid=filters] button')].at(-1);
    if (!clear) throw new Error('no clear-filters button on the options page');
    clear.click();
    await render();
    const controls: [string, string | undefined, string][] = [
      ['select[name=proxy]', f.proxy, 'change'],
      ['select[name=outcome]', f.outcome, 'change'],
      ['input[name=text]', f.text, 'input'],
      ['input[name=site]', f.site, 'input'],
    ];
    for (const [selector, value, event] of controls) {
      if (value === undefined || value === '') continue;
      const el = document.querySelector<HTMLInputElement | HTMLSelectElement>(selector);
      if (!el) throw new Error(`no ${selector} on the options page`);
      el.value = value;
      if (el.value !== value) throw new Error(`${selector} has no option ${value}`);
      el.dispatchEvent(new Event(event, { bubbles: true }));
      await render();
    }
    await new Promise((r) => setTimeout(r, 50));
  }, filter);
  return options.$$eval('[data-testid=log-row]', (rows) =>
    rows.map((row) => ({
      proxy: row.getAttribute('data-proxy') ?? '',
      outcome: row.getAttribute('data-outcome') ?? '',
      cause: row.getAttribute('data-cause') ?? '',
    })),
  );
}

export interface RecordDetailsView {
  /** data-cause of [data-testid=record-details]. */
  cause: string;
  causeText: string;
  fixText: string;
}

/** Clicks the first row the log shows and reads the details panel it opens. */
export async function openFirstLogRow(options: Page): Promise<RecordDetailsView> {
  const row = await waitForLogRows(options);
  const requestCause = await row.evaluate((el) => el.getAttribute('data-cause') ?? '');
  await row.click();
  await options.waitForFunction(
    (cause) => document.querySelector('[data-testid=record-details]')?.getAttribute('data-cause') === cause,
    { timeout: 5_000 },
    requestCause,
  );
  return options.$eval('[data-testid=record-details]', (el) => ({
    cause: el.getAttribute('data-cause') ?? '',
    causeText: el.querySelector('[data-testid=cause]')?.textContent?.trim() ?? '',
    fixText: el.querySelector('[data-testid=fix]')?.textContent?.trim() ?? '',
  }));
}

export interface SummaryRowView {
  challenges: number;
  answeredSilently: number;
  prompts: number;
  rejections: number;
  endedWell: string;
  lastProblem: string;
}

/** One proxy's row of the per-proxy summary table (`tr[data-proxy="host:port"]`). */
export async function readSummaryRow(options: Page, proxy: string): Promise<SummaryRowView> {
  const cells = await options.$$eval(`[data-testid=proxy-summary] tr[data-proxy="${proxy}"] td`, (tds) =>
    tds.map((td) => td.textContent?.trim() ?? ''),
  );
  if (cells.length < 7) throw new Error(`no summary row for ${proxy}: ${JSON.stringify(cells)}`);
  return {
    challenges: Number(cells[1]),
    answeredSilently: Number(cells[2]),
    prompts: Number(cells[3]),
    rejections: Number(cells[4]),
    endedWell: cells[5] ?? '',
    lastProblem: cells[6] ?? '',
  };
}

/** Sets the log's from/to filter (datetime-local, minute precision) as a user would; undefined clears it. */
export async function setOptionsDateFilter(options: Page, which: 'from' | 'to', time: number | undefined): Promise<void> {
  await options.evaluate(
    async (name, t) => {
      const el = document.querySelector<HTMLInputElement>(`input[name=${name}]`);
      if (!el) throw new Error(`no input[name=${name}] on the options page`);
      const pad = (n: number) => String(n).padStart(2, '0');
      const d = t === null ? undefined : new Date(t);
      el.value = d ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}` : '';
      el.dispatchEvent(new Event('change', { bubbles: true }));
      await new Promise((r) => setTimeout(r, 50));
    },
    which,
    time ?? null,
  );
}

/** RFC 4180 CSV (quoted cells, doubled quotes, CRLF or LF rows) into rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

/** Presses Esc in the prompt; the window closes itself on cancel, which may cut the keyup short. */
export async function cancelPromptWithEsc(prompt: Page): Promise<void> {
  await prompt.waitForSelector('input[name=username]');
  await prompt.focus('input[name=username]');
  await prompt.keyboard.press('Escape').catch((error: unknown) => {
    if (prompt.isClosed() || (error instanceof Error && error.name === 'TargetCloseError')) return;
    throw error;
  });
}

/** Text of an element, or null when there is none (bounded). */
export async function readText(page: Page, selector: string): Promise<string | null> {
  return Promise.race([page.evaluate((s) => document.querySelector(s)?.textContent ?? null, selector), sleep(2_000).then(() => null)]);
}

/** The number in a "N requests are waiting…" line (prompt or popup), or undefined before it shows. */
export async function readWaitingCount(page: Page): Promise<number | undefined> {
  const text = await readText(page, '[data-testid=waiting]');
  const n = text === null ? null : /\d+/.exec(text);
  return n === null ? undefined : Number(n[0]);
}

/**
 * Waits for a finished download matching `pattern` that is not in `before`.
 * Chromium writes `<name>.crdownload` and Firefox `<name>.part` first, then
 * rename: a final name with a stable size is a complete file.
 */
export async function waitForDownload(
  dir: string,
  pattern: RegExp,
  before: ReadonlySet<string>,
  timeoutMs = 15_000,
): Promise<{ name: string; text: string }> {
  const deadline = Date.now() + timeoutMs;
  let lastSize = -1;
  while (Date.now() < deadline) {
    const name = (await readdir(dir)).find((n) => pattern.test(n) && !before.has(n));
    if (name !== undefined) {
      const { size } = await stat(join(dir, name));
      if (size > 0 && size === lastSize) return { name, text: await readFile(join(dir, name), 'utf8') };
      lastSize = size;
    }
    await sleep(150);
  }
  throw new Error(`no download matching ${pattern} in ${dir} within ${timeoutMs} ms`);
}

/** The prompt id in a prompt window's address (each prompt the background opens has its own). */
export async function readPromptId(prompt: Page): Promise<string | undefined> {
  const href = await Promise.race([prompt.evaluate(() => location.href), sleep(2_000).then(() => '')]).catch(() => '');
  return href === '' ? undefined : (new URL(href).searchParams.get('id') ?? undefined);
}

/**
 * Waits for a prompt window other than the one with `previousId` (that one
 * may still be closing after its submit), and returns it once it has loaded.
 */
export async function waitForAnotherPrompt(
  waitForPrompt: (timeoutMs?: number) => Promise<Page>,
  previousId: string | undefined,
  timeoutMs = 15_000,
): Promise<Page> {
  return waitUntil(
    async () => {
      const prompt = await waitForPrompt(2_000);
      const id = await readPromptId(prompt);
      return id !== undefined && id !== previousId && !prompt.isClosed() ? prompt : undefined;
    },
    timeoutMs,
    'a new prompt window',
  );
}

/** Presses "Copy report for your network administrator" on the options page and reads the report it shows. */
export async function copyAdminReport(options: Page): Promise<string> {
  await options.bringToFront();
  await options.click('[data-testid=copy-report]');
  return waitUntil(async () => options.$eval('textarea[data-testid=report]', (el) => el.value), 10_000, 'the admin report');
}
