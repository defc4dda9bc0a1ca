import type { MessageKey } from '../../core/message-key';
import type { LogHealth } from '../../storage/event-log';
import { t } from '../shared/i18n';

/** The sentences for a log that is not all well, most pressing first; none when it is. */
export function describeLogHealth(health: LogHealth | undefined): [MessageKey, string][] {
  if (!health) return [];
  const lines: [MessageKey, string][] = [];
  if (health.lastError === 'VersionError') lines.push(['logHealthNewerDatabase', '']);
  else if (health.lastError !== undefined) lines.push(['logHealthFailing', health.lastError]);
  else if (health.failedBatches > 0) lines.push(['logHealthRecovered', String(health.failedBatches)]);
  if (health.dropped > 0) lines.push(['logHealthDropped', String(health.dropped)]);
  if (health.newerRecords) lines.push(['logHealthNewerRecords', String(health.newerRecords)]);
  return lines;
}

/** A short line near the log when writing it failed, records were lost, or some are from a newer version. */
export function LogHealthLine({ health }: { health?: LogHealth | undefined }) {
  const lines = describeLogHealth(health);
  if (lines.length === 0) return null;
  return (
    <p class="error small" role="status" data-testid="log-health">
      {lines.map(([key, value]) => t(key, value)).join(' ')}
    </p>
  );
}
