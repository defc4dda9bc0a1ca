import type { StandingView } from '../../../src/core/refusal-guard';
import type { CredentialSummary } from '../../../src/core/credential';
import { validateCredentialInput } from '../../../src/core/credential-input';
import type { LogRecord } from '../../../src/core/log-record';
import type { UserMessage } from '../../../src/core/message-key';
import type { PromptView } from '../../../src/core/prompt-board';
import { UserError } from '../../../src/core/user-error';
import type { ChangeNotice } from '../../../src/messaging/events-channel';
import { parseEnvelope, type MessageType, type RequestOf, type ResponseOf } from '../../../src/messaging/protocol';
import { createSendMessage } from '../../../src/messaging/send-message';
import { toWireError } from '../../../src/messaging/wire-error';
import { parseSettings, validateSettingsChanges, type Settings } from '../../../src/settings/settings';
import type { BackgroundSeam } from '../../../src/ui/shared/background-seam';

type Handlers = { [T in MessageType]?: (payload: RequestOf<T>) => ResponseOf<T> | Promise<ResponseOf<T>> };

/** A submit the background received: what reached it, without the envelope. */
export interface Submitted {
  readonly promptId: string;
  readonly username: string;
  readonly password: string;
  readonly scope: string;
}

/**
 * An in-memory background behind the pages' real messaging path
 * (`createSendMessage` → envelope validation → handler → `Reply`), with the
 * state a page can change: saved credentials, open prompts, settings, the
 * log. Tests read that state to see what reached the background.
 */
export class FakeBackground {
  credentials: CredentialSummary[] = [];
  problems: UserMessage[] = [];
  prompts: PromptView[] = [];
  records: LogRecord[] = [];
  stored: Partial<Settings> = {};
  /** Proxies that refused passwords, as the background reports them. */
  standings: StandingView[] = [];
  submitted: Submitted[] = [];
  /** The passphrase set (undefined: none), whether it is locked, and the unlocks the pages sent. */
  passphrase: { secret?: string; locked: boolean; unlocks: string[] } = { locked: false, unlocks: [] };
  cancelled: string[] = [];
  pings: string[] = [];
  /** What `signin:test` answers (the report of a sign-in test); the starts asked for are counted. */
  signInReport: ResponseOf<'signin:test'> = null;
  signInStarts = 0;
  /** What `prompt:submit` answers (the prompt may be gone after a background restart). */
  submitResult: ResponseOf<'prompt:submit'> = { answered: 1, saved: true, promptGone: false };
  /** Types that fail with this error instead of answering. */
  failing = new Map<MessageType, UserError>();
  /** Types that get no answer at all (a background that is restarting). */
  silent = new Set<MessageType>();
  readonly #listeners = new Set<(notice: ChangeNotice) => void>();
  readonly #overrides: Handlers = {};

