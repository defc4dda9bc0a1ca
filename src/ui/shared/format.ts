import type { LogRecord } from '../../core/log-record';
import { t } from './i18n';

/** "3 min ago"-style text for a past time, in the user's language. */
export function formatAgo(time: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - time) / 1000));
  if (seconds < 60) return t('agoSeconds', String(seconds));
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return t('agoMinutes', String(minutes));
  const hours = Math.round(minutes / 60);
  if (hours < 48) return t('agoHours', String(hours));
  return t('agoDays', String(Math.round(hours / 24)));
}

export function formatTime(time: number): string {
  return new Date(time).toLocaleString();
}

/** A compact time for table rows: the time alone for today, else the date and the time. */
export function formatShortTime(time: number, now: number): string {
  const d = new Date(time);
  if (d.toDateString() === new Date(now).toDateString()) return d.toLocaleTimeString();
  return d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** The request's final result as a short text: the status code or the network error. */
export function describeFinal(record: LogRecord): string {
  if (!record.final) return '';
  if (record.final.statusCode !== undefined) return String(record.final.statusCode);
  return record.final.error ?? '';
}
