import { isLikelyAlias } from './similar-host';
import type { LogRecord } from './log-record';
import { classifyProxyError } from './proxy-error';
import { formatEndpoint, parseEndpoint, type ProxyEndpoint } from './proxy-endpoint';

/**
 * Why a 407 (or a proxy failure) happened and what to do, as an id whose
 * words live in _locales (`cause_<id>`, `fix_<id>`).
 */
export type CauseId =
  | 'answered-ok'
  | 'answered'
  | 'rejected-then-asked'
  | 'missing-credentials'
  | 'alias-host'
  | 'credentials-rejected'
  | 'proxy-unreachable'
  | 'tunnel-failed'
  | 'socks'
  | 'refused-after-auth'
  | 'strict-policy'
  | 'unsupported-scheme'
  | 'cancelled'
  | 'timed-out'
  | 'attempt-cap'
  | 'handed-to-browser'
  | 'proxy-locked'
  | 'site-login-after-answer'
  | 'held-back';

export type Severity = 'ok' | 'info' | 'warning' | 'error';

export interface Diagnosis {
  readonly cause: CauseId;
  readonly severity: Severity;
  /** For alias-host: the saved proxy this one resembles. */
  readonly similarTo?: string;
}

export interface DiagnosisContext {
  /** The proxies that have a saved credential. */
  readonly savedProxies: readonly ProxyEndpoint[];
  /** `host:port` of proxies that keep challenging after successful answers. */
  readonly strictProxies: ReadonlySet<string>;
  /** Answers the proxy then refused (keys from `answerKey`); see findRefusedAnswers. */
  readonly refusedAnswers?: ReadonlySet<string>;
}

/** Identifies one answer: the request, its proxy and the attempt it answered. */
export function answerKey(r: Pick<LogRecord, 'requestId' | 'proxy' | 'attempt'>): string {
  return `${r.proxy}|${r.requestId}|${r.attempt}`;
}

/** How long after an answer a "rejected" of the same request still refers to it. */
const REFUSAL_WINDOW_MS = 10 * 60_000;

/**
 * Answers the proxy refused: a "rejected" record for attempt n of a request
 * refers to our answer to attempt n-1 of that request at that proxy.
 */
export function findRefusedAnswers(records: readonly LogRecord[]): Set<string> {
  const rejections = new Map<string, number>();
  for (const r of records) {
    // The answer it refused is the attempt before it (no copy of the record: this runs over the whole log).
    if (r.outcome === 'rejected') rejections.set(answerKey({ proxy: r.proxy, requestId: r.requestId, attempt: r.attempt - 1 }), r.time);
  }
  const refused = new Set<string>();
  if (rejections.size === 0) return refused;
  for (const r of records) {
    if (r.outcome !== 'answered-saved' && r.outcome !== 'answered-prompt') continue;
    const key = answerKey(r);
    const at = rejections.get(key);
    if (at !== undefined && at >= r.time && at - r.time <= REFUSAL_WINDOW_MS) refused.add(key);
  }
  return refused;
}

function findAlias(label: string, saved: readonly ProxyEndpoint[]): ProxyEndpoint | undefined {
  const proxy = parseEndpoint(label);
  if (!proxy) return undefined;
  return saved.find((s) => s.port === proxy.port && isLikelyAlias(s, proxy));
}

function diagnoseFinal(record: LogRecord): Diagnosis | undefined {
  const kind = classifyProxyError(record.final?.error);
  if (kind === 'unreachable') return { cause: 'proxy-unreachable', severity: 'error' };
  if (kind === 'tunnel') return { cause: 'tunnel-failed', severity: 'error' };
  if (kind === 'socks') return { cause: 'socks', severity: 'error' };
  if (record.final?.statusCode === 403 && (record.outcome === 'answered-saved' || record.outcome === 'answered-prompt')) {
    return { cause: 'refused-after-auth', severity: 'error' };
  }
  return undefined;
}

