// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CredentialSummary } from '../../../src/core/credential';
import { UserError } from '../../../src/core/user-error';
import { parseSettings } from '../../../src/settings/settings';
import { FIRST_WINDOW, OptionsApp, type OptionsSeam } from '../../../src/ui/options/options-app';
import { makeRecord } from '../record-factory';
import { FakeBackground } from './fake-background';
import { makeCredentialSummary } from '../credential-factory';
import { fillCredentialForm } from './page-fixtures';

// The pages reach the browser only through the seam; the real messaging module is loaded, never the polyfill.
vi.mock('webextension-polyfill', () => ({ default: {} }));

const alice = makeCredentialSummary();
const bob: CredentialSummary = { ...alice, id: 'b', username: 'bob', order: 1 };

interface BrowserSide {
  permission: boolean;
  grant: boolean | Error;
  proxySettings: unknown;
  clipboard: string[];
  clipboardRefuses: boolean;
}

let background: FakeBackground;
let side: BrowserSide;
let confirmAnswer: boolean;
let questions: string[];

beforeEach(() => {
  background = new FakeBackground();
  side = {
    permission: false,
    grant: true,
    proxySettings: {
      value: { mode: 'fixed_servers', rules: { singleProxy: { scheme: 'http', host: 'proxy.example', port: 3128 } } },
      levelOfControl: 'controlled_by_other_extensions',
    },
    clipboard: [],
    clipboardRefuses: false,
  };
  confirmAnswer = true;
  questions = [];
  vi.stubGlobal('confirm', (question: string) => (questions.push(question), confirmAnswer));
  Object.defineProperty(navigator, 'clipboard', {
    configurable: true,
    value: {
      writeText: (text: string) =>
        side.clipboardRefuses ? Promise.reject(new Error('denied')) : (side.clipboard.push(text), Promise.resolve()),
    },
  });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function renderApp() {
  const seam: OptionsSeam = {
    ...background.seam(),
    hasProxyPermission: () => Promise.resolve(side.permission),
    requestProxyPermission: () => {
      if (side.grant instanceof Error) return Promise.reject(side.grant);
      side.permission = side.grant;
      return Promise.resolve(side.grant);
    },
    readProxySettings: () => Promise.resolve(side.proxySettings),
    describeBrowser: () => Promise.resolve('Firefox 140.0'),
    extensionVersion: '9.9.9',
  };
  render(<OptionsApp seam={seam} />);
}

const rowsOf = (testId: string) => [...screen.getByTestId(testId).querySelectorAll('tbody tr')];

describe('OptionsApp: what the background holds, on screen', () => {
  it('shows a setting the policy locks once the background says the settings changed, without a reload', async () => {
    background.stored = { attemptCap: 5 };
    renderApp();
    await waitFor(() => expect(screen.getByLabelText<HTMLInputElement>(/Stop a request after/).value).toBe('5'));
    expect(screen.queryByTestId('settings-locked-attemptCap')).toBeNull();
    background.override('settings:get', () => {
      const read = parseSettings({ attemptCap: 2 });
      return {
        ...read,
        sources: { ...read.sources, attemptCap: 'policy' },
        policy: { locked: ['attemptCap'], problems: [], credentials: [] },
      };
    });
    background.announce('settings');
    await waitFor(() => expect(screen.getByTestId('settings-locked-attemptCap')).toBeTruthy());
    expect(screen.getByLabelText<HTMLInputElement>(/Stop a request after/).value).toBe('2');
  });

  it('shows the saved passwords, the skipped ones in words, the log and the stored settings', async () => {
    background.credentials = [alice];
    background.problems = [{ key: 'problem_credentialDamaged' }];
    background.records = [makeRecord({ id: 2, outcome: 'rejected', username: 'alice' }), makeRecord({ id: 1 })];
    background.stored = { attemptCap: 5 };
    renderApp();
    await waitFor(() => expect(screen.getByTestId('credentials').textContent).toContain('alice'));
    expect(screen.getByTestId('problems').textContent).toContain('A saved password is damaged and was skipped.');
    await waitFor(() => expect(screen.getAllByTestId('log-row')).toHaveLength(2));
    expect(screen.getByLabelText<HTMLInputElement>(/Stop a request after/).value).toBe('5');
  });

  it('says in words why the page could not load', async () => {
    background.failing.set('settings:get', new UserError('credentialGone', 'gone'));
    renderApp();
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('That saved password no longer exists'));
  });

  it('tells the user to reload when the background does not answer', async () => {
    background.silent.add('settings:get');
    renderApp();
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('Proxy Keyring did not answer. Reload this page'));
  });

  it('shows the newest records first and reads the rest of a large log after', async () => {
    background.records = Array.from({ length: 1200 }, (_, i) => makeRecord({ id: 1200 - i, time: 1_800_000_000_000 - i }));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const seam = background.seam();
    const slowRead = async (limit: number) => {
      if (limit > FIRST_WINDOW) await gate;
      return seam.readRecentRecords(limit);
    };
    render(
      <OptionsApp
        seam={{
          ...seam,
          readRecentRecords: slowRead,
          hasProxyPermission: () => Promise.resolve(false),
          requestProxyPermission: () => Promise.resolve(false),
          readProxySettings: () => Promise.resolve(undefined),
          describeBrowser: () => Promise.resolve('x'),
          extensionVersion: '1',
        }}
      />,
    );
    await waitFor(() =>
      expect(screen.getByTestId('showing').textContent).toBe(`${FIRST_WINDOW} of ${FIRST_WINDOW} records Reading older records…`),
    );
    release();
    await waitFor(() => expect(screen.getByTestId('showing').textContent).toBe('1200 of 1200 records'));
  });
  it('shows the records read before the first render in that render, before any answer of the background', async () => {
    background.records = Array.from({ length: 1200 }, (_, i) => makeRecord({ id: 1200 - i, time: 1_800_000_000_000 - i }));
    const first = await background.seam().readRecentRecords(FIRST_WINDOW);
    const never = new Promise<never>(() => undefined);
    render(
      <OptionsApp
        seam={{
          ...background.seam(),
          send: () => never,
          readRecentRecords: () => never,
          hasProxyPermission: () => Promise.resolve(false),
          requestProxyPermission: () => Promise.resolve(false),
          readProxySettings: () => Promise.resolve(undefined),
          describeBrowser: () => Promise.resolve('x'),
          extensionVersion: '1',
        }}
        newest={Promise.resolve(first)}
        firstRecords={first}
      />,
    );
    // No waitFor: the rows are in the first frame, with the older ones still to come.
    expect(screen.getAllByTestId('log-row').length).toBeGreaterThan(0);
    expect(screen.getByTestId('showing').textContent).toBe(`${FIRST_WINDOW} of ${FIRST_WINDOW} records Reading older records…`);
  });
});

