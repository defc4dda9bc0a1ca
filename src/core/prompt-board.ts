import type { Challenge } from './challenge';
import { siteOf } from './site-of';
import { formatEndpoint, type ProxyEndpoint } from './proxy-endpoint';

/** How a prompt ended, for every request that waited on it. */
export type PromptResult =
  | { readonly kind: 'submit'; readonly username: string; readonly password: string; readonly credentialId: string }
  | { readonly kind: 'cancel'; readonly reason: 'user' | 'timeout' };

/**
 * - `downgrade`: the proxy asks for Basic, which sends the password readable,
 *   where it used Digest before;
 * - `doubt`: the proxy answered our password with a site's 401, which some
 *   proxies do instead of refusing with 407;
 * - `held`: a saved account was refused, and the next is tried only when the user says so.
 */
export type PromptNotice = 'downgrade' | 'doubt' | 'held';

/** What a challenge brings to the prompt it joins, besides itself. */
export interface JoinContext {
  /** Set when the proxy refused a password for this prompt's proxy; the user name when known. */
  readonly rejection?: { readonly username?: string };
  readonly failedLogins?: number;
  readonly notice?: PromptNotice;
}

export interface WaitingRequest {
  readonly requestId: string;
  readonly url: string;
  readonly tabId: number;
}

/** What a prompt shows: never a password. */
export interface PromptView {
  readonly id: string;
  readonly proxy: ProxyEndpoint;
  readonly realm: string;
  readonly scheme: string;
  readonly waitingCount: number;
  readonly sites: readonly string[];
  /** The proxy refused a credential for this prompt's proxy. */
  readonly rejected: boolean;
  /** The user name of the refused credential, so the user sees which account failed. */
  readonly rejectedUsername?: string;
  /** Failed logins Proxy Keyring already sent this proxy lately: the user may want to ask whether the account is locked. */
  readonly failedLogins?: number;
  /** Why the prompt asks although a password is saved (decide.ts). */
  readonly notice?: PromptNotice;
  readonly openedAt: number;
}

interface OpenPrompt {
  view: PromptView;
  readonly key: string;
  readonly waiters: Map<string, { request: WaitingRequest; resolve: (result: PromptResult) => void }>;
  readonly timer: unknown;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** One prompt per proxy and realm: the key that decides whether a challenge joins an open prompt. */
export function promptKey(proxy: ProxyEndpoint, realm: string): string {
  return `${formatEndpoint(proxy)}|${realm}`;
}

export interface JoinResult {
  readonly prompt: PromptView;
  /** True when this challenge opened the prompt: the caller opens its window. */
  readonly opened: boolean;
  readonly result: Promise<PromptResult>;
}

/**
 * The prompts that are open now and the requests parked on each. Every
 * challenge for a proxy joins the one open prompt; one submit answers all of
 * them; cancel or the timeout ends all of them. Nothing is left hanging.
 */
export class PromptBoard {
  readonly #prompts = new Map<string, OpenPrompt>();
  #nextId = 1;
  readonly #idPrefix: string;

  constructor(
    private readonly timeoutMs: () => number,
    private readonly timers: Timers = realTimers,
    private readonly onChange: () => void = () => {},
    now: () => number = Date.now,
  ) {
    this.now = now;
    // Ids must not repeat across worker restarts: a prompt window of a previous
    // worker must never be taken for a new prompt.
    this.#idPrefix = `${now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  }

  private readonly now: () => number;

  join(challenge: Challenge, context: JoinContext = {}): JoinResult {
    const { rejection } = context;
    const key = promptKey(challenge.challenger, challenge.realm);
    let open = this.#prompts.get(key);
    const opened = open === undefined;
    if (!open) {
      const id = `${this.#idPrefix}-${this.#nextId++}`;
      const timer = this.timers.setTimeout(() => this.cancel(id, 'timeout'), this.timeoutMs());
      open = {
        key,
        timer,
        waiters: new Map(),
        view: {
          id,
          proxy: challenge.challenger,
          realm: challenge.realm,
          scheme: challenge.scheme,
          waitingCount: 0,
          sites: [],
          rejected: false,
          openedAt: this.now(),
        },
      };
      this.#prompts.set(key, open);
    }
    if (rejection) {
      open.view = {
        ...open.view,
        rejected: true,
        ...(rejection.username === undefined ? {} : { rejectedUsername: rejection.username }),
      };
    }
    if (context.failedLogins !== undefined && context.failedLogins > 0) open.view = { ...open.view, failedLogins: context.failedLogins };
    if (context.notice !== undefined) open.view = { ...open.view, notice: context.notice };
    const request: WaitingRequest = { requestId: challenge.requestId, url: challenge.url, tabId: challenge.tabId };
    const target = open;
    const result = new Promise<PromptResult>((resolve) => {
      // A request challenged again while already waiting replaces its older wait.
      target.waiters.get(request.requestId)?.resolve({ kind: 'cancel', reason: 'user' });
      target.waiters.set(request.requestId, { request, resolve });
    });
    this.#refreshView(open);
    this.onChange();
    return { prompt: open.view, opened, result };
  }

  get(promptId: string): PromptView | undefined {
    return this.#find(promptId)?.view;
  }

  list(): PromptView[] {
    return [...this.#prompts.values()].map((p) => p.view);
  }

  waitingTotal(): number {
    let total = 0;
    for (const p of this.#prompts.values()) total += p.waiters.size;
    return total;
  }

  /** Answers every request waiting on the prompt; returns how many. */
  submit(promptId: string, answer: { username: string; password: string; credentialId: string }): number {
    return this.#settle(promptId, { kind: 'submit', ...answer });
  }

  cancel(promptId: string, reason: 'user' | 'timeout'): number {
    return this.#settle(promptId, { kind: 'cancel', reason });
  }

  #settle(promptId: string, result: PromptResult): number {
    const open = this.#find(promptId);
    if (!open) return 0;
    this.#prompts.delete(open.key);
    this.timers.clearTimeout(open.timer);
    for (const { resolve } of open.waiters.values()) resolve(result);
    this.onChange();
    return open.waiters.size;
  }

  #find(promptId: string): OpenPrompt | undefined {
    for (const p of this.#prompts.values()) if (p.view.id === promptId) return p;
    return undefined;
  }

  #refreshView(open: OpenPrompt): void {
    const sites = new Set<string>();
    for (const { request } of open.waiters.values()) {
      const site = siteOf(request.url);
      if (site) sites.add(site);
    }
    open.view = { ...open.view, waitingCount: open.waiters.size, sites: [...sites].sort() };
  }
}
