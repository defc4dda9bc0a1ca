import { readChallenge, type Challenge } from '../core/challenge';
import type { Scope } from '../core/credential';
import { decide, findRefusal, type Decision } from '../core/decide';
import { makeLogRecord, type LogRecord } from '../core/log-record';
import { describeErrorSafely } from '../core/redact-url';
import type { Outcome } from '../core/outcome';
import { promptKey, type JoinContext, type PromptBoard, type PromptView } from '../core/prompt-board';
import type { ProxyEndpoint } from '../core/proxy-endpoint';
import type { RequestTracker, SuppliedAnswer } from '../core/request-tracker';
import { gateKey, type Verifier, type WaitEnd } from '../core/verifier';
import type { SubmitResult } from '../messaging/protocol';
import type { Settings } from '../settings/settings';
import type { AnswerMemory } from '../storage/answer-memory';
import type { CredentialStore } from '../storage/credential-store';
import type { ProxyStandings } from './proxy-standings';
import type { StandingView } from '../core/refusal-guard';

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
  readonly verifier: Verifier;
  readonly standings: ProxyStandings;
  readonly memory: AnswerMemory;
  readonly settings: () => Settings;
  /**
   * Resolves once settings (and the policy) are loaded; shared like the credential load, and the same promise
   * while nothing is loaded again, so the answerer awaits no load it has seen done (`#loadsDone`).
   */
  readonly settingsReady: () => Promise<void>;
  readonly log: (record: LogRecord) => void;
  readonly openPromptWindow: (prompt: PromptView) => void;
  /** A proxy was refused, locked or unlocked: the badge and the pages follow. */
  readonly standingsChanged: () => void;
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

/** A response the browser reported for a request (webRequest onHeadersReceived / onCompleted). */
export interface ObservedResponse {
  readonly requestId: string;
  readonly statusCode: number;
  readonly url?: string;
  readonly method?: string;
  readonly type?: string;
  readonly tabId?: number;
}

/** A record's optional fields; `answer()`'s `record` passes each one on by name, so a field added here is added there too. */
type LogExtra = { answerMs?: number; username?: string; afterRejection?: true };
type Record_ = (outcome: Outcome, extra?: LogExtra) => void;

/** How sending a credential for one request went: sent, or why not (verifier.ts). */
type SendResult = WaitEnd;

/** What carrying out a decision came to: the browser's answer, or deciding again. */
type Acted = AuthAnswer | { retry: Retry };

/** What the next decision for a request starts from. */
interface Retry {
  readonly context: JoinContext;
  /** Straight to the prompt: nothing more is sent without the user's word. */
  readonly askFirst: boolean;
}

/** The verifier's gate for one proxy, realm and account, with what it was made from. */
interface NamedGate {
  readonly host: string;
  readonly port: number;
  readonly realm: string;
  readonly credentialId: string;
  readonly gate: string;
}

/** The page or the user cancelled the request (Chromium net::ERR_ABORTED, Firefox NS_BINDING_ABORTED / NS_ERROR_ABORT). */
function isAbort(error: string): boolean {
  return /ABORT/i.test(error);
}

const DEFAULT: AuthAnswer = { kind: 'default' };
const CANCEL: AuthAnswer = { kind: 'cancel' };
const SEND: SendResult = { kind: 'send' };
const NO_EXTRA: LogExtra = {};
/** Where a challenge that refuses nothing starts: shared, since nothing changes it (a prompt copies its context). */
const FIRST_TRY: Retry = Object.freeze({ context: Object.freeze({}), askFirst: false });

/**
 * The answerer: turns one onAuthRequired event into an answer. Browser-neutral;
 * the background gives it storage, windows and the log through `deps`, and
 * tells it how each answered request came back (`observeResponse`,
 * `observeEnd`), which is the proxy's verdict on the password.
 */