describe('OptionsApp: live updates', () => {
  it('adds new records and takes late final results without re-reading the whole log', async () => {
    background.records = [makeRecord({ id: 2 }), makeRecord({ id: 1 })];
    renderApp();
    await waitFor(() => expect(screen.getAllByTestId('log-row')).toHaveLength(2));
    background.records = [
      makeRecord({ id: 3, outcome: 'prompted' }),
      makeRecord({ id: 2, final: { statusCode: 200 } }),
      makeRecord({ id: 1 }),
    ];
    background.announce('log');
    await waitFor(() => expect(screen.getAllByTestId('log-row')).toHaveLength(3));
    expect(screen.getAllByTestId('log-row').map((r) => r.getAttribute('data-outcome'))).toEqual([
      'prompted',
      'answered-saved',
      'answered-saved',
    ]);
  });

  it('reads the whole log again after a gap, and shows an emptied log as empty', async () => {
    background.records = [makeRecord({ id: 2 }), makeRecord({ id: 1 })];
    renderApp();
    await waitFor(() => expect(screen.getAllByTestId('log-row')).toHaveLength(2));
    // 1,500 new records: the live window (1,000) does not reach back to what the page has.
    background.records = Array.from({ length: 1502 }, (_, i) => makeRecord({ id: 1502 - i }));
    background.announce('log');
    await waitFor(() => expect(screen.getByTestId('showing').textContent).toBe('1502 of 1502 records'));
    background.records = [];
    background.announce('log');
    await waitFor(() => expect(screen.getByTestId('showing').textContent).toBe('0 of 0 records'));
  });

  it('after a gap reads back no more than the log limit the user set', async () => {
    background.stored = { logLimit: 1200 };
    background.records = [makeRecord({ id: 2 }), makeRecord({ id: 1 })];
    renderApp();
    await waitFor(() => expect(screen.getAllByTestId('log-row')).toHaveLength(2));
    background.records = Array.from({ length: 1502 }, (_, i) => makeRecord({ id: 1502 - i }));
    background.announce('log');
    await waitFor(() => expect(screen.getByTestId('showing').textContent).toBe('1200 of 1200 records'));
  });

  it('re-reads the saved passwords when another page changed them, and stops listening when closed', async () => {
    renderApp();
    await waitFor(() => expect(screen.getByText(/No saved proxy passwords yet/)).toBeTruthy());
    background.credentials = [alice];
    background.announce('credentials');
    await waitFor(() => expect(screen.getByTestId('credentials').textContent).toContain('alice'));
    expect(background.listenerCount).toBe(1);
    cleanup();
    await waitFor(() => expect(background.listenerCount).toBe(0));
  });
});

