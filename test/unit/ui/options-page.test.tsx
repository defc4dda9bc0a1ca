// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { CredentialInput } from '../../../src/core/credential-input';
import { findStrictProxies } from '../../../src/core/diagnose';
import type { LogRecord } from '../../../src/core/log-record';
import { parseSettings } from '../../../src/settings/settings';
import { OptionsPage, type OptionsActions, type OptionsData } from '../../../src/ui/options/options-page';
import { makeRecord } from '../record-factory';
import { makeCredentialSummary } from '../credential-factory';
import { fillCredentialForm } from './page-fixtures';

const credential = makeCredentialSummary({ id: 'c1', realm: 'Office', rejected: true });

function renderPage(data: Partial<OptionsData> = {}, overrides: Partial<OptionsActions> = {}) {
  const calls: Record<string, unknown[]> = {};
  const record =
    (name: string) =>
    (...args: unknown[]) => {
      (calls[name] ??= []).push(args);
    };
  const records = data.records ?? [];
  const actions: OptionsActions = {
    onSaveCredential: (input) => {
      record('save')(input);
      return Promise.resolve(undefined);
    },
    onDeleteCredential: record('delete'),
    onMoveCredential: record('move'),
    onExport: record('export'),
    onClearLog: record('clear'),
    onCopyReport: record('report'),
    onInspect: record('inspect'),
    onUnlock: record('unlock'),
    onSaveSettings: (changes) => {
      record('settings')(changes);
      return Promise.resolve(undefined);
    },
    ...overrides,
  };
  render(
    <OptionsPage
      data={{
        credentials: [],
        problems: [],
        standings: [],
        lastResults: new Map(),
        context: { savedProxies: [], strictProxies: findStrictProxies(records) },
        settings: parseSettings(undefined),
        inspector: { kind: 'idle' },
        now: 1_800_000_100_000,
        ...data,
        records,
      }}
      actions={actions}
    />,
  );
  return calls;
}

describe('OptionsPage: proxies and passwords', () => {
  afterEach(cleanup);

  it('lists saved credentials with their state and never a stored password', () => {
    const calls = renderPage({ credentials: [credential] });
    const table = screen.getByTestId('credentials');
    expect(table.textContent).toContain('proxy.example:3128');
    expect(table.textContent).toContain('Refused by the proxy');
    expect(document.querySelector('input[type=password]')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(calls['delete']).toEqual([[credential]]);
  });

  it('opens the edit form with an empty password field', () => {
    renderPage({ credentials: [credential] });
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    expect(screen.getByLabelText<HTMLInputElement>('Proxy host').value).toBe('proxy.example');
    expect(screen.getByLabelText<HTMLInputElement>('Password').value).toBe('');
    expect(screen.getByText('Leave empty to keep the saved password.')).toBeTruthy();
  });

  it('shows field errors from the background and keeps the form open', async () => {
    renderPage({}, { onSaveCredential: () => Promise.resolve({ host: 'hostEmpty', port: 'portRange' }) });
    fireEvent.click(screen.getByTestId('add-credential'));
    fireEvent.submit(screen.getByTestId('credential-form'));
    await waitFor(() => expect(screen.getByTestId('error-host').textContent).toBe('Enter the proxy host name or address.'));
    expect(screen.getByTestId('error-port').textContent).toContain('1 to 65535');
    expect(screen.getByTestId('credential-form')).toBeTruthy();
  });

  it('sends what was typed, with the port as a number', async () => {
    let sent: CredentialInput | undefined;
    renderPage({}, { onSaveCredential: (input) => ((sent = input), Promise.resolve(undefined)) });
    fireEvent.click(screen.getByTestId('add-credential'));
    fillCredentialForm({ host: 'gw.example', port: '8080', username: 'bob', password: 'pw' });
    await waitFor(() => expect(screen.queryByTestId('credential-form')).toBeNull());
    expect(sent).toEqual({ host: 'gw.example', port: 8080, realm: '', username: 'bob', password: 'pw', scope: 'device' });
  });

  it('offers reordering only within a proxy', () => {
    const second = { ...credential, id: 'c2', username: 'bob', rejected: false, order: 1 };
    const calls = renderPage({ credentials: [credential, second] });
    const [upFirst, upSecond] = screen.getAllByRole<HTMLButtonElement>('button', { name: 'Move up' });
    expect(upFirst!.disabled).toBe(true);
    fireEvent.click(upSecond!);
    expect(calls['move']).toEqual([[second, 'up']]);
  });
});

describe('OptionsPage: diagnostics', () => {
  afterEach(cleanup);
  const T = 1_800_000_000_000;
  const records: LogRecord[] = [
    makeRecord({ id: 5, time: T + 5, proxy: '127.0.0.1:9', outcome: 'proxy-error', final: { error: 'net::ERR_PROXY_CONNECTION_FAILED' } }),
    makeRecord({ id: 4, time: T + 4, outcome: 'rejected', username: 'alice' }),
    makeRecord({ id: 3, time: T + 3, outcome: 'prompted', url: 'http://other.test/' }),
    makeRecord({ id: 2, time: T + 2, outcome: 'answered-saved', final: { statusCode: 403 } }),
    makeRecord({ id: 1, time: T + 1, outcome: 'answered-saved', final: { statusCode: 200 } }),
  ];

  it('shows rows newest first with their cause, and the per-proxy summary', () => {
    renderPage({ records });
    const rows = screen.getAllByTestId('log-row');
    expect(rows.map((r) => r.getAttribute('data-cause'))).toEqual([
      'proxy-unreachable',
      'credentials-rejected',
      'missing-credentials',
      'refused-after-auth',
      'answered-ok',
    ]);
    const summary = screen.getByTestId('proxy-summary');
    expect(summary.querySelector('[data-proxy="proxy.example:3128"]')!.textContent).toContain('3');
    expect(summary.querySelector('[data-proxy="127.0.0.1:9"]')!.textContent).toContain('net::ERR_PROXY_CONNECTION_FAILED');
    expect(screen.getByTestId('timeline').querySelectorAll('rect').length).toBeGreaterThan(0);
  });

  it('opens a record with the cause and the fix in words', () => {
    renderPage({ records });
    fireEvent.click(screen.getAllByTestId('log-row')[0]!);
    const details = screen.getByTestId('record-details');
    expect(details.getAttribute('data-cause')).toBe('proxy-unreachable');
    expect(screen.getByTestId('cause').textContent).toContain('could not connect to the proxy');
    expect(screen.getByTestId('fix').textContent).toContain('host and port');
  });

  it('narrows the table with the filters', () => {
    renderPage({ records });
    fireEvent.change(document.querySelector('select[name=outcome]')!, { target: { value: 'answered-saved' } });
    expect(screen.getAllByTestId('log-row')).toHaveLength(2);
    expect(screen.getByTestId('showing').textContent).toBe('2 of 5 records');
    fireEvent.input(document.querySelector('input[name=text]')!, { target: { value: '403' } });
    expect(screen.getAllByTestId('log-row')).toHaveLength(1);
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(screen.getAllByTestId('log-row')).toHaveLength(5);
  });

  it('can pick the failures whose proxy the browser did not name', () => {
    renderPage({
      records: [
        ...records,
        makeRecord({ id: 6, time: T + 6, proxy: '', outcome: 'proxy-error', final: { error: 'net::ERR_PROXY_CONNECTION_FAILED' } }),
      ],
    });
    const select = document.querySelector<HTMLSelectElement>('select[name=proxy]')!;
    const unknown = [...select.options].find((o) => o.textContent === '(not reported by the browser)')!;
    fireEvent.change(select, { target: { value: unknown.value } });
    expect(screen.getAllByTestId('log-row').map((r) => r.getAttribute('data-proxy'))).toEqual(['']);
    expect(screen.getByTestId('showing').textContent).toBe('1 of 6 records');
  });

  it('combines the proxy, outcome and text filters', () => {
    renderPage({ records });
    fireEvent.change(document.querySelector('select[name=proxy]')!, { target: { value: 'proxy.example:3128' } });
    fireEvent.change(document.querySelector('select[name=outcome]')!, { target: { value: 'answered-saved' } });
    fireEvent.input(document.querySelector('input[name=text]')!, { target: { value: '' } });
    expect(screen.getByTestId('showing').textContent).toBe('2 of 5 records');
  });

  it('exports what is shown and asks for the report', () => {
    const calls = renderPage({ records });
    fireEvent.change(document.querySelector('select[name=proxy]')!, { target: { value: '127.0.0.1:9' } });
    fireEvent.click(screen.getByTestId('export-csv'));
    expect(calls['export']).toEqual([['csv', [records[0]]]]);
    fireEvent.click(screen.getByTestId('copy-report'));
    expect(calls['report']).toHaveLength(1);
  });

  it('renders only the visible rows of 100,000 records', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => makeRecord({ id: 100_000 - i, time: T - i }));
    renderPage({ records: many });
    const rendered = screen.getAllByTestId('log-row').length;
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(60);
    expect(screen.getByTestId('log').getAttribute('aria-rowcount')).toBe('100000');
  });
});

