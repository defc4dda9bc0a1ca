import { diagnose, type CauseId, type DiagnosisContext } from './diagnose';
import type { LogRecord } from './log-record';
import { summariseByProxy } from './log-summary';
import { stripUrl } from './challenge';
import type { MessageKey } from './message-key';
import { redactUrlsIn } from './redact-url';

/** The page's `t`: the core names each line by key, only the page puts it into words. */
export type Translate = (key: MessageKey, ...substitutions: string[]) => string;

export interface ReportEnvironment {
  readonly now: number;
  readonly browser: string;
  readonly extensionVersion: string;
  /** How the browser is told to reach proxies, already in words (or "unknown" without the proxy permission). */
  readonly proxyMode: string;
}

/** How many failures per proxy the report lists. */
const RECENT_FAILURES = 10;

const FAILURE_CAUSES: ReadonlySet<CauseId> = new Set([
  'credentials-rejected',
  'proxy-unreachable',
  'tunnel-failed',
  'socks',
  'refused-after-auth',
  'strict-policy',
  'unsupported-scheme',
  'attempt-cap',
  'timed-out',
  'proxy-locked',
  'site-login-after-answer',
  'alias-host',
]);

/**
 * A plain-text report for a network administrator: per proxy, what it asked
 * for and what went wrong, with causes in words. Request URLs are cut to
 * their origin, and every URL in the text — the PAC URL in the proxy
 * setting, one quoted in an error — loses its user name, password, query
 * and fragment (redact-url.ts); records hold no password, and nothing here
 * adds one. Times, outcome ids and network errors stay as they are: the
 * administrator searches the proxy's logs for them.
 */
export function buildAdminReport(
  records: readonly LogRecord[],
  context: DiagnosisContext,
  env: ReportEnvironment,
  describeCause: (cause: CauseId) => string,
  t: Translate,
): string {
  const lines = [
    t('report_title'),
    t('report_generated', new Date(env.now).toISOString()),
    t('report_browser', env.browser),
    t('report_extension', env.extensionVersion),
    t('report_proxySetting', env.proxyMode),
    t('report_records', String(records.length)),
    '',
  ];
  if (records.length === 0) lines.push(t('report_noRecords'));
  for (const summary of summariseByProxy(records)) {
    const mine = records.filter((r) => r.proxy === summary.proxy);
    const schemes = [...new Set(mine.map((r) => r.scheme).filter(Boolean))].join(', ') || t('report_unknown');
    const realms = [...new Set(mine.map((r) => r.realm).filter(Boolean))].map((r) => `"${r}"`).join(', ') || t('report_none');
    const share = summary.endedWellShare === undefined ? t('report_unknown') : `${Math.round(summary.endedWellShare * 100)}%`;
    lines.push(
      t('report_proxy', summary.proxy || t('report_proxyNotReported')),
      `  ${t('report_schemeRealm', schemes, realms)}`,
      `  ${t('report_counts', String(summary.challenges), String(summary.answeredSilently), String(summary.prompts), String(summary.rejections))}`,
      `  ${t('report_endedWell', share)}`,
    );
    const failures = mine
      .map((r) => ({ r, d: diagnose(r, context) }))
      .filter(({ d }) => FAILURE_CAUSES.has(d.cause))
      .sort((a, b) => b.r.time - a.r.time)
      .slice(0, RECENT_FAILURES);
    if (failures.length > 0) lines.push(`  ${t('report_recentFailures')}`);
    for (const { r, d } of failures) {
      const result = r.final?.error ?? (r.final?.statusCode !== undefined ? `HTTP ${r.final.statusCode}` : t('report_noResult'));
      const url = stripUrl(r.url, 'origin') || t('report_noUrl');
      lines.push(`  - ${t('report_failure', new Date(r.time).toISOString(), r.method, url, r.outcome, result, describeCause(d.cause))}`);
    }
    lines.push('');
  }
  return redactUrlsIn(lines.join('\n').trimEnd()) + '\n';
}
