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

function readProblem(r: LogRecord): LastError | undefined {
  if (r.final?.error) return { time: r.time, outcome: r.outcome, error: r.final.error };
  if (r.final?.statusCode !== undefined && r.final.statusCode >= 400)
    return { time: r.time, outcome: r.outcome, statusCode: r.final.statusCode };
  return FAILURE_OUTCOMES.has(r.outcome) ? { time: r.time, outcome: r.outcome } : undefined;
}

/** Per-proxy figures for the diagnostics summary, busiest proxy first. */
export function summariseByProxy(records: readonly LogRecord[]): ProxySummary[] {
  interface Acc {
    challenges: number;
    answeredSilently: number;
    prompts: number;
    rejections: number;
    lastError?: LastError;
    requests: Map<string, boolean | undefined>;
    lastTime: number;
  }
  const byProxy = new Map<string, Acc>();
  // A silent answer the proxy then refused did not answer anything.
  const refused = findRefusedAnswers(records);
  for (const r of records) {
    const acc: Acc = byProxy.get(r.proxy) ?? {
      challenges: 0,
      answeredSilently: 0,
      prompts: 0,
      rejections: 0,
      requests: new Map(),
      lastTime: 0,
    };
    byProxy.set(r.proxy, acc);
    if (DECISION_OUTCOMES.has(r.outcome)) acc.challenges++;
    if (r.outcome === 'answered-saved' && !refused.has(answerKey(r))) acc.answeredSilently++;
    if (r.outcome === 'prompted') acc.prompts++;
    if (r.outcome === 'rejected') acc.rejections++;
    const problem = readProblem(r);
    if (problem && (!acc.lastError || r.time >= acc.lastError.time)) acc.lastError = problem;
    const key = `${r.requestId}@${Math.floor(r.time / 600_000)}`;
    const ended = r.final === undefined ? undefined : r.final.statusCode !== undefined && r.final.statusCode < 400;
    if (ended !== undefined || !acc.requests.has(key)) acc.requests.set(key, ended ?? acc.requests.get(key));
    acc.lastTime = Math.max(acc.lastTime, r.time);
  }
  return [...byProxy.entries()]
    .map(([proxy, acc]) => {
      const known = [...acc.requests.values()].filter((v): v is boolean => v !== undefined);
      return {
        proxy,
        challenges: acc.challenges,
        answeredSilently: acc.answeredSilently,
        prompts: acc.prompts,
        rejections: acc.rejections,
        ...(acc.lastError ? { lastError: acc.lastError } : {}),
        ...(known.length > 0 ? { endedWellShare: known.filter(Boolean).length / known.length } : {}),
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
