// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CredentialProblem } from '../../../../src/messaging/protocol';
import { PassphraseUnlock } from '../../../../src/ui/prompt/passphrase-unlock';
import { PopupApp } from '../../../../src/ui/popup/popup-app';
import { PromptApp } from '../../../../src/ui/prompt/prompt-app';
import { FakeBackground } from '../fake-background';
import { makePromptView } from '../page-fixtures';

vi.mock('webextension-polyfill', () => ({ default: {} }));

let background: FakeBackground;
beforeEach(() => {
  background = new FakeBackground();
  background.passphrase = { secret: 'open sesame', locked: true, unlocks: [] };
  vi.spyOn(window, 'close').mockImplementation(() => undefined);
  window.history.replaceState(null, '', '/prompt.html?id=p1&host=proxy.example&port=3128&realm=Office&scheme=basic');
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const locked: CredentialProblem = {
  key: 'problem_keyLocked',
  scope: 'device',
  entryId: 'e1',
  entry: { proxy: { host: 'proxy.example', port: 3128 }, username: 'alice' },
};

async function unlockWith(passphrase: string) {
  fireEvent.input(await screen.findByLabelText('Passphrase'), { target: { value: passphrase } });
  fireEvent.submit(screen.getByTestId('unlock'));
}

describe('unlocking the saved passwords', () => {
  it('the prompt asks for the passphrase first when a locked password would answer, with the sign-in form still there', async () => {
    background.prompts = [makePromptView({ waitingCount: 1, sites: ['a.test'] })];
    background.problems = [locked];
    render(<PromptApp seam={background.seam()} />);
    expect((await screen.findByTestId('unlock')).textContent).toContain('Your saved passwords are locked');
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy();
    await unlockWith('wrong');
    expect((await screen.findByTestId('unlock-error')).textContent).toBe('That passphrase is not the right one. Nothing was changed.');
    await unlockWith('open sesame');
    await waitFor(() => expect(screen.queryByTestId('unlock')).toBeNull());
    expect(background.passphrase.unlocks).toEqual(['wrong', 'open sesame']);
    // The field never shows the passphrase back once sent.
    expect(document.body.innerHTML).not.toContain('open sesame');
  });

  it('the prompt does not ask when nothing for its proxy is locked', async () => {
    background.prompts = [makePromptView({ waitingCount: 1, sites: ['a.test'] })];
    const elsewhere: CredentialProblem = { ...locked, entry: { proxy: { host: 'other.example', port: 3128 }, username: 'bob' } };
    background.problems = [elsewhere];
    render(<PromptApp seam={background.seam()} />);
    await screen.findByTestId('waiting');
    expect(screen.queryByTestId('unlock')).toBeNull();
  });

  it('shows nothing unless locked', async () => {
    background.passphrase.locked = false;
    render(<PassphraseUnlock send={background.seam().send} />);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(screen.queryByTestId('unlock')).toBeNull();
  });
});

describe('the toolbar popup', () => {
  it('offers to unlock while locked, and the offer goes once the passphrase opened them', async () => {
    render(<PopupApp seam={{ ...background.seam(), openDiagnostics: () => undefined }} />);
    expect((await screen.findByTestId('unlock')).textContent).toContain('Your saved passwords are locked');
    await unlockWith('open sesame');
    await waitFor(() => expect(screen.queryByTestId('unlock')).toBeNull());
    expect(background.passphrase).toMatchObject({ locked: false, unlocks: ['open sesame'] });
  });

  it('offers nothing when no passphrase is set', async () => {
    background.passphrase = { locked: false, unlocks: [] };
    render(<PopupApp seam={{ ...background.seam(), openDiagnostics: () => undefined }} />);
    await screen.findByTestId('nothing-waiting');
    expect(screen.queryByTestId('unlock')).toBeNull();
  });
});
