import type { LogRecord } from '../../src/core/log-record';

let next = 1;

/** A log record with sensible defaults; tests override what they are about. */
export function makeRecord(overrides: Partial<LogRecord> = {}): LogRecord {
  return {
    id: next++,
    time: 1_800_000_000_000,
    requestId: 'r1',
    proxy: 'proxy.example:3128',
    scheme: 'basic',
    realm: 'Office',
    url: 'http://site.test/page',
    method: 'GET',
    type: 'main_frame',
    tabId: 1,
    attempt: 1,
    outcome: 'answered-saved',
    ...overrides,
  };
}
