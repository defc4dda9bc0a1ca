import { stripUrl, type Challenge } from './challenge';
import { formatEndpoint } from './proxy-endpoint';
import type { Outcome } from './outcome';

/** How the request ended, where the browser tells: a status code or a network error. */
export interface FinalResult {
  readonly statusCode?: number;
  readonly error?: string;
}

/** One proxy challenge and what came of it. Never holds a password or a query string. */
export interface LogRecord {
  readonly id?: number;
  readonly time: number;
  readonly requestId: string;
  /** `host:port` of the challenging proxy. */
  readonly proxy: string;
  readonly scheme: string;
  readonly realm: string;
  readonly url: string;
  readonly method: string;
  readonly type: string;
  readonly tabId: number;
  readonly attempt: number;
  readonly outcome: Outcome;
  /** From challenge to answer, for outcomes that answer. */
  readonly answerMs?: number;
  /** The user name involved (never the password). */
  readonly username?: string;
  /** On a "prompted" record: the prompt was opened because the proxy refused the saved password. */
  readonly afterRejection?: true;
  readonly final?: FinalResult;
}

export function makeLogRecord(
  challenge: Challenge,
  fields: {
    outcome: Outcome;
    attempt: number;
    time: number;
    answerMs?: number;
    username?: string;
    afterRejection?: true;
    urlDetail?: 'path' | 'origin';
  },
): LogRecord {
  const record: { -readonly [K in keyof LogRecord]: LogRecord[K] } = {
    time: fields.time,
    requestId: challenge.requestId,
    proxy: formatEndpoint(challenge.challenger),
    scheme: challenge.scheme,
    realm: challenge.realm,
    url: stripUrl(challenge.url, fields.urlDetail),
    method: challenge.method,
    type: challenge.type,
    tabId: challenge.tabId,
    attempt: fields.attempt,
    outcome: fields.outcome,
  };
  // Added one by one, not spread in: every answer builds a record, and each spread is an object more.
  if (fields.answerMs !== undefined) record.answerMs = fields.answerMs;
  if (fields.username !== undefined) record.username = fields.username;
  if (fields.afterRejection) record.afterRejection = true;
  return record;
}

/** A request that failed at the proxy (unreachable, tunnel refused) without a challenge we answered. */
export function makeProxyErrorRecord(fields: {
  requestId: string;
  url: string;
  method: string;
  type: string;
  tabId: number;
  time: number;
  proxy: string;
  error: string;
  urlDetail?: 'path' | 'origin';
}): LogRecord {
  return {
    time: fields.time,
    requestId: fields.requestId,
    proxy: fields.proxy,
    scheme: '',
    realm: '',
    url: stripUrl(fields.url, fields.urlDetail),
    method: fields.method,
    type: fields.type,
    tabId: fields.tabId,
    attempt: 0,
    outcome: 'proxy-error',
    final: { error: fields.error },
  };
}
