import browser from 'webextension-polyfill';
import type { PromptView } from '../core/prompt-board';

export const PROMPT_PAGE = 'src/ui/prompt/index.html';

/** The prompt page's address carries the proxy, so a page outliving a restarted background can still save. */
export function promptUrl(prompt: PromptView): string {
  const params = new URLSearchParams({
    id: prompt.id,
    host: prompt.proxy.host,
    port: String(prompt.proxy.port),
    realm: prompt.realm,
    scheme: prompt.scheme,
  });
  return `${browser.runtime.getURL(PROMPT_PAGE)}?${params.toString()}`;
}

/** Which window shows which prompt, so closing the window cancels its prompt. */
export class PromptWindows {
  readonly #windowByPrompt = new Map<string, number>();

  constructor(private readonly onClosed: (promptId: string) => void) {
    browser.windows.onRemoved.addListener((windowId) => {
      for (const [promptId, id] of this.#windowByPrompt) {
        if (id !== windowId) continue;
        this.#windowByPrompt.delete(promptId);
        this.onClosed(promptId);
      }
    });
  }

  async open(prompt: PromptView): Promise<void> {
    const created = await browser.windows.create({ url: promptUrl(prompt), type: 'popup', width: 460, height: 660, focused: true });
    if (created.id !== undefined) this.#windowByPrompt.set(prompt.id, created.id);
  }

  /** Closes windows whose prompt has ended (answered elsewhere, timed out). */
  async closeEnded(openPromptIds: ReadonlySet<string>): Promise<void> {
    for (const [promptId, windowId] of this.#windowByPrompt) {
      if (openPromptIds.has(promptId)) continue;
      this.#windowByPrompt.delete(promptId);
      await browser.windows.remove(windowId).catch(() => undefined);
    }
  }
}