describe('OptionsApp: saved passwords', () => {
  it('saves a new password in the background and lists it', async () => {
    renderApp();
    fireEvent.click(await screen.findByTestId('add-credential'));
    fillCredentialForm({ host: 'GW.example', port: '8080', username: 'carol', password: 'pw' });
    await waitFor(() => expect(screen.queryByTestId('credential-form')).toBeNull());
    expect(background.credentials.map((c) => [c.proxy.host, c.proxy.port, c.username])).toEqual([['gw.example', 8080, 'carol']]);
    expect(screen.getByTestId('credentials').textContent).toContain('gw.example:8080');
  });

  it('keeps the form open with the background’s reason when it refuses', async () => {
    background.credentials = [alice];
    renderApp();
    fireEvent.click(await screen.findByTestId('add-credential'));
    fillCredentialForm({ host: 'proxy.example', port: '3128', username: 'alice', password: 'pw' });
    await waitFor(() => expect(screen.getByTestId('error-username').textContent).toContain('already has a saved password'));
    expect(background.credentials).toHaveLength(1);
  });

  it('deletes only after the user confirms, naming the account', async () => {
    background.credentials = [alice];
    renderApp();
    await screen.findByTestId('credentials');
    confirmAnswer = false;
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(questions).toEqual(['Delete the saved password for alice at proxy.example:3128?']);
    expect(background.credentials).toHaveLength(1);
    confirmAnswer = true;
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(screen.queryByTestId('credentials')).toBeNull());
    expect(background.credentials).toEqual([]);
  });

  it('reorders within a proxy in the background and on screen', async () => {
    background.credentials = [alice, bob];
    renderApp();
    await screen.findByTestId('credentials');
    fireEvent.click(screen.getAllByRole('button', { name: 'Move down' })[0]!);
    await waitFor(() => expect(rowsOf('credentials').map((r) => r.getAttribute('data-credential-id'))).toEqual(['b', 'a']));
    expect(background.credentials.map((c) => c.id)).toEqual(['b', 'a']);
  });

  it('shows an error when a delete fails', async () => {
    background.credentials = [alice];
    background.failing.set('credentials:delete', new UserError('credentialGone', 'gone'));
    renderApp();
    await screen.findByTestId('credentials');
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('no longer exists'));
  });
});

