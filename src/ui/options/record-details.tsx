import { diagnose, type DiagnosisContext } from '../../core/diagnose';
import type { LogRecord } from '../../core/log-record';
import { describeFinal, formatTime } from '../shared/format';
import { t, type MessageKey } from '../shared/i18n';
import { CAUSE_KEYS, FIX_KEYS, OUTCOME_KEYS } from '../shared/message-keys';

/** One record opened: every field, the likely cause and what to do, in words. */
export function RecordDetails({ record, context, onClose }: { record: LogRecord; context: DiagnosisContext; onClose: () => void }) {
  const d = diagnose(record, context);
  const rows: [MessageKey, string][] = [
    ['fieldTime', formatTime(record.time)],
    ['optionsProxy', record.proxy || '—'],
    ['fieldScheme', record.scheme || '—'],
    ['fieldRealm', record.realm || '—'],
    ['fieldRequest', `${record.method} ${record.url} (${record.type})`],
    ['fieldTab', String(record.tabId)],
    ['fieldAttempt', String(record.attempt)],
    ['optionsOutcome', t(OUTCOME_KEYS[record.outcome])],
    ['fieldUser', record.username ?? '—'],
    ['fieldAnswerMs', record.answerMs === undefined ? '—' : t('fieldAnswerMsValue', String(record.answerMs))],
    ['fieldResult', describeFinal(record) || '—'],
  ];
  return (
    <aside class={`details sev-${d.severity}`} data-testid="record-details" data-cause={d.cause} aria-label={t('diagDetails')}>
      <div class="details-head">
        <h3>{t('diagDetails')}</h3>
        <button type="button" onClick={onClose}>
          {t('diagCloseDetails')}
        </button>
      </div>
      <div class="diagnosis">
        <p>
          <strong>{t('diagCause')}: </strong>
          <span data-testid="cause">{t(CAUSE_KEYS[d.cause])}</span>
          {d.similarTo && <span> {t('diagSimilarTo', d.similarTo)}</span>}
        </p>
        <p>
          <strong>{t('diagFix')}: </strong>
          <span data-testid="fix">{t(FIX_KEYS[d.cause])}</span>
        </p>
      </div>
      <dl class="facts details-facts">
        {rows.map(([key, value]) => (
          <>
            <dt key={`${key}-t`}>{t(key)}</dt>
            <dd key={`${key}-d`}>{value}</dd>
          </>
        ))}
      </dl>
    </aside>
  );
}
