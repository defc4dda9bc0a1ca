// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { CredentialSummary } from '../../../src/core/credential';
import type { LogRecord } from '../../../src/core/log-record';
import { OptionsPage, type OptionsData } from '../../../src/ui/options/options-page';

const credential: CredentialSummary = {
  id: 'c1',
  proxy: { host: 'proxy.example', port: 3128 },
  realm: 'Office',
  username: 'alice',
  scope: 'device',
  rejected: true,
  order: 0,
  updatedAt: 0,
};

const record = (outcome: LogRecord['outcome'], time: number, final?: LogRecord['final']): LogRecord => ({
  time,
  requestId: '1',
  proxy: 'proxy.example:3128',
  scheme: 'basic',
  realm: 'Office',
  url: 'http://a.test/x',
  method: 'GET',
  type: 'main_frame',
  tabId: 1,
  attempt: 1,
  outcome,
  ...(final ? { final } : {}),
});

function renderPage(data: Partial<OptionsData> = {}) {
  const deleted: string[] = [];
  render(<OptionsPage data={{ credentials: [], problems: [], records: [], ...data }} actions={{ onDeleteCredential: (c) => deleted.push(c.id) }} />);
  return deleted;
}

describe('OptionsPage', () => {
  afterEach(cleanup);

  it('lists saved credentials with their state and never a password field', () => {
    const deleted = renderPage({ credentials: [credential] });
    const table = screen.getByTestId('credentials');
    expect(table.textContent).toContain('proxy.example:3128');
    expect(table.textContent).toContain('alice');
    expect(table.textContent).toContain('Refused by the proxy');
    expect(document.querySelector('input[type=password]')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(deleted).toEqual(['c1']);
  });

  it('shows log records in the order given (newest first) with outcome words and final result', () => {
    renderPage({ records: [record('answered-saved', 2, { statusCode: 200 }), record('prompted', 1, { error: 'net::ERR_PROXY_CONNECTION_FAILED' })] });
    const rows = [...screen.getByTestId('log').querySelectorAll('tbody tr')];
    expect(rows.map((r) => r.getAttribute('data-outcome'))).toEqual(['answered-saved', 'prompted']);
    expect(rows[0]!.textContent).toContain('Answered with the saved password');
    expect(rows[0]!.textContent).toContain('200');
    expect(rows[1]!.textContent).toContain('net::ERR_PROXY_CONNECTION_FAILED');
  });

  it('reports damaged saved data without hiding the rest', () => {
    renderPage({ credentials: [credential], problems: ['A saved credential is damaged and was skipped.'] });
    expect(screen.getByTestId('problems').textContent).toContain('damaged');
    expect(screen.getByTestId('credentials')).toBeTruthy();
  });

  it('explains the empty states', () => {
    renderPage();
    expect(screen.getByText(/No saved proxy passwords yet/)).toBeTruthy();
    expect(screen.getByText(/No proxy has asked/)).toBeTruthy();
  });
});
