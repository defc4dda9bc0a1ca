import type { LogRecord } from './log-record';
import { diagnose, type DiagnosisContext } from './diagnose';
import { redactUrl, redactUrlsIn } from './redact-url';

/**
 * A record as it may leave the extension: its URL and every URL in its text
 * without user name, password, query or fragment. Records are written
 * without them; this also holds for records kept from older versions.
 */
function redactRecord(r: LogRecord): LogRecord {
  const { final, ...rest } = r;
  const redactedFinal = final && { ...final, ...(final.error === undefined ? {} : { error: redactUrlsIn(final.error) }) };
  return {
    ...rest,
    url: redactUrl(r.url),
    proxy: redactUrlsIn(r.proxy),
    realm: redactUrlsIn(r.realm),
    method: redactUrlsIn(r.method),
    type: redactUrlsIn(r.type),
    ...(r.username === undefined ? {} : { username: redactUrlsIn(r.username) }),
    ...(redactedFinal ? { final: redactedFinal } : {}),
  };
}

/** Columns of the CSV export, in order. Records never hold a password, and neither does this. */
const COLUMNS = [
  'time',
  'requestId',
  'proxy',
  'scheme',
  'realm',
  'method',
  'type',
  'url',
  'tabId',
  'attempt',
  'outcome',
  'answerMs',
  'username',
  'status',
  'error',
  'cause',
] as const;

function csvCell(value: string | number | undefined): string {
  const text = value === undefined ? '' : String(value);
  // Quote when needed; neutralise spreadsheet formulas (=, +, -, @) in text cells.
  const safe = /^[=+\-@]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function recordsToCsv(records: readonly LogRecord[], context: DiagnosisContext): string {
  const lines = [COLUMNS.join(',')];
  for (const record of records) {
    const r = redactRecord(record);
    const row: Record<(typeof COLUMNS)[number], string | number | undefined> = {
      time: new Date(r.time).toISOString(),
      requestId: r.requestId,
      proxy: r.proxy,
      scheme: r.scheme,
      realm: r.realm,
      method: r.method,
      type: r.type,
      url: r.url,
      tabId: r.tabId,
      attempt: r.attempt,
      outcome: r.outcome,
      answerMs: r.answerMs,
      username: r.username,
      status: r.final?.statusCode,
      error: r.final?.error,
      cause: diagnose(r, context).cause,
    };
    lines.push(COLUMNS.map((c) => csvCell(row[c])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function recordsToJson(records: readonly LogRecord[], context: DiagnosisContext): string {
  const rows = records.map((r) => ({ ...redactRecord(r), time: new Date(r.time).toISOString(), cause: diagnose(r, context).cause }));
  return JSON.stringify({ format: 'proxy-keyring-log', version: 1, records: rows }, null, 2);
}