describe('OptionsApp: the log', () => {
  it('clears the log after the user confirms with the count', async () => {
    background.records = [makeRecord({ id: 2 }), makeRecord({ id: 1 })];
    renderApp();
    await waitFor(() => expect(screen.getAllByTestId('log-row')).toHaveLength(2));
    confirmAnswer = false;
    fireEvent.click(screen.getByTestId('clear-log'));
    expect(background.records).toHaveLength(2);
    confirmAnswer = true;
    fireEvent.click(screen.getByTestId('clear-log'));
    await waitFor(() => expect(screen.queryByTestId('log-row')).toBeNull());
    expect(questions[1]).toBe('Delete all 2 records of the diagnostics log? Saved passwords are not affected.');
    expect(background.records).toEqual([]);
  });

  it('downloads what is shown as JSON and CSV files', async () => {
    background.records = [makeRecord({ id: 2, url: 'http://kept.test/' }), makeRecord({ id: 1 })];
    const blobs: Blob[] = [];
    const names: string[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => (blobs.push(blob as Blob), 'blob:fake'));
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download);
    });
    renderApp();
    await waitFor(() => expect(screen.getAllByTestId('log-row')).toHaveLength(2));
    fireEvent.input(document.querySelector('input[name=text]')!, { target: { value: 'kept.test' } });
    fireEvent.click(screen.getByTestId('export-json'));
    fireEvent.click(screen.getByTestId('export-csv'));
    expect(names).toEqual([expect.stringMatching(/^proxy-keyring-log-\d{4}-\d\d-\d\d\.json$/), expect.stringMatching(/\.csv$/)]);
    const json = JSON.parse(await blobs[0]!.text()) as { records: unknown[] };
    expect(json.records).toHaveLength(1);
    expect(await blobs[1]!.text()).toContain('kept.test');
    expect(document.querySelector('a[download]')).toBeNull();
    vi.restoreAllMocks();
  });
});

describe('OptionsApp: report and proxy settings', () => {
  it('copies a report naming the browser, the version and the proxy mode in words', async () => {
    background.records = [makeRecord({ id: 1, outcome: 'rejected', username: 'alice' })];
    side.permission = true;
    renderApp();
    await screen.findAllByTestId('log-row');
    fireEvent.click(screen.getByTestId('copy-report'));
    await waitFor(() => expect(screen.getByTestId('report-status').textContent).toContain('The report was copied.'));
    expect(side.clipboard).toHaveLength(1);
    const report = side.clipboard[0]!;
    expect(report).toContain('Firefox 140.0');
    expect(report).toContain('9.9.9');
    expect(report).toContain('A fixed proxy; http proxy.example:3128; controlled by Another extension');
    expect(report).not.toContain('undefined');
  });

  it('shows the report to copy by hand when the clipboard refuses, and says the proxy mode is unknown without the permission', async () => {
    side.clipboardRefuses = true;
    renderApp();
    await screen.findByTestId('copy-report');
    fireEvent.click(screen.getByTestId('copy-report'));
    await waitFor(() => expect(screen.getByTestId('report-status').textContent).toContain('did not allow copying'));
    expect(screen.getByTestId<HTMLTextAreaElement>('report').value).toContain('unknown (the "proxy" permission was not given)');
  });

  it('reads the browser’s proxy settings once the permission is given', async () => {
    renderApp();
    fireEvent.click(await screen.findByTestId('inspect'));
    await waitFor(() => expect(screen.getByTestId('inspector-mode').textContent).toBe('A fixed proxy'));
  });

  it('says so when the permission is refused or the request fails', async () => {
    side.grant = false;
    renderApp();
    fireEvent.click(await screen.findByTestId('inspect'));
    await waitFor(() => expect(screen.getByText('The permission was not given, so the settings cannot be read.')).toBeTruthy());
    side.grant = new Error('permissions.request may only be called from a user input handler');
    fireEvent.click(screen.getByTestId('inspect'));
    await waitFor(() => expect(screen.getByText(/^Could not load: Something went wrong: permissions.request/)).toBeTruthy());
  });
});

describe('OptionsApp: settings', () => {
  it('saves a valid change in the background and says so', async () => {
    renderApp();
    const field = await screen.findByLabelText<HTMLInputElement>(/Stop a request after/);
    fireEvent.input(field, { target: { value: '4' } });
    fireEvent.submit(screen.getByTestId('settings-form'));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Settings saved.'));
    expect(background.stored).toEqual({ attemptCap: 4 });
  });

  it('refuses a value out of range at the field and stores nothing', async () => {
    renderApp();
    const field = await screen.findByLabelText<HTMLInputElement>(/Stop a request after/);
    fireEvent.input(field, { target: { value: '99' } });
    fireEvent.submit(screen.getByTestId('settings-form'));
    await waitFor(() => expect(screen.getByTestId('settings-error-attemptCap').textContent).toBe('A whole number from 1 to 10.'));
    expect(background.stored).toEqual({});
    expect(screen.queryByRole('status')).toBeNull();
  });
});
