import type { LogRecord } from '../../core/log-record';
import type { ChangeNotice } from '../../messaging/events-channel';
import type { SendMessage } from '../../messaging/send-message';

/**
 * How a page reaches the background. Each page's main.tsx passes the real
 * functions; tests pass an in-memory background, so the page's wiring runs
 * without a browser.
 */
export interface BackgroundSeam {
  readonly send: SendMessage;
  /** The newest log records, newest first (read straight from IndexedDB, not through the background). */
  readonly readRecentRecords: (limit: number) => Promise<LogRecord[]>;
  /** Calls back on every change notice; returns a function that stops listening. */
  readonly onChange: (listener: (notice: ChangeNotice) => void) => () => void;
}
