// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UserError } from '../../../src/core/user-error';
import { PopupApp } from '../../../src/ui/popup/popup-app';
import { makeRecord } from '../record-factory';
import { FakeBackground } from './fake-background';
import { makeCredentialSummary } from '../credential-factory';
import { makePromptView } from './page-fixtures';

// The pages reach the browser only through the seam; the real messaging module is loaded, never the polyfill.
vi.mock('webextension-polyfill', () => ({ default: {} }));

const prompt = makePromptView();

let background: FakeBackground;
let diagnosticsOpened: number;

beforeEach(() => {
  background = new FakeBackground();
  diagnosticsOpened = 0;
});
afterEach(cleanup);

function renderPopup() {
  render(<PopupApp seam={{ ...background.seam(), openDiagnostics: () => diagnosticsOpened++ }} />);
}

function signIn(username: string, password: string) {
  const box = within(screen.getByTestId('waiting-prompts'));
  fireEvent.input(box.getByLabelText('User name'), { target: { value: username } });
  fireEvent.input(box.getByLabelText('Password'), { target: { value: password } });
  fireEvent.submit(box.getByRole('button', { name: 'Sign in' }).closest('form')!);
}

describe('PopupApp', () => {
  it('shows the waiting prompt, the last day in numbers and each saved proxy’s last result', async () => {
    const now = Date.now();
    background.prompts = [prompt];
    background.credentials = [makeCredentialSummary()];
    background.records = [makeRecord({ id: 2, time: now - 1000, outcome: 'prompted' }), makeRecord({ id: 1, time: now - 2000 })];
    background.stored = { defaultScope: 'session' };
    renderPopup();
    await screen.findByTestId('waiting-prompts');
    await waitFor(() => expect(screen.getByTestId('counts').textContent).toMatch(/Challenges\s*2/));
    expect(screen.getByTestId('saved-proxies').textContent).toContain('Asked you · ');
    expect(screen.getByLabelText<HTMLInputElement>('Until the browser closes').checked).toBe(true);
  });

  it('shows sign-in and locked proxies even when the log cannot be read, and says why', async () => {
    background.prompts = [prompt];
    background.standings = [{ proxy: 'proxy.example:3128', failedLogins: 2, lockedAt: Date.now(), held: false }];
    render(
      <PopupApp
        seam={{
          ...background.seam(),
          readRecentRecords: () =>
            Promise.reject(new Error('A mutation operation was attempted on a database that did not allow mutations.')),
          openDiagnostics: () => diagnosticsOpened++,
        }}
      />,
    );
    await screen.findByTestId('waiting-prompts');
    expect(screen.getByTestId('locked-proxies').textContent).toContain('proxy.example:3128');
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('did not allow mutations'));
    // Sign-in still works.
    signIn('bob', 'pw');
    await waitFor(() => expect(background.submitted).toHaveLength(1));
  });

  it('lists the waiting prompts while every log call fails, and still counts what is on disk when only the flush fails', async () => {
    background.prompts = [prompt];
    background.records = [makeRecord({ time: Date.now() - 1000, outcome: 'prompted' })];
    background.failing.set('log:flush', new UserError('unexpected', 'QuotaExceededError'));
    background.failing.set('log:clear', new UserError('unexpected', 'QuotaExceededError'));
    renderPopup();
    await screen.findByTestId('waiting-prompts');
    // The flush failed, the records on disk are read all the same.
    await waitFor(() => expect(screen.getByTestId('counts').textContent).toMatch(/Challenges\s*1/));
    signIn('bob', 'pw');
    await waitFor(() => expect(background.submitted).toHaveLength(1));
  });

  it('shows sign-in before the log answers, and whatever else fails', async () => {
    background.prompts = [prompt];
    background.failing.set('credentials:list', new UserError('unexpected', 'the vault is broken'));
    // A flush that never ends (a log stuck behind a failing disk) must not hold sign-in back.
    background.override('log:flush', () => new Promise(() => {}));
    render(
      <PopupApp
        seam={{ ...background.seam(), readRecentRecords: () => new Promise(() => {}), openDiagnostics: () => diagnosticsOpened++ }}
      />,
    );
    await screen.findByTestId('waiting-prompts');
    expect((await screen.findByRole('alert')).textContent).toContain('Could not load');
  });

  it('sends the sign-in to the background and shows that nothing waits any more', async () => {
    background.prompts = [prompt];
    renderPopup();
    await screen.findByTestId('waiting-prompts');
    signIn('bob', 'pw');
    await screen.findByTestId('nothing-waiting');
    expect(background.submitted).toEqual([{ promptId: 'p1', username: 'bob', password: 'pw', scope: 'device' }]);
  });

  it('keeps the prompt with the background’s reason when the sign-in fails', async () => {
    background.prompts = [prompt];
    background.failing.set('prompt:submit', new UserError('keyStorageRefused', 'refused'));
    renderPopup();
    await screen.findByTestId('waiting-prompts');
    signIn('bob', 'pw');
    await waitFor(() => expect(screen.getByTestId('error').textContent).toContain('Could not sign in:'));
    expect(screen.getByTestId('waiting-prompts')).toBeTruthy();
  });

  it('cancels a prompt in the background', async () => {
    background.prompts = [prompt];
    renderPopup();
    await screen.findByTestId('waiting-prompts');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await screen.findByTestId('nothing-waiting');
    expect(background.cancelled).toEqual(['p1']);
  });

  it('shows a prompt that opens while the popup is open', async () => {
    renderPopup();
    await screen.findByTestId('nothing-waiting');
    background.prompts = [prompt];
    background.announce('prompts');
    await screen.findByTestId('waiting-prompts');
  });

  it('says in words when it cannot load, and opens diagnostics', async () => {
    background.silent.add('log:flush');
    renderPopup();
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('Proxy Keyring did not answer'));
    fireEvent.click(screen.getByRole('button', { name: 'Open diagnostics and settings' }));
    expect(diagnosticsOpened).toBe(1);
  });
});
