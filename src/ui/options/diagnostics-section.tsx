import { useMemo, useState } from 'preact/hooks';
import type { DiagnosisContext } from '../../core/diagnose';
import { NarrowingFilter, type LogFilter } from '../../core/log-filter';
import type { LogRecord } from '../../core/log-record';
import type { LogHealth } from '../../storage/event-log';
import { summariseByProxy } from '../../core/log-summary';
import { bucketTimeline } from '../../core/timeline';
import { t } from '../shared/i18n';
import { LogFilters } from './log-filters';
import { LogHealthLine } from './log-health';
import { LogTable } from './log-table';
import { ProxySummaryTable } from './proxy-summary';
import { RecordDetails } from './record-details';
import { TimelineChart } from './timeline-chart';

export interface DiagnosticsSectionProps {
  /** Newest first. */
  readonly records: readonly LogRecord[];
  readonly context: DiagnosisContext;
  readonly now: number;
  readonly loadingMore: boolean;
  /** When writing the log failed, records were lost, or some are from a newer version. */
  readonly logHealth?: LogHealth | undefined;
  /** The last report made, shown so it can be read and copied by hand too. */
  readonly report?: { readonly text: string; readonly copied: boolean };
  readonly onExport: (format: 'json' | 'csv', records: readonly LogRecord[]) => void;
  readonly onClear: () => void;
  readonly onCopyReport: () => void;
}

const TIMELINE_BUCKETS = 48;

export function DiagnosticsSection(props: DiagnosticsSectionProps) {
  const [filter, setFilter] = useState<LogFilter>({});
  const [selected, setSelected] = useState<LogRecord | undefined>();
  const { records, context } = props;
  const narrowing = useMemo(() => new NarrowingFilter(), []);
  const shown = useMemo(() => narrowing.apply(records, filter), [narrowing, records, filter]);
  const summaries = useMemo(() => summariseByProxy(records, context.refusedAnswers), [records, context.refusedAnswers]);
  const buckets = useMemo(() => bucketTimeline(shown, TIMELINE_BUCKETS), [shown]);
  // One summary per proxy in the records: the same list without another pass over them.
  const proxies = useMemo(() => summaries.map((s) => s.proxy).sort(), [summaries]);

  return (
    <section id="diagnostics" aria-labelledby="diagnostics-title">
      <h2 id="diagnostics-title">{t('navDiagnostics')}</h2>
      <div class="toolbar">
        <button type="button" onClick={() => props.onExport('json', shown)} data-testid="export-json">
          {t('diagExportJson')}
        </button>
        <button type="button" onClick={() => props.onExport('csv', shown)} data-testid="export-csv">
          {t('diagExportCsv')}
        </button>
        <button type="button" onClick={props.onCopyReport} data-testid="copy-report">
          {t('diagCopyReport')}
        </button>
        <button type="button" class="danger" onClick={props.onClear} data-testid="clear-log">
          {t('diagClear')}
        </button>
      </div>
      {props.report && (
        <details class="report" open>
          <summary>{t('diagReportTitle')}</summary>
          <p class="muted small" role="status" data-testid="report-status">
            {props.report.copied ? t('diagReportCopied') : t('diagReportNotCopied')}
          </p>
          <textarea readOnly rows={10} data-testid="report">
            {props.report.text}
          </textarea>
        </details>
      )}
      <h3>{t('diagSummary')}</h3>
      {records.length === 0 ? <p class="muted">{t('optionsNoLog')}</p> : <ProxySummaryTable summaries={summaries} now={props.now} />}
      {buckets.length > 0 && (
        <>
          <h3>{t('diagTimeline')}</h3>
          <TimelineChart buckets={buckets} />
        </>
      )}
      <h3>{t('diagLog')}</h3>
      <LogFilters filter={filter} proxies={proxies} onChange={setFilter} />
      <LogHealthLine health={props.logHealth} />
      <p class="muted small" data-testid="showing">
        {t('diagShowing', String(shown.length), String(records.length))}
        {props.loadingMore && ` ${t('diagLoadingMore')}`}
      </p>
      <div class={selected ? 'log-and-details' : ''}>
        <LogTable
          records={shown}
          context={context}
          now={props.now}
          {...(selected?.id !== undefined ? { selectedId: selected.id } : {})}
          onSelect={setSelected}
        />
        {selected ? (
          <RecordDetails record={selected} context={context} onClose={() => setSelected(undefined)} />
        ) : (
          records.length > 0 && <p class="muted small">{t('diagNoSelection')}</p>
        )}
      </div>
    </section>
  );
}
