import type { LogRecord } from '../../core/log-record';
import { t } from '../shared/i18n';
import { outcomeMessageKey } from '../shared/outcome-label';

function describeFinal(record: LogRecord): string {
  if (!record.final) return '';
  if (record.final.statusCode !== undefined) return String(record.final.statusCode);
  return record.final.error ?? '';
}

/** The diagnostics log, newest first (the caller passes it in that order). */
export function LogTable({ records }: { records: readonly LogRecord[] }) {
  if (records.length === 0) return <p class="muted">{t('optionsNoLog')}</p>;
  return (
    <table data-testid="log">
      <thead>
        <tr>
          <th>{t('optionsTime')}</th>
          <th>{t('optionsProxy')}</th>
          <th>{t('optionsRequest')}</th>
          <th>{t('optionsOutcome')}</th>
          <th>{t('optionsAttempt')}</th>
          <th>{t('optionsResult')}</th>
        </tr>
      </thead>
      <tbody>
        {records.map((r) => (
          <tr key={r.id ?? `${r.time}-${r.requestId}-${r.outcome}`} data-outcome={r.outcome} data-proxy={r.proxy}>
            <td>{new Date(r.time).toLocaleString()}</td>
            <td>
              <code>{r.proxy}</code>
              <div class="muted">
                {r.scheme}
                {r.realm ? ` · ${r.realm}` : ''}
              </div>
            </td>
            <td>
              <div>
                {r.method} <code>{r.url}</code>
              </div>
              <div class="muted">{r.type}</div>
            </td>
            <td>
              {t(outcomeMessageKey(r.outcome))}
              {r.username ? <div class="muted">{r.username}</div> : null}
            </td>
            <td>{r.attempt}</td>
            <td>{describeFinal(r)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
