// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UserError } from '../../../../src/core/user-error';
import type { CredentialProblem } from '../../../../src/messaging/protocol';
import { PromptApp } from '../../../../src/ui/prompt/prompt-app';
import { FakeBackground } from '../fake-background';
import { makePromptView } from '../page-fixtures';

vi.mock('webextension-polyfill', () => ({ default: {} }));

let background: FakeBackground;

beforeEach(() => {
  background = new FakeBackground();
  background.prompts = [makePromptView({ waitingCount: 1, sites: ['a.test'] })];
  vi.spyOn(window, 'close').mockImplementation(() => undefined);
  window.history.replaceState(null, '', '/prompt.html?id=p1&host=proxy.example&port=3128&realm=Office&scheme=basic');
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

async function typeAndSignIn(password: string) {
  const user = await screen.findByLabelText<HTMLInputElement>('User name');
  fireEvent.input(user, { target: { value: 'alice' } });
  fireEvent.input(screen.getByLabelText('Password'), { target: { value: password } });
  fireEvent.submit(screen.getByRole('button', { name: 'Sign in' }).closest('form')!);
}

describe('the prompt when the vault has trouble', () => {
  it('says why a password saved for this proxy is not used, and only for this proxy', async () => {
    const problems: CredentialProblem[] = [
      {
        key: 'problem_keyLost',
        scope: 'device',
        entryId: 'e1',
        entry: { proxy: { host: 'proxy.example', port: 3128 }, username: 'alice' },
      },
      {
        key: 'problem_credentialDamaged',
        scope: 'device',
        entryId: 'e2',
        entry: { proxy: { host: 'other.example', port: 3128 }, username: 'bob' },
      },
    ];
    background.problems = problems;
    render(<PromptApp seam={background.seam()} />);
    const line = await screen.findByTestId('unusable');
    expect(line.textContent).toContain(
      'A saved password for this proxy cannot be used now: The encryption key this password was saved with is gone',
    );
    expect(line.textContent).not.toContain('damaged');
  });

  it('shows no such line when nothing saved for this proxy is unusable', async () => {
    render(<PromptApp seam={background.seam()} />);
    await screen.findByTestId('waiting');
    expect(screen.queryByTestId('unusable')).toBeNull();
  });

  it('after a failed save, says so and signs in just this once with what was typed', async () => {
    background.failing.set('prompt:submit', new UserError('credentialNotSaved', 'The password could not be saved: QuotaExceededError'));
    render(<PromptApp seam={background.seam()} />);
    await screen.findByTestId('waiting');
    await typeAndSignIn('typed-pw');
    await waitFor(() => expect(screen.getByTestId('error').textContent).toContain('could not be saved'));
    expect(screen.getByTestId('error').textContent).toContain('Just this once');
    background.failing.delete('prompt:submit');
    fireEvent.click(screen.getByTestId('sign-in-once'));
    await waitFor(() => expect(background.submitted).toEqual([{ promptId: 'p1', username: 'alice', password: 'typed-pw', scope: 'once' }]));
  });

  it('offers no "just this once" button before anything failed', async () => {
    render(<PromptApp seam={background.seam()} />);
    await screen.findByTestId('waiting');
    expect(screen.queryByTestId('sign-in-once')).toBeNull();
  });
});