export class Answerer {
  #memoryLoad: Promise<void> | undefined;
  /**
   * Each load of `#loads()` as last seen resolved: the same promise is not
   * awaited again, since every await costs each challenge a turn of the
   * microtask queue.
   */
  #loadsDone: readonly Promise<unknown>[] = [];
  /** Credentials that met a 401 after we sent them; until the user re-enters or edits them (memory only: a restart probes once more). */
  readonly #doubted = new Set<string>();
  /** The last gate named: challenges come in runs for one proxy, realm and account, and its key need not be written (and hashed) anew. */
  #lastGate: NamedGate | undefined;

  constructor(private readonly deps: AnswererDeps) {}

  /** Credentials, settings and the answer memory in memory: one shared load, after which every read is synchronous. */
  ready(): Promise<unknown> {
    return Promise.all(this.#loads());
  }

  /** The same loads one by one, for the start's timings (lifecycle.ts StartTimings). */
  readyParts(): { readonly credentials: Promise<unknown>; readonly settings: Promise<unknown>; readonly memory: Promise<unknown> } {
    const [credentials, settings, memory] = this.#loads();
    return { credentials, settings, memory };
  }

  /**
   * The loads `ready()` waits for, asked for again each time: a load that
   * failed (the key store refused, settings unreadable) is started again by
   * the next caller, and a reload (device key unlocked, policy changed) is a
   * new promise to wait for.
   */
  #loads(): readonly [credentials: Promise<unknown>, settings: Promise<unknown>, memory: Promise<unknown>] {
    const { deps } = this;
    this.#memoryLoad ??= deps.memory.load().then((loaded) => {
      deps.standings.adopt(loaded);
      deps.verifier.adoptAccepted(loaded.acceptedGates);
      // Answers a previous background sent and never heard back about: their next challenge is a refusal.
      for (const [requestId, answer] of loaded.pending) deps.tracker.restore(requestId, answer, deps.now());
    });
    return [deps.store.ready(), deps.settingsReady(), this.#memoryLoad];
  }

  async answer(details: unknown): Promise<AuthAnswer> {
    const challenge = readChallenge(details);
    if (!challenge) return DEFAULT;
    const { deps } = this;
    const started = deps.now();
    // Like `await this.ready()`, without waiting again on a load already seen done.
    const loads = this.#loads();
    const waits = loads.filter((load, i) => load !== this.#loadsDone[i]);
    if (waits.length > 0) {
      await (waits.length === 1 ? waits[0] : Promise.all(waits));
      this.#loadsDone = loads;
    }
    // A site's 401 is the browser's and the user's; we only note one on a request we answered for its proxy.
    if (!challenge.isProxy) return this.#siteChallenge(challenge);
    const settings = deps.settings();
    const track = deps.tracker.countAttempt(challenge.requestId, started);
    // The extra fields passed one by one, not spread: a record is built on every answer.
    const record: Record_ = (outcome, extra = NO_EXTRA) =>
      deps.log(
        makeLogRecord(challenge, {
          outcome,
          attempt: track.attempts,
          time: deps.now(),
          urlDetail: settings.urlDetail,
          answerMs: extra.answerMs,
          username: extra.username,
          afterRejection: extra.afterRejection,
        }),
      );

    const refused = findRefusal(challenge, track);
    let next: Retry = refused ? { context: this.#refuse(challenge, refused, record), askFirst: false } : FIRST_TRY;
    for (;;) {
      const decision: Decision = next.askFirst
        ? { kind: 'prompt', attempt: track.attempts, reason: 'no-credential' }
        : decide({
            challenge,
            track,
            credentials: deps.store.answerOrderFor(challenge.challenger),
            attemptCap: settings.attemptCap,
            proxy: deps.standings.stateOf(challenge.challenger),
            digestCredentialIds: deps.standings.digestCredentialIds(),
            doubtedCredentialIds: this.#doubted,
          });
      // Answered from memory, nothing to wait for: no await (and no turn of the microtask queue) on the way.
      const pending = this.#act(decision, challenge, started, record, next.context);
      const acted = pending instanceof Promise ? await pending : pending;
      if (!('retry' in acted)) return acted;
      next = acted.retry;
    }
  }

  /**
   * Carries out one decision; a password refused (or doubted) while this
   * request waited on it means deciding again. A promise only where there is
   * something to wait for (the prompt, the proxy's verdict on a probe).
   */
  #act(decision: Decision, challenge: Challenge, started: number, record: Record_, context: JoinContext): Acted | Promise<Acted> {
    switch (decision.kind) {
      case 'ignore':
      case 'site-after-proxy':
        return DEFAULT;
      case 'unsupported':
        record('unsupported-scheme');
        return DEFAULT;
      case 'cap':
        // Still tracked: how the request ends (the proxy's 407) goes to the log.
        record('attempt-cap');
        return CANCEL;
      case 'locked':
        record('locked');
        return CANCEL;
      case 'supply': {
        const { id, username, password } = decision.credential;
        return this.#answerWith(challenge, { credentialId: id, username, password }, 'answered-saved', started, record);
      }
      case 'prompt': {
        const notice = decision.reason === 'no-credential' ? context.notice : decision.reason;
        return this.#waitForPrompt(challenge, started, record, { ...context, ...(notice ? { notice } : {}) });
      }
    }
  }

  /**
   * The proxy challenged again a request we answered: it refused that
   * password. Marked refused (memory first, so requests waiting on it see it),
   * counted towards the proxy's lock, and every request waiting on its
   * verdict is told.
   */
  #refuse(challenge: Challenge, refused: SuppliedAnswer, record: Record_): JoinContext {
    const { deps } = this;
    const username = deps.store.get(refused.credentialId)?.username ?? refused.username;
    deps.tracker.clearSupplied(challenge.requestId);
    deps.memory.removePending(challenge.requestId);
    record('rejected', { username });
    deps.standings.recordRefusal(challenge.challenger, deps.settings().afterRefusal === 'ask');
    void deps.store.markRejected(refused.credentialId).catch((error: unknown) => {
      // Memory already knows; the mark is lost only across a restart, and the lock count still holds.
      console.warn('Proxy Keyring could not save that a password was refused:', describeErrorSafely(error));
    });
    deps.verifier.settle(refused.gate, challenge.requestId, 'refused');
    deps.standingsChanged();
    return { rejection: { username }, failedLogins: deps.standings.failedLogins(challenge.challenger) };
  }

  /**
   * Answers with a credential once the verifier lets this request have it
   * (#send); a refusal or doubt on the way means deciding again.
   */
  #answerWith(
    challenge: Challenge,
    credential: { readonly credentialId: string; readonly username: string; readonly password: string },
    outcome: 'answered-saved' | 'answered-prompt',
    started: number,
    record: Record_,
  ): Acted | Promise<Acted> {
    // A typed password is sent to requests that are all waiting with us already: no burst follows it.
    const sent = this.#send(challenge, credential.credentialId, credential.username, outcome === 'answered-saved');
    if (sent instanceof Promise) return sent.then((end) => this.#afterSend(challenge, credential, outcome, started, record, end));
    return this.#afterSend(challenge, credential, outcome, started, record, sent);
  }

  /** What sending came to: the password for the browser, the request ended unanswered, or deciding again. */
  #afterSend(
    challenge: Challenge,
    credential: { readonly username: string; readonly password: string },
    outcome: 'answered-saved' | 'answered-prompt',
    started: number,
    record: Record_,
    sent: SendResult,
  ): Acted {
    const { username, password } = credential;
    if (sent.kind === 'gone') return DEFAULT;
    if (sent.kind === 'held-back') return this.#holdBack(record);
    if (sent.kind !== 'send') return { retry: this.#retryAfter(challenge, sent, username) };
    record(outcome, { answerMs: this.deps.now() - started, username });
    return { kind: 'credentials', username, password };
  }

  /** Ended unanswered so the probe can go (verifier.ts `stallMs`); still tracked, so its end is logged. */
  #holdBack(record: Record_): AuthAnswer {
    record('held-back');
    return CANCEL;
  }

  /**
   * A password this request waited on was refused: decide again (another
   * account, or the prompt saying so). Doubted (a 401 instead of a 407): ask
   * the user without sending anything more.
   */
  #retryAfter(challenge: Challenge, end: { kind: 'refused' | 'doubt' }, username: string): Retry {
    const failedLogins = this.deps.standings.failedLogins(challenge.challenger);
    if (end.kind === 'doubt') return { context: { notice: 'doubt', failedLogins }, askFirst: true };
    return { context: { rejection: { username }, failedLogins }, askFirst: false };
  }

  /**
   * Sends a credential for one request, or waits until the proxy has judged
   * the same password on another request (verifier.ts). `send` when the
   * caller may answer with it now; a promise of the end only if it waits.
   */
  #send(challenge: Challenge, credentialId: string, username: string, holdForBurst: boolean): SendResult | Promise<SendResult> {
    const { challenger: proxy, realm, scheme } = challenge;
    const answer: SuppliedAnswer = { credentialId, username, proxy, realm, scheme, gate: this.#gateFor(challenge, credentialId) };
    const admission = this.deps.verifier.admit(answer.gate, challenge.requestId, holdForBurst);
    if (admission.kind === 'wait') return admission.until.then((end) => this.#supplied(challenge, answer, end));
    return this.#supplied(challenge, answer, SEND);
  }

  /** The verifier's gate a password goes through (proxy, realm, credential). */
  #gateFor(challenge: Challenge, credentialId: string): string {
    const { challenger, realm } = challenge;
    const { host, port } = challenger;
    const last = this.#lastGate;
    if (last?.host === host && last.port === port && last.realm === realm && last.credentialId === credentialId) return last.gate;
    const gate = gateKey(promptKey(challenger, realm), credentialId);
    this.#lastGate = { host, port, realm, credentialId, gate };
    return gate;
  }

  /** The verifier let this request have the password: it is tracked as sent, and kept until the verdict if that is still out. */
  #supplied(challenge: Challenge, answer: SuppliedAnswer, end: SendResult): SendResult {
    const { deps } = this;
    if (end.kind !== 'send') return end;
    deps.tracker.recordSupplied(challenge.requestId, answer);
    // A probe's verdict must survive a restart of the background (answer-memory.ts).
    if (!deps.verifier.isTrusted(answer.gate)) deps.memory.addPending(challenge.requestId, answer);
    return end;
  }

  async #waitForPrompt(challenge: Challenge, started: number, record: Record_, context: JoinContext): Promise<Acted> {
    const { deps } = this;
    const joined = deps.board.join(challenge, context);
    record('prompted', context.rejection ? { afterRejection: true } : {});
    if (joined.opened) deps.openPromptWindow(joined.prompt);
    const result = await joined.result;
    // A typed password is verified like a saved one: one request carries it until the proxy has judged it.
    if (result.kind === 'submit') return this.#answerWith(challenge, result, 'answered-prompt', started, record);
    // Still tracked until the browser reports how the request ended.
    if (deps.settings().onCancel === 'browser') {
      record('handed-to-browser');
      return DEFAULT;
    }
    record(result.reason === 'timeout' ? 'timed-out' : 'cancelled-user');
    return CANCEL;
  }

  /**
   * A site's 401 on a request we answered for its proxy. Some proxies refuse
   * a wrong password that way (docs/browser-behaviour.md#tinyproxy-401): the
   * password is no longer trusted and nothing more is sent with it until the
   * user has looked; the 401 itself stays the browser's.
   */
  #siteChallenge(challenge: Challenge): AuthAnswer {
    this.#doubt(challenge);
    return DEFAULT;
  }

  /** The password sent for this request met a 401: no longer trusted, nothing more sent with it, and logged once. */
  #doubt(challenge: Pick<Challenge, 'requestId' | 'url' | 'method' | 'type' | 'tabId'>): void {
    const { deps } = this;
    const track = deps.tracker.get(challenge.requestId);
    const supplied = track?.supplied;
    if (!supplied) return;
    deps.tracker.clearSupplied(challenge.requestId);
    deps.memory.removePending(challenge.requestId);
    deps.verifier.settle(supplied.gate, challenge.requestId, 'doubt');
    this.#doubted.add(supplied.credentialId);
    const settings = deps.settings();
    deps.log(
      makeLogRecord(
        {
          ...challenge,
          isProxy: false,
          timeStamp: deps.now(),
          challenger: supplied.proxy,
          realm: supplied.realm,
          scheme: supplied.scheme,
        },
        {
          outcome: 'site-login-after-answer',
          attempt: track.attempts,
          time: deps.now(),
          urlDetail: settings.urlDetail,
          username: supplied.username,
        },
      ),
    );
  }

  /**
   * The request we answered got a response. Anything but a 407 (a new
   * challenge follows that) or a 401 means the proxy let it through: the
   * password is accepted, and every request waiting on that verdict is
   * answered. A 401 is doubted at once (#doubt): a page's 401 also comes as a
   * site challenge, but a fetch's never reaches onAuthRequired
   * (docs/browser-behaviour.md#tinyproxy-401).
   */
  observeResponse(response: ObservedResponse): void {
    const { deps } = this;
    const { requestId, statusCode } = response;
    if (statusCode === 401) {
      this.#doubt({ url: '', method: 'GET', type: 'other', tabId: -1, ...response });
      return;
    }
    const supplied = deps.tracker.get(requestId)?.supplied;
    if (!supplied || statusCode === 407) return;
    deps.memory.removePending(requestId);
    deps.verifier.settle(supplied.gate, requestId, 'accepted');
    if (supplied.scheme === 'digest') deps.standings.noteDigest(supplied.credentialId);
  }

  /**
   * The request ended without a response. Cancelled (the page went away): no
   * verdict, a probe hands over. Failed after it carried a password not yet
   * verified (a cross-origin fetch that met a proxy's 401 fails this way in
   * Chromium): the proxy may have refused it, so it is not sent again without
   * the user (docs/browser-behaviour.md#tinyproxy-401).
   */
  observeEnd(requestId: string, error = ''): void {
    const { deps } = this;
    const supplied = deps.tracker.get(requestId)?.supplied;
    deps.memory.removePending(requestId);
    if (supplied && !isAbort(error) && !deps.verifier.isTrusted(supplied.gate)) {
      deps.tracker.clearSupplied(requestId);
      deps.verifier.settle(supplied.gate, requestId, 'doubt');
      this.#doubted.add(supplied.credentialId);
      return;
    }
    deps.verifier.abandon(requestId);
  }

  /**
   * The user signed in. Saves the credential (unless "just this once") and
   * answers the requests waiting on the prompt: one of them carries the new
   * password to the proxy first, the others follow its verdict. If the prompt
   * is gone — the background restarted while it was open — the credential is
   * still saved and the page is told so the user can reload.
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
    // A re-entered account keeps its id: what was verified (or doubted) about its old password no longer holds.
    deps.verifier.forget(credentialId);
    this.#doubted.delete(credentialId);
    deps.standings.release(proxy);
    const answered = prompt
      ? deps.board.submit(prompt.id, { username: submission.username, password: submission.password, credentialId })
      : 0;
    return { answered, saved: submission.scope !== 'once', promptGone: prompt === undefined };
  }

  cancel(promptId: string): number {
    return this.deps.board.cancel(promptId, 'user');
  }

  /** A credential was edited or deleted in the options page: trusted no more, and the proxy may try accounts again. */
  credentialChanged(credentialId: string, proxy?: ProxyEndpoint): void {
    this.deps.verifier.forget(credentialId);
    this.#doubted.delete(credentialId);
    if (proxy) this.deps.standings.release(proxy);
  }

  standings(): StandingView[] {
    return this.deps.standings.list();
  }

  /** The user unlocked a proxy (popup or options). */
  unlock(proxy: string): boolean {
    const unlocked = this.deps.standings.unlock(proxy);
    if (unlocked) this.deps.standingsChanged();
    return unlocked;
  }
}
