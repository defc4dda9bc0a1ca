// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UserError } from '../../../src/core/user-error';
import { PROMPT_PING_MS } from '../../../src/ui/shared/browser-differences';
import { PromptApp } from '../../../src/ui/prompt/prompt-app';
import { FakeBackground } from './fake-background';
import { makePromptView } from './page-fixtures';

// The pages reach the browser only through the seam; the real messaging module is loaded, never the polyfill.
vi.mock('webextension-polyfill', () => ({ default: {} }));

const prompt = makePromptView({ waitingCount: 3, sites: ['a.test', 'b.test'], rejected: true, rejectedUsername: 'alice' });

let background: FakeBackground;
let closed: number;

beforeEach(() => {
  background = new FakeBackground();
  background.prompts = [prompt];
  closed = 0;
  vi.spyOn(window, 'close').mockImplementation(() => void closed++);
  window.history.replaceState(null, '', '/prompt.html?id=p1&host=proxy.example&port=3128&realm=Office&scheme=basic');
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

function renderPrompt() {
  render(<PromptApp seam={background.seam()} />);
}

/** Signs in as the refused account, once the page has filled it in. */
async function signIn(password: string) {
  await waitFor(() => expect(screen.getByLabelText<HTMLInputElement>('User name').value).toBe('alice'));
  fireEvent.input(screen.getByLabelText('Password'), { target: { value: password } });
  fireEvent.submit(screen.getByRole('button', { name: 'Sign in' }).closest('form')!);
}

describe('PromptApp', () => {
  it('shows the prompt named in its address, with the refused account filled in', async () => {
    renderPrompt();
    await waitFor(() => expect(screen.getByTestId('waiting').textContent).toBe('Waiting: 3 requests from a.test, b.test'));
    expect(screen.getByRole('heading').textContent).toContain('proxy.example:3128');
    await waitFor(() => expect(screen.getByLabelText<HTMLInputElement>('User name').value).toBe('alice'));
  });

  it('sends the answer for its prompt and closes', async () => {
    renderPrompt();
    await screen.findByTestId('waiting');
    await signIn('s3cret');
    await waitFor(() => expect(closed).toBe(1));
    expect(background.submitted).toEqual([{ promptId: 'p1', username: 'alice', password: 's3cret', scope: 'device' }]);
  });

  it('starts with the default scope from the settings', async () => {
    background.stored = { defaultScope: 'once' };
    renderPrompt();
    await signIn('pw');
    await waitFor(() => expect(background.submitted.map((s) => s.scope)).toEqual(['once']));
  });

  it('tells the user to reload when the background forgot the prompt, saved or not', async () => {
    background.submitResult = { answered: 0, saved: true, promptGone: true };
    renderPrompt();
    await signIn('pw');
    await waitFor(() => expect(screen.getByTestId('notice').textContent).toContain('Saved. The page that asked was interrupted'));
    expect(closed).toBe(0);
    cleanup();
    background.prompts = [prompt];
    background.submitResult = { answered: 0, saved: false, promptGone: true };
    renderPrompt();
    await signIn('pw');
    await waitFor(() => expect(screen.getByTestId('notice').textContent).toContain('nothing was saved'));
  });

  it('keeps the window open with the reason when the sign-in fails', async () => {
    background.failing.set('prompt:submit', new UserError('keyStorageRefused', 'refused'));
    renderPrompt();
    await signIn('pw');
    await waitFor(() => expect(screen.getByTestId('error').textContent).toMatch(/^Could not sign in: /));
    expect(closed).toBe(0);
  });

  it('says when the request has ended, and follows the background’s changes', async () => {
    renderPrompt();
    await screen.findByTestId('waiting');
    background.prompts = [];
    background.announce('prompts');
    await screen.findByTestId('ended');
  });

  it('shows why it could not read the prompt, and still opens when the settings cannot be read', async () => {
    background.failing.set('prompt:get', new UserError('backgroundSilent', 'silent'));
    background.failing.set('settings:get', new UserError('backgroundSilent', 'silent'));
    renderPrompt();
    await waitFor(() => expect(screen.getByTestId('error').textContent).toContain('Proxy Keyring did not answer'));
  });

  it('cancels its prompt in the background and closes, even when the background is gone', async () => {
    renderPrompt();
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(closed).toBe(1));
    expect(background.cancelled).toEqual(['p1']);
    background.silent.add('prompt:cancel');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(closed).toBe(2));
  });

  it('pings the background while open, so Firefox does not suspend it, and stops when closed', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    renderPrompt();
    await vi.waitFor(() => expect(screen.getByTestId('waiting')).toBeTruthy());
    vi.advanceTimersByTime(PROMPT_PING_MS * 2);
    await vi.waitFor(() => expect(background.pings).toEqual(['p1', 'p1']));
    cleanup();
    await vi.waitFor(() => expect(vi.getTimerCount()).toBe(0));
  });
});
