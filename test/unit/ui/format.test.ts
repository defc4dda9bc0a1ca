import { describe, expect, it } from 'vitest';
import { describeFinal, formatAgo, formatShortTime } from '../../../src/ui/shared/format';
import { makeRecord } from '../record-factory';

describe('formatAgo', () => {
  const now = 1_800_000_000_000;
  it('counts seconds, minutes, hours, then days', () => {
    expect(formatAgo(now - 5_000, now)).toBe('5 s ago');
    expect(formatAgo(now - 3 * 60_000, now)).toBe('3 min ago');
    expect(formatAgo(now - 5 * 3_600_000, now)).toBe('5 h ago');
    expect(formatAgo(now - 3 * 86_400_000, now)).toBe('3 days ago');
  });

  it('never says a time in the future', () => {
    expect(formatAgo(now + 10_000, now)).toBe('0 s ago');
  });
});

describe('formatShortTime', () => {
  it('gives the time alone for today and adds the date for another day', () => {
    const now = new Date(2027, 0, 15, 12, 0).getTime();
    expect(formatShortTime(new Date(2027, 0, 15, 9, 30).getTime(), now)).toBe(new Date(2027, 0, 15, 9, 30).toLocaleTimeString());
    expect(formatShortTime(new Date(2027, 0, 14, 9, 30).getTime(), now)).not.toBe(new Date(2027, 0, 14, 9, 30).toLocaleTimeString());
  });
});

describe('describeFinal', () => {
  it('gives the status code, else the network error, else nothing', () => {
    expect(describeFinal(makeRecord({ final: { statusCode: 403 } }))).toBe('403');
    expect(describeFinal(makeRecord({ final: { error: 'net::ERR_TUNNEL_CONNECTION_FAILED' } }))).toBe('net::ERR_TUNNEL_CONNECTION_FAILED');
    expect(describeFinal(makeRecord())).toBe('');
  });
});
