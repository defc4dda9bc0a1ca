import { diagnose, findRefusedAnswers, type Diagnosis, type DiagnosisContext } from './diagnose';
import type { FinalResult, LogRecord } from './log-record';
import type { Outcome } from './outcome';
import { classifyProxyError } from './proxy-error';
import type { ProxyEndpoint } from './proxy-endpoint';

/**
 * "Test my proxy sign-in": what was seen of the test tab's page request, in,
 * and the report the user reads, out. The background opens the tab and
 * collects the observation (src/background/sign-in-test.ts); the pages put
 * each step into words.
 */

/** What the background saw of the test tab's page request. */
export interface SignInObservation {
  readonly url: string;
  readonly startedAt: number;
  /** The log records of the tab's page request (challenges and what came of them), in the order they were made. */
  readonly records: readonly LogRecord[];
  /** How the page request ended, and when. */
  readonly final?: FinalResult & {
    readonly time: number;
    /** The proxy a failed request went to, where the browser tells. */ readonly proxy?: string;
  };
  /** When the test stopped waiting for an end. */
  readonly timedOutAt?: number;
  /** The proxies that have a saved password (to spot a likely alias in the diagnosis). */
  readonly savedProxies: readonly ProxyEndpoint[];
}

export type SignInStepKind =
  | 'opened'
  | 'challenged'
  | 'answered-saved'
  | 'prompted'
  | 'answered-prompt'
  | 'refused'
  | 'accepted'
  | 'outcome'
  | 'no-challenge'
  | 'not-reached'
  | 'loaded'
  | 'failed'
  | 'timed-out';

export interface SignInStep {
  readonly kind: SignInStepKind;
  /** Milliseconds from the start of the test. */
  readonly atMs: number;
  /** Milliseconds since the step before. */
  readonly tookMs: number;
  /** `host:port` of the proxy, where known. */
  readonly proxy?: string;
  readonly scheme?: string;
  readonly realm?: string;
  /** The account involved: a user name, never a password. */
  readonly username?: string;
  /** For `outcome`: what the extension did with the challenge. */
  readonly outcome?: Outcome;
  readonly statusCode?: number;
  readonly error?: string;
  /** The likely cause and fix, for a step where something went wrong or needs the user. */
  readonly diagnosis?: Diagnosis;
}

/** `running` until the page request ended or the test gave up; `passed` when the page loaded (status below 400). */
export type SignInState = 'running' | 'passed' | 'failed';

export interface SignInReport {
  readonly url: string;
  readonly startedAt: number;
  readonly state: SignInState;
  readonly steps: readonly SignInStep[];
}

/** The report of a sign-in test: each step in the order it happened, with its time and, where something failed, why. */
export function buildSignInReport(observation: SignInObservation): SignInReport {
  const { records, final } = observation;
  const context: DiagnosisContext = {
    savedProxies: observation.savedProxies,
    strictProxies: new Set(),
    refusedAnswers: findRefusedAnswers(records),
  };
  const steps: SignInStep[] = [];
  let last = observation.startedAt;
  const push = (time: number, step: Omit<SignInStep, 'atMs' | 'tookMs'>) => {
    // Records are stamped when decided, so a later one can carry an earlier time by a millisecond or two.
    const at = Math.max(time, last);
    steps.push({ ...step, atMs: at - observation.startedAt, tookMs: at - last });
    last = at;
  };
  push(observation.startedAt, { kind: 'opened' });

  const challenged = new Set<number>();
  let lastAnswer: LogRecord | undefined;
  for (const record of records) {
    const where = { proxy: record.proxy, scheme: record.scheme, realm: record.realm };
    // A repeat challenge is the refusal itself; every other first record of an attempt follows a challenge.
    if (!challenged.has(record.attempt) && record.outcome !== 'rejected' && record.outcome !== 'proxy-error') {
      push(record.time - (record.answerMs ?? 0), { kind: 'challenged', ...where });
    }
    challenged.add(record.attempt);
    const username = record.username ?? (record.outcome === 'rejected' ? lastAnswer?.username : undefined);
    const who = username === undefined ? {} : { username };
    switch (record.outcome) {
      case 'answered-saved':
      case 'answered-prompt':
        push(record.time, { kind: record.outcome, ...where, ...who });
        lastAnswer = record;
        break;
      case 'prompted':
        push(record.time, { kind: 'prompted', ...where, diagnosis: diagnose(record, context) });
        lastAnswer = undefined;
        break;
      case 'rejected':
        push(record.time, { kind: 'refused', ...where, ...who, diagnosis: diagnose(record, context) });
        lastAnswer = undefined;
        break;
      default:
        push(record.time, { kind: 'outcome', ...where, outcome: record.outcome, diagnosis: diagnose(record, context) });
        lastAnswer = undefined;
    }
  }

  if (final) {
    const lastRecord = records.at(-1);
    const proxyKind = classifyProxyError(final.error);
    if (lastRecord === undefined) {
      if (proxyKind) {
        const diagnosis = diagnose(proxyErrorRecord(observation, final), context);
        push(final.time, {
          kind: 'not-reached',
          ...(final.proxy ? { proxy: final.proxy } : {}),
          ...(final.error ? { error: final.error } : {}),
          diagnosis,
        });
      } else if (final.statusCode !== undefined) {
        push(final.time, { kind: 'no-challenge' });
      }
    } else if (lastAnswer !== undefined && final.statusCode !== undefined && final.statusCode !== 407) {
      push(final.time, { kind: 'accepted', proxy: lastAnswer.proxy, ...(lastAnswer.username ? { username: lastAnswer.username } : {}) });
    }
    const ok = final.statusCode !== undefined && final.statusCode < 400;
    if (final.statusCode !== undefined) {
      const diagnosis = ok || lastRecord === undefined ? undefined : diagnose({ ...lastRecord, final }, context);
      push(final.time, { kind: 'loaded', statusCode: final.statusCode, ...(diagnosis ? { diagnosis } : {}) });
    } else if (!(proxyKind && lastRecord === undefined)) {
      const diagnosis = lastRecord === undefined ? undefined : diagnose({ ...lastRecord, final }, context);
      push(final.time, { kind: 'failed', ...(final.error ? { error: final.error } : {}), ...(diagnosis ? { diagnosis } : {}) });
    }
    return { url: observation.url, startedAt: observation.startedAt, state: ok ? 'passed' : 'failed', steps };
  }
  if (observation.timedOutAt !== undefined) {
    push(observation.timedOutAt, { kind: 'timed-out' });
    return { url: observation.url, startedAt: observation.startedAt, state: 'failed', steps };
  }
  return { url: observation.url, startedAt: observation.startedAt, state: 'running', steps };
}

/** The page request failed at the proxy before any challenge: read as the log would record it. */
function proxyErrorRecord(observation: SignInObservation, final: FinalResult & { time: number }): LogRecord {
  return {
    time: final.time,
    requestId: '',
    proxy: '',
    scheme: '',
    realm: '',
    url: observation.url,
    method: 'GET',
    type: 'main_frame',
    tabId: -1,
    attempt: 0,
    outcome: 'proxy-error',
    final,
  };
}

/** Whether a test address can be opened: an http(s) URL (the settings validate the same way). */
export function isTestUrl(value: string): boolean {
  if (value.length > 2000) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
