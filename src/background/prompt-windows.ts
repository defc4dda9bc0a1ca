import type { PromptView } from '../core/prompt-board';
import type { BackgroundApi } from './background-api';

export const PROMPT_PAGE = 'src/ui/prompt/index.html';

/** The prompt page's address carries the proxy, so a page outliving a restarted background can still save. */
export function promptUrl(pageUrl: string, prompt: PromptView): string {
  const params = new URLSearchParams({
    id: prompt.id,
    host: prompt.proxy.host,
    port: String(prompt.proxy.port),
    realm: prompt.realm,
    scheme: prompt.scheme,
  });
  return `${pageUrl}?${params.toString()}`;
}

/**
 * Which window shows which prompt, so closing the window cancels its prompt.
 * The background registers `windows.onRemoved` and hands each removal to
 * `handleWindowRemoved`.
 */
export class PromptWindows {
  readonly #windowByPrompt = new Map<string, number>();

  constructor(
    private readonly api: Pick<BackgroundApi, 'windows' | 'runtime'>,
    private readonly onClosed: (promptId: string) => void,
  ) {}

  /** For `windows.onRemoved`: the user closed a prompt's window, so its prompt ends. */
  handleWindowRemoved(windowId: number): void {
    for (const [promptId, id] of this.#windowByPrompt) {
      if (id !== windowId) continue;
      this.#windowByPrompt.delete(promptId);
      this.onClosed(promptId);
    }
  }

  async open(prompt: PromptView): Promise<void> {
    const url = promptUrl(this.api.runtime.getURL(PROMPT_PAGE), prompt);
    const created = await this.api.windows.create({ url, type: 'popup', width: 460, height: 660, focused: true });
    if (created.id !== undefined) this.#windowByPrompt.set(prompt.id, created.id);
  }

  /** Closes windows whose prompt has ended (answered elsewhere, timed out); one the user closed already is no error. */
  async closeEnded(openPromptIds: ReadonlySet<string>): Promise<void> {
    for (const [promptId, windowId] of this.#windowByPrompt) {
      if (openPromptIds.has(promptId)) continue;
      this.#windowByPrompt.delete(promptId);
      await this.api.windows.remove(windowId).catch(() => undefined);
    }
  }
}
