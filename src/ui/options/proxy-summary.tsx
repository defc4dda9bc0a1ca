import type { LastError, ProxySummary } from '../../core/log-summary';
import { formatAgo } from '../shared/format';
import { t } from '../shared/i18n';
import { OUTCOME_KEYS } from '../shared/message-keys';

/** The newest problem in words: the network error as the browser named it, the HTTP status, or what happened. */
function describeProblem(problem: LastError): string {
  const detail = problem.error ?? (problem.statusCode !== undefined ? t('summaryHttpStatus', String(problem.statusCode)) : undefined);
  // When our own decision explains the failure (cancelled, refused…), say that first.
  const ours =
    problem.outcome === 'answered-saved' || problem.outcome === 'answered-prompt' || problem.outcome === 'proxy-error'
      ? undefined
      : t(OUTCOME_KEYS[problem.outcome]);
  if (ours && detail) return `${ours} (${detail})`;
  return ours ?? detail ?? '';
}

export function ProxySummaryTable({ summaries, now }: { summaries: readonly ProxySummary[]; now: number }) {
  if (summaries.length === 0) return null;
  return (
    <table data-testid="proxy-summary" class="summary">
      <thead>
        <tr>
          <th>{t('summaryProxy')}</th>
          <th class="num">{t('summaryChallenges')}</th>
          <th class="num">{t('summaryAnsweredSilently')}</th>
          <th class="num">{t('summaryPrompts')}</th>
          <th class="num">{t('summaryRejections')}</th>
          <th class="num">{t('summaryEndedWell')}</th>
          <th>{t('summaryLastError')}</th>
        </tr>
      </thead>
      <tbody>
        {summaries.map((s) => (
          <tr key={s.proxy} data-proxy={s.proxy}>
            <td>
              <code>{s.proxy || t('diagProxyUnknown')}</code>
            </td>
            <td class="num">{s.challenges}</td>
            <td class="num">{s.answeredSilently}</td>
            <td class="num">{s.prompts}</td>
            <td class="num">{s.rejections}</td>
            <td class="num">{s.endedWellShare === undefined ? t('summaryUnknown') : `${Math.round(s.endedWellShare * 100)}%`}</td>
            <td>{s.lastError ? `${describeProblem(s.lastError)} · ${formatAgo(s.lastError.time, now)}` : t('summaryNone')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
