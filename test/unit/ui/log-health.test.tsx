// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UserError } from '../../../src/core/user-error';
import { OptionsApp, type OptionsSeam } from '../../../src/ui/options/options-app';
import { LogHealthLine } from '../../../src/ui/options/log-health';
import { makeRecord } from '../record-factory';
import { FakeBackground } from './fake-background';

// The pages reach the browser only through the seam; the real messaging module is loaded, never the polyfill.
vi.mock('webextension-polyfill', () => ({ default: {} }));

let background: FakeBackground;

beforeEach(() => {
  background = new FakeBackground();
});
afterEach(cleanup);

function renderOptions() {
  const seam: OptionsSeam = {
    ...background.seam(),
    hasProxyPermission: () => Promise.resolve(false),
    requestProxyPermission: () => Promise.resolve(false),
    readProxySettings: () => Promise.resolve(undefined),
    describeBrowser: () => Promise.resolve('Firefox 140.0'),
    extensionVersion: '9.9.9',
  };
  render(<OptionsApp seam={seam} />);
}

const line = () => screen.queryByTestId('log-health')?.textContent ?? '';

describe('LogHealthLine', () => {
  it('says nothing while the log is well', () => {
    render(<LogHealthLine health={{ failedBatches: 0, dropped: 0 }} />);
    render(<LogHealthLine />);
    expect(screen.queryByTestId('log-health')).toBeNull();
  });

  it('says that writing fails, with the error’s name, and how many records were lost', () => {
    render(<LogHealthLine health={{ failedBatches: 4, dropped: 120, lastError: 'QuotaExceededError' }} />);
    expect(line()).toContain('Writing the diagnostics log fails (QuotaExceededError)');
    expect(line()).toContain('Records lost from the diagnostics log: 120');
  });

  it('says that writing failed and works again, when nothing was lost', () => {
    render(<LogHealthLine health={{ failedBatches: 2, dropped: 0 }} />);
    expect(line()).toContain('failed attempts: 2');
    expect(line()).not.toContain('lost');
  });

  it('says that records (or the whole log) come from a newer version', () => {
    render(<LogHealthLine health={{ failedBatches: 0, dropped: 0, newerRecords: 12 }} />);
    expect(line()).toContain('Records from a newer version of Proxy Keyring: 12');
    cleanup();
    render(<LogHealthLine health={{ failedBatches: 1, dropped: 0, lastError: 'VersionError' }} />);
    expect(line()).toContain('written by a newer version of Proxy Keyring');
    expect(line()).not.toContain('VersionError');
  });
});

describe('OptionsApp and a log that is not well', () => {
  it('shows the records on disk and, near the log, that writing failed and how many were dropped', async () => {
    background.records = [makeRecord({ requestId: 'on-disk' })];
    background.override('log:flush', () => ({ flushed: false, health: { failedBatches: 3, dropped: 7, lastError: 'QuotaExceededError' } }));
    renderOptions();
    await waitFor(() => expect(screen.getAllByTestId('log-row')).toHaveLength(1));
    // The newest records show without waiting for the flush; its answer follows.
    await waitFor(() => expect(line()).toContain('(QuotaExceededError)'));
    expect(line()).toContain('Records lost from the diagnostics log: 7');
  });

  it('reads what is on disk even when the flush itself fails', async () => {
    background.records = [makeRecord({ requestId: 'on-disk' })];
    background.failing.set('log:flush', new UserError('unexpected', 'QuotaExceededError'));
    renderOptions();
    await waitFor(() => expect(screen.getAllByTestId('log-row')).toHaveLength(1));
    await waitFor(() => expect(screen.getByRole('alert')).toBeTruthy());
  });

  it('shows no line for a log that is well', async () => {
    background.records = [makeRecord()];
    renderOptions();
    await waitFor(() => expect(screen.getAllByTestId('log-row')).toHaveLength(1));
    expect(screen.queryByTestId('log-health')).toBeNull();
  });
});