/** One record's cause and fix. Network-level results win: they say what finally happened. */
export function diagnose(record: LogRecord, context: DiagnosisContext): Diagnosis {
  const fromFinal = diagnoseFinal(record);
  if (fromFinal) return fromFinal;
  switch (record.outcome) {
    case 'answered-saved':
    case 'answered-prompt': {
      if (context.refusedAnswers?.has(answerKey(record))) return { cause: 'credentials-rejected', severity: 'error' };
      if (context.strictProxies.has(record.proxy)) return { cause: 'strict-policy', severity: 'warning' };
      const ok = record.final?.statusCode !== undefined && record.final.statusCode < 400;
      return ok ? { cause: 'answered-ok', severity: 'ok' } : { cause: 'answered', severity: 'info' };
    }
    case 'prompted': {
      if (record.afterRejection) return { cause: 'rejected-then-asked', severity: 'warning' };
      const alias = findAlias(record.proxy, context.savedProxies);
      if (alias) return { cause: 'alias-host', severity: 'warning', similarTo: formatEndpoint(alias) };
      return { cause: 'missing-credentials', severity: 'info' };
    }
    case 'rejected':
      return { cause: 'credentials-rejected', severity: 'error' };
    case 'unsupported-scheme':
      return { cause: 'unsupported-scheme', severity: 'error' };
    case 'cancelled-user':
      return { cause: 'cancelled', severity: 'warning' };
    case 'timed-out':
      return { cause: 'timed-out', severity: 'warning' };
    case 'attempt-cap':
      return { cause: 'attempt-cap', severity: 'error' };
    case 'handed-to-browser':
      return { cause: 'handed-to-browser', severity: 'info' };
    case 'proxy-error':
      return { cause: 'proxy-unreachable', severity: 'error' };
    case 'locked':
      return { cause: 'proxy-locked', severity: 'error' };
    case 'site-login-after-answer':
      return { cause: 'site-login-after-answer', severity: 'warning' };
    case 'held-back':
      return { cause: 'held-back', severity: 'info' };
  }
}

/** Answered challenges, spaced out in time, that make a proxy look "strict". */
export const STRICT_POLICY_REPEATS = 5;
const STRICT_MIN_GAP_MS = 30_000;
const STRICT_WINDOW_MS = 30 * 60_000;

/**
 * Proxies that keep challenging although our answers succeed. Browsers cache
 * a proxy's acceptance, so after a burst at start-up (many concurrent first
 * challenges — not a problem) a proxy should go quiet. One that challenges
 * again and again, at least 30 s apart, 5 times within 30 minutes, each
 * answered and ending well, points at a strict network policy.
 */
export function findStrictProxies(records: readonly LogRecord[]): Set<string> {
  const answeredOk = new Map<string, number[]>();
  for (const r of records) {
    const answered = r.outcome === 'answered-saved' || r.outcome === 'answered-prompt';
    const ok = r.final?.statusCode !== undefined && r.final.statusCode < 400;
    if (!answered || !ok) continue;
    const times = answeredOk.get(r.proxy) ?? [];
    times.push(r.time);
    answeredOk.set(r.proxy, times);
  }
  const strict = new Set<string>();
  for (const [proxy, times] of answeredOk) {
    if (isRepeatedChallenging(times.sort((a, b) => a - b))) strict.add(proxy);
  }
  return strict;
}

function isRepeatedChallenging(sortedTimes: readonly number[]): boolean {
  let chainStart = Number.NEGATIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  let count = 0;
  for (const t of sortedTimes) {
    if (t - last < STRICT_MIN_GAP_MS) continue;
    if (t - chainStart > STRICT_WINDOW_MS) {
      chainStart = t;
      count = 0;
    }
    count++;
    last = t;
    if (count >= STRICT_POLICY_REPEATS) return true;
  }
  return false;
}
