import type { ProxySummary } from '../../core/log-summary';
import { formatAgo } from '../shared/format';
import { t } from '../shared/i18n';

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
              <code>{s.proxy || '—'}</code>
            </td>
            <td class="num">{s.challenges}</td>
            <td class="num">{s.answeredSilently}</td>
            <td class="num">{s.prompts}</td>
            <td class="num">{s.rejections}</td>
            <td class="num">{s.endedWellShare === undefined ? t('summaryUnknown') : `${Math.round(s.endedWellShare * 100)}%`}</td>
            <td>{s.lastError ? `${s.lastError.text} · ${formatAgo(s.lastError.time, now)}` : t('summaryNone')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
