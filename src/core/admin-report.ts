import { diagnose, type CauseId, type DiagnosisContext } from './diagnose';
import type { LogRecord } from './log-record';
import { summariseByProxy } from './log-summary';
import { stripUrl } from './challenge';

export interface ReportEnvironment {
  readonly now: number;
  readonly browser: string;
  readonly extensionVersion: string;
  /** How the browser is told to reach proxies, in words (or "unknown" without the proxy permission). */
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
  'alias-host',
]);

/**
 * A plain-text report for a network administrator: per proxy, what it asked
 * for and what went wrong, with causes in words. URLs are cut to their
 * origin; records hold no password, and nothing here adds one.
 */
export function buildAdminReport(
  records: readonly LogRecord[],
  context: DiagnosisContext,
  env: ReportEnvironment,
  describeCause: (cause: CauseId) => string,
): string {
  const lines = [
    'Proxy Keyring — proxy authentication report',
    `Generated: ${new Date(env.now).toISOString()}`,
    `Browser: ${env.browser}`,
    `Extension: Proxy Keyring ${env.extensionVersion}`,
    `Browser proxy setting: ${env.proxyMode}`,
    `Records: ${records.length}`,
    '',
  ];
  if (records.length === 0) lines.push('No proxy challenge has been recorded.');
  for (const summary of summariseByProxy(records)) {
    const mine = records.filter((r) => r.proxy === summary.proxy);
    const schemes = [...new Set(mine.map((r) => r.scheme).filter(Boolean))].join(', ') || 'unknown';
    const realms = [...new Set(mine.map((r) => r.realm).filter(Boolean))].map((r) => `"${r}"`).join(', ') || 'none';
    lines.push(
      `Proxy ${summary.proxy || '(not reported by the browser)'}`,
      `  Scheme: ${schemes}; realm: ${realms}`,
      `  Challenges: ${summary.challenges}; answered silently: ${summary.answeredSilently}; prompts: ${summary.prompts}; rejected credentials: ${summary.rejections}`,
      `  Requests that ended well: ${summary.endedWellShare === undefined ? 'unknown' : `${Math.round(summary.endedWellShare * 100)}%`}`,
    );
    const failures = mine
      .map((r) => ({ r, d: diagnose(r, context) }))
      .filter(({ d }) => FAILURE_CAUSES.has(d.cause))
      .sort((a, b) => b.r.time - a.r.time)
      .slice(0, RECENT_FAILURES);
    if (failures.length > 0) lines.push('  Recent failures:');
    for (const { r, d } of failures) {
      const result = r.final?.error ?? (r.final?.statusCode !== undefined ? `HTTP ${r.final.statusCode}` : 'no result');
      lines.push(
        `  - ${new Date(r.time).toISOString()} ${r.method} ${stripUrl(r.url, 'origin') || '(no URL)'} — ${r.outcome}, ${result}: ${describeCause(d.cause)}`,
      );
    }
    lines.push('');
  }
  return lines.join('\n').trimEnd() + '\n';
}
