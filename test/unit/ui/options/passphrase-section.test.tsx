// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PassphraseSection } from '../../../../src/ui/options/passphrase-section';
import { FakeBackground } from '../fake-background';

vi.mock('webextension-polyfill', () => ({ default: {} }));

let background: FakeBackground;
beforeEach(() => {
  background = new FakeBackground();
});
afterEach(cleanup);

const type = (label: string, value: string) => fireEvent.input(screen.getByLabelText(label), { target: { value } });
const fields = () => screen.getAllByLabelText(/passphrase/i).map((e) => (e as HTMLInputElement).value);

describe('the passphrase on the options page', () => {
  it('sets one, and empties the fields afterwards', async () => {
    render(<PassphraseSection send={background.seam().send} />);
    expect((await screen.findByTestId('passphrase-status')).textContent).toBe('No passphrase is set.');
    expect(screen.queryByLabelText('Current passphrase')).toBeNull();
    type('New passphrase', 'horse staple');
    type('Repeat the new passphrase', 'horse staple');
    fireEvent.submit(screen.getByTestId('passphrase-form'));
    await screen.findByTestId('passphrase-done');
    expect(background.passphrase.secret).toBe('horse staple');
    expect(screen.getByTestId('passphrase-status').textContent).toBe('A passphrase protects the passwords saved on this device.');
    expect(fields().every((v) => v === '')).toBe(true);
  });

  it('sends nothing when the repetition differs', async () => {
    render(<PassphraseSection send={background.seam().send} />);
    await screen.findByTestId('passphrase-status');
    type('New passphrase', 'one');
    type('Repeat the new passphrase', 'two');
    fireEvent.submit(screen.getByTestId('passphrase-form'));
    expect((await screen.findByTestId('passphrase-error')).textContent).toBe('The two new passphrases are not the same.');
    expect(background.passphrase.secret).toBeUndefined();
  });

  it('a wrong current passphrase gets a clear error and changes nothing; the right one removes it', async () => {
    background.passphrase.secret = 'old';
    render(<PassphraseSection send={background.seam().send} />);
    await screen.findByLabelText('Current passphrase');
    type('Current passphrase', 'not it');
    fireEvent.click(screen.getByRole('button', { name: 'Remove passphrase' }));
    expect((await screen.findByTestId('passphrase-error')).textContent).toBe('That passphrase is not the right one. Nothing was changed.');
    expect(background.passphrase.secret).toBe('old');
    type('Current passphrase', 'old');
    fireEvent.click(screen.getByRole('button', { name: 'Remove passphrase' }));
    await waitFor(() => expect(background.passphrase.secret).toBeUndefined());
    expect((await screen.findByTestId('passphrase-status')).textContent).toBe('No passphrase is set.');
  });

  it('changes it with the current one', async () => {
    background.passphrase.secret = 'old';
    render(<PassphraseSection send={background.seam().send} />);
    await screen.findByLabelText('Current passphrase');
    type('Current passphrase', 'old');
    type('New passphrase', 'new');
    type('Repeat the new passphrase', 'new');
    fireEvent.submit(screen.getByTestId('passphrase-form'));
    await waitFor(() => expect(background.passphrase.secret).toBe('new'));
  });

  it('shows nothing when no background answers (a page outside the extension)', async () => {
    render(<PassphraseSection send={() => Promise.reject(new Error('no background'))} />);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(screen.queryByTestId('passphrase')).toBeNull();
  });
});
