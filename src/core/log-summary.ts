import { answerKey, findRefusedAnswers } from './diagnose';
import type { LogRecord } from './log-record';
import type { Outcome } from './outcome';

/** The newest problem: a network error, an HTTP status, or a failing outcome (for the page to word). */
export interface LastError {
  readonly time: number;
  readonly outcome: Outcome;
  readonly error?: string;
  readonly statusCode?: number;
}

export interface ProxySummary {
  readonly proxy: string;
  /** Challenges seen (one per challenge, not per record: prompted + answered count once). */
  readonly challenges: number;
  readonly answeredSilently: number;
  readonly prompts: number;
  readonly rejections: number;
  readonly lastError?: LastError;
  /** Share of challenged requests with a known end that ended well (status < 400); undefined when none is known. */
  readonly endedWellShare?: number;
  readonly lastTime: number;
}

/**
 * The records that stand for one challenge each: every challenge ends in
 * exactly one decision. "rejected" precedes a decision, and the end of a
 * prompt (answered, cancelled, timed out, handed over) follows its "prompted".
 */
const DECISION_OUTCOMES = new Set(['answered-saved', 'prompted', 'attempt-cap', 'unsupported-scheme', 'locked']);
// 'held-back' ends a wait that began with 'answered-saved' or 'prompted'; it is not a decision of its own.

const FAILURE_OUTCOMES = new Set([
  'rejected',
  'attempt-cap',
  'unsupported-scheme',
  'proxy-error',
  'timed-out',
  'cancelled-user',
  'locked',
  'site-login-after-answer',
  'held-back',
]);

/** Whether `readProblem` finds one, without making it. */
function isProblem(r: LogRecord): boolean {
  return Boolean(r.final?.error) || (r.final?.statusCode !== undefined && r.final.statusCode >= 400) || FAILURE_OUTCOMES.has(r.outcome);
}

function readProblem(r: LogRecord): LastError | undefined {
  if (r.final?.error) return { time: r.time, outcome: r.outcome, error: r.final.error };
  if (r.final?.statusCode !== undefined && r.final.statusCode >= 400)
    return { time: r.time, outcome: r.outcome, statusCode: r.final.statusCode };
  return FAILURE_OUTCOMES.has(r.outcome) ? { time: r.time, outcome: r.outcome } : undefined;
}

/**
 * How one request ended, packed with its 10-minute window into one number
 * (window × 4 + state) so that 100,000 records need no key string each:
 * 0 not known, 1 ended badly, 2 ended well.
 */
const REQUEST_WINDOW_MS = 600_000;
const packRequest = (window: number, state: number) => window * 4 + state;
const windowOf = (packed: number) => Math.floor(packed / 4);
const stateOf = (packed: number) => packed - windowOf(packed) * 4;

function endState(r: LogRecord): number {
  if (r.final === undefined) return 0;
  return r.final.statusCode !== undefined && r.final.statusCode < 400 ? 2 : 1;
}

interface ProxyAcc {
  challenges: number;
  answeredSilently: number;
  prompts: number;
  rejections: number;
  /** The record of the newest problem (its words are made once, at the end). */
  lastProblem: LogRecord | undefined;
  /** Per request id: its first window and how it ended there (`packRequest`). */
  requests: Map<string, number>;
  /** The same request id in another window (rare): keyed by both, the state alone. */
  laterWindows: Map<string, number>;
  lastTime: number;
}

/** A request's end as the last record with a final result says; a record without one only makes it known. */
function noteRequest(acc: ProxyAcc, r: LogRecord): void {
  const window = Math.floor(r.time / REQUEST_WINDOW_MS);
  const state = endState(r);
  const seen = acc.requests.get(r.requestId);
  if (seen === undefined) acc.requests.set(r.requestId, packRequest(window, state));
  else if (windowOf(seen) === window) {
    if (state !== 0) acc.requests.set(r.requestId, packRequest(window, state));
  } else {
    const key = `${r.requestId}@${window}`;
    if (state !== 0 || !acc.laterWindows.has(key)) acc.laterWindows.set(key, state);
  }
}

function readEndedWellShare(acc: ProxyAcc): number | undefined {
  let known = 0;
  let well = 0;
  const count = (state: number) => {
    if (state !== 0) known++;
    if (state === 2) well++;
  };
  for (const packed of acc.requests.values()) count(stateOf(packed));
  for (const state of acc.laterWindows.values()) count(state);
  return known > 0 ? well / known : undefined;
}

/**
 * Per-proxy figures for the diagnostics summary, busiest proxy first.
 * `refused` is `findRefusedAnswers(records)` when the caller has it already.
 */
export function summariseByProxy(
  records: readonly LogRecord[],
  refused: ReadonlySet<string> = findRefusedAnswers(records),
): ProxySummary[] {
  const byProxy = new Map<string, ProxyAcc>();
  for (const r of records) {
    let acc = byProxy.get(r.proxy);
    if (acc === undefined) {
      acc = {
        challenges: 0,
        answeredSilently: 0,
        prompts: 0,
        rejections: 0,
        lastProblem: undefined,
        requests: new Map(),
        laterWindows: new Map(),
        lastTime: 0,
      };
      byProxy.set(r.proxy, acc);
    }
    if (DECISION_OUTCOMES.has(r.outcome)) acc.challenges++;
    // A silent answer the proxy then refused did not answer anything.
    if (r.outcome === 'answered-saved' && (refused.size === 0 || !refused.has(answerKey(r)))) acc.answeredSilently++;
    if (r.outcome === 'prompted') acc.prompts++;
    if (r.outcome === 'rejected') acc.rejections++;
    if ((acc.lastProblem === undefined || r.time >= acc.lastProblem.time) && isProblem(r)) acc.lastProblem = r;
    noteRequest(acc, r);
    if (r.time > acc.lastTime) acc.lastTime = r.time;
  }
  return [...byProxy.entries()]
    .map(([proxy, acc]) => {
      const lastError = acc.lastProblem && readProblem(acc.lastProblem);
      const endedWellShare = readEndedWellShare(acc);
      return {
        proxy,
        challenges: acc.challenges,
        answeredSilently: acc.answeredSilently,
        prompts: acc.prompts,
        rejections: acc.rejections,
        ...(lastError ? { lastError } : {}),
        ...(endedWellShare !== undefined ? { endedWellShare } : {}),
        lastTime: acc.lastTime,
      };
    })
    .sort((a, b) => b.challenges - a.challenges || a.proxy.localeCompare(b.proxy));
}

export interface RecentCounts {
  readonly challenges: number;
  readonly answeredSilently: number;
  readonly prompts: number;
  readonly failures: number;
}

/** Counts for the last `windowMs` (the popup shows 24 hours). */
export function countRecent(records: readonly LogRecord[], now: number, windowMs = 24 * 3_600_000): RecentCounts {
  let challenges = 0;
  let answeredSilently = 0;
  let prompts = 0;
  let failures = 0;
  const refused = findRefusedAnswers(records);
  for (const r of records) {
    if (now - r.time > windowMs) continue;
    if (DECISION_OUTCOMES.has(r.outcome)) challenges++;
    if (r.outcome === 'answered-saved' && !refused.has(answerKey(r))) answeredSilently++;
    if (r.outcome === 'prompted') prompts++;
    if (readProblem(r) !== undefined) failures++;
  }
  return { challenges, answeredSilently, prompts, failures };
}
