import type { CauseId } from '../../core/diagnose';
import type { LogRecord } from '../../core/log-record';
import type { MessageKey } from './i18n';

/** The words for a cause and its fix live in _locales as `cause_<id>` / `fix_<id>`. */
export function causeKey(cause: CauseId): MessageKey {
  return `cause_${cause.replaceAll('-', '_')}` as MessageKey;
}

export function fixKey(cause: CauseId): MessageKey {
  return `fix_${cause.replaceAll('-', '_')}` as MessageKey;
}

/** The request's final result as a short text: the status code or the network error. */
export function describeFinal(record: LogRecord): string {
  if (!record.final) return '';
  if (record.final.statusCode !== undefined) return String(record.final.statusCode);
  return record.final.error ?? '';
}
