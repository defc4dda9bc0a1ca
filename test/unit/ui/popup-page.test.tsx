// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { PopupPage, type PopupData } from '../../../src/ui/popup/popup-page';
import { makeCredentialSummary } from '../credential-factory';
import { makePromptView } from './page-fixtures';

const prompt = makePromptView({ waitingCount: 4, rejected: true, rejectedUsername: 'alice' });

function renderPopup(data: Partial<PopupData> = {}) {
  const calls: { signIn: unknown[]; cancel: unknown[]; diagnostics: number; unlock: string[] } = {
    signIn: [],
    cancel: [],
    diagnostics: 0,
    unlock: [],
  };
  render(
    <PopupPage
      data={{
        prompts: [],
        credentials: [],
        standings: [],
        lastResults: new Map(),
        counts: { challenges: 12, answeredSilently: 9, prompts: 2, failures: 1 },
        defaultScope: 'session',
        now: 100_000,
        errors: {},
        ...data,
      }}
      actions={{
        onSignIn: (p, e) => calls.signIn.push([p.id, e]),
        onCancel: (p) => calls.cancel.push(p.id),
        onOpenDiagnostics: () => calls.diagnostics++,
        onUnlock: (proxy) => calls.unlock.push(proxy),
      }}
    />,
  );
  return calls;
}

describe('PopupPage', () => {
  afterEach(cleanup);

  it("shows a locked proxy with why and since when, and unlocks it on the user's click", () => {
    const calls = renderPopup({
      standings: [
        { proxy: 'proxy.example:3128', failedLogins: 2, lockedAt: 100_000 - 180_000, held: false },
        { proxy: 'other.example:8080', failedLogins: 1, held: true },
      ],
    });
    const locked = screen.getByTestId('locked-proxies');
    // Only the locked one is listed; a proxy with one refusal is not locked.
    expect(within(locked).getAllByRole('listitem')).toHaveLength(1);
    expect(locked.textContent).toContain('proxy.example:3128');
    expect(locked.textContent).toContain('refused 2 passwords; locked 3 min ago');
    expect(calls.unlock).toEqual([]);
    fireEvent.click(within(locked).getByRole('button', { name: 'Unlock' }));
    expect(calls.unlock).toEqual(['proxy.example:3128']);
  });

  it('shows nothing about locks while no proxy is locked', () => {
    renderPopup({ standings: [{ proxy: 'proxy.example:3128', failedLogins: 1, held: false }] });
    expect(screen.queryByTestId('locked-proxies')).toBeNull();
  });

  it('signs in inline for a waiting prompt, with the default scope from settings', () => {
    const calls = renderPopup({ prompts: [prompt] });
    const box = within(screen.getByTestId('waiting-prompts'));
    expect(box.getByTestId('rejected').textContent).toContain('alice');
    expect(box.getByTestId('waiting').textContent).toContain('4');
    fireEvent.input(box.getByLabelText('User name'), { target: { value: 'bob' } });
    fireEvent.input(box.getByLabelText('Password'), { target: { value: 'pw' } });
    fireEvent.submit(box.getByRole('button', { name: 'Sign in' }).closest('form')!);
    expect(calls.signIn).toEqual([['p1', { username: 'bob', password: 'pw', scope: 'session' }]]);
  });

  it('says when nothing waits, shows the last day and links to diagnostics', () => {
    const calls = renderPopup();
    expect(screen.getByTestId('nothing-waiting')).toBeTruthy();
    expect(screen.getByTestId('counts').textContent).toMatch(/Challenges\s*12/);
    fireEvent.click(screen.getByRole('button', { name: 'Open diagnostics and settings' }));
    expect(calls.diagnostics).toBe(1);
  });

  it('shows each saved proxy with its last result, and a refused one as such', () => {
    renderPopup({
      credentials: [
        makeCredentialSummary(),
        makeCredentialSummary({ id: 'b', proxy: { host: 'gw.example', port: 8080 }, username: 'bob', rejected: true }),
      ],
      lastResults: new Map([['proxy.example:3128', { outcome: 'answered-saved', time: 40_000 }]]),
    });
    const items = screen.getByTestId('saved-proxies').querySelectorAll('li');
    expect(items[0]!.textContent).toContain('Answered with the saved password · 1 min ago');
    expect(items[1]!.textContent).toContain('Refused by the proxy');
  });
});
