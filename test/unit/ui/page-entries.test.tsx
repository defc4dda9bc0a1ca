// @vitest-environment happy-dom
import { fakeBrowser } from '@webext-core/fake-browser';
import { fireEvent, screen, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeBackground } from './fake-background';
import { makePromptView } from './page-fixtures';
import { englishMessage } from '../../fakes/english';

// Each page's main.tsx against a fake browser: the real messaging, the real IndexedDB log (in memory). The pages take
// the polyfill for what it adds (options, popup) and the browser's own `browser` namespace for messages (send-message.ts).
vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));
vi.stubGlobal('browser', fakeBrowser);

const prompt = makePromptView({ id: 'p9', proxy: { host: 'gw.example', port: 8080 }, realm: '', scheme: 'digest', waitingCount: 1 });

let background: FakeBackground;

beforeEach(() => {
  fakeBrowser.reset();
  // The pages' words come from the browser's own i18n (browser-namespace.ts): English, as the browser would give them.
  fakeBrowser.i18n.getMessage = englishMessage as typeof fakeBrowser.i18n.getMessage;
  background = new FakeBackground();
  fakeBrowser.runtime.onMessage.addListener((message: unknown, _sender: unknown, sendResponse: (reply: unknown) => void) => {
    void background.receive(message).then(sendResponse);
    return true;
  });
  document.body.innerHTML = '<div id="app"></div>';
});

describe('each page’s entry', () => {
  it('options: titles the page and shows what the background holds', async () => {
    fakeBrowser.runtime.getManifest = () => ({ manifest_version: 3, name: 'Proxy Keyring', version: '1.2.3' });
    fakeBrowser.permissions.contains = () => Promise.resolve(false);
    background.stored = { attemptCap: 7 };
    await import('../../../src/ui/options/main');
    expect(document.title).toBe('Proxy Keyring');
    await waitFor(() => expect(screen.getByLabelText<HTMLInputElement>(/Stop a request after/).value).toBe('7'));
  });

  it('popup: shows the waiting prompt and opens diagnostics in the options page', async () => {
    let optionsOpened = 0;
    fakeBrowser.runtime.openOptionsPage = () => (optionsOpened++, Promise.resolve());
    const close = vi.spyOn(window, 'close').mockImplementation(() => undefined);
    background.prompts = [prompt];
    await import('../../../src/ui/popup/main');
    expect(document.title).toBe('Proxy Keyring');
    await screen.findByTestId('waiting-prompts');
    fireEvent.click(screen.getByRole('button', { name: 'Open diagnostics and settings' }));
    await waitFor(() => expect(close).toHaveBeenCalled());
    expect(optionsOpened).toBe(1);
  });

  it('prompt: reads its prompt from the address and sends the answer', async () => {
    vi.spyOn(window, 'close').mockImplementation(() => undefined);
    background.prompts = [prompt];
    window.history.replaceState(null, '', '/prompt.html?id=p9&host=gw.example&port=8080&realm=&scheme=digest');
    await import('../../../src/ui/prompt/main');
    expect(document.title).toBe('Proxy sign-in');
    fireEvent.input(await screen.findByLabelText('User name'), { target: { value: 'dora' } });
    fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'pw' } });
    fireEvent.submit(screen.getByRole('button', { name: 'Sign in' }).closest('form')!);
    await waitFor(() => expect(background.submitted).toEqual([{ promptId: 'p9', username: 'dora', password: 'pw', scope: 'device' }]));
  });
});