  override<T extends MessageType>(type: T, handler: NonNullable<Handlers[T]>): void {
    (this.#overrides as Record<string, unknown>)[type] = handler;
  }

  /** Tells every page that something changed, as the background's broadcast would. */
  announce(notice: ChangeNotice): void {
    for (const listener of this.#listeners) listener(notice);
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }

  seam(): BackgroundSeam {
    return {
      send: createSendMessage((message) => this.receive(message)),
      readRecentRecords: (limit) => Promise.resolve(this.records.slice(0, limit)),
      onChange: (listener) => {
        this.#listeners.add(listener);
        return () => this.#listeners.delete(listener);
      },
    };
  }

  /** One raw message in, its `Reply` out (or nothing, for a silent type): what `runtime.sendMessage` would carry. */
  async receive(message: unknown): Promise<unknown> {
    // Structured clone, as the browser does: the page never shares objects with the background.
    const parsed = parseEnvelope(structuredClone(message));
    if (!parsed.ok) return { ok: false, error: parsed.error };
    const { type, payload } = parsed.envelope;
    if (this.silent.has(type)) return undefined;
    const failure = this.failing.get(type);
    if (failure) return { ok: false, error: toWireError(failure) };
    const handler = ((this.#overrides as Record<string, unknown>)[type] ?? this.#handlers[type]) as (p: unknown) => unknown;
    try {
      return { ok: true, value: structuredClone(await handler(payload)) };
    } catch (error) {
      return { ok: false, error: toWireError(error) };
    }
  }

  readonly #handlers: Required<Handlers> = {
    'prompt:get': ({ promptId }) => this.prompts.find((p) => p.id === promptId) ?? null,
    'prompt:submit': (p) => {
      this.submitted.push({ promptId: p.promptId, username: p.username, password: p.password, scope: p.scope });
      this.prompts = this.prompts.filter((x) => x.id !== p.promptId);
      return this.submitResult;
    },
    'prompt:cancel': ({ promptId }) => {
      this.cancelled.push(promptId);
      this.prompts = this.prompts.filter((x) => x.id !== promptId);
      return { cancelled: 1 };
    },
    'prompt:ping': ({ promptId }) => {
      this.pings.push(promptId);
      return { alive: this.prompts.some((p) => p.id === promptId) };
    },
    'prompts:list': () => this.prompts,
    'credentials:list': () => ({ credentials: this.credentials, problems: this.problems }),
    'credentials:delete': ({ id }) => {
      const before = this.credentials.length;
      this.credentials = this.credentials.filter((c) => c.id !== id);
      return { deleted: this.credentials.length < before };
    },
    'credentials:save': (input) => {
      const errors = validateCredentialInput(input, this.credentials);
      if (Object.keys(errors).length > 0) return { errors };
      const saved: CredentialSummary = {
        id: input.id ?? `c${this.credentials.length + 1}`,
        proxy: { host: input.host.trim().toLowerCase(), port: input.port },
        ...(input.realm ? { realm: input.realm } : {}),
        username: input.username.trim(),
        scope: input.scope,
        rejected: false,
        order: this.credentials.length,
        updatedAt: 0,
      };
      this.credentials = [...this.credentials.filter((c) => c.id !== saved.id), saved];
      return { saved };
    },
    'credentials:move': ({ id, direction }) => {
      const i = this.credentials.findIndex((c) => c.id === id);
      const j = direction === 'up' ? i - 1 : i + 1;
      const list = [...this.credentials];
      [list[i], list[j]] = [list[j]!, list[i]!];
      this.credentials = list;
      return { credentials: this.credentials, problems: this.problems };
    },
    'log:flush': () => ({ flushed: true }),
    'log:clear': () => {
      this.records = [];
      return { cleared: true };
    },
    'vault:status': () => ({ passphrase: this.passphrase.secret !== undefined, locked: this.passphrase.locked }),
    'vault:unlock': ({ passphrase }) => {
      this.passphrase.unlocks.push(passphrase);
      if (passphrase !== this.passphrase.secret) throw new UserError('passphraseWrong', 'wrong');
      this.passphrase.locked = false;
      return { answered: 1 };
    },
    'vault:setPassphrase': ({ current, next }) => {
      if (this.passphrase.secret !== undefined && current !== this.passphrase.secret) throw new UserError('passphraseWrong', 'wrong');
      this.passphrase = { ...this.passphrase, secret: next, locked: false };
      return { passphrase: true, locked: false };
    },
    'vault:removePassphrase': ({ current }) => {
      if (current !== this.passphrase.secret) throw new UserError('passphraseWrong', 'wrong');
      this.passphrase = { locked: false, unlocks: this.passphrase.unlocks };
      return { passphrase: false, locked: false };
    },
    'settings:get': () => parseSettings(this.stored),
    'settings:save': ({ changes }) => {
      const errors = validateSettingsChanges(changes);
      if (Object.keys(errors).length > 0) return { errors };
      this.stored = { ...this.stored, ...(changes as Partial<Settings>) };
      return parseSettings(this.stored);
    },
    'proxies:standings': () => this.standings,
    'signin:test': ({ start }) => {
      if (start) this.signInStarts++;
      return this.signInReport;
    },
    'proxies:unlock': ({ proxy }) => {
      const locked = this.standings.some((s) => s.proxy === proxy && s.lockedAt !== undefined);
      this.standings = this.standings.filter((s) => s.proxy !== proxy);
      return { unlocked: locked };
    },
  };
}
