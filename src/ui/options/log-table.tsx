import { useState } from 'preact/hooks';
import { diagnose, type DiagnosisContext } from '../../core/diagnose';
import type { LogRecord } from '../../core/log-record';
import { describeFinal, formatShortTime, formatTime } from '../shared/format';
import { t } from '../shared/i18n';
import { CAUSE_KEYS, OUTCOME_KEYS } from '../shared/message-keys';

/** Rows have one fixed height so only the visible ones need to exist in the DOM (100,000 records stay smooth). */
export const ROW_HEIGHT = 44;
const VIEWPORT_HEIGHT = 484;
const OVERSCAN = 8;

export interface LogTableProps {
  readonly records: readonly LogRecord[];
  readonly context: DiagnosisContext;
  readonly selectedId?: number;
  readonly onSelect: (record: LogRecord) => void;
  readonly now: number;
}

/** The diagnostics log, newest first (the caller passes it in that order), virtualised. */
export function LogTable({ records, context, selectedId, onSelect, now }: LogTableProps) {
  const [scrollTop, setScrollTop] = useState(0);
  if (records.length === 0) return <p class="muted">{t('optionsNoLog')}</p>;
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(records.length, Math.ceil((scrollTop + VIEWPORT_HEIGHT) / ROW_HEIGHT) + OVERSCAN);
  const visible = records.slice(first, last);
  return (
    <div class="log" data-testid="log" role="table" aria-rowcount={records.length} aria-label={t('diagLog')}>
      <div class="log-row log-head" role="row">
        <span role="columnheader">{t('optionsTime')}</span>
        <span role="columnheader">{t('optionsProxy')}</span>
        <span role="columnheader">{t('optionsRequest')}</span>
        <span role="columnheader">{t('optionsOutcome')}</span>
        <span role="columnheader">{t('diagCause')}</span>
        <span role="columnheader">{t('optionsResult')}</span>
      </div>
      <div
        class="log-viewport"
        style={{ height: `${VIEWPORT_HEIGHT}px` }}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        data-testid="log-viewport"
      >
        <div style={{ height: `${records.length * ROW_HEIGHT}px`, position: 'relative' }}>
          {visible.map((r, i) => {
            const d = diagnose(r, context);
            const index = first + i;
            return (
              <div
                key={r.id ?? index}
                class={`log-row sev-${d.severity}${r.id !== undefined && r.id === selectedId ? ' selected' : ''}`}
                role="row"
                aria-rowindex={index + 1}
                tabIndex={0}
                style={{ top: `${index * ROW_HEIGHT}px` }}
                data-outcome={r.outcome}
                data-proxy={r.proxy}
                data-cause={d.cause}
                data-testid="log-row"
                onClick={() => onSelect(r)}
                onKeyDown={(e) => {
                  if (e.key !== 'Enter' && e.key !== ' ') return;
                  // Space opens the row like a button; it does not also scroll the page.
                  e.preventDefault();
                  onSelect(r);
                }}
              >
                <span role="cell" class="small" title={formatTime(r.time)}>
                  {formatShortTime(r.time, now)}
                </span>
                <span role="cell" title={r.proxy || t('diagProxyUnknown')}>
                  <code>{r.proxy || '—'}</code>
                </span>
                <span role="cell" class="ellipsis" title={r.url}>
                  {r.method} {r.url}
                </span>
                <span role="cell" title={t(OUTCOME_KEYS[r.outcome])}>
                  {t(OUTCOME_KEYS[r.outcome])}
                </span>
                <span role="cell" class="small" title={t(CAUSE_KEYS[d.cause])}>
                  {t(CAUSE_KEYS[d.cause])}
                </span>
                <span role="cell" title={describeFinal(r)}>
                  {describeFinal(r)}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
