// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { PromptForm, type PromptFormData } from '../../../src/ui/prompt/prompt-form';
import { makePromptView } from './page-fixtures';

const view = makePromptView({ waitingCount: 3, sites: ['a.test', 'b.test'] });

function renderForm(overrides: Partial<PromptFormData> = {}) {
  const calls: { submit: unknown[]; cancel: number } = { submit: [], cancel: 0 };
  const data: PromptFormData = {
    proxy: view.proxy,
    realm: 'Office',
    scheme: 'basic',
    view,
    defaultScope: 'device',
    busy: false,
    ...overrides,
  };
  render(<PromptForm data={data} actions={{ onSubmit: (e) => calls.submit.push(e), onCancel: () => calls.cancel++ }} />);
  return calls;
}

describe('PromptForm', () => {
  afterEach(cleanup);

  it('says which proxy asks, for which realm and scheme, and how many requests wait from where', () => {
    renderForm();
    expect(screen.getByRole('heading').textContent).toContain('proxy.example:3128');
    expect(screen.getByTestId('realm').textContent).toBe('Office');
    expect(screen.getByTestId('scheme').textContent).toBe('basic');
    expect(screen.getByTestId('waiting').textContent).toContain('3');
    expect(screen.getByTestId('waiting').textContent).toContain('a.test, b.test');
    expect(screen.queryByTestId('rejected')).toBeNull();
  });

  it('has the autocomplete hints password managers need, and an empty password field', () => {
    renderForm();
    const user = screen.getByLabelText<HTMLInputElement>('User name');
    const pass = screen.getByLabelText<HTMLInputElement>('Password');
    expect(user.getAttribute('autocomplete')).toBe('username');
    expect(pass.getAttribute('autocomplete')).toBe('current-password');
    expect(pass.type).toBe('password');
    expect(pass.value).toBe('');
  });

  it('says how many failed logins were already sent and suggests asking whether the account is locked', () => {
    renderForm({ view: { ...view, rejected: true, failedLogins: 2 } });
    const line = screen.getByTestId('failed-logins');
    expect(line.textContent).toContain('2 failed logins');
    cleanup();
    renderForm({ view: { ...view, rejected: true, failedLogins: 1 } });
    expect(screen.getByTestId('failed-logins').textContent).toContain('1 failed login to');
    expect(line.textContent).toContain('network administrator');
    expect(line.getAttribute('role')).toBe('alert');
  });

  it('warns that the proxy now asks for a weaker method, or answered with a 401, or that other accounts were not tried', () => {
    renderForm({ view: { ...view, notice: 'downgrade' } });
    expect(screen.getByTestId('prompt-notice-downgrade').textContent).toContain('readable');
    cleanup();
    renderForm({ view: { ...view, notice: 'doubt' } });
    expect(screen.getByTestId('prompt-notice-doubt').textContent).toContain('401');
    cleanup();
    renderForm({ view: { ...view, notice: 'held' } });
    expect(screen.getByTestId('prompt-notice-held').textContent).toContain('other saved accounts');
    expect(screen.queryByTestId('failed-logins')).toBeNull();
  });

  it('after a refusal fills in the user name and puts the focus on the password', () => {
    renderForm({ view: { ...view, rejected: true, rejectedUsername: 'alice' } });
    expect(screen.getByLabelText<HTMLInputElement>('User name').value).toBe('alice');
    expect(document.activeElement).toBe(screen.getByLabelText('Password'));
  });

  it('shows the rejection line naming the refused account', () => {
    renderForm({ view: { ...view, rejected: true, rejectedUsername: 'alice' } });
    expect(screen.getByTestId('rejected').textContent).toContain('refused');
    expect(screen.getByTestId('rejected').textContent).toContain('alice');
  });

  it('submits what was typed with the chosen scope, defaulting to this device', () => {
    const calls = renderForm();
    fireEvent.input(screen.getByLabelText('User name'), { target: { value: ' alice ' } });
    fireEvent.input(screen.getByLabelText('Password'), { target: { value: 's3cret' } });
    fireEvent.submit(screen.getByRole('button', { name: 'Sign in' }).closest('form')!);
    fireEvent.click(screen.getByLabelText('Just this once'));
    fireEvent.submit(screen.getByRole('button', { name: 'Sign in' }).closest('form')!);
    expect(calls.submit).toEqual([
      { username: 'alice', password: 's3cret', scope: 'device' },
      { username: 'alice', password: 's3cret', scope: 'once' },
    ]);
  });

  it('asks for a user name instead of submitting an empty one', () => {
    const calls = renderForm();
    fireEvent.submit(screen.getByRole('button', { name: 'Sign in' }).closest('form')!);
    expect(calls.submit).toEqual([]);
    expect(screen.getByText('Enter a user name.')).toBeTruthy();
  });

  it('cancels on Esc and on the Cancel button', () => {
    const calls = renderForm();
    fireEvent.keyDown(screen.getByLabelText('User name'), { key: 'Escape' });
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(calls.cancel).toBe(2);
  });

  it('tells the user to reload when the background forgot the prompt', () => {
    renderForm({ view: null, notice: 'Saved. Reload the page.' });
    expect(screen.getByTestId('notice').textContent).toBe('Saved. Reload the page.');
    expect(screen.queryByTestId('ended')).toBeNull();
  });

  it('says when the request has ended', () => {
    renderForm({ view: null });
    expect(screen.getByTestId('ended')).toBeTruthy();
  });
});

describe('PromptForm after a refusal', () => {
  afterEach(cleanup);

  it('fills in the refused user name but never a password', () => {
    renderForm({ view: { ...view, rejected: true, rejectedUsername: 'alice' } });
    expect(screen.getByLabelText<HTMLInputElement>('User name').value).toBe('alice');
    expect(screen.getByLabelText<HTMLInputElement>('Password').value).toBe('');
  });
});
