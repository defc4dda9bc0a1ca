import { readChallenge, type Challenge } from '../core/challenge';
import { decide } from '../core/decide';
import { makeLogRecord, type LogRecord } from '../core/log-record';
import type { Outcome } from '../core/outcome';
import type { PromptBoard, PromptView } from '../core/prompt-board';
import type { ProxyEndpoint } from '../core/proxy-endpoint';
import type { RequestTracker, SuppliedAnswer } from '../core/request-tracker';
import { formatEndpoint } from '../core/proxy-endpoint';
import type { Settings } from '../settings/settings';
import type { Scope } from '../core/credential';
import type { CredentialStore } from '../storage/credential-store';
import type { SubmitResult } from '../messaging/protocol';

/** What the browser is told, whichever browser it is (the adapter translates). */
export type AuthAnswer =
  | { readonly kind: 'credentials'; readonly username: string; readonly password: string }
  | { readonly kind: 'cancel' }
  /** Let the browser do what it would without us (its own dialog, or the site's 401 flow). */
  | { readonly kind: 'default' };

export interface AnswererDeps {
  readonly store: CredentialStore;
  readonly board: PromptBoard;
  readonly tracker: RequestTracker;
  readonly settings: () => Settings;
  /** Resolves once settings are loaded; shared like the credential load. */
  readonly settingsReady: () => Promise<void>;
  readonly log: (record: LogRecord) => void;
  readonly openPromptWindow: (prompt: PromptView) => void;
  readonly now: () => number;
  readonly newId: () => string;
}

export interface PromptSubmission {
  readonly promptId: string;
  readonly proxy: ProxyEndpoint;
  readonly realm: string;
  readonly username: string;
  readonly password: string;
  readonly scope: Scope;
}

/** What the track remembers of an answer: the credential, and the proxy, realm and scheme it went to. */
function supplied(challenge: Challenge, credentialId: string, username: string): SuppliedAnswer {
  const { challenger: proxy, realm, scheme } = challenge;
  return { credentialId, username, proxy, realm, scheme, gate: `${formatEndpoint(proxy)}|${realm}|${credentialId}` };
}

const DEFAULT: AuthAnswer = { kind: 'default' };
const CANCEL: AuthAnswer = { kind: 'cancel' };

/**
 * The answerer: turns one onAuthRequired event into an answer. Browser-neutral;
 * the background gives it storage, windows and the log through `deps`.
 */
export class Answerer {
  constructor(private readonly deps: AnswererDeps) {}

  async answer(details: unknown): Promise<AuthAnswer> {
    const challenge = readChallenge(details);
    // Not a proxy challenge (a site's 401), or nothing we can read: untouched.
    if (!challenge?.isProxy) return DEFAULT;
    const { deps } = this;
    const started = deps.now();
    await Promise.all([deps.store.ready(), deps.settingsReady()]);
    const settings = deps.settings();
    const track = deps.tracker.countAttempt(challenge.requestId, started);
    const decision = decide({ challenge, track, credentials: deps.store.list(), attemptCap: settings.attemptCap });
    const record = (outcome: Outcome, extra: { answerMs?: number; username?: string; afterRejection?: true } = {}): void =>
      deps.log(makeLogRecord(challenge, { outcome, attempt: track.attempts, time: deps.now(), urlDetail: settings.urlDetail, ...extra }));

    /** Set when this challenge is the proxy refusing what we sent: the prompt says so, naming the account. */
    let rejection: { username?: string } | undefined;
    if ('refused' in decision && decision.refused !== undefined) {
      const refused = deps.store.get(decision.refused.credentialId);
      rejection = { username: refused?.username ?? decision.refused.username };
      deps.tracker.clearSupplied(challenge.requestId);
      record('rejected', rejection);
      await deps.store.markRejected(decision.refused.credentialId);
    }

    switch (decision.kind) {
      case 'ignore':
      case 'site-after-proxy':
        return DEFAULT;
      case 'unsupported':
        record('unsupported-scheme');
        return DEFAULT;
      case 'locked':
      case 'cap':
        // Still tracked: how the request ends (the proxy's 407) goes to the log.
        record('attempt-cap');
        return CANCEL;
      case 'supply': {
        const { credential } = decision;
        deps.tracker.recordSupplied(challenge.requestId, supplied(challenge, credential.id, credential.username));
        record('answered-saved', { answerMs: deps.now() - started, username: credential.username });
        return { kind: 'credentials', username: credential.username, password: credential.password };
      }
      case 'prompt':
        return this.#waitForPrompt(challenge, started, record, rejection);
    }
  }

  async #waitForPrompt(
    challenge: Challenge,
    started: number,
    record: (outcome: Outcome, extra?: { answerMs?: number; username?: string; afterRejection?: true }) => void,
    rejection: { username?: string } | undefined,
  ): Promise<AuthAnswer> {
    const { deps } = this;
    const joined = deps.board.join(challenge, rejection ? { rejection } : {});
    record('prompted', rejection ? { afterRejection: true } : {});
    if (joined.opened) deps.openPromptWindow(joined.prompt);
    const result = await joined.result;
    if (result.kind === 'submit') {
      deps.tracker.recordSupplied(challenge.requestId, supplied(challenge, result.credentialId, result.username));
      record('answered-prompt', { answerMs: deps.now() - started, username: result.username });
      return { kind: 'credentials', username: result.username, password: result.password };
    }
    // Still tracked until the browser reports how the request ended.
    if (deps.settings().onCancel === 'browser') {
      record('handed-to-browser');
      return DEFAULT;
    }
    record(result.reason === 'timeout' ? 'timed-out' : 'cancelled-user');
    return CANCEL;
  }

  /**
   * The user signed in. Saves the credential (unless "just this once") and
   * answers every request waiting on the prompt. If the prompt is gone — the
   * background restarted while it was open — the credential is still saved and
   * the page is told so the user can reload.
   */
  async submit(submission: PromptSubmission): Promise<SubmitResult> {
    const { deps } = this;
    const prompt = deps.board.get(submission.promptId);
    // The open prompt's own proxy and realm win over what the page sent.
    const proxy = prompt?.proxy ?? submission.proxy;
    const realm = prompt?.realm ?? submission.realm;
    let credentialId: string;
    if (submission.scope === 'once') {
      credentialId = `once-${deps.newId()}`;
    } else {
      const saved = await deps.store.upsertEntered(
        {
          proxy,
          ...(realm ? { realm } : {}),
          username: submission.username,
          password: submission.password,
          scope: submission.scope,
        },
        deps.now(),
        deps.newId,
      );
      credentialId = saved.id;
    }
    const answered = prompt
      ? deps.board.submit(prompt.id, { username: submission.username, password: submission.password, credentialId })
      : 0;
    return { answered, saved: submission.scope !== 'once', promptGone: prompt === undefined };
  }

  cancel(promptId: string): number {
    return this.deps.board.cancel(promptId, 'user');
  }
}