describe('OptionsPage: inspector and settings', () => {
  afterEach(cleanup);

  it('flags a challenger that is not the configured proxy', () => {
    renderPage({
      records: [makeRecord({ proxy: 'gw.example:8080' })],
      inspector: {
        kind: 'read',
        config: { mode: 'fixed', servers: [{ scheme: 'http', host: 'proxy.example', port: 3128 }], controlledBy: 'other-extension' },
      },
    });
    expect(screen.getByTestId('inspector-mode').textContent).toBe('A fixed proxy');
    expect(screen.getByTestId('inspector-mismatch').textContent).toContain(
      'gw.example:8080 challenged, but it is not the configured proxy',
    );
    expect(screen.getByTestId('inspector-result').textContent).toContain('Another extension');
  });

  it('refuses an invalid setting with a message at the field, and keeps what the user typed to correct it', async () => {
    const sent: unknown[] = [];
    renderPage({}, { onSaveSettings: (changes) => (sent.push(changes), Promise.resolve({ attemptCap: 'range' as const })) });
    const field = screen.getByLabelText<HTMLInputElement>(/Stop a request after/);
    fireEvent.input(field, { target: { value: '0' } });
    fireEvent.submit(screen.getByTestId('settings-form'));
    await waitFor(() => expect(screen.getByTestId('settings-error-attemptCap').textContent).toBe('A whole number from 1 to 10.'));
    expect(sent).toEqual([{ attemptCap: 0 }]);
    expect(field.value).toBe('0');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('sends changed settings with numbers as numbers', async () => {
    const calls = renderPage();
    fireEvent.input(screen.getByLabelText(/Stop a request after/), { target: { value: '5' } });
    fireEvent.change(screen.getByLabelText('When you cancel, or nobody answers'), { target: { value: 'browser' } });
    fireEvent.submit(screen.getByTestId('settings-form'));
    await waitFor(() => expect(calls['settings']).toEqual([[{ attemptCap: 5, onCancel: 'browser' }]]));
  });
});
